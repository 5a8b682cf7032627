"""Serializers of /api/matters/ and /api/branch-opinions/: one read serializer per resource (every write
answers with the record as it now stands) and input serializers per action. Related records are ids the
caller can see; anything else is 'not found', whether it exists or not."""
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.viewsets import ScopedPrimaryKey, VersionField
from meetings.models import Meeting
from members.models import Person
from orgs.api.serializers import OrganizationRef
from orgs.models import Unit

from ..choices import Category, DecisionOutcome, Opinion, ReviewOutcome
from ..models import BranchOpinion, Decision, Matter, PreReview


class PreReviewSerializer(serializers.ModelSerializer):
    held_on = serializers.DateField(source="meeting.held_on", read_only=True, label=gettext_lazy("会议日期"))

    class Meta:
        model = PreReview
        fields = ["id", "meeting", "held_on", "outcome", "opinion", "created_at"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    held_on = serializers.DateField(source="meeting.held_on", read_only=True, label=gettext_lazy("会议日期"))

    class Meta:
        model = Decision
        fields = ["id", "meeting", "held_on", "outcome", "text", "created_at"]
        read_only_fields = fields


class OpinionSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label=gettext_lazy("姓名"))
    branch_name = serializers.CharField(source="branch.name", read_only=True, label=gettext_lazy("党支部名称"))
    pending = serializers.BooleanField(read_only=True, label=gettext_lazy("待提出意见"))

    class Meta:
        model = BranchOpinion
        fields = ["id", "matter", "person", "person_name", "branch", "branch_name", "pending", "opinion", "reasons",
                  "meeting", "recorded_at"]
        read_only_fields = fields


class BranchOpinionSerializer(OpinionSerializer):
    matter_title = serializers.CharField(source="matter.title", read_only=True, label=gettext_lazy("事项名称"))
    matter_category = serializers.CharField(source="matter.category", read_only=True, label=gettext_lazy("类别"))

    class Meta(OpinionSerializer.Meta):
        fields = ["id", "matter", "matter_title", "matter_category", "person", "person_name", "branch",
                  "branch_name", "pending", "opinion", "reasons", "meeting", "recorded_at"]
        read_only_fields = fields


class MatterSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True,
                                              label=gettext_lazy("组织代码"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=gettext_lazy("组织名称"))
    proposer_name = serializers.CharField(source="proposer.name", read_only=True, label=gettext_lazy("提出人姓名"))
    people = serializers.PrimaryKeyRelatedField(many=True, read_only=True, label=gettext_lazy("涉及人员（人员编号）"))
    pre_reviews = PreReviewSerializer(many=True, read_only=True, label=gettext_lazy("前置把关"))
    opinions = OpinionSerializer(many=True, read_only=True, label=gettext_lazy("支部意见"))
    decisions = DecisionSerializer(many=True, read_only=True, label=gettext_lazy("联席会议决定"))

    class Meta:
        model = Matter
        fields = ["id", "title", "category", "organization", "organization_code", "organization_name", "unit",
                  "proposer", "proposer_name", "description", "people", "status", "submitted_on", "decided_on",
                  "corrects", "pre_reviews", "opinions", "decisions", "version", "created_at", "updated_at"]
        read_only_fields = fields


class MatterWriteFields(serializers.Serializer):
    """What the proposer fills in; the services check the rest (editable only as a draft or returned)."""

    title = serializers.CharField(max_length=200, label=gettext_lazy("事项名称"))
    category = serializers.ChoiceField(choices=Category.choices, label=gettext_lazy("类别"))
    organization = OrganizationRef(label=gettext_lazy("决策组织"), help_text=gettext_lazy("组织编号或组织代码"))
    unit = ScopedPrimaryKey(Unit, required=False, allow_null=True, label=gettext_lazy("提出单位（编号）"))
    proposer = ScopedPrimaryKey(Person, label=gettext_lazy("提出人（人员编号）"))
    description = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("事项内容"))
    people = ScopedPrimaryKey(Person, many=True, required=False, label=gettext_lazy("涉及人员（人员编号）"),
                              help_text=gettext_lazy("人事类事项必填：提交时向每人所在党支部征求意见"))


class MatterCreateSerializer(MatterWriteFields):
    pass


class MatterUpdateSerializer(MatterWriteFields):
    """`people`, when given, replaces the matter's; left out, it stays."""

    version = VersionField()


class MatterSubmitInput(serializers.Serializer):
    version = VersionField()


class PreReviewInput(serializers.Serializer):
    meeting = ScopedPrimaryKey(Meeting, label=gettext_lazy("党委会（会议编号）"))
    outcome = serializers.ChoiceField(choices=ReviewOutcome.choices, label=gettext_lazy("把关意见"))
    opinion = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("党委意见"),
                                    help_text=gettext_lazy("修改后同意或退回时必填"))
    version = VersionField()


class DecideInput(serializers.Serializer):
    meeting = ScopedPrimaryKey(Meeting, label=gettext_lazy("党政联席会议（会议编号）"))
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices, label=gettext_lazy("决定"))
    text = serializers.CharField(required=False, allow_blank=True, default="", label=gettext_lazy("决定内容"))
    version = VersionField()


class RecordOpinionInput(serializers.Serializer):
    opinion = serializers.ChoiceField(choices=Opinion.choices, label=gettext_lazy("支部意见"))
    reasons = serializers.CharField(label=gettext_lazy("理由"))
    meeting = ScopedPrimaryKey(Meeting, label=gettext_lazy("支部会议（会议编号）"))
