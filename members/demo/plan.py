"""The demo university's organisation tree as data: a fictional Shenzhen engineering university modelled on
the one ../shared/seed/ describes (its four named colleges, 63 branches, vertical master-PhD and
teacher-student branches). Sizes are people per branch (members and those in the pipeline); they add up
to TOTAL_PEOPLE, and no branch passes the 50-member guideline."""
from dataclasses import dataclass, field

ROOT_CODE = "ROOT"
ROOT_NAME = "中共鹏城理工大学委员会"
ROOT_SHORT = "校党委"
UNIVERSITY = "鹏城理工大学"
TOTAL_PEOPLE = 2500
BRANCH_COUNT = 63  # the article's figure


@dataclass
class Branch:
    code: str
    name: str
    composition: str
    size: int
    is_joint: bool = False
    is_temporary: bool = False
    unit: str = ""  # unit code when it differs from the college's (机关 branches)


@dataclass
class GeneralBranch:
    code: str
    name: str
    branches: list


@dataclass
class College:
    code: str
    name: str  # the unit's name; the committee is "<name>党委"
    established: int
    children: list = field(default_factory=list)
    unit_kind: str = "college"
    committee_name: str = ""

    @property
    def org_name(self):
        return self.committee_name or f"{self.name}党委"


T, S, ST, R = "teacher", "student", "staff", "retiree"
MPJ, TSJ, MIX = "master_phd_joint", "teacher_student_joint", "mixed"
NEW_COHORT = "{cohort}级研究生新生临时党支部"  # filled in with the current academic year

COLLEGES = [
    College("CS", "计算机科学与技术学院", 2014, [
        GeneralBranch("CS-T", "计算机科学与技术学院教工党总支", [
            Branch("CS-01", "计算机科学与技术学院教工第一党支部", T, 46),
            Branch("CS-02", "计算机科学与技术学院教工第二党支部", T, 44),
            Branch("CS-03", "计算机科学与技术学院教工第三党支部", T, 38),
        ]),
        GeneralBranch("CS-S", "计算机科学与技术学院学生党总支", [
            Branch("CS-04", "计算机科学与技术学院本科生第一党支部", S, 48),
            Branch("CS-05", "计算机科学与技术学院本科生第二党支部", S, 47),
            Branch("CS-06", "计算机科学与技术学院硕博联合第一党支部", MPJ, 49),
            Branch("CS-07", "计算机科学与技术学院硕博联合第二党支部", MPJ, 48),
        ]),
        Branch("CS-08", "计算机科学与技术学院网络空间安全师生联合党支部", TSJ, 46),
        Branch("CS-09", "计算机科学与技术学院" + NEW_COHORT, S, 22, is_temporary=True),
    ]),
    College("MSE", "材料科学与工程学院", 2014, [
        Branch("MSE-01", "材料科学与工程学院教工第一党支部", T, 40),
        Branch("MSE-02", "材料科学与工程学院教工第二党支部", T, 36),
        Branch("MSE-03", "材料科学与工程学院本科生党支部", S, 48),
        Branch("MSE-04", "材料科学与工程学院硕博联合党支部", MPJ, 49),
        Branch("MSE-05", "材料科学与工程学院新能源材料师生联合党支部", TSJ, 45),
        Branch("MSE-06", "材料科学与工程学院实验与测试中心党支部", MIX, 22),
    ]),
    College("EIE", "电子与信息工程学院", 2014, [
        Branch("EIE-01", "电子与信息工程学院教工第一党支部", T, 46),
        Branch("EIE-02", "电子与信息工程学院教工第二党支部", T, 39),
        Branch("EIE-03", "电子与信息工程学院教工第三党支部", T, 35),
        GeneralBranch("EIE-S", "电子与信息工程学院学生党总支", [
            Branch("EIE-04", "电子与信息工程学院本科生党支部", S, 49),
            Branch("EIE-05", "电子与信息工程学院硕士研究生党支部", S, 48),
            Branch("EIE-06", "电子与信息工程学院硕博联合党支部", MPJ, 49),
        ]),
        Branch("EIE-07", "电子与信息工程学院微电子师生联合党支部", TSJ, 44),
    ]),
    College("MEA", "机电工程与自动化学院", 2014, [
        Branch("MEA-01", "机电工程与自动化学院教工第一党支部", T, 45),
        Branch("MEA-02", "机电工程与自动化学院教工第二党支部", T, 37),
        Branch("MEA-03", "机电工程与自动化学院本科生第一党支部", S, 48),
        Branch("MEA-04", "机电工程与自动化学院本科生第二党支部", S, 46),
        Branch("MEA-05", "机电工程与自动化学院硕博联合党支部", MPJ, 49),
        Branch("MEA-06", "机电工程与自动化学院机器人师生联合党支部", TSJ, 45),
    ]),
    College("CEE", "土木与环境工程学院", 2015, [
        Branch("CEE-01", "土木与环境工程学院土木工程教工党支部", T, 41),
        Branch("CEE-02", "土木与环境工程学院环境工程教工党支部", T, 30),
        Branch("CEE-03", "土木与环境工程学院本科生党支部", S, 46),
        Branch("CEE-04", "土木与环境工程学院硕博联合党支部", MPJ, 47),
        Branch("CEE-05", "土木与环境工程学院海洋工程师生联合党支部", TSJ, 40),
    ]),
    College("SEM", "经济管理学院", 2015, [
        Branch("SEM-01", "经济管理学院教工党支部", T, 43),
        Branch("SEM-02", "经济管理学院本科生党支部", S, 47),
        Branch("SEM-03", "经济管理学院研究生党支部", S, 48),
        Branch("SEM-04", "经济管理学院硕博联合党支部", MPJ, 42),
    ]),
    College("SCI", "理学院", 2016, [
        Branch("SCI-01", "理学院数学系教工党支部", T, 37),
        Branch("SCI-02", "理学院物理系教工党支部", T, 35),
        Branch("SCI-03", "理学院本科生党支部", S, 45),
        Branch("SCI-04", "理学院硕博联合党支部", MPJ, 47),
        Branch("SCI-05", "理学院化学与生物师生联合党支部", TSJ, 40),
    ]),
    College("HSS", "人文与社会科学学院", 2016, [
        Branch("HSS-01", "人文与社会科学学院教工党支部", T, 38),
        Branch("HSS-02", "人文与社会科学学院思想政治理论课教师党支部", T, 30),
        Branch("HSS-03", "人文与社会科学学院学生党支部", S, 46),
        Branch("HSS-04", "人文与社会科学学院社会工作师生联合党支部", TSJ, 38),
    ]),
    College("JG", "机关", 2014, unit_kind="department", committee_name="机关党委", children=[
        Branch("JG-01", "党政办公室党支部", ST, 46, unit="D-OFFICE"),
        Branch("JG-02", "党委组织部、宣传部、统战部联合党支部", ST, 26, is_joint=True, unit="D-ORG"),
        Branch("JG-03", "学生工作部党支部", ST, 44, unit="D-STUDENT"),
        Branch("JG-04", "研究生院党支部", ST, 24, unit="D-GRAD"),
        Branch("JG-05", "教务部党支部", ST, 36, unit="D-ACADEMIC"),
        Branch("JG-06", "科研院党支部", ST, 26, unit="D-RESEARCH"),
        Branch("JG-07", "人力资源部党支部", ST, 22, unit="D-HR"),
        Branch("JG-08", "财务部、审计处联合党支部", ST, 28, is_joint=True, unit="D-FINANCE"),
        Branch("JG-09", "国际合作部党支部", ST, 6, unit="D-INTL"),
        Branch("JG-10", "图书馆、档案馆联合党支部", ST, 22, is_joint=True, unit="D-LIBRARY"),
        Branch("JG-11", "后勤保障部党支部", MIX, 44, unit="D-LOGISTICS"),
        Branch("JG-12", "实验与创新实践教育中心党支部", MIX, 38, unit="D-LAB"),
        Branch("JG-13", "新入职教职工临时党支部", MIX, 9, is_temporary=True, unit="D-HR"),
    ]),
    College("LTX", "离退休工作处", 2014, unit_kind="department", committee_name="离退休党委", children=[
        Branch("LTX-01", "离退休第一党支部", R, 50),
        Branch("LTX-02", "离退休第二党支部", R, 49),
        Branch("LTX-03", "离退休第三党支部", R, 48),
        Branch("LTX-04", "离退休教职工联合党支部", R, 34, is_joint=True),
    ]),
]

# Administrative units of the 机关 branches (the colleges' units are the colleges themselves).
DEPARTMENTS = [
    ("D-OFFICE", "党政办公室"), ("D-ORG", "党委组织部"), ("D-PUBLICITY", "党委宣传部"),
    ("D-UNITED", "党委统战部"), ("D-STUDENT", "学生工作部"), ("D-GRAD", "研究生院"), ("D-ACADEMIC", "教务部"),
    ("D-RESEARCH", "科研院"), ("D-HR", "人力资源部"), ("D-FINANCE", "财务部"), ("D-AUDIT", "审计处"),
    ("D-INTL", "国际合作部"), ("D-LIBRARY", "图书馆"), ("D-ARCHIVES", "档案馆"), ("D-LOGISTICS", "后勤保障部"),
    ("D-LAB", "实验与创新实践教育中心"),
]


def iter_branches():
    """(college, general branch or None, branch) for every branch, in plan order."""
    for college in COLLEGES:
        for child in college.children:
            if isinstance(child, GeneralBranch):
                for branch in child.branches:
                    yield college, child, branch
            else:
                yield college, None, child


def check_plan():
    branches = [b for _c, _g, b in iter_branches()]
    assert len(branches) == BRANCH_COUNT, len(branches)
    assert sum(b.size for b in branches) == TOTAL_PEOPLE, sum(b.size for b in branches)
    assert max(b.size for b in branches) <= 50
    assert len({b.code for b in branches}) == len(branches)

# Short names of the college-level committees.
SHORT_NAMES = {"CS": "计算机学院", "MSE": "材料学院", "EIE": "电信学院", "MEA": "机电学院", "CEE": "土环学院",
               "SEM": "经管学院", "SCI": "理学院", "HSS": "人文学院", "JG": "机关党委", "LTX": "离退休党委"}

# Party groups inside the larger branches: branch code -> number of groups.
GROUPS = {"CS-01": 3, "CS-06": 2, "EIE-01": 2, "MSE-04": 2, "MEA-05": 2, "JG-01": 2, "JG-11": 2, "LTX-01": 3,
          "LTX-02": 3, "LTX-03": 2}

# 换届 that the demo shows as warnings: overdue, and due within the warning window.
TERMS_OVERDUE = {"CEE-02", "LTX-03"}
TERMS_DUE_SOON = {"CS-03", "MSE-06", "SEM-01", "JG-10", "HSS-04", "SCI"}

# 中层及以上领导干部. Senior leaders (校级) sit in the 党政办公室 branch; middle leaders in their college's
# teacher branches or their department's branch. The titles' order matters for the committee seats.
SENIOR_TITLES = ["党委书记", "校长", "党委副书记", "党委副书记", "副校长", "副校长", "副校长", "副校长", "纪委书记",
                 "总会计师"]
SENIOR_BRANCH = "JG-01"
COLLEGE_CADRE_TITLES = ["党委书记", "院长", "党委副书记", "党委副书记", "副院长", "副院长", "副院长", "副院长"]
DEPARTMENT_CADRE_TITLES = {
    "JG-01": ["党政办公室主任", "党政办公室副主任", "党政办公室副主任", "党政办公室副主任", "督查室主任",
              "信访办公室主任", "保密办公室主任"],
    "JG-02": ["党委组织部部长", "党委宣传部部长", "党委统战部部长", "机关党委书记", "党委组织部副部长",
              "党委宣传部副部长"],
    "JG-03": ["学生工作部部长", "学生工作部副部长", "学生工作部副部长", "团委书记", "心理健康教育中心主任"],
    "JG-04": ["研究生院常务副院长", "研究生院副院长", "研究生院副院长", "学位办公室主任"],
    "JG-05": ["教务部部长", "教务部副部长", "教务部副部长", "招生办公室主任", "教学质量监控中心主任"],
    "JG-06": ["科研院院长", "科研院副院长", "科研院副院长", "成果转化中心主任", "学科建设办公室主任"],
    "JG-07": ["人力资源部部长", "人力资源部副部长", "离退休工作处处长", "人才办公室主任"],
    "JG-08": ["财务部部长", "财务部副部长", "财务部副部长", "审计处处长", "审计处副处长"],
    "JG-09": ["国际合作部部长", "国际合作部副部长"],
    "JG-10": ["图书馆馆长", "图书馆副馆长", "档案馆馆长", "档案馆副馆长"],
    "JG-11": ["后勤保障部部长", "后勤保障部副部长", "后勤保障部副部长", "校园规划与建设办公室主任", "保卫处处长"],
    "JG-12": ["实验与创新实践教育中心主任", "实验与创新实践教育中心副主任", "实验与创新实践教育中心副主任",
              "网络与信息中心主任"],
}
