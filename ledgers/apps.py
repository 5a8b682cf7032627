from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = _("台账与清单")

    def ready(self):
        from . import figures  # noqa: F401  (register the ledger figures)
