from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import demo


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("台账与清单")

    def ready(self):
        from . import figures, imports  # noqa: F401  (register the ledger figures and the "ledger" Excel import)
        demo.register("ledgers.demo.build.build")  # the 2019 ledgers and this year's, after the meetings
        from orgs import top

        from .models import Task

        top.track(Task, "owner")  # large tables carry the sharding key (orgs.top)
