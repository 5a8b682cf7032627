from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import VersionedModel
from core.scoping import ScopedQuerySet
from orgs.choices import TEACHER_LED, Kind
from orgs.models import Organization

from .choices import CadreLevel, Category, DualLeaderBasis, Education, Gender, PartyStatus, Post
from .identity import InvalidIdentity, normalise_mobile, parse_id_number
from .pinyin import name_keys


class Person(VersionedModel):
    """Anyone in the system: members, applicants, leaders, trainees.

    `organization` is the organisation that keeps the record: for members it follows the open
    Membership (members.services keeps them together); it is what restrict() scopes people by.
    """

    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=50, db_index=True, editable=False)
    name_pinyin = models.CharField(_("姓名全拼"), max_length=200, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    category = models.CharField(_("人员类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("职称/职务"), max_length=50, blank=True)
    cadre_level = models.CharField(_("干部层级"), max_length=10, choices=CadreLevel.choices, default=CadreLevel.NONE)
    party_status = models.CharField(_("政治面貌"), max_length=20, choices=PartyStatus.choices,
                                    default=PartyStatus.NONE)
    status_since = models.DateField(_("当前面貌起始日期"), null=True, blank=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people",
                                     verbose_name=_("所在党组织"))
    note = models.TextField(_("备注"), blank=True)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path
    scope_person_field = "id"
    # Sensitive fields: masked unless the viewer's role grants the matching action.
    sensitive_fields = {"id_number": "view_id_number", "mobile": "view_mobile"}

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("plural", "人员")
        ordering = ["organization__path", "name_pinyin", "id"]
        indexes = [models.Index(fields=["organization", "party_status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("members:person_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Birth date and gender may be left blank: they come from the ID number, before field checks.
        try:
            _value, birth, gender = parse_id_number(self.id_number)
            self.birth_date = self.birth_date or birth
            self.gender = self.gender or gender
        except InvalidIdentity:
            pass  # clean() reports it
        # Phones typed as "+86 139-0000-2222" are stored as their 11 digits: normalise before the length check.
        try:
            self.mobile = normalise_mobile(self.mobile)
        except InvalidIdentity:
            pass  # clean() reports it
        super().clean_fields(exclude)

    def clean(self):
        errors = {}
        try:
            self.id_number, birth, gender = parse_id_number(self.id_number)
            if self.birth_date and self.birth_date != birth:
                errors["birth_date"] = _("出生日期与身份证号不一致")
            if self.gender and self.gender != gender:
                errors["gender"] = _("性别与身份证号不一致")
            self.birth_date = self.birth_date or birth
            self.gender = self.gender or gender
        except InvalidIdentity as exc:
            errors["id_number"] = str(exc)
        try:
            self.mobile = normalise_mobile(self.mobile)
        except InvalidIdentity as exc:
            errors["mobile"] = str(exc)
        if self.status_since and self.status_since > date.today():
            errors["status_since"] = _("日期不能晚于今天")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.name_initials, self.name_pinyin = name_keys(self.name)
        super().save(*args, **kwargs)

    @property
    def is_member(self):
        return self.party_status in (PartyStatus.PROBATIONARY, PartyStatus.FULL)


class StatusChange(models.Model):
    """One change of party status, with its date. Never edited: the history of a person's status."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("人员"))
    status = models.CharField(_("政治面貌"), max_length=20, choices=PartyStatus.choices)
    changed_on = models.DateField(_("变动日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政治面貌变动")
        verbose_name_plural = pgettext_lazy("plural", "政治面貌变动")
        ordering = ["person", "changed_on", "id"]

    def __str__(self):
        return f"{self.person} {self.get_status_display()} {self.changed_on}"


class MembershipQuerySet(ScopedQuerySet):
    def on(self, day):
        """Memberships in force on `day`: valid_from <= day < valid_to (valid_to is exclusive)."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day), valid_from__lte=day)


class Membership(VersionedModel):
    """组织关系: the person belonged to the organisation from valid_from until valid_to (exclusive).
    Moving a member closes the open row and opens a new one; rows are never overwritten."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("人员"))
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships",
                                     verbose_name=_("党组织"))
    valid_from = models.DateField(_("转入日期"))
    valid_to = models.DateField(_("转出日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    objects = MembershipQuerySet.as_manager()

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("组织关系")
        verbose_name_plural = pgettext_lazy("plural", "组织关系")
        ordering = ["person", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(valid_to__isnull=True),
                                    name="membership_one_open_per_person"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                                   name="membership_valid_range"),
        ]
        indexes = [models.Index(fields=["organization", "valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.person} @ {self.organization}"

    def get_absolute_url(self):
        return self.person.get_absolute_url() + "?tab=memberships"


class CommitteeSeat(VersionedModel):
    """支委: a post on an organisation's committee, held by a person from one date to another.

    Lives in members, not orgs, because it points at a Person (orgs sits below members)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="seats",
                                     verbose_name=_("党组织"))
    post = models.CharField(_("职务"), max_length=20, choices=Post.choices)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="seats", verbose_name=_("任职人"))
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)
    is_dual_leader = models.BooleanField(_("双带头人"), default=False)
    dual_leader_basis = models.CharField(_("双带头人依据"), max_length=20, choices=DualLeaderBasis.choices, blank=True)
    dual_leader_note = models.CharField(_("学术职务与职称"), max_length=100, blank=True,
                                        help_text=_("如：教授、博士生导师、学科带头人"))

    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    scope_person_field = "person_id"

    class Meta:
        verbose_name = _("委员职务")
        verbose_name_plural = pgettext_lazy("plural", "委员职务")
        ordering = ["organization", "post", "-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "post"],
                                    condition=Q(ended_on__isnull=True) & Q(post="secretary"),
                                    name="seat_one_current_secretary"),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_post_display()} {self.person}"

    def get_absolute_url(self):
        return self.organization.get_absolute_url() + "?tab=committee"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("离任日期不能早于任职日期")})
        if self.is_dual_leader and self.post != Post.SECRETARY:
            raise ValidationError({"is_dual_leader": _("“双带头人”只标记在支部书记上")})
        if self.is_dual_leader and self.organization_id and (
                self.organization.kind != Kind.BRANCH or self.organization.composition not in TEACHER_LED):
            raise ValidationError({"is_dual_leader": _("“双带头人”只标记在教师党支部（含师生联合党支部）书记上，"
                                                       "“%(org)s”不是教师党支部") % {"org": self.organization}})
        if self.is_dual_leader and not self.dual_leader_basis:
            raise ValidationError({"dual_leader_basis": _("请选择“双带头人”的依据（学术职务或职称）")})
        if not self.is_dual_leader and (self.dual_leader_basis or self.dual_leader_note):
            self.dual_leader_basis, self.dual_leader_note = "", ""
