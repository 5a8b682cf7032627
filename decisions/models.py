"""Major matters (重大事项), their pre-review by the party committee (前置把关), the branches' opinions on
personnel matters (第一关) and the joint meeting's decision. Every step is a record tied to a recorded
meeting, so "decided only after pre-review" is provable, not a checkbox."""
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile, VersionedModel
from core.scoping import ScopedQuerySet, scope_q
from meetings.models import Meeting
from members.models import Person
from orgs.models import Organization, Unit

from .choices import MAJOR, PERSONNEL, Action, Category, DecisionOutcome, Opinion, ReviewOutcome, Status


class MatterQuerySet(ScopedQuerySet):
    def restrict(self, user, action="view"):
        """The deciding committee's roles (and the proposer, by the member role) act on a matter; reading
        also reaches it from the branches asked for their opinion."""
        parts = [scope_q(user, self.model, action)]
        if action in ("view", "export"):
            asked = BranchOpinion.objects.restrict(user, "view").values("matter_id")
            parts.append(Q(pk__in=asked))
        parts = [p for p in parts if p is not None]
        return self.filter(reduce(or_, parts)) if parts else self.none()


class Matter(VersionedModel):
    title = models.CharField(_("事项名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="matters",
                                     verbose_name=_("决策组织"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="matters",
                             verbose_name=_("提出单位"))
    proposer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="proposed_matters",
                                 verbose_name=_("提出人"))
    description = models.TextField(_("事项内容"), blank=True)
    people = models.ManyToManyField(Person, blank=True, related_name="matters_concerning",
                                    verbose_name=_("涉及人员"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("更正的事项"))
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    objects = MatterQuerySet.as_manager()
    scope_path_field = "organization__path"
    scope_org_field = "organization_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path
    scope_person_field = "proposer_id"

    class Meta:
        verbose_name = _("重大事项")
        verbose_name_plural = _("重大事项")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("decisions:matter_detail", args=[self.pk])

    @property
    def is_major(self):
        return self.category in MAJOR

    @property
    def is_personnel(self):
        return self.category in PERSONNEL


class MatterChildQuerySet(ScopedQuerySet):
    """Pre-reviews, decisions, events and documents are seen by whoever sees their matter."""

    def restrict(self, user, action="view"):
        return self.filter(matter__in=Matter.objects.restrict(user, "view" if action in ("view", "export")
                                                              else "change"))


class PreReview(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="pre_reviews", verbose_name=_("事项"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="pre_reviews",
                                verbose_name=_("党委会"))
    outcome = models.CharField(_("把关意见"), max_length=30, choices=ReviewOutcome.choices)
    opinion = models.TextField(_("党委意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("前置把关")
        verbose_name_plural = _("前置把关")
        ordering = ["matter", "meeting__held_on", "id"]

    def __str__(self):
        return f"{self.meeting.held_on} {self.get_outcome_display()}"

    @property
    def agreed(self):
        return self.outcome != ReviewOutcome.RETURNED


class BranchOpinion(models.Model):
    """The opinion asked of the branch holding a concerned person's membership: pending until recorded."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("事项"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("涉及人员"))
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="opinions_asked",
                               verbose_name=_("党支部"))
    opinion = models.CharField(_("支部意见"), max_length=10, choices=Opinion.choices, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("支部会议"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path_field = "branch__path"
    scope_org_field = "branch_id"

    class Meta:
        verbose_name = _("支部意见")
        verbose_name_plural = _("支部意见")
        ordering = ["matter", "person__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["matter", "person"], name="one_opinion_per_person")]

    def __str__(self):
        return f"{self.branch}：{self.person}"

    def scope_organization(self):
        return self.branch

    @property
    def pending(self):
        return not self.opinion


class Decision(models.Model):
    matter = models.ForeignKey(Matter, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("事项"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions",
                                verbose_name=_("党政联席会议"))
    outcome = models.CharField(_("决定"), max_length=20, choices=DecisionOutcome.choices)
    text = models.TextField(_("决定内容"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("联席会议决定")
        verbose_name_plural = _("联席会议决定")
        ordering = ["matter", "meeting__held_on", "id"]

    def __str__(self):
        return f"{self.meeting.held_on} {self.get_outcome_display()}"


class Event(models.Model):
    """The matter's timeline: each transition, with the status it left the matter in."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events", verbose_name=_("事项"))
    action = models.CharField(_("环节"), max_length=30, choices=Action.choices)
    status = models.CharField(_("之后状态"), max_length=20, choices=Status.choices)
    on = models.DateField(_("日期"), db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("操作人"))
    by_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    objects = MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项环节")
        verbose_name_plural = _("事项环节")
        ordering = ["matter", "on", "id"]

    def __str__(self):
        return f"{self.on} {self.get_action_display()}"



class Document(StoredFile):
    """A document of the matter (proposal, draft, minutes extract); stored like task evidence (core.uploads)
    and served only to those who see the matter."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="documents", verbose_name=_("事项"))

    objects = MatterChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("事项材料")
        verbose_name_plural = _("事项材料")
        ordering = ["matter", "uploaded_at", "id"]
