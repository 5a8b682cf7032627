"""The narrative draft: prose filled only with the report's registered figures.

Each section has sentence templates; a placeholder names a figure code. A sentence is kept only when every
figure it names is registered and has a value in the report; otherwise it is left out, never guessed. The
draft renders as plain text (for the editable textarea and the exports) and as HTML in which every number
links to its figure's records.
"""
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# Per section: (template, {placeholder: figure code}). {org} and {year} are always available.
SENTENCES = {
    "political": [
        (_("{year}年，{org}建立落实指示批示和决策部署工作台账，明确具体任务{tasks}项，已落实{done}项。"),
         {"tasks": "ledgers.directive.tasks", "done": "ledgers.directive.done"}),
        (_("全年开展党委（扩大）会“第一议题”学习{n}次。"), {"n": "meetings.first_topic.committee"}),
        (_("各级党委理论学习中心组学习{n}次。"), {"n": "meetings.central_group"}),
        (_("各党支部开展“第一议题”学习{n}次。"), {"n": "meetings.first_topic.branches"}),
        (_("主题教育期间，领导班子集中学习研讨{n}次。"), {"n": "meetings.seminars.leadership"}),
        (_("各学院、各单位在主题教育期间集中学习研讨{n}次。"), {"n": "meetings.seminars.units"}),
        (_("落实全面从严治党主体责任，形成任务清单{n}项。"), {"n": "ledgers.task_list.items"}),
        (_("各类台账任务完成率为{n}%。"), {"n": "ledgers.tasks.completion_rate"}),
    ],
    "grassroots": [
        (_("党员领导干部深入{n}个党支部调研走访、问诊把脉。"), {"n": "liaison.branches_visited"}),
        (_("中层及以上党员领导人员一对一联系党支部的覆盖率为{n}%。"), {"n": "liaison.leader_coverage"}),
        (_("教师党支部书记“双带头人”覆盖率为{n}%。"), {"n": "liaison.dual_leader_coverage"}),
        (_("凝练“一学院一品牌”项目{brands}个、“一支部一特色”项目{features}个。"),
         {"brands": "recognition.brands", "features": "recognition.features"}),
        (_("{n}个党支部获评党建工作样板支部。"), {"n": "recognition.model_branches"}),
    ],
    "partyschool": [
        (_("党校全年授课{n}次。"), {"n": "partyschool.lectures"}),
        (_("党员走上讲台“我来讲党课”{n}次。"), {"n": "partyschool.member_lectures"}),
    ],
    "service": [
        (_("{n}名党员参加志愿服务。"), {"n": "volunteering.volunteers"}),
        (_("{n}名党员参加无偿献血。"), {"n": "volunteering.blood_donors"}),
        (_("{branches}个党支部的{members}名党员参加对口帮扶。"),
         {"branches": "volunteering.paired_branches", "members": "volunteering.paired_members"}),
    ],
}


@dataclass
class Sentence:
    template: str
    figures: dict  # placeholder -> Item
    org: str
    year: int

    def text(self):
        values = {name: item.value for name, item in self.figures.items()}
        return str(self.template).format(org=self.org, year=self.year, **values)

    def html(self):
        values = {name: format_html('<a href="{}" class="narrative-figure" data-code="{}">{}</a>', item.url,
                                    item.code, item.value) for name, item in self.figures.items()}
        return mark_safe(conditional_escape(str(self.template)).format(
            org=conditional_escape(self.org), year=self.year, **values))


@dataclass
class Paragraph:
    section: str
    title: str
    sentences: list

    def text(self):
        return "".join(s.text() for s in self.sentences)

    def html(self):
        return mark_safe("".join(s.html() for s in self.sentences))


def draft(report):
    """The paragraphs of the draft, one per section that has at least one sentence."""
    items = {item.code: item for item in report.items()}
    paragraphs = []
    for section in report.sections:
        sentences = []
        for template, names in SENTENCES.get(section.code, []):
            figures = {name: items.get(code) for name, code in names.items()}
            if all(item is not None and item.available and item.value is not None for item in figures.values()):
                sentences.append(Sentence(template, figures, report.organization.name, report.year))
        if sentences:
            paragraphs.append(Paragraph(section.code, section.title, sentences))
    return paragraphs


def text(report):
    """The draft as plain text: one paragraph per line."""
    return "\n\n".join(p.text() for p in draft(report))
