from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("党组织")

    def ready(self):
        from . import imports, panels  # noqa: F401  (register the organisation import and the home panel)
