"""Task pages: the list in the 台账 columns, the form (definition and milestones), the detail page with
its tabs (概况, 进展, 佐证材料, 时间线), the owner's and manager's actions, and the follow-up page (督办).

Who may do what is decided by ledgers.services (can_own / can_manage); the pages only decide which
buttons to show, and every service refusal comes back to the user with their input kept.
"""
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_POST

from core import uploads
from core.errors import BusinessRuleError, NotInScope, StaleEdit
from core.rules import rule_value
from core.views import (
    OUT_OF_SCOPE_CHOICE,
    Column,
    ObjectActionView,
    ObjectDetailView,
    ObjectFormView,
    ObjectListView,
    ScopedView,
)

from . import evidence_views, services
from .choices import CLOSED, OWNER_OPEN, TaskStatus
from .filtersets import TaskFilterSet
from .models import Milestone, ProgressUpdate, Task
from .task_forms import (
    EvidenceForm,
    MilestoneFormSet,
    ProgressForm,
    ReasonForm,
    SubmitForm,
    TaskForm,
    VersionForm,
    milestone_initial,
    milestones_of,
)

STATUS_BADGE = {TaskStatus.NOT_STARTED: "text-bg-light border", TaskStatus.IN_PROGRESS: "text-bg-primary",
                TaskStatus.SUBMITTED: "text-bg-info", TaskStatus.DONE: "text-bg-success",
                TaskStatus.RETURNED: "text-bg-warning", TaskStatus.CANCELLED: "text-bg-secondary"}


def task_queryset(user, action="view"):
    """Tasks the user may `action`, with what the role checks and the headings read."""
    return Task.objects.restrict(user, action).select_related(
        "ledger__organization", "owner", "parent__owner", "directive", "section")


def get_task(user, pk):
    try:
        return task_queryset(user).get(pk=pk)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404(_("未找到该记录")) from None


def enumerate_names(names):
    return pgettext("enumeration", "、").join(names)


def overdue_days(task, today):
    return (today - task.deadline).days if task.is_overdue(today) else 0


# --- the list --------------------------------------------------------------------------------------

def _owner_text(task):
    co = [o.name for o in task.co_owners.all()]
    if not co:
        return task.owner.name
    return _("%(owner)s（协办：%(co)s）") % {"owner": task.owner.name, "co": enumerate_names(co)}


def _leaders_text(task):
    return enumerate_names(p.name for p in task.leaders.all())


def _progress_text(task):
    if not task.latest_text:
        return ""
    return f"{task.latest_on:%Y-%m-%d} {task.latest_text}"


def _completion_text(task):
    text = task.get_status_display()
    days = overdue_days(task, timezone.localdate())
    if days:
        text = _("%(status)s（已逾期 %(days)d 天）") % {"status": text, "days": days}
    if task.completion_note and task.status in (TaskStatus.SUBMITTED, TaskStatus.DONE):
        text = _("%(status)s：%(note)s") % {"status": text, "note": task.completion_note}
    return text


class TaskListView(ObjectListView):
    model = Task
    title = gettext_lazy("任务")
    filterset_class = TaskFilterSet
    template_name = "ledgers/task_list.html"
    table_template = "ledgers/_task_table.html"
    add_url = reverse_lazy("ledgers:task_add")
    columns = (
        Column("number", gettext_lazy("序号")),
        Column("title", gettext_lazy("任务"), sort="title"),
        Column(_owner_text, gettext_lazy("责任单位"), sort="owner__path"),
        Column(_leaders_text, gettext_lazy("责任领导")),
        Column("deadline", gettext_lazy("完成时限"), sort="deadline"),
        Column(_progress_text, gettext_lazy("进展情况")),
        Column(_completion_text, gettext_lazy("完成情况"), sort="status"),
    )

    def get_queryset(self, action="view"):
        updates = ProgressUpdate.objects  # scope: only the updates of the restricted tasks (OuterRef below)
        latest = updates.filter(task=OuterRef("pk")).order_by("-written_on", "-id")
        return (super().get_queryset(action).select_related("owner", "ledger")
                .prefetch_related("co_owners", "leaders")
                .annotate(latest_on=Subquery(latest.values("written_on")[:1]),
                          latest_text=Subquery(latest.values("text")[:1])))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for obj, _values in ctx["rows"]:
            obj.overdue_days = overdue_days(obj, today)
            obj.badge = STATUS_BADGE.get(obj.status, "text-bg-light")
        ctx["followup_url"] = reverse("ledgers:followup")
        return ctx


# --- the form --------------------------------------------------------------------------------------

class TaskFormView(ObjectFormView):
    """Add a task (?ledger=<pk>, or ?parent=<pk> to split a task into a sub-task) or edit one: the
    definition and its milestones, saved together by create_task / update_task."""

    model = Task
    template_name = "ledgers/task_form.html"

    def get_object(self):
        if "pk" not in self.kwargs:
            return None
        return get_task(self.request.user, self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.object is not None and not services.can_manage(request.user, self.object):
            raise PermissionDenied(_("只有任务的管理单位（台账的主管组织；子任务为上级任务的责任单位）可以修改任务"))
        if self.object is None and request.user.scope_q(Task, "add") is None:
            raise PermissionDenied(_("您没有新增此类记录的权限"))
        # The checks above replace ObjectFormView's (which asks for `change` on the owner).
        return super(ObjectFormView, self).dispatch(request, *args, **kwargs)

    def get_form(self, obj):
        kwargs = {"instance": obj, "user": self.request.user}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        elif obj is None:
            kwargs["initial"] = {k: self.request.GET[k] for k in ("ledger", "parent") if self.request.GET.get(k)}
        return TaskForm(**kwargs)

    def get_formset(self, obj):
        if self.request.method == "POST":
            return MilestoneFormSet(self.request.POST, prefix="milestones")
        return MilestoneFormSet(prefix="milestones", initial=milestone_initial(obj))

    def form_title(self):
        if self.object is not None:
            return _("修改任务：%(task)s") % {"task": self.object}
        parent = self._form.parent
        if parent is not None:
            return _("分解子任务：%(task)s") % {"task": parent}
        return _("新增任务")

    def get_context_data(self, **kwargs):
        form = kwargs.setdefault("form", self.get_form(self.object))
        self._form = form  # form_title() reads the parent from it
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("formset", self.get_formset(self.object))
        ctx.update(chosen_ledger=form.ledger, chosen_parent=form.parent,
                   frozen=self.object is not None and self.object.is_closed)
        return ctx

    def post(self, request, *args, **kwargs):
        form, formset = self.get_form(self.object), self.get_formset(self.object)
        if all([form.is_valid(), formset.is_valid()]):
            try:
                saved = self.save(form, formset)
            except (StaleEdit, BusinessRuleError) as exc:
                form.add_error(None, exc.message)
            except NotInScope:
                form.add_error(None, OUT_OF_SCOPE_CHOICE)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or OUT_OF_SCOPE_CHOICE)
            except ValidationError as exc:
                self.add_validation_errors(form, exc)
            else:
                messages.success(request, self.success_message)
                return redirect(saved.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def save(self, form, formset):
        user, d = self.request.user, form.cleaned_data
        milestones = milestones_of(formset, self.object)
        if self.object is None:
            return services.create_task(user, ledger=d["ledger"], parent=d.get("parent"), co_owners=d["co_owners"],
                                        leaders=d["leaders"], milestones=milestones, **form.definition())
        return services.update_task(user, self.object, form.changes(), co_owners=d["co_owners"],
                                    leaders=d["leaders"], milestones=milestones,
                                    expected_version=d.get("expected_version"))


# --- the detail page -------------------------------------------------------------------------------

def _timeline(task):
    """Status changes, progress updates and evidence uploads of one task, oldest first."""
    entries = []
    for t in task.transitions.all():
        entries.append({"day": t.on, "at": t.at, "who": t.by_name, "what": t.get_event_display(),
                        "status": t.get_status_display(), "text": t.reason, "kind": "transition"})
    for u in task.updates.all():
        entries.append({"day": u.written_on, "at": u.created_at, "who": u.author_name, "what": _("填报进展"),
                        "text": u.text, "kind": "progress"})
    for e in task.evidence.select_related("uploaded_by"):
        entries.append({"day": timezone.localdate(e.uploaded_at), "at": e.uploaded_at,
                        "who": e.uploaded_by.get_username() if e.uploaded_by else "",
                        "what": _("上传佐证材料"), "text": e.original_name, "kind": "evidence", "evidence": e})
    return sorted(entries, key=lambda x: (x["day"], x["at"]))


class TaskDetailView(ObjectDetailView):
    model = Task
    template_name = "ledgers/task_detail.html"
    tabs = (("overview", gettext_lazy("概况")), ("progress", gettext_lazy("进展")),
            ("evidence", gettext_lazy("佐证材料")), ("timeline", gettext_lazy("时间线")))
    progress_form = None

    def scoped(self, action=None):
        return task_queryset(self.request.user, action or self.action).prefetch_related("leaders", "co_owners")

    def roles(self, obj):
        user = self.request.user
        return services.can_own(user, obj), services.can_manage(user, obj)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj, today = ctx["object"], timezone.localdate()
        is_owner, is_manager = self.roles(obj)
        ctx.update(is_owner=is_owner, is_manager=is_manager, today=today, overdue_days=overdue_days(obj, today),
                   badge=STATUS_BADGE.get(obj.status), manager_organization=obj.manager_organization(),
                   actions=self.actions(obj, is_owner, is_manager),
                   leaders_text=_leaders_text(obj), nav_org_id=obj.owner_id)
        return ctx

    def actions(self, obj, is_owner, is_manager):
        """The buttons this user may press on this task in its current status."""
        s, pk, found = obj.status, obj.pk, []

        def add(name, label, style="btn-outline-secondary"):
            found.append({"url": reverse(f"ledgers:{name}", args=[pk]), "label": label, "style": style,
                          "id": name.replace("_", "-")})

        if is_owner and s in OWNER_OPEN:
            add("task_submit", _("提交完成"), "btn-danger")
        if is_manager and s == TaskStatus.SUBMITTED:
            add("task_verify", _("审核通过"), "btn-success")
            add("task_return", _("退回"), "btn-warning")
        if is_manager and s not in CLOSED:
            add("task_edit", _("修改"))
            add("task_cancel", _("取消任务"))
        if is_manager and s in CLOSED:
            add("task_reopen", _("重新打开"))
        if is_manager and s == TaskStatus.NOT_STARTED:
            add("task_delete", _("删除"))
        return found

    def tab_context(self, tab, obj):
        user = self.request.user
        is_owner, is_manager = self.roles(obj)
        open_ = not obj.is_closed
        if tab == "progress":
            form = self.progress_form
            if form is None and is_owner and open_:
                form = ProgressForm(initial={"written_on": timezone.localdate()})
            return {"updates": list(obj.updates.all()), "progress_form": form if is_owner and open_ else None}
        if tab == "evidence":
            can_upload = open_ and (is_owner or is_manager)
            return {"evidence": list(obj.evidence.select_related("uploaded_by")),
                    "upload_form": EvidenceForm() if can_upload else None, "can_delete_evidence": can_upload,
                    "allowed_types": uploads.ALLOWED_TEXT, "limit_mb": services.EVIDENCE_MAX_SIZE // uploads.MB}
        if tab == "timeline":
            return {"timeline": _timeline(obj)}
        subtasks = list(Task.objects.restrict(user).filter(parent=obj).select_related("owner")
                        .prefetch_related("leaders").order_by("order", "id"))
        today = timezone.localdate()
        for s in subtasks:
            s.overdue_days, s.badge = overdue_days(s, today), STATUS_BADGE.get(s.status)
        done, total = services.rollup(obj)
        return {"milestones": list(obj.milestones.all()), "subtasks": subtasks, "rollup_done": done,
                "rollup_total": total, "can_mark_milestones": is_owner and open_,
                "can_split": is_owner and obj.status in OWNER_OPEN,
                "split_url": reverse("ledgers:task_add") + f"?parent={obj.pk}"}

    def post(self, request, *args, **kwargs):
        """A progress update from the 进展 tab; on a refusal the tab shows again with the input kept."""
        obj = self.get_object()
        if not services.can_own(request.user, obj):
            raise PermissionDenied(_("只有任务的责任单位可以填报进展、上传佐证材料和提交完成"))
        form = ProgressForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.add_progress(request.user, obj, d["text"], written_on=d["written_on"])
            except BusinessRuleError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                ObjectFormView.add_validation_errors(form, exc)
            else:
                messages.success(request, _("已填报进展"))
                return redirect(obj.get_absolute_url() + "?tab=progress")
        self.progress_form = form
        return self.render_to_response(self.get_context_data())


@login_required
@require_POST
def milestone_done(request, pk):
    milestone = Milestone.objects.restrict(request.user).select_related("task").filter(pk=pk).first()
    if milestone is None:
        raise Http404(_("未找到该记录"))
    url = reverse("ledgers:task_detail", args=[milestone.task_id])
    raw = request.POST.get("done_on") or ""
    try:
        done_on = parse_date(raw) if raw else None
    except ValueError:
        done_on = None
    if raw and done_on is None:
        messages.error(request, _("请填写正确的完成日期"))
        return redirect(url)
    try:
        services.complete_milestone(request.user, milestone, done_on)
    except BusinessRuleError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, pgettext("list separator", "；").join(exc.messages))
    else:
        messages.success(request, _("已标记完成：%(m)s") % {"m": milestone.title})
    return redirect(url)


# --- the actions -----------------------------------------------------------------------------------

class TaskActionView(ObjectActionView):
    """One decision on a task, by its owners (`role = "owner"`) or its manager."""

    model = Task
    template_name = "ledgers/task_confirm.html"
    role = "manager"
    form_class = ReasonForm

    def get_object(self):
        obj = get_task(self.request.user, self.kwargs["pk"])
        user = self.request.user
        if self.role == "owner" and not services.can_own(user, obj):
            raise PermissionDenied(_("只有任务的责任单位可以填报进展、上传佐证材料和提交完成"))
        if self.role == "manager" and not services.can_manage(user, obj):
            raise PermissionDenied(_("只有任务的管理单位（台账的主管组织；子任务为上级任务的责任单位）可以执行此操作"))
        return obj

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(back_url=self.object.get_absolute_url(), task=self.object,
                   badge=STATUS_BADGE.get(self.object.status))
        return ctx

    def version(self, form):
        return form.cleaned_data.get("expected_version") if form is not None else None

    def reason(self, form):
        return form.cleaned_data["reason"]


class TaskSubmitView(TaskActionView):
    title = gettext_lazy("提交完成")
    role = "owner"
    form_class = SubmitForm
    confirm_text = gettext_lazy("提交后由管理单位审核；审核通过前可被退回补充。")

    def perform(self, form):
        services.submit_task(self.request.user, self.object, form.cleaned_data["completion_note"],
                             expected_version=self.version(form))
        return self.object.get_absolute_url()


class TaskVerifyView(TaskActionView):
    title = gettext_lazy("审核通过")
    form_class = VersionForm
    confirm_text = gettext_lazy("审核通过后任务即为已完成，不能再修改；如需修改，须重新打开并说明理由。")

    def perform(self, form):
        services.verify_task(self.request.user, self.object, expected_version=self.version(form))
        return self.object.get_absolute_url()


class TaskReturnView(TaskActionView):
    title = gettext_lazy("退回")
    confirm_text = gettext_lazy("退回后由责任单位补充后重新提交；请写明退回理由。")

    def perform(self, form):
        services.return_task(self.request.user, self.object, self.reason(form), expected_version=self.version(form))
        return self.object.get_absolute_url()


class TaskCancelView(TaskActionView):
    title = gettext_lazy("取消任务")
    confirm_text = gettext_lazy("取消的任务不再计入完成率，记录全部保留；请写明取消理由。")

    def perform(self, form):
        services.cancel_task(self.request.user, self.object, self.reason(form), expected_version=self.version(form))
        return self.object.get_absolute_url()


class TaskReopenView(TaskActionView):
    title = gettext_lazy("重新打开")
    confirm_text = gettext_lazy("重新打开后任务回到推进中，可以修改和补充；请写明理由。")

    def perform(self, form):
        services.reopen_task(self.request.user, self.object, self.reason(form), expected_version=self.version(form))
        return self.object.get_absolute_url()


class TaskDeleteView(TaskActionView):
    title = gettext_lazy("删除任务")
    form_class = None
    confirm_text = gettext_lazy("只能删除尚未开展的任务（没有进展、佐证材料和子任务）；删除操作记入审计日志。")

    def perform(self, form):
        task = self.object
        services.delete_task(self.request.user, task)
        if task.parent_id:
            return task.parent.get_absolute_url()
        try:
            return task.ledger.get_absolute_url()
        except NoReverseMatch:
            return reverse("ledgers:task_list")


# --- follow-up (督办) ------------------------------------------------------------------------------

def followup_days(tasks, today):
    """The follow-up window at the root of the tree the user's tasks are in: one value for the page (a
    subtree's own override still drives its reminders)."""
    owner_path = tasks.order_by().values_list("owner__path", flat=True).first() or ""
    root = owner_path.split("/", 1)[0] + "/" if owner_path else ""
    return rule_value("ledgers.followup_days", today, root)


def _due_label(days_overdue, days_left):
    if days_overdue:
        return ngettext("已逾期 %(days)s 天", "已逾期 %(days)s 天", days_overdue) % {"days": days_overdue}
    if days_left == 0:
        return _("今天到期")
    return ngettext("%(days)s 天后到期", "%(days)s 天后到期", days_left) % {"days": days_left}


def _grouped(rows, keys_of):
    groups = {}
    for task in rows:
        for key in keys_of(task):
            groups.setdefault(key, []).append(task)
    return [{"key": key, "tasks": tasks, "overdue": sum(1 for t in tasks if t.days_overdue),
             "due": sum(1 for t in tasks if not t.days_overdue)} for key, tasks in groups.items()]


class FollowupView(ScopedView):
    """Everything overdue in the user's scope and everything due within the follow-up window, by owner
    organisation and by responsible leader (a task with two leaders is under both)."""

    model = Task
    template_name = "ledgers/followup.html"
    title = gettext_lazy("督办")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        visible = self.scoped()
        days = followup_days(visible, today)
        rows = list((visible.overdue(today) | visible.due_within(today, days))
                    .select_related("owner", "ledger").prefetch_related("leaders")
                    .order_by("deadline", "owner__path", "pk"))
        # Each task shows in both groupings: its labels are worked out once here rather than twice by the
        # template's translation tags (a university's follow-up list: 103 ms → 70 ms).
        status_labels = {value: str(label) for value, label in TaskStatus.choices}
        for t in rows:
            t.days_overdue = overdue_days(t, today)
            t.days_left = (t.deadline - today).days
            t.leader_list = sorted(t.leaders.all(), key=lambda p: p.name_pinyin)
            t.due_label = _due_label(t.days_overdue, t.days_left)
            t.status_label = status_labels.get(t.status, t.status)
        by_owner = sorted(_grouped(rows, lambda t: [t.owner]), key=lambda g: g["key"].path)
        by_leader = _grouped(rows, lambda t: t.leader_list or [None])
        by_leader.sort(key=lambda g: (g["key"] is None, g["key"].name_pinyin if g["key"] else ""))
        ctx.update(title=self.title, today=today, window=days, horizon=today + timedelta(days=days), rows=rows,
                   overdue_count=sum(1 for t in rows if t.days_overdue),
                   due_count=sum(1 for t in rows if not t.days_overdue), by_owner=by_owner, by_leader=by_leader)
        return ctx


urlpatterns = [
    path("tasks/", TaskListView.as_view(), name="task_list"),
    path("tasks/add/", TaskFormView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/edit/", TaskFormView.as_view(), name="task_edit"),
    path("tasks/<int:pk>/delete/", TaskDeleteView.as_view(), name="task_delete"),
    path("tasks/<int:pk>/submit/", TaskSubmitView.as_view(), name="task_submit"),
    path("tasks/<int:pk>/verify/", TaskVerifyView.as_view(), name="task_verify"),
    path("tasks/<int:pk>/return/", TaskReturnView.as_view(), name="task_return"),
    path("tasks/<int:pk>/cancel/", TaskCancelView.as_view(), name="task_cancel"),
    path("tasks/<int:pk>/reopen/", TaskReopenView.as_view(), name="task_reopen"),
    path("milestones/<int:pk>/done/", milestone_done, name="milestone_done"),
    path("followup/", FollowupView.as_view(), name="followup"),
] + evidence_views.urlpatterns
