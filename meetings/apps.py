from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import demo


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("组织生活与学习")

    def ready(self):
        from . import figures, imports  # noqa: F401  (register the meeting figures and the meetings import)
        demo.register("meetings.demo.build.build")  # the 2019 and current-year meetings of the demo
        from orgs import top

        from . import file_views  # noqa: F401  (registers the 附件与照片 tab on the meeting page)
        from .compliance_views import organization_compliance_tab  # noqa: F401  (registers the 合规日历 tab)
        from .models import Attendance, Meeting

        top.track(Meeting, "organization")  # large tables carry the sharding key (orgs.top)
        top.track(Attendance, "meeting__organization")
