"""Ledgers (台账), their tasks and the responsibility list's duties.

A ledger belongs to the organisation that manages it. A task belongs to its owner organisation (主责单位)
for scoping, and is also seen by the ledger's organisation and its co-owners (协办单位). Status changes are
kept as transitions, so the timeline and the status on any past date come from records.
"""
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile, VersionedModel
from core.scoping import ScopedQuerySet, scope_q
from members.models import Person
from orgs.models import Organization

from .choices import CLOSED, OWNER_OPEN, Event, IssuingLevel, LedgerKind, TaskStatus

READ_ACTIONS = ("view", "export")
VIA_LEDGER = ("ledger__organization__path", "ledger__organization_id", None)
VIA_CO_OWNER = ("co_owners__path", "co_owners__id", None)


class LedgerQuerySet(ScopedQuerySet):
    def restrict(self, user, action="view"):
        """A ledger is seen by its organisation's roles, and (read only) by the owners of its tasks, who
        need its name and sections to work on their own rows."""
        own = scope_q(user, self.model, action)
        parts = [] if own is None else [own]
        if action in READ_ACTIONS:
            tasks = Task.objects.restrict(user, "view", through_ledger=False)
            parts.append(Q(pk__in=tasks.values("ledger_id")))
        return self.filter(reduce(or_, parts)) if parts else self.none()


class Ledger(VersionedModel):
    kind = models.CharField(_("类型"), max_length=30, choices=LedgerKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="ledgers",
                                     verbose_name=_("主管组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    description = models.TextField(_("说明"), blank=True)

    objects = LedgerQuerySet.as_manager()
    scope_path_field = "organization__path"
    scope_org_field = "organization_id"

    class Meta:
        verbose_name = _("台账")
        verbose_name_plural = _("台账")
        ordering = ["-year", "organization__path", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ledgers:ledger_detail", args=[self.pk])


class LedgerPart(VersionedModel):
    """A record inside a ledger (directive, section, duty): seen and managed with its ledger."""

    scope_path_field = "ledger__organization__path"
    scope_org_field = "ledger__organization_id"

    class Meta:
        abstract = True

    def scope_organization(self):
        return self.ledger.organization

    def get_absolute_url(self):
        return self.ledger.get_absolute_url()


class Directive(LedgerPart):
    """重要指示批示 / 决策部署: what a directive ledger's tasks implement."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="directives", verbose_name=_("台账"))
    title = models.CharField(_("标题"), max_length=300)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuing_level = models.CharField(_("发文层级"), max_length=20, choices=IssuingLevel.choices)
    issued_on = models.DateField(_("日期"))

    class Meta:
        verbose_name = _("指示批示和决策部署")
        verbose_name_plural = _("指示批示和决策部署")
        ordering = ["ledger", "issued_on", "id"]

    def __str__(self):
        return f"{self.title}（{self.document_number}）" if self.document_number else self.title


class Section(LedgerPart):
    """A section of a task list; sections nest as deep as the list needs."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="sections", verbose_name=_("台账"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("上级章节"))
    number = models.CharField(_("序号"), max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("清单章节")
        verbose_name_plural = _("清单章节")
        ordering = ["ledger", "order", "id"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Duty(LedgerPart):
    """One row of a responsibility list: a leadership member's duties and the organisations they cover."""

    ledger = models.ForeignKey(Ledger, on_delete=models.CASCADE, related_name="duties", verbose_name=_("台账"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    leader = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="duties", verbose_name=_("领导班子成员"))
    post = models.CharField(_("职务"), max_length=100)
    content = models.TextField(_("责任内容"))
    organizations = models.ManyToManyField(Organization, blank=True, related_name="duties",
                                           verbose_name=_("分管联系单位"))

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["ledger", "order", "id"]

    def __str__(self):
        return f"{self.leader} {self.post}"


def _sees_every_owner(user):
    """Whether the user sees the tasks of every owner (a role over each whole tree), decided once per user
    object (a request); only a user with a role at a top organisation costs a query."""
    assignments = getattr(user, "assignments", None)
    if assignments is None or not any(a.organization_id is None or a.organization.parent_id is None
                                      for a in assignments()):
        return False
    if not hasattr(user, "_qj_sees_every_owner"):
        tops = Organization.objects.filter(parent__isnull=True).only("path")
        user._qj_sees_every_owner = all(user.sees_whole_subtree(Task, top) for top in tops)
    return user._qj_sees_every_owner


class TaskQuerySet(ScopedQuerySet):
    def restrict(self, user, action="view", through_ledger=True):
        """Owners' roles (by the owner organisation) may act on a task. Reading also reaches it through
        the ledger's organisation and through the co-owners."""
        parts = [scope_q(user, self.model, action)]
        # Whoever sees every owner's tasks (a role over each whole tree) reaches nothing more through the
        # ledgers and co-owners; without those two alternatives the planner keeps a province's task lists
        # to the owner's path (a province root's drill-down 320 → 58 ms).
        if action in READ_ACTIONS and not (action == "view" and _sees_every_owner(user)):
            if through_ledger:
                parts.append(scope_q(user, self.model, action, fields=VIA_LEDGER))
            co = scope_q(user, self.model, action, fields=VIA_CO_OWNER)
            # A subquery: a join through the co-owners would repeat a task once per co-owner.
            parts.append(None if co is None else Q(pk__in=Task.objects.filter(co).values("pk")))
        parts = [p for p in parts if p is not None]
        return self.filter(reduce(or_, parts)) if parts else self.none()

    def open(self):
        return self.exclude(status__in=CLOSED)

    def overdue(self, today):
        return self.filter(status__in=OWNER_OPEN, deadline__lt=today)

    def due_within(self, today, days):
        from datetime import timedelta

        return self.filter(status__in=OWNER_OPEN, deadline__gte=today, deadline__lte=today + timedelta(days=days))


class Task(VersionedModel):
    ledger = models.ForeignKey(Ledger, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("台账"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="subtasks",
                               verbose_name=_("上级任务"))
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
                                  verbose_name=_("落实的指示批示或决策部署"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
                                verbose_name=_("所属章节"))
    number = models.CharField(_("序号"), max_length=30, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    title = models.CharField(_("任务"), max_length=500)
    description = models.TextField(_("任务要求"), blank=True)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="owned_tasks",
                              verbose_name=_("责任单位"))
    co_owners = models.ManyToManyField(Organization, blank=True, related_name="co_owned_tasks",
                                       verbose_name=_("协办单位"))
    leaders = models.ManyToManyField(Person, blank=True, related_name="led_tasks", verbose_name=_("责任领导"))
    assigned_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("完成时限"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED,
                              db_index=True)
    completion_note = models.TextField(_("完成情况"), blank=True)
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    # The day of the submission the manager accepted: "done on time" compares it with the deadline.
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    verified_on = models.DateField(_("审核日期"), null=True, blank=True)
    # The top-level organisation (the sharding key; kept by orgs.top): an integer, not a key across shards.
    top_id = models.IntegerField(_("顶层组织"), null=True, editable=False, db_index=True)

    objects = TaskQuerySet.as_manager()
    scope_path_field = "owner__path"
    scope_org_field = "owner_id"
    audit_exclude = (*VersionedModel.audit_exclude, "top_id")  # derived, like the path

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["ledger", "order", "id"]
        indexes = [models.Index(fields=["ledger", "parent", "order"]), models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("ledgers:task_detail", args=[self.pk])

    def is_overdue(self, today):
        return self.status in OWNER_OPEN and self.deadline < today

    @property
    def is_closed(self):
        return self.status in CLOSED

    def manager_organization(self):
        """Who verifies, returns and edits the task: its parent's owner for a sub-task, else the ledger's."""
        return self.parent.owner if self.parent_id else self.ledger.organization


class TaskChildQuerySet(ScopedQuerySet):
    """Milestones, progress updates, transitions and evidence are seen by whoever sees their task."""

    def restrict(self, user, action="view"):
        return self.filter(task__in=Task.objects.restrict(user, "view" if action in READ_ACTIONS else "change"))


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("任务"))
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("节点时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("时间节点")
        verbose_name_plural = _("时间节点")
        ordering = ["task", "due_on", "id"]

    def __str__(self):
        return f"{self.due_on} {self.title}"


class ProgressUpdate(models.Model):
    """A dated progress report by its author; never edited (a correction is a new update)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates", verbose_name=_("任务"))
    written_on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("填报人"))
    author_name = models.CharField(_("填报人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展")
        verbose_name_plural = _("进展")
        ordering = ["task", "-written_on", "-id"]

    def __str__(self):
        return f"{self.written_on} {self.text[:30]}"


class Transition(models.Model):
    """A status change of a task: the timeline, and the status on any past date."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("任务"))
    event = models.CharField(_("事件"), max_length=20, choices=Event.choices)
    status = models.CharField(_("变更后状态"), max_length=20, choices=TaskStatus.choices)
    on = models.DateField(_("日期"), db_index=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("操作人"))
    by_name = models.CharField(_("操作人"), max_length=150, blank=True)
    reason = models.TextField(_("理由"), blank=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["task", "on", "id"]

    def __str__(self):
        return f"{self.on} {self.get_event_display()}"


class Evidence(StoredFile):
    """A file proving the work (PDF, image, Word/Excel). The bytes live under MEDIA_ROOT at `stored_path`
    and are served only by ledgers.evidence_views after a scope check."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("任务"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = TaskChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["task", "uploaded_at", "id"]

    def get_absolute_url(self):
        return reverse("ledgers:evidence_download", args=[self.pk])
