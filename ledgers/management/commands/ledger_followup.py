from core.jobs import DailyJobCommand
from ledgers.followup import send_task_followups


class Command(DailyJobCommand):
    help = ("任务督办：向逾期或即将到期（ledgers.followup_days 天内）的任务及时间节点的责任单位、责任领导和管理单位"
            "发送站内通知（配置邮件后同时发送邮件）；重复运行不会重复发送。"
            "默认放入后台任务队列（由 manage.py db_worker 执行），--now 则立即执行。供 cron 每日调用。")
    task = send_task_followups
    sent_message = "已发送 {n} 条督办通知"
