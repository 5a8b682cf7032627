from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "党组织"

    def ready(self):
        from . import imports  # noqa: F401  (registers the organisation import in core.imports.registry)
