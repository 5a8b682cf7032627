"""What the meetings demo holds, as data: the 2019 totals the article gives for the root committee, the
theme-education campaign, the branches deliberately behind, and the study materials and agenda items
(neutral titles written for the demo)."""
from datetime import date

YEAR = 2019

# The root committee's figures for 2019 (the article's): first topics at its committee meetings, central-
# group study sessions across all committees, first topics in branches, campaign seminars of the
# leadership team and of the colleges and units.
COMMITTEE_FIRST_TOPICS = 16
CENTRAL_GROUP_SESSIONS = 48
BRANCH_FIRST_TOPICS = 506
LEADERSHIP_SEMINARS = 16
UNIT_SEMINARS = 59

# The root committee met about twice a month; a few meetings were enlarged to the colleges' secretaries.
ROOT_COMMITTEE_MEETINGS = 24
ROOT_ENLARGED = 5
ROOT_CENTRAL_GROUP = 12  # monthly; the other 36 sessions are the colleges'
# Central-group sessions per college committee in 2019 (sums to 36 with the root's 12).
COLLEGE_CENTRAL_GROUP = {"CS": 5, "MSE": 4, "EIE": 4, "MEA": 4, "CEE": 3, "SEM": 3, "SCI": 3, "HSS": 3, "JG": 4,
                         "LTX": 3}
# Campaign seminars below the root (sums to 59): the colleges' committees and the general branches.
UNIT_SEMINAR_COUNTS = {"CS": 6, "MSE": 5, "EIE": 6, "MEA": 5, "CEE": 5, "SEM": 5, "SCI": 5, "HSS": 5, "JG": 5,
                       "LTX": 3, "CS-T": 3, "CS-S": 3, "EIE-S": 3}

CAMPAIGN_NAME = "“不忘初心、牢记使命”主题教育"
CAMPAIGN_STARTS = date(2019, 6, 3)
CAMPAIGN_ENDS = date(2019, 11, 29)
CAMPAIGN_NOTE = "校党委统一部署，各二级党组织和党支部分批开展集中学习研讨、调查研究、检视问题和整改落实。"

# Branches behind on some rule in 2019, so the compliance calendar has gaps to show:
# branch code -> {meeting kind: months (quarters for quarterly kinds) with no meeting}.
BEHIND_2019 = {
    "CEE-02": {"member_assembly": [3], "party_lecture": [3]},
    "LTX-03": {"branch_committee": [7, 8, 9], "theme_day": [8]},
    "MSE-06": {"theme_day": [1, 2], "party_lecture": [1]},
    "JG-09": {"member_assembly": [2], "theme_day": [7, 8]},
    "HSS-04": {"life_meeting": [1]},
    "SCI-02": {"branch_committee": [1, 2]},
}
# This year: a few branches a month or two behind.
BEHIND_NOW = {
    "EIE-03": {"branch_committee": [-1, -2]},  # months counted back from the current one
    "JG-11": {"theme_day": [-1]},
    "LTX-02": {"member_assembly": [-1]},  # the current quarter's assembly still to come
}

# Study materials of first-topic items: (title, source).
MATERIALS = [
    ("学习《中国共产党支部工作条例（试行）》", "党内法规汇编"),
    ("学习《中国共产党党员教育管理工作条例》", "党内法规汇编"),
    ("学习《中国共产党纪律处分条例》", "党内法规汇编"),
    ("学习《中国共产党普通高等学校基层组织工作条例》", "党内法规汇编"),
    ("学习《关于新形势下党内政治生活的若干准则》", "党内法规汇编"),
    ("学习《中国共产党廉洁自律准则》", "党内法规汇编"),
    ("学习《中国共产党章程》总纲", "党章"),
    ("学习《中国共产党章程》党员的义务和权利", "党章"),
    ("学习《中国共产党发展党员工作细则》", "党内法规汇编"),
    ("学习关于加强和改进新时代高校思想政治工作的文件精神", "上级文件"),
    ("学习关于深化新时代学校思想政治理论课改革创新的文件精神", "上级文件"),
    ("学习关于教育工作的重要论述摘编", "学习读本"),
    ("学习关于科技创新的重要论述摘编", "学习读本"),
    ("学习党史中的重要会议和重大事件", "党史学习材料"),
    ("学习上级党委关于基层党建工作的部署", "上级文件"),
    ("学习全国高校党建工作会议精神", "会议材料"),
    ("学习关于师德师风建设的文件精神", "上级文件"),
    ("学习中华人民共和国成立70周年相关学习材料", "学习读本"),
]
CAMPAIGN_MATERIALS = [
    ("学习主题教育指定学习材料（一）", "主题教育学习材料"),
    ("学习主题教育指定学习材料（二）", "主题教育学习材料"),
    ("学习党章和党内法规，对照检视问题", "主题教育学习材料"),
    ("学习新中国史和改革开放史", "主题教育学习材料"),
]

# The regular items of each kind of meeting (after the first topic, when there is one).
ITEMS = {
    "member_assembly": ["通报支部近期工作", "讨论确定入党积极分子和发展对象", "讨论接收预备党员",
                        "讨论预备党员转正", "民主评议党员工作安排", "收缴党费情况通报"],
    "branch_committee": ["研究本月支部工作安排", "研究发展党员工作", "研究主题党日活动方案", "研究党员教育培训计划",
                         "谈心谈话情况交流", "研究支部学习计划"],
    "group_meeting": ["交流学习体会", "通报支部工作安排", "开展批评与自我批评"],
    "party_lecture": ["党课：坚定理想信念，践行初心使命", "党课：学党章守党规，做合格党员",
                      "党课：立德树人，做新时代好老师", "党课：青年党员的责任与担当",
                      "党课：从党史中汲取前进力量", "党课：发扬优良作风，服务师生"],
    "theme_day": ["主题党日：参观革命传统教育基地", "主题党日：志愿服务进社区", "主题党日：重温入党誓词",
                  "主题党日：观看红色影片并交流", "主题党日：实验室安全检查", "主题党日：走访慰问老党员"],
    "life_meeting": ["通报上年度组织生活会问题整改情况", "支部书记代表支部委员会检视问题",
                     "党员开展批评和自我批评", "民主评议党员"],
    "committee_meeting": ["研究近期党建工作", "研究干部选拔任用工作", "研究意识形态工作", "研究重要事项预审",
                          "研究基层党组织建设工作", "研究教师思想政治工作"],
    "central_group_study": ["交流研讨", "专题辅导报告"],
    "study_seminar": ["集中学习研讨", "交流发言", "检视问题"],
}

PLACES = {
    "branch": ["学院会议室", "党员活动室", "教学楼研讨室", "图书馆研讨间", "线上会议"],
    "committee": ["行政楼第一会议室", "行政楼第二会议室", "学院会议室"],
}

LEAVE_REASONS = ["出差", "参加学术会议", "授课时间冲突", "病假", "外出调研", "家中有事", "实习在外"]
RETIREE_LEAVE_REASONS = ["身体原因", "住院治疗", "外地探亲", "行动不便"]
