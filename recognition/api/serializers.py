"""Serializers of the recognition API (/api/brand-projects/, /api/model-branch-batches/, /api/model-branches/,
/api/honors/, /api/role-models/): one read serializer per resource (every write answers with the record as it
now stands) and input serializers per action. Related records are ids the caller can see; anything else is
'not found', whether it exists or not."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.viewsets import ScopedPrimaryKey, VersionField
from members.models import Person
from orgs.api.serializers import OrganizationRef

from ..choices import COLLECTIVE, BrandLevel, Evaluation, HonorKind, HonorLevel
from ..models import BrandProject, Honor, ModelBranch, ModelBranchBatch, RoleModel


def org_ref(label, **kwargs):
    return OrganizationRef(label=label, help_text=gettext_lazy("组织编号或组织代码"), **kwargs)


class OrgNames(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))


# --- brands ----------------------------------------------------------------------------------------

class BrandProjectSerializer(OrgNames):
    class Meta:
        model = BrandProject
        fields = ["id", "level", "organization", "organization_code", "organization_name", "name", "description",
                  "started_on", "ends_on", "status", "approved_on", "evaluated_on", "evaluation", "evaluation_note",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class BrandCreateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=BrandLevel.choices, label=gettext_lazy("层级"))
    organization = org_ref(gettext_lazy("建设组织"))
    name = serializers.CharField(max_length=200, label=gettext_lazy("项目名称"))
    description = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("项目内容"))
    started_on = serializers.DateField(label=gettext_lazy("建设开始日期"))
    ends_on = serializers.DateField(required=False, allow_null=True, default=None, label=gettext_lazy("建设结束日期"))


class BrandUpdateSerializer(BrandCreateSerializer):
    version = VersionField()


class BrandActionInput(serializers.Serializer):
    on_date = serializers.DateField(label=gettext_lazy("日期"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("意见"))
    version = VersionField()


class BrandEvaluateInput(BrandActionInput):
    evaluation = serializers.ChoiceField(choices=Evaluation.choices, label=gettext_lazy("评估结果"))


# --- model branches --------------------------------------------------------------------------------

class BatchSerializer(OrgNames):
    class Meta:
        model = ModelBranchBatch
        fields = ["id", "organization", "organization_code", "organization_name", "name", "year", "note",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class BatchCreateSerializer(serializers.Serializer):
    organization = org_ref(gettext_lazy("组织单位"))
    name = serializers.CharField(max_length=100, label=gettext_lazy("批次名称"))
    year = serializers.IntegerField(min_value=1921, max_value=9999, label=gettext_lazy("启动年度"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("说明"))

    def validate(self, attrs):
        # The unique (organisation, name) pair, told in words rather than left to the database.
        org, name = attrs.get("organization"), attrs.get("name")
        if org is not None and ModelBranchBatch.objects.filter(  # scope: a name clash in a visible organisation
                organization=org, name=name).exists():
            raise serializers.ValidationError({"name": [_("该组织已有同名批次")]})
        return attrs


class BatchUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, label=gettext_lazy("批次名称"))
    year = serializers.IntegerField(min_value=1921, max_value=9999, label=gettext_lazy("启动年度"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("说明"))
    version = VersionField()

    def validate(self, attrs):
        name = attrs.get("name")
        if name and self.instance is not None and ModelBranchBatch.objects.filter(  # scope: same organisation
                organization_id=self.instance.organization_id, name=name).exclude(pk=self.instance.pk).exists():
            raise serializers.ValidationError({"name": [_("该组织已有同名批次")]})
        return attrs


class ModelBranchSerializer(serializers.ModelSerializer):
    batch_name = serializers.CharField(source="batch.name", read_only=True, label=gettext_lazy("批次名称"))
    branch_code = serializers.CharField(source="branch.code", read_only=True, label=gettext_lazy("组织代码"))
    branch_name = serializers.CharField(source="branch.name", read_only=True, label=gettext_lazy("党支部名称"))

    class Meta:
        model = ModelBranch
        fields = ["id", "batch", "batch_name", "branch", "branch_code", "branch_name", "stage", "plan", "applied_on",
                  "approved_on", "midterm_on", "midterm_note", "accepted_on", "acceptance_note", "version",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ModelBranchCreateSerializer(serializers.Serializer):
    batch = ScopedPrimaryKey(ModelBranchBatch, label=gettext_lazy("批次（编号）"))
    branch = org_ref(gettext_lazy("党支部"))
    applied_on = serializers.DateField(label=gettext_lazy("申报日期"))
    plan = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("创建方案"))


class StageInput(serializers.Serializer):
    passed = serializers.BooleanField(label=gettext_lazy("是否通过"))
    on_date = serializers.DateField(label=gettext_lazy("日期"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("意见"))
    version = VersionField()


class AcceptInput(StageInput):
    honor_level = serializers.ChoiceField(choices=HonorLevel.choices, required=False, default=HonorLevel.UNIVERSITY,
                                          label=gettext_lazy("荣誉级别"),
                                          help_text=gettext_lazy("验收通过时命名样板支部的荣誉级别"))


# --- honours and role models -----------------------------------------------------------------------

class HonorSerializer(OrgNames):
    person_name = serializers.CharField(source="person.name", read_only=True, allow_null=True, default=None,
                                        label=gettext_lazy("获奖个人姓名"))

    class Meta:
        model = Honor
        fields = ["id", "kind", "level", "title", "year", "awarded_on", "issuer", "organization",
                  "organization_code", "organization_name", "person", "person_name", "model_branch", "note",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields


class HonorWriteFields(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HonorKind.choices, label=gettext_lazy("荣誉类别"))
    level = serializers.ChoiceField(choices=HonorLevel.choices, label=gettext_lazy("荣誉级别"))
    title = serializers.CharField(max_length=200, label=gettext_lazy("荣誉名称"))
    year = serializers.IntegerField(min_value=1921, max_value=9999, label=gettext_lazy("年度"))
    awarded_on = serializers.DateField(required=False, allow_null=True, default=None, label=gettext_lazy("授予日期"))
    issuer = serializers.CharField(max_length=100, label=gettext_lazy("授予单位"))
    organization = org_ref(gettext_lazy("获奖组织"), required=False, allow_null=True, default=None)
    person = ScopedPrimaryKey(Person, required=False, allow_null=True, default=None,
                              label=gettext_lazy("获奖个人（人员编号）"),
                              help_text=gettext_lazy("个人荣誉必填；获奖组织取其获奖时所在党组织"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("备注"))

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        org = attrs["organization"] if "organization" in attrs else getattr(self.instance, "organization", None)
        if kind in COLLECTIVE and org is None:
            raise serializers.ValidationError({"organization": [_("集体荣誉请选择获奖组织")]})
        return attrs


class HonorCreateSerializer(HonorWriteFields):
    pass


class HonorUpdateSerializer(HonorWriteFields):
    version = VersionField()


class RoleModelSerializer(OrgNames):
    person_name = serializers.CharField(source="person.name", read_only=True, label=gettext_lazy("姓名"))

    class Meta:
        model = RoleModel
        fields = ["id", "person", "person_name", "organization", "organization_code", "organization_name", "year",
                  "title", "deeds", "honor", "version", "created_at", "updated_at"]
        read_only_fields = fields


class RoleModelCreateSerializer(serializers.Serializer):
    person = ScopedPrimaryKey(Person, label=gettext_lazy("党员（人员编号）"),
                              help_text=gettext_lazy("所在党组织取其选树年度末的组织关系"))
    year = serializers.IntegerField(min_value=1921, max_value=9999, label=gettext_lazy("选树年度"))
    title = serializers.CharField(max_length=100, label=gettext_lazy("榜样称号"))
    deeds = serializers.CharField(label=gettext_lazy("典型事迹"))
    honor = ScopedPrimaryKey(Honor, required=False, allow_null=True, default=None,
                             label=gettext_lazy("相关荣誉（编号）"))


class RoleModelUpdateSerializer(RoleModelCreateSerializer):
    version = VersionField()
