"""The leadership team's responsibility list (责任清单): one row per member of the university's leadership,
the secretary first as the person with primary responsibility, then the deputy secretaries, the committee
members and the vice-presidents, each with the college-level organisations they cover. Our own wording."""
from core.scoping import SYSTEM

from .. import services
from ..choices import LedgerKind

NAME = "校领导班子全面从严治党责任清单"
DESCRIPTION = ("明确校领导班子成员落实全面从严治党责任的分工：党委书记履行第一责任人职责，班子其他成员对分管领域和"
               "联系单位履行“一岗双责”。")

# key -> (post, what the duty is, organisations covered). Root-committee members are keyed as in
# seats.ROOT_KEYS; V1-V4 are the vice-presidents and C the chief accountant, in the members demo's order.
ROWS = [
    ("S", "党委书记（第一责任人）",
     "对学校全面从严治党负总责，履行第一责任人职责。主持校党委全面工作，带头落实意识形态工作责任制和党风廉政建设"
     "责任制；每年听取班子成员和院级党组织落实主体责任情况汇报，重要工作亲自部署、重大问题亲自过问。",
     ("JG", "CS")),
    ("P", "党委副书记、校长",
     "协助书记落实全面从严治党责任，对学校行政工作和分管领域的党风廉政建设负领导责任；推动党建工作与学校事业发展"
     "一起谋划、一起部署、一起考核。",
     ("SEM", "MSE")),
    ("D1", "党委副书记",
     "协助书记分管组织、宣传、统战和学生工作，对分管领域全面从严治党负直接领导责任；牵头推进基层党组织建设和"
     "学生思想政治工作。",
     ("HSS", "EIE")),
    ("D2", "党委副书记",
     "协助书记分管教师思想政治、工会和离退休工作，对分管领域全面从严治党负直接领导责任；牵头推进师德师风建设。",
     ("LTX", "SCI")),
    ("J", "纪委书记",
     "履行监督责任，协助党委推进全面从严治党、加强作风建设和组织协调反腐败工作；监督检查院级党组织落实主体责任"
     "情况，定期向校党委报告。",
     ("CEE",)),
    ("O", "党委委员、组织部部长",
     "协助党委抓好基层党组织建设、党员队伍建设和干部工作；组织院级党组织书记抓基层党建工作述职评议考核。",
     ("MEA",)),
    ("X", "党委委员、宣传部部长",
     "协助党委落实意识形态工作责任制，组织理论学习中心组学习，管理宣传思想文化阵地。",
     ("HSS",)),
    ("V1", "副校长",
     "落实“一岗双责”，对分管的本科教学和招生工作的党风廉政建设和意识形态工作负领导责任；每学期到联系单位指导党建"
     "工作。",
     ("CS",)),
    ("V2", "副校长",
     "落实“一岗双责”，对分管的科研、学科建设和成果转化工作的党风廉政建设负领导责任；把好科研经费使用的廉洁关口。",
     ("EIE",)),
    ("V3", "副校长",
     "落实“一岗双责”，对分管的人事、人才引进和国际合作工作的党风廉政建设负领导责任；人才引进坚持政治标准并听取"
     "党支部意见。",
     ("SCI",)),
    ("V4", "副校长",
     "落实“一岗双责”，对分管的后勤保障、校园建设和安全稳定工作的党风廉政建设负领导责任；加强工程建设和采购领域"
     "廉政风险防控。",
     ("CEE",)),
    ("C", "总会计师",
     "落实“一岗双责”，对分管的财务、资产和审计工作的党风廉政建设负领导责任；规范经费管理，配合做好审计监督。",
     ("SEM",)),
]
VICE_TITLES = ("副校长", "总会计师")


def responsibility_list(state, seats, year, day):
    """The list as it stood on `day`: root-committee seats held then, the vice-presidents of the demo."""
    orgs = state.orgs
    ledger = services.create_ledger(SYSTEM, kind=LedgerKind.RESPONSIBILITY_LIST, name=f"{year}年{NAME}",
                                    organization=orgs["ROOT"], year=year, description=DESCRIPTION)
    vice = [d.person for d in state.seniors if d.person.title in VICE_TITLES]
    people = {**{f"V{i + 1}": p for i, p in enumerate(v for v in vice if v.title == "副校长")},
              **{"C": next((v for v in vice if v.title == "总会计师"), None)}}
    for order, (key, post, content, codes) in enumerate(ROWS, start=1):
        person = people.get(key) if key in people else seats.leader(key, day)
        if person is None:
            continue
        services.save_duty(SYSTEM, ledger=ledger, order=order, leader=person, post=post, content=content,
                           organizations=[orgs[c] for c in codes])
    return ledger
