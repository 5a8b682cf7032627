from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计")

    def ready(self):
        from core.registry import detail_tabs, recorder

        from . import services, views

        recorder.record = services.record
        detail_tabs.register("history", _("历史"), views.history_tab, order=1000)
