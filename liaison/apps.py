from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import demo


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("联系支部与调研走访")

    def ready(self):
        from . import figures, imports  # noqa: F401  (register the figures and the Excel imports)
        demo.register("liaison.demo.build.build")  # after the members, meetings and ledgers demos
        from orgs import top

        from .models import BranchVisit

        top.track(BranchVisit, "branch")  # large tables carry the sharding key (orgs.top)
