"""The task list of the grassroots responsibility programme (基层党组织落实全面从严治党主体责任任务清单):
sections in two levels, and the items each college-level organisation commits to. In 2019 the list has
153 items (an item is one commitment of one organisation: the same requirement taken on by five colleges
is five items, each with its own owner, deadline and evidence); the current year's list is shorter.
Our own wording."""
from dataclasses import dataclass

NAME = "基层党组织落实全面从严治党主体责任任务清单"
DESCRIPTION = ("对标上级党建工作要求，把校党委全面从严治党主体责任分解为院级党组织的具体任务，逐项明确责任单位和"
               "完成时限；院级党组织可将任务分解到所属党支部。")
ITEMS_2019 = 153

ALL = "all"  # the root's direct children: eight college committees, 机关党委 and 离退休党委
COLLEGES = "colleges"  # the eight college committees


@dataclass
class Requirement:
    title: str
    pool: str  # ALL or COLLEGES
    count: int  # how many organisations of the pool take it on in 2019
    deadline: tuple  # (month, day) in 2019
    split: tuple = ()  # 2019: colleges that split their item among their branches
    cs_now: str = ""  # the current year: the computer college's item and its fate (see current.py)


SECTIONS = [
    ("一、", "政治建设", [
        ("（一）", "坚决维护党中央权威和集中统一领导", [
            Requirement("及时传达学习党中央重大决策部署和上级工作要求，研究提出本单位贯彻落实举措", ALL, 10, (12, 10)),
            Requirement("建立本单位落实重大决策部署工作台账，逐项明确责任人和完成时限", ALL, 3, (6, 30)),
        ]),
        ("（二）", "严肃党内政治生活", [
            Requirement("召开领导班子专题民主生活会，会前广泛征求师生意见，会后制定整改清单", ALL, 10, (7, 15),
                        cs_now="overdue"),
            Requirement("严格执行请示报告制度，重大事项按程序向校党委请示报告", ALL, 4, (12, 10)),
        ]),
    ]),
    ("二、", "思想建设", [
        ("（一）", "强化理论武装", [
            Requirement("制定年度理论学习中心组学习计划，落实“第一议题”学习制度", ALL, 10, (4, 30),
                        cs_now="done"),
            Requirement("领导班子成员每学期到所联系党支部讲授党课", COLLEGES, 8, (12, 10), cs_now="submitted"),
            Requirement("组织党员依托网络学习平台开展专题学习，按季度通报学习情况", ALL, 3, (11, 30)),
        ]),
        ("（二）", "落实意识形态工作责任制", [
            Requirement("每半年分析研判一次本单位意识形态领域情况，形成书面报告", ALL, 10, (12, 10),
                        cs_now="due_soon"),
            Requirement("落实讲座、论坛、报告会审批备案制度，做到一会一报", COLLEGES, 8, (11, 30),
                        cs_now="in_progress"),
            Requirement("加强本单位网站和新媒体账号管理，落实先审后发", ALL, 4, (10, 31)),
        ]),
    ]),
    ("三、", "组织建设", [
        ("（一）", "健全基层组织体系", [
            Requirement("按期完成到期党支部换届选举，做到应换尽换", ALL, 5, (9, 30)),
            Requirement("优化党支部设置，在硕博研究生中推行纵向联合党支部", COLLEGES, 4, (10, 31)),
        ]),
        ("（二）", "推进党支部标准化规范化建设", [
            Requirement("对照党支部建设标准逐项开展自查，建立问题清单并限期整改", ALL, 10, (11, 30),
                        split=("CS",), cs_now="split_open"),
            Requirement("培育一支部一特色党建工作项目，每个党支部确定一个特色项目", COLLEGES, 8, (11, 15),
                        split=("SCI",), cs_now="split_done"),
            Requirement("选优配强党支部书记，推进教师党支部书记“双带头人”培育全覆盖", COLLEGES, 8, (10, 31)),
        ]),
        ("（三）", "加强党员教育管理", [
            Requirement("严格执行发展党员工作程序，做好高知识群体和优秀青年学生发展党员工作", ALL, 6, (12, 10),
                        cs_now="not_started"),
            Requirement("开展党员组织关系集中排查，规范党费收缴、使用和管理", ALL, 5, (9, 30)),
        ]),
        ("（四）", "落实党管干部、党管人才", [
            Requirement("干部考察、职称评聘、人才引进等事项严格听取党支部意见", COLLEGES, 5, (12, 10)),
        ]),
    ]),
    ("四、", "作风建设", [
        ("（一）", "落实中央八项规定精神", [
            Requirement("开展违反中央八项规定精神问题自查自纠，建立整改台账", ALL, 5, (8, 31)),
            Requirement("精简会议和文件，统筹规范督查检查考核事项，切实为基层减负", ALL, 3, (10, 31)),
        ]),
        ("（二）", "密切联系师生", [
            Requirement("落实领导班子成员联系党支部和师生制度，每学期开展走访调研", ALL, 6, (12, 10)),
        ]),
    ]),
    ("五、", "纪律建设", [
        ("（一）", "加强纪律教育", [
            Requirement("组织党员干部开展警示教育，观看警示教育片并交流学习体会", ALL, 4, (10, 31)),
        ]),
        ("（二）", "强化监督执纪", [
            Requirement("梳理本单位权力运行和廉政风险点，完善防控措施", ALL, 4, (11, 30)),
        ]),
    ]),
    ("六、", "制度建设", [
        ("（一）", "完善议事决策制度", [
            Requirement("修订党政联席会议议事规则，明确重大事项由党组织前置把关", COLLEGES, 8, (6, 30)),
        ]),
        ("（二）", "压实主体责任", [
            Requirement("逐级签订全面从严治党主体责任书，层层传导压力", ALL, 2, (4, 30)),
        ]),
    ]),
]


def requirements():
    """(top number, top title, sub number, sub title, requirement) in list order."""
    for number, title, subs in SECTIONS:
        for sub_number, sub_title, reqs in subs:
            for req in reqs:
                yield number, title, sub_number, sub_title, req


def check():
    total = sum(r.count for *_s, r in requirements())
    if total != ITEMS_2019:
        raise ValueError(f"the 2019 task list plans {total} items, not {ITEMS_2019}")
