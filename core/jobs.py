"""Daily jobs (reminders, follow-up) share one command shape: queued for `manage.py db_worker` by
default, run at once with --now, for any --date. Cron calls them once a day."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError


class DailyJobCommand(BaseCommand):
    task = None  # a django_tasks task taking an ISO date (or None for today)
    sent_message = "已发送 {n} 条通知"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期（YYYY-MM-DD）计算，默认今天")
        parser.add_argument("--now", action="store_true", help="不经任务队列，立即执行并报告发送条数")

    def handle(self, *args, **options):
        day = options["date"]
        if day:
            try:
                day = date.fromisoformat(day).isoformat()
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{day}") from None
        if options["now"]:
            self.stdout.write(self.sent_message.format(n=self.task.call(day)))
        else:
            result = self.task.enqueue(day)
            self.stdout.write(f"已加入任务队列：{result.id}（由 manage.py db_worker 执行）")
