from core.jobs import DailyJobCommand
from meetings.tasks import send_meeting_reminders


class Command(DailyJobCommand):
    help = ("向各组织书记发送会议提醒：本期（月、季度或年度）即将结束而应召开的会议尚未召开时，"
            "在期末前 meeting.reminder_days 天内发送站内通知；重复运行不会重复发送。"
            "默认放入后台任务队列（由 manage.py db_worker 执行），--now 则立即执行。供 cron 每日调用。")
    task = send_meeting_reminders
    sent_message = "已发送 {n} 条会议提醒"
