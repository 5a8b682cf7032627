"""Fictional people for the demo: identity (checksum-valid ID numbers whose birth date and gender agree with
the record), a development history that respects the rules' intervals, and a join date for the branch."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from members.identity import make_id_number
from members.models import Person
from members.pinyin import name_keys

from .names import full_name

# Shenzhen districts (罗湖 福田 南山 宝安 龙岗 盐田 龙华 坪山 光明) and, for people born elsewhere, a few
# other county-level codes (广州, 惠州, 潮州, 长沙, 武汉, 成都, 哈尔滨, 郑州, 西安).
SHENZHEN = ["440303", "440304", "440305", "440306", "440307", "440308", "440309", "440310", "440311"]
ELSEWHERE = ["440103", "440104", "441302", "445102", "430102", "420102", "510104", "230102", "230103",
             "410102", "610103"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "199"]
ETHNIC_MINORITIES = ["壮族", "回族", "满族", "苗族", "土家族", "蒙古族", "朝鲜族", "瑶族", "侗族", "彝族"]

STAGES = ["applicant", "activist", "candidate", "probationary", "full"]
STAGE_NOTES = {
    "applicant": "递交入党申请书",
    "activist": "确定为入党积极分子",
    "candidate": "确定为发展对象",
    "probationary": "接收为预备党员",
    "full": "按期转为正式党员",
}
# Days from one stage to the next (activist to candidate: at least one year of cultivation; probation:
# one year from admission).
GAPS = [(90, 300), (370, 560), (60, 240), (365, 380)]
# How long someone may plausibly have stayed in the stage they are still in.
DWELL = {"applicant": (10, 330), "activist": (20, 500), "candidate": (10, 200), "probationary": (10, 355)}

# Per role: (category, age range in years, weights of the five stages, age range when becoming a full member).
ROLES = {
    "teacher": ("teacher", (28, 62), (2, 4, 2, 4, 88), (21, 33)),
    "staff": ("staff", (24, 59), (3, 5, 3, 5, 84), (21, 35)),
    "senior": ("staff", (50, 59), (0, 0, 0, 0, 1), (21, 30)),
    "retiree": ("retiree", (61, 90), (0, 0, 0, 0, 1), (21, 40)),
    "undergrad": ("student", (18.3, 22.9), (16, 28, 14, 24, 18), (20.5, 22.5)),
    "undergrad_senior": ("student", (21.3, 23.6), (0, 0, 1, 3, 6), (20.8, 23)),  # third and fourth years
    "master": ("student", (22, 26.5), (5, 12, 8, 30, 45), (20.5, 24)),
    "phd": ("student", (24, 31), (2, 5, 3, 15, 75), (21, 27)),
    "newgrad": ("student", (22, 25), (0, 0, 0, 45, 55), (20.5, 23)),
    "newhire": (None, (26, 35), (0, 0, 0, 20, 80), (21, 28)),
}
# Which roles make up a branch of each composition (weights).
COMPOSITION_ROLES = {
    "teacher": [("teacher", 1)],
    "student": [("undergrad", 78), ("undergrad_senior", 22)],
    "graduate": [("master", 1)],  # a student branch of graduate students (研究生党支部)
    "new_cohort": [("newgrad", 1)],
    "staff": [("staff", 1)],
    "retiree": [("retiree", 1)],
    "master_phd_joint": [("master", 55), ("phd", 45)],
    "teacher_student_joint": [("teacher", 30), ("master", 35), ("phd", 20), ("undergrad", 15)],
    "mixed": [("teacher", 40), ("staff", 60)],
    "new_hire": [("newhire", 1)],
}
TEACHER_TITLES = [(33, ["助理教授", "讲师"]), (45, ["副教授", "副研究员", "讲师", "高级工程师"]),
                  (99, ["教授", "副教授", "研究员"])]
STAFF_TITLES = ["科员", "主任科员", "工程师", "实验师", "会计师", "馆员", "四级职员", "五级职员"]


def years(n):
    return timedelta(days=round(n * 365.25))


@dataclass
class Draft:
    """One person before saving: the Person row, its status history and memberships (org, from, to)."""

    person: Person
    role: str
    age: float
    arrived: date  # enrolment, appointment or retirement
    history: list = field(default_factory=list)  # [(status, date)]
    memberships: list = field(default_factory=list)  # [(organization, valid_from, valid_to)]


class PeopleMaker:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.used_ids = set()

    # --- identity ---------------------------------------------------------------------------------

    def id_number(self, birth, gender):
        regions = SHENZHEN if self.rng.random() < 0.6 else ELSEWHERE
        while True:
            # GB 11643: the sequence's last digit is odd for men, even for women.
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "male" else 0)
            if seq == 0:
                continue
            value = make_id_number(self.rng.choice(regions), birth, seq)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def mobile(self):
        if self.rng.random() < 0.04:
            return ""
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def birth(self, low, high):
        return self.today - years(self.rng.uniform(low, high))

    # --- development history ----------------------------------------------------------------------

    def history(self, role, status, birth):
        """[(status, date)] from application to `status`, dates inside the rules' intervals. A person too
        young for the whole path is placed one stage earlier."""
        full_ages = ROLES[role][3]
        earliest = birth + years(18) + timedelta(days=20)
        while True:
            idx = STAGES.index(status)
            if status == "full":
                last = birth + years(self.rng.uniform(*full_ages))
                last = min(last, self.today - timedelta(days=self.rng.randint(20, 400)))
            else:
                last = self.today - timedelta(days=self.rng.randint(*DWELL[status]))
            dates = [last]
            for gap in reversed(GAPS[:idx]):
                dates.insert(0, dates[0] - timedelta(days=self.rng.randint(*gap)))
            shift = (earliest - dates[0]).days
            if shift > 0:
                dates = [d + timedelta(days=shift) for d in dates]
            ceiling = self.today - timedelta(days=5) if status == "full" else self.today
            if dates[-1] <= ceiling and (status == "full" or (self.today - dates[-1]).days <= DWELL[status][1]):
                return list(zip(STAGES[:idx + 1], dates, strict=True))
            if idx == 0:
                return [("applicant", min(max(earliest, self.today - timedelta(days=30)), self.today))]
            status = STAGES[idx - 1]

    # --- arrival in the university ----------------------------------------------------------------

    def arrival(self, role, birth):
        """When the person came to the university (enrolment, appointment or retirement); never in the
        future, even for the youngest of a role."""
        arrived = self._arrival(role, birth)
        if role in ("newgrad", "newhire"):
            return arrived
        return min(arrived, self.today - timedelta(days=self.rng.randint(15, 400)))

    def _arrival(self, role, birth):
        rng = self.rng
        if role in ("undergrad", "undergrad_senior"):
            return date((birth + years(18)).year, 9, rng.randint(1, 8))
        if role == "master":
            return date((birth + years(22)).year, 9, rng.randint(1, 8))
        if role == "phd":
            return date((birth + years(rng.uniform(22.5, 25))).year, 9, rng.randint(1, 8))
        if role == "retiree":
            return birth + years(rng.choice([55, 60, 60, 60, 63]))
        if role in ("newgrad", "newhire"):
            return self.today - timedelta(days=rng.randint(20, 200))
        return birth + years(rng.uniform(26, 36))

    # --- one person -------------------------------------------------------------------------------

    def make(self, role, organization, status=None):
        """A new person of `role` in `organization`; `status` asks for a stage (the history may still place
        the person one stage earlier if they are too young for it)."""
        rng = self.rng
        cat, ages, weights, _full_ages = ROLES[role]
        gender = "male" if rng.random() < (0.62 if role in ("teacher", "phd", "senior") else 0.52) else "female"
        birth = self.birth(*ages)
        name, _family, _given = full_name(rng, gender)
        status = status or rng.choices(STAGES, weights=weights)[0]
        history = self.history(role, status, birth)
        status, status_since = history[-1]
        initials, pinyin = name_keys(name)
        person = Person(
            name=name, name_initials=initials, name_pinyin=pinyin, gender=gender, birth_date=birth,
            ethnicity=rng.choice(ETHNIC_MINORITIES) if rng.random() < 0.05 else "汉族",
            id_number=self.id_number(birth, gender), mobile=self.mobile(),
            education=self.education(role), category=cat or rng.choice(["teacher", "staff"]),
            title=self.title(role, birth), party_status=status, status_since=status_since,
            organization=organization,
        )
        return Draft(person=person, role=role, history=history, age=(self.today - birth).days / 365.25,
                     arrived=self.arrival(role, birth))

    def education(self, role):
        roll = self.rng.random()
        if role in ("teacher", "senior"):
            return "doctorate" if roll < 0.85 else "master"
        if role in ("staff", "newhire"):
            return "master" if roll < 0.45 else "bachelor" if roll < 0.9 else "college"
        if role == "retiree":
            return "bachelor" if roll < 0.5 else "college" if roll < 0.8 else "secondary" if roll < 0.95 else "master"
        if role in ("master", "newgrad"):
            return "bachelor"
        if role == "phd":
            return "master"
        return ""  # undergraduates have not finished a degree yet

    def title(self, role, birth):
        age = (self.today - birth).days / 365.25
        if role == "teacher":
            for limit, titles in TEACHER_TITLES:
                if age < limit:
                    return self.rng.choice(titles)
        if role in ("staff", "newhire"):
            return self.rng.choice(STAFF_TITLES)
        if role == "retiree":
            return self.rng.choice(["退休教师", "退休教师", "退休职工"])
        if role in ("undergrad", "undergrad_senior"):
            return "本科生"
        if role in ("master", "newgrad"):
            return "硕士研究生"
        if role == "phd":
            return "博士研究生"
        return ""
