from django.core.management.base import BaseCommand

from orgs.services import rebuild_tree


class Command(BaseCommand):
    help = "根据上级关系重建组织树的派生列（path、depth）"

    def handle(self, *args, **options):
        fixed = rebuild_tree()
        self.stdout.write(self.style.SUCCESS(f"已修复 {fixed} 个组织"))
