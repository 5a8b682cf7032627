from django.core.management.base import BaseCommand

from orgs import top
from orgs.services import rebuild_tree


class Command(BaseCommand):
    help = "根据上级关系重建组织树的派生列（path、depth），并据此重写各大表记录的顶层组织"

    def handle(self, *args, **options):
        fixed = rebuild_tree()
        if fixed:  # a repaired path may sit under another top-level organisation
            top.refresh()
        self.stdout.write(self.style.SUCCESS(f"已修复 {fixed} 个组织"))
