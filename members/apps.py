from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self):
        # views registers the organisation-page tabs; imports the people and membership imports.
        from . import imports, receivers, views  # noqa: F401
