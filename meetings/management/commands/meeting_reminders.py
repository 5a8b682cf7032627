from datetime import date

from django.core.management.base import BaseCommand, CommandError

from meetings.tasks import send_meeting_reminders


class Command(BaseCommand):
    help = ("向各组织书记发送会议提醒：本期（月、季度或年度）即将结束而应召开的会议尚未召开时，"
            "在期末前 meeting.reminder_days 天内发送站内通知；重复运行不会重复发送。"
            "默认放入后台任务队列（由 manage.py db_worker 执行），--now 则立即执行。供 cron 每日调用。")

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
            sent = send_meeting_reminders.call(day)
            self.stdout.write(f"已发送 {sent} 条会议提醒")
        else:
            result = send_meeting_reminders.enqueue(day)
            self.stdout.write(f"已加入任务队列：{result.id}（由 manage.py db_worker 执行）")
