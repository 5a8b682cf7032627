"""The demo's words: matter titles per category, the committee's opinions, decisions and the branches' reasons.
Written for the demo; any resemblance to a real university's minutes is the genre's."""

TITLES = {
    "direction": ["{college}事业发展规划中期调整", "{college}本科专业设置调整方案", "{college}与企业共建联合实验室方案",
                  "{college}研究生培养方案修订", "{college}学科建设三年行动计划", "{college}国际合作办学项目"],
    "faculty": ["{college}师德师风建设实施办法", "{college}青年教师导师制实施方案", "{college}教师岗位聘用实施细则",
                "{college}教师考核评价办法修订", "{college}博士后队伍建设方案", "{college}实验技术队伍建设方案"],
    "interests": ["{college}学生奖助学金评定办法", "{college}绩效工资分配方案", "{college}实验室用房调整方案",
                  "{college}研究生学业奖学金评定细则", "{college}教职工福利费使用办法", "{college}学生宿舍调整方案"],
    "cadre_vetting": ["{college}系主任人选考察（{names}）", "{college}副院长人选考察（{names}）",
                      "{college}研究所所长人选考察（{names}）"],
    "title_review": ["{year}年度专业技术职务评聘推荐（{names}）"],
    "appraisal": ["{year}年度考核优秀等次人选（{names}）"],
    "awards": ["{year}年度“优秀共产党员”推荐（{names}）", "{year}年度“教书育人标兵”推荐（{names}）"],
    "recruitment": ["高层次人才引进聘任（{names}）", "青年拔尖人才引进聘任（{names}）"],
    "other": ["{college}{year}年工作要点", "{college}安全稳定工作方案", "{college}院务公开实施办法"],
}

DESCRIPTION = {
    "direction": "事项涉及学院办学方向和事业发展，按规定须经学院党委会前置把关后提交党政联席会议决定。",
    "faculty": "事项涉及教师队伍建设，已在教职工中征求意见，按规定须经学院党委会前置把关。",
    "interests": "事项涉及师生员工切身利益，已听取教代会代表和学生代表意见，按规定须经学院党委会前置把关。",
    "personnel": "按规定先听取人选所在党支部意见，再提交党政联席会议研究。",
    "other": "学院日常工作事项，提交党政联席会议研究。",
}

OPINIONS = {
    "agreed": "同意提交党政联席会议研究。",
    "agreed_with_changes": "原则同意，请按会上提出的意见修改完善后提交党政联席会议研究。",
    "returned": "请进一步调研论证、广泛听取师生意见后重新提交。",
}

DECISIONS = {
    "adopted": "会议研究，同意该事项，由相关部门抓好落实。",
    "rejected": "会议研究，认为条件尚不成熟，不予通过。",
    "deferred": "会议认为需进一步论证，暂缓决定。",
}

REASONS = {
    "agree": "经支部委员会研究，该同志政治立场坚定，工作表现良好，群众基础较好，同意。",
    "disagree": "经支部委员会研究，该同志近期工作表现有待提高，建议暂缓。",
}

RESUBMITTED = "已按党委前置把关意见补充调研论证并修改完善。"

BRANCH_MEETING = "支部委员会会议（研究征求意见事项）"
COMMITTEE_MEETING = "{month}月党委会"
JOINT_MEETING = "{month}月党政联席会议"
