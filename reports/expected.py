"""The figures an annual report is expected to show: those the reference article reports for 2019
(`../shared/seed/article.txt`), in report order.

Each entry names the registry code the owning module registers (or will register), a title, unit and
section for when that module is not built yet, and the value the article gives (None where it states
a fact without a number). A figure whose code is not registered is shown as "not available", never
with the article's number: `article` is for the demo's checks only.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Expected:
    code: str
    title: str
    unit: str
    section: str
    article: float | None = None  # the article's 2019 value for the root committee


EXPECTED = [
    # 政治引领: the directive ledger, study, the responsibility programme.
    Expected("ledgers.directive.tasks", _("落实指示批示和决策部署的具体任务"), _("项"), "political", 33),
    Expected("ledgers.directive.done", _("已落实的指示批示和决策部署任务"), _("项"), "political", 33),
    Expected("meetings.first_topic.committee", _("党委（扩大）会“第一议题”学习"), _("次"), "political", 16),
    Expected("meetings.central_group", _("各级党委理论学习中心组学习"), _("次"), "political", 48),
    Expected("meetings.first_topic.branches", _("党支部“第一议题”学习"), _("次"), "political", 506),
    Expected("meetings.seminars.leadership", _("领导班子集中学习研讨"), _("次"), "political", 16),
    Expected("meetings.seminars.units", _("各学院、各单位集中学习研讨"), _("次"), "political", 59),
    Expected("ledgers.task_list.items", _("任务清单任务项"), _("项"), "political", 153),
    # 基层组织建设: liaison and visits, dual leaders, brands, model branches.
    Expected("liaison.branches_visited", _("党员领导深入调研走访的党支部"), _("个"), "grassroots", 63),
    Expected("liaison.leader_coverage", _("中层及以上党员领导人员一对一联系党支部覆盖率"), "%", "grassroots", 100),
    Expected("liaison.dual_leader_coverage", _("教师党支部书记“双带头人”覆盖率"), "%", "grassroots", 100),
    Expected("recognition.brands", _("“一学院一品牌”项目"), _("个"), "grassroots", 12),
    Expected("recognition.features", _("“一支部一特色”项目"), _("个"), "grassroots", 41),
    Expected("recognition.model_branches", _("党建工作样板支部"), _("个"), "grassroots", 5),
    # 党校教育培训: the article states facts (every leader lectures) but gives no number.
    Expected("partyschool.lectures", _("党校授课"), _("次"), "partyschool"),
    Expected("partyschool.member_lectures", _("“我来讲党课”党员授课"), _("次"), "partyschool"),
    # 服务群众: volunteering, blood donation, paired assistance.
    Expected("volunteering.volunteers", _("参加志愿服务的党员"), _("人"), "service", 943),
    Expected("volunteering.blood_donors", _("参加无偿献血的党员"), _("人"), "service", 68),
    Expected("volunteering.paired_branches", _("参加对口帮扶的党支部"), _("个"), "service", 20),
    Expected("volunteering.paired_members", _("参加对口帮扶的党员"), _("人"), "service", 362),
]

BY_CODE = {e.code: e for e in EXPECTED}
