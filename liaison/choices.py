from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    TASKED = "tasked", _("已转为任务")
    RESOLVED = "resolved", _("已整改")
