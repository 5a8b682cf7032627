from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from audit.models import Action
from audit.services import record
from core.viewsets import VersionField
from orgs.api.serializers import OrganizationRef

from .. import masking
from ..choices import PartyStatus
from ..identity import InvalidIdentity, normalise_mobile
from ..models import Membership, Person


class Reveal:
    """Which people's sensitive fields (Person.sensitive_fields) one response may show unmasked, and
    which it did show. A page is decided with one query per field, never one per row; a single record
    is decided in Python by user.can()."""

    def __init__(self, user):
        self.user = user
        self.primed = set()
        self.allowed = {field: set() for field in Person.sensitive_fields}
        self.shown = {}

    def prime(self, people):
        pks = [p.pk for p in people if p.pk not in self.primed]
        if not pks:
            return
        self.primed.update(pks)
        for field, action in Person.sensitive_fields.items():
            q = self.user.scope_q(Person, action)
            if q is None:
                continue
            if not q:  # an installation-wide role: everything
                self.allowed[field].update(pks)
            else:
                allowed = Person.objects.restrict(self.user, action).filter(pk__in=pks)
                self.allowed[field].update(allowed.values_list("pk", flat=True))

    def may_see(self, person, field):
        if person.pk in self.primed:
            return person.pk in self.allowed[field]
        return self.user.can(Person.sensitive_fields[field], person)

    def value(self, person, field):
        raw = getattr(person, field)
        if raw and self.may_see(person, field):
            self.shown.setdefault(person.pk, []).append(field)
            return raw
        return masking.masked(person, field)

    def log(self, where):
        """One audit entry for everything this response showed unmasked (RULES.md: every unmasked view
        is logged)."""
        if not self.shown:
            return None
        labels = {f: str(Person._meta.get_field(f).verbose_name) for f in Person.sensitive_fields}
        fields = sorted({f for fs in self.shown.values() for f in fs}, key=list(labels).index)
        ids = sorted(self.shown)
        single = len(ids) == 1
        return record(self.user, Action.REVEAL, model="members.person", object_id=ids[0] if single else "",
                      object_repr=f"人员 {ids[0]}" if single else f"{len(ids)} 名人员",
                      after={"person_ids": ids, "fields": fields},
                      note=f"{where}查看{'、'.join(labels[f] for f in fields)}")


class PersonListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        reveal = self.context.get("reveal")
        if reveal is not None:
            reveal.prime(items)
        return super().to_representation(items)


class PersonSerializer(serializers.ModelSerializer):
    """身份证号、手机号码按调用者的角色脱敏；返回明文时记录审计日志。"""

    id_number = serializers.CharField(read_only=True, label=gettext_lazy("身份证号"),
                                      help_text=gettext_lazy("无权查看时脱敏：4***************X"))
    mobile = serializers.CharField(read_only=True, label=gettext_lazy("手机号码"),
                                   help_text=gettext_lazy("无权查看时脱敏：138****5678"))
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("所在组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("所在组织名称"))

    class Meta:
        model = Person
        list_serializer_class = PersonListSerializer
        fields = ["id", "name", "name_initials", "name_pinyin", "gender", "ethnicity", "birth_date", "id_number",
                  "mobile", "education", "category", "title", "cadre_level", "party_status", "status_since",
                  "organization", "organization_code", "organization_name", "note", "version", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        reveal = self.context.get("reveal")
        for field in Person.sensitive_fields:
            data[field] = reveal.value(instance, field) if reveal else masking.masked(instance, field)
        return data


PERSON_FIELDS = ["name", "id_number", "gender", "birth_date", "ethnicity", "mobile", "education", "category",
                 "title", "cadre_level"]
OPTIONAL = {"gender": {"required": False, "allow_blank": True},
            "birth_date": {"required": False, "allow_null": True,
                           "help_text": gettext_lazy("可留空，自动取身份证号中的出生日期")}}


class MobileInput:
    """RULES.md: a mainland mobile number is accepted with spaces, dashes and a leading +86 (the model keeps
    its 11 digits), so the input may be longer than the stored value."""

    def validate_mobile(self, value):
        if self.instance is not None and value == masking.masked(self.instance, "mobile"):
            return value  # the masked value sent back unchanged: validate() leaves the number as it is
        try:
            return normalise_mobile(value)
        except InvalidIdentity as exc:
            raise serializers.ValidationError(str(exc)) from None


MOBILE_INPUT = {"max_length": 20}


class PersonCreateSerializer(MobileInput, serializers.ModelSerializer):
    organization = OrganizationRef(label=gettext_lazy("所在党组织"))
    joined_on = serializers.DateField(required=False, label=gettext_lazy("转入/建档日期"),
                                      help_text=gettext_lazy("组织关系自此日期起生效，默认为今天"))

    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "party_status", "status_since", "organization", "joined_on", "note"]
        extra_kwargs = {**OPTIONAL, "mobile": MOBILE_INPUT}

    def validate_id_number(self, value):
        return value.strip().upper()


class PersonUpdateSerializer(MobileInput, serializers.ModelSerializer):
    """Organisation and party status change through the transfer and status actions, which keep history.
    A masked value sent back unchanged is ignored; a sensitive field the caller may not see cannot be
    overwritten."""

    version = VersionField()

    class Meta:
        model = Person
        fields = [*PERSON_FIELDS, "note", "version"]
        extra_kwargs = {**OPTIONAL, "id_number": {"required": False}, "mobile": {"required": False, **MOBILE_INPUT}}

    def validate(self, attrs):
        person, user = self.instance, self.context["request"].user
        for field, action in Person.sensitive_fields.items():
            if field not in attrs:
                continue
            value, current = attrs[field], getattr(person, field)
            if field == "id_number":
                value = attrs[field] = value.strip().upper()
            if value == current:
                continue
            if value == masking.masked(person, field):
                attrs.pop(field)
            elif not user.can(action, person):
                label = Person._meta.get_field(field).verbose_name
                raise serializers.ValidationError({field: _("您无权查看该人员的%(field)s，不能修改") % {
                    "field": label}})
        return attrs


class TransferSerializer(serializers.Serializer):
    to_organization = OrganizationRef(label=gettext_lazy("转入组织"))
    on_date = serializers.DateField(label=gettext_lazy("转接日期"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                 label=gettext_lazy("说明"))
    version = VersionField()


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PartyStatus.choices, label=gettext_lazy("新的政治面貌"))
    on_date = serializers.DateField(label=gettext_lazy("变动日期"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="",
                                 label=gettext_lazy("说明"))
    version = VersionField()


class MembershipSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label=gettext_lazy("姓名"))
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))

    class Meta:
        model = Membership
        fields = ["id", "person", "person_name", "organization", "organization_code", "organization_name",
                  "valid_from", "valid_to", "note", "version"]
        read_only_fields = fields
