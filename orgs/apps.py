from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("党组织")

    def ready(self):
        # imports and panels register the organisation import and the home panel; top follows moves with
        # the top-level organisation of the records (orgs.top).
        from . import imports, panels, top  # noqa: F401
