from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("重大事项决策")

    def ready(self):
        from . import figures  # noqa: F401  (register the decision figures)
