from django.core.management.base import BaseCommand, CommandError

from orgs.services import check_tree


class Command(BaseCommand):
    help = "检查组织树的派生列（path、depth）是否与上级关系一致"

    def handle(self, *args, **options):
        wrong = check_tree()
        for pk, stored, expected in wrong[:50]:
            self.stdout.write(f"组织 {pk}: path={stored!r} 应为 {expected!r}")
        if wrong:
            raise CommandError(f"发现 {len(wrong)} 个组织的派生列不一致，请运行 rebuild_tree 修复")
        self.stdout.write(self.style.SUCCESS("组织树一致"))
