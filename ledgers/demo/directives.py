"""The directive ledgers of the demo (落实重要指示批示和决策部署台账): 2019, with the 33 tasks the reference
committee reports as all implemented, and a smaller one for the current year. Our own wording throughout.

Leaders are keys into the root committee's seats (see build.Leadership): S the secretary, P the president
(a deputy secretary), D1 and D2 the other deputy secretaries, J the discipline secretary, O and X the
committee members heading the organisation and publicity departments. Owners are codes of the root's
direct children (the college-level committees, 机关党委 and 离退休党委)."""
from dataclasses import dataclass, field
from datetime import date

from ..choices import IssuingLevel

YEAR = 2019
LEDGER_NAME = "落实重要指示批示精神和重大决策部署工作台账"
LEDGER_DESCRIPTION = ("逐项登记上级重要指示批示和重大决策部署的具体落实任务，明确责任单位、责任领导和完成时限，"
                      "由党政办公室按月督办，办结一项销号一项。")


@dataclass
class Item:
    title: str
    owner: str
    leaders: tuple
    deadline: tuple | None  # (month, day) in 2019; None: chosen with the task's fate (current year)
    co_owners: tuple = ()
    late: bool = False  # submitted after the deadline
    evidence: str = ""  # "pdf" or "png": a file proving the work


@dataclass
class Source:
    title: str
    document_number: str
    level: str
    issued_on: date
    tasks: list = field(default_factory=list)


C, PV, CT, OWN = IssuingLevel.CENTRAL, IssuingLevel.PROVINCE, IssuingLevel.CITY, IssuingLevel.OWN

DIRECTIVES_2019 = [
    Source("习近平总书记在全国教育大会上的重要讲话精神", "", C, date(2018, 9, 10), [
        Item("制定学校贯彻落实全国教育大会精神实施方案，明确时间表、路线图和责任分工", "JG", ("S", "P"), (4, 30),
             evidence="pdf"),
        Item("修订本科专业人才培养方案，把立德树人要求写入各专业培养目标和毕业要求", "CS", ("P",), (7, 15),
             co_owners=("EIE", "MEA", "MSE")),
        Item("构建德智体美劳全面培养的课程体系，开设劳动教育必修课程", "MEA", ("P", "D2"), (9, 30), co_owners=("CEE",)),
        Item("开展师德师风专题教育，建立师德失范行为负面清单和通报制度", "HSS", ("D1",), (10, 31),
             co_owners=("JG",)),
        Item("召开学校教育工作会议，部署新时代人才培养重点任务", "JG", ("S", "P"), (6, 30), evidence="png"),
    ]),
    Source("习近平总书记在学校思想政治理论课教师座谈会上的重要讲话精神", "", C, date(2019, 3, 18), [
        Item("制定思想政治理论课改革创新实施方案，推动思政课程与课程思政同向同行", "HSS", ("D1", "X"), (7, 31)),
        Item("落实校领导讲授思政课制度，每位校领导每学期至少为学生讲授一次", "HSS", ("S", "D1"), (11, 30)),
        Item("按师生比核定思政课专职教师编制，完成年度招聘计划", "HSS", ("P", "O"), (11, 15), late=True),
        Item("遴选课程思政示范课程，每个学院至少建设两门", "SCI", ("P",), (10, 31), co_owners=("CS", "SEM")),
    ]),
    Source("中共中央关于加强党的政治建设的意见", "", C, date(2019, 1, 31), [
        Item("制定校党委坚决维护党中央权威和集中统一领导的若干制度", "JG", ("S",), (5, 31), evidence="pdf"),
        Item("健全重大事项请示报告制度，列出请示报告事项清单并规范办理程序", "JG", ("S", "O"), (6, 30)),
        Item("校院两级理论学习中心组各安排一次政治建设专题学习研讨", "SEM", ("X",), (9, 30), co_owners=("SCI",)),
        Item("开展院级党组织政治生态分析研判，形成分析报告", "EIE", ("J",), (11, 30)),
        Item("把政治标准作为干部选任和人才引进的首要标准，完善政治素质考察办法", "JG", ("O",), (8, 31), late=True),
    ]),
    Source("关于加强和改进新形势下高校思想政治工作的意见", "中发〔2016〕31号", C, date(2016, 12, 7), [
        Item("制定“三全育人”综合改革方案，健全全员全过程全方位育人工作体系", "JG", ("D1",), (6, 30)),
        Item("推进辅导员队伍专业化建设，落实辅导员职务职级“双线”晋升办法", "JG", ("D1", "O"), (9, 30)),
        Item("建设学生党员先锋岗，每个学生党支部结对联系一个本科生班级", "EIE", ("D1",), (10, 31),
             evidence="png"),
        Item("开展心理健康教育与危机干预专题培训，覆盖全体辅导员和班主任", "CEE", ("D1",), (11, 15)),
    ]),
    Source("省委教育工委关于推进高校基层党组织建设质量提升的通知", "省教工委〔2019〕21号", PV, date(2019, 3, 5), [
        Item("实施基层党组织对标争先计划，组织申报标杆院系和样板党支部", "JG", ("O",), (9, 30),
             co_owners=("CS", "MEA")),
        Item("推进教师党支部书记“双带头人”培育，年内实现全覆盖", "MSE", ("O",), (10, 31)),
        Item("完成到期党支部换届，规范换届选举程序和文书", "SCI", ("O",), (6, 30), late=True),
        Item("举办党支部书记轮训班，年内实现培训全覆盖", "JG", ("O",), (11, 30), evidence="pdf"),
    ]),
    Source("市委教育工委关于加强新时代高校意识形态工作的实施意见", "鹏教党〔2019〕6号", CT, date(2019, 4, 12), [
        Item("修订学校意识形态工作责任制实施细则，明确领导班子成员分工", "JG", ("S", "X"), (7, 31)),
        Item("严格哲学社会科学讲座、论坛、报告会审批备案，做到一会一报", "HSS", ("X",), (8, 31)),
        Item("开展校园网站和新媒体账号专项清理，建立账号管理台账", "CS", ("X",), (10, 31)),
    ]),
    Source("校党委关于落实全国教育大会和全国高校思想政治工作会议精神的工作方案", "鹏理工党〔2019〕5号", OWN,
           date(2019, 2, 26), [
               Item("组织师生开展爱国奋斗精神主题教育系列活动，引导师生立足岗位建功立业", "JG", ("X", "D1"),
                    (10, 31), evidence="png"),
               Item("举办庆祝新中国成立70周年主题宣传教育活动", "SEM", ("X",), (10, 15)),
               Item("开展研究生导师立德树人职责专题培训", "CS", ("P",), (9, 30)),
               Item("组织离退休老同志面向青年学生开展传统教育宣讲", "LTX", ("D2",), (7, 31)),
           ]),
    Source("校党委2019年工作要点", "鹏理工党〔2019〕2号", OWN, date(2019, 1, 18), [
        Item("校党委理论学习中心组全年集中学习不少于12次，每次以学习习近平总书记最新重要讲话精神为第一议题",
             "JG", ("S",), (11, 30)),
        Item("开展院级党组织书记抓基层党建工作述职评议考核，实现全覆盖", "JG", ("O",), (3, 31)),
        Item("推进“一院一品牌、一支部一特色”党建品牌创建", "MEA", ("O",), (11, 15)),
        Item("调整学校纪检机构设置，配齐配强专职纪检干部", "JG", ("J",), (8, 31)),
    ]),
]


def current_directives(year, issued):
    """The current year's ledger: three sources issued around `issued`, nine tasks. Their fates (done,
    submitted, in progress...) are chosen by current.py; here only what they are and who owns them."""
    return [
        Source(f"省委教育工委关于做好{year}年高校党建工作的通知", f"省教工委〔{year}〕8号", PV, issued, [
            Item("制定本年度党建工作任务分解表，报上级党组织备案", "JG", ("S", "O"), None),
            Item("开展党支部建设质量评估，形成评估报告", "SCI", ("O",), None),
            Item("组织实施“双带头人”教师党支部书记工作室建设", "MSE", ("O",), None),
        ]),
        Source(f"市委教育工委关于开展{year}年基层党建述职评议考核的通知", f"鹏教党〔{year}〕3号", CT, issued, [
            Item("组织院级党组织书记述职评议，评议结果在一定范围内通报", "JG", ("O",), None),
            Item("对照述职评议反馈问题制定整改清单并逐项销号", "EIE", ("O", "J"), None),
            Item("离退休党支部书记述职评议与经验交流", "LTX", ("D2",), None),
        ]),
        Source(f"校党委{year}年工作要点", f"鹏理工党〔{year}〕2号", OWN, issued, [
            Item("推进课程思政示范课程建设，开展优秀案例评选", "HSS", ("P", "D1"), None),
            Item("开展意识形态阵地专项检查，形成检查报告", "CEE", ("X",), None),
            Item("完成新一届院级党组织领导班子考核", "SEM", ("O",), None),
        ]),
    ]
