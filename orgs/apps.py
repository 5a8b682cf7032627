from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "党组织"

    def ready(self):
        from . import imports, panels  # noqa: F401  (register the organisation import and the home panel)
