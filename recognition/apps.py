from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import demo


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("党建品牌与评优表彰")

    def ready(self):
        from . import figures, imports  # noqa: F401  (register the figures and the Excel imports)
        demo.register("recognition.demo.build.build")  # after the members, meetings and ledgers demos
