"""Serializers of /api/ledgers/ and /api/tasks/: one read serializer per resource (every write answers with
the record as it now stands) and input serializers per action. Related records are ids the caller can see;
anything else is 'not found', whether it exists or not."""
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.viewsets import ScopedPrimaryKey, VersionField
from members.models import Person
from orgs.api.serializers import OrganizationRef

from ..models import Directive, Ledger, Milestone, Section, Task

# --- ledgers ---------------------------------------------------------------------------------------

class LedgerSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))

    class Meta:
        model = Ledger
        fields = ["id", "kind", "name", "organization", "organization_code", "organization_name", "year",
                  "description", "version", "created_at", "updated_at"]
        read_only_fields = fields


class LedgerCreateSerializer(serializers.ModelSerializer):
    organization = OrganizationRef(label=gettext_lazy("主管组织"), help_text=gettext_lazy("组织编号或组织代码"))
    year = serializers.IntegerField(min_value=1900, max_value=9999, label=gettext_lazy("年度"))

    class Meta:
        model = Ledger
        fields = ["kind", "name", "organization", "year", "description"]


class LedgerUpdateSerializer(LedgerCreateSerializer):
    version = VersionField()

    class Meta:
        model = Ledger
        fields = ["kind", "name", "organization", "year", "description", "version"]


# --- tasks -----------------------------------------------------------------------------------------

class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    ledger_name = serializers.CharField(source="ledger.name", read_only=True, label=gettext_lazy("台账名称"))
    owner_code = serializers.CharField(source="owner.code", read_only=True, label=gettext_lazy("责任单位代码"))
    owner_name = serializers.CharField(source="owner.name", read_only=True, label=gettext_lazy("责任单位名称"))
    co_owners = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=gettext_lazy("协办单位编号"))
    leaders = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=gettext_lazy("责任领导（人员编号）"))
    milestones = MilestoneSerializer(many=True, read_only=True, label=gettext_lazy("时间节点"))
    is_overdue = serializers.SerializerMethodField(label=gettext_lazy("已逾期"))

    class Meta:
        model = Task
        fields = ["id", "ledger", "ledger_name", "parent", "number", "order", "title", "description", "directive",
                  "section", "owner", "owner_code", "owner_name", "co_owners", "leaders", "assigned_on", "deadline",
                  "status", "is_overdue", "completion_note", "submitted_on", "completed_on", "verified_on",
                  "milestones", "version", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_overdue(self, obj):
        # Derived, never stored: open work past its deadline.
        return obj.is_overdue(timezone.localdate())


class MilestoneInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=gettext_lazy("节点"))
    due_on = serializers.DateField(label=gettext_lazy("节点时限"))
    done_on = serializers.DateField(required=False, allow_null=True, default=None, label=gettext_lazy("完成日期"))


def organization_ref(label):
    return OrganizationRef(label=label, help_text=gettext_lazy("组织编号或组织代码"))


class TaskWriteFields(serializers.Serializer):
    """What the manager defines; the services check every rule (owner inside the manager's organisation,
    deadlines, milestones within the task's dates)."""

    title = serializers.CharField(max_length=500, label=gettext_lazy("任务"))
    description = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("任务要求"))
    owner = organization_ref(gettext_lazy("责任单位"))
    co_owners = serializers.ListField(child=organization_ref(gettext_lazy("协办单位")), required=False,
                                      label=gettext_lazy("协办单位"))
    leaders = ScopedPrimaryKey(Person, many=True, required=False, label=gettext_lazy("责任领导（人员编号）"))
    deadline = serializers.DateField(label=gettext_lazy("完成时限"))
    assigned_on = serializers.DateField(required=False, label=gettext_lazy("下达日期"),
                                        help_text=gettext_lazy("留空为今天"))
    directive = ScopedPrimaryKey(Directive, required=False, allow_null=True,
                                 label=gettext_lazy("落实的指示批示或决策部署（编号）"))
    section = ScopedPrimaryKey(Section, required=False, allow_null=True, label=gettext_lazy("所属章节（编号）"))
    number = serializers.CharField(max_length=30, required=False, allow_blank=True,
                                   label=gettext_lazy("序号"), help_text=gettext_lazy("留空时自动编号，子任务如 1.1"))
    milestones = MilestoneInput(many=True, required=False, label=gettext_lazy("时间节点"))


class TaskCreateSerializer(TaskWriteFields):
    ledger = ScopedPrimaryKey(Ledger, label=gettext_lazy("台账（编号）"))
    parent = ScopedPrimaryKey(Task, required=False, allow_null=True, label=gettext_lazy("上级任务（编号）"),
                              help_text=gettext_lazy("分解子任务时填写：由上级任务的责任单位分解给其下级组织"))


class TaskUpdateSerializer(TaskWriteFields):
    """`co_owners`, `leaders` and `milestones`, when given, replace the task's; left out, they stay."""

    version = VersionField()


class ProgressInput(serializers.Serializer):
    text = serializers.CharField(label=gettext_lazy("进展情况"))
    written_on = serializers.DateField(required=False, allow_null=True, default=None, label=gettext_lazy("日期"),
                                       help_text=gettext_lazy("留空为今天"))


class SubmitInput(serializers.Serializer):
    completion_note = serializers.CharField(label=gettext_lazy("完成情况"))
    version = VersionField()


class VerifyInput(serializers.Serializer):
    version = VersionField()


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(label=gettext_lazy("理由"))
    version = VersionField()
