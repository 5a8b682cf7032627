from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LedgerKind(models.TextChoices):
    DIRECTIVE_LEDGER = "directive_ledger", _("落实指示批示和决策部署台账")
    TASK_LIST = "task_list", _("任务清单")
    RESPONSIBILITY_LIST = "responsibility_list", _("责任清单")


class IssuingLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    SUPERIOR = "superior", _("上级党组织")
    OWN = "own", _("本级党委")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("推进中")
    SUBMITTED = "submitted", _("已提交待审核")
    DONE = "done", _("已完成")
    RETURNED = "returned", pgettext_lazy("task status", "已退回")
    CANCELLED = "cancelled", pgettext_lazy("task status", "已取消")


# A task is open until it is done or cancelled; overdue is derived (open work past its deadline),
# never stored. A submitted task waits on its manager, not its owner, so it is not overdue.
CLOSED = (TaskStatus.DONE, TaskStatus.CANCELLED)
OWNER_OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.RETURNED)


class Event(models.TextChoices):
    """What a transition on the timeline was."""
    CREATED = "created", _("创建")
    STARTED = "started", _("开始推进")
    SUBMITTED = "submitted", _("提交完成")
    VERIFIED = "verified", _("审核通过")
    RETURNED = "returned", _("退回")
    CANCELLED = "cancelled", _("取消")
    REOPENED = "reopened", _("重新打开")
