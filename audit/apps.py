from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计"

    def ready(self):
        from core.registry import detail_tabs, recorder

        from . import services, views

        recorder.record = services.record
        detail_tabs.register("history", "历史", views.history_tab, order=1000)
