"""Serializers of /api/liaisons/, /api/branch-visits/ and /api/visit-problems/: one read serializer per
resource (every write answers with the record as it now stands) and input serializers per action. Related
records are ids the caller can see; anything else is 'not found', whether it exists or not."""
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.viewsets import ScopedPrimaryKey, VersionField
from ledgers.models import Ledger
from members.models import Person
from orgs.api.serializers import OrganizationRef

from ..models import BranchVisit, Liaison, Problem


def branch_ref(label):
    return OrganizationRef(label=label, help_text=gettext_lazy("组织编号或组织代码"))


# --- liaisons --------------------------------------------------------------------------------------

class LiaisonSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True, label=gettext_lazy("联系领导姓名"))
    branch_code = serializers.CharField(source="branch.code", read_only=True, label=gettext_lazy("组织代码"))
    branch_name = serializers.CharField(source="branch.name", read_only=True, label=gettext_lazy("党支部名称"))

    class Meta:
        model = Liaison
        fields = ["id", "leader", "leader_name", "branch", "branch_code", "branch_name", "valid_from", "valid_to",
                  "note", "version", "created_at", "updated_at"]
        read_only_fields = fields


class LiaisonCreateSerializer(serializers.Serializer):
    leader = ScopedPrimaryKey(Person, label=gettext_lazy("联系领导（人员编号）"),
                              help_text=gettext_lazy("中层及以上领导干部，且为党员"))
    branch = branch_ref(gettext_lazy("联系党支部"))
    valid_from = serializers.DateField(label=gettext_lazy("联系开始日期"))
    valid_to = serializers.DateField(required=False, allow_null=True, default=None,
                                     label=gettext_lazy("联系结束日期"),
                                     help_text=gettext_lazy("不含当日；空表示仍在联系"))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 label=gettext_lazy("备注"))


class LiaisonUpdateSerializer(LiaisonCreateSerializer):
    version = VersionField()


class EndInput(serializers.Serializer):
    valid_to = serializers.DateField(label=gettext_lazy("联系结束日期"), help_text=gettext_lazy("不含当日"))
    version = VersionField()


# --- visits and problems ---------------------------------------------------------------------------

class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "visit", "description", "status", "task", "resolved_on", "resolution", "version"]
        read_only_fields = fields


class VisitProblemSerializer(ProblemSerializer):
    branch = serializers.IntegerField(source="visit.branch_id", read_only=True, label=gettext_lazy("党支部编号"))
    visited_on = serializers.DateField(source="visit.visited_on", read_only=True, label=gettext_lazy("走访日期"))

    class Meta(ProblemSerializer.Meta):
        fields = ["id", "visit", "branch", "visited_on", "description", "status", "task", "resolved_on",
                  "resolution", "version", "created_at", "updated_at"]
        read_only_fields = fields


class BranchVisitSerializer(serializers.ModelSerializer):
    branch_code = serializers.CharField(source="branch.code", read_only=True, label=gettext_lazy("组织代码"))
    branch_name = serializers.CharField(source="branch.name", read_only=True, label=gettext_lazy("党支部名称"))
    leaders = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=gettext_lazy("走访领导（人员编号）"))
    problems = ProblemSerializer(many=True, read_only=True, label=gettext_lazy("发现问题"))

    class Meta:
        model = BranchVisit
        fields = ["id", "branch", "branch_code", "branch_name", "visited_on", "leaders", "heard", "findings",
                  "problems", "version", "created_at", "updated_at"]
        read_only_fields = fields


class VisitWriteFields(serializers.Serializer):
    branch = branch_ref(gettext_lazy("走访党支部"))
    visited_on = serializers.DateField(label=gettext_lazy("走访日期"))
    heard = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("听取情况"))
    findings = serializers.CharField(required=False, allow_blank=True, default="",
                                     label=gettext_lazy("发现问题（概述）"))


class VisitCreateSerializer(VisitWriteFields):
    leaders = ScopedPrimaryKey(Person, many=True, label=gettext_lazy("走访领导（人员编号）"))
    problems = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list,
                                     label=gettext_lazy("发现的问题（每项一条）"))


class VisitUpdateSerializer(VisitWriteFields):
    """`leaders`, when given, replaces the visit's; left out, they stay."""

    leaders = ScopedPrimaryKey(Person, many=True, required=False, label=gettext_lazy("走访领导（人员编号）"))
    version = VersionField()


class ProblemInput(serializers.Serializer):
    description = serializers.CharField(label=gettext_lazy("问题"))


class ResolveInput(serializers.Serializer):
    resolution = serializers.CharField(label=gettext_lazy("整改情况"))
    resolved_on = serializers.DateField(label=gettext_lazy("整改完成日期"))
    version = VersionField()


class ReopenInput(serializers.Serializer):
    version = VersionField()


class ToTaskInput(serializers.Serializer):
    ledger = ScopedPrimaryKey(Ledger, label=gettext_lazy("台账（编号）"))
    owner = branch_ref(gettext_lazy("责任单位"))
    deadline = serializers.DateField(label=gettext_lazy("完成时限"))
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                  label=gettext_lazy("任务"), help_text=gettext_lazy("留空时用问题的描述"))
    version = VersionField()
