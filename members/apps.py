from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from . import receivers, views  # noqa: F401  (views registers the organisation-page tabs)
