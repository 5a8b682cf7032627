from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RollupsConfig(AppConfig):
    name = "rollups"
    verbose_name = _("统计汇总")

    def ready(self):
        from core import demo

        from . import computed, receivers, stocks

        receivers.connect()
        stocks.connect()
        computed.connect()

        # Last in INSTALLED_APPS, so the demo's bulk-loaded records are summed after every builder ran.
        demo.register("rollups.demo.build")
