from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("党员")

    def ready(self):
        # views registers the organisation-page tabs; imports the people and membership imports; figures
        # the membership figures.
        from orgs import top

        from . import figures, imports, receivers, views  # noqa: F401
        from .models import Membership, Person

        top.track(Person, "organization")  # large tables carry the sharding key (orgs.top)
        top.track(Membership, "organization")
