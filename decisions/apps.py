from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import demo


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("重大事项决策")

    def ready(self):
        from . import figures  # noqa: F401  (register the decision figures)
        demo.register("decisions.demo.build.build")  # 2019 and this year's matters, after the meetings demo
        from orgs import top

        from .models import Matter

        top.track(Matter, "organization")  # large tables carry the sharding key (orgs.top)
