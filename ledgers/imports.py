"""Import of a ledger's tasks from Excel in the 台账 layout that ledgers.export writes (core.imports does the
file checks, preview, one transaction and rollback).

The target ledger is named by the sheet's title row (row 1, usually merged across) or by a 台账 column: an
existing ledger the importing user manages, or a new one the import creates (see _new_ledger). Each row
then either creates a task (a section or a directive with it when new) or, when its 序号 names a task of
the ledger, updates that task through the services; a row that changes nothing writes nothing, so an
exported file imports back as a no-op.

Sheets as people keep them are handled: merged cells (the title, section rows merged across, a 责任单位
cell merged down over several rows), blank rows, and dates as date cells, Excel serial numbers or text.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import BusinessRuleError
from core.imports import (
    CellError,
    Column,
    Date,
    FileRejected,
    ImportSpec,
    Text,
    clean_cell,
    display,
    normalise_header,
    read_sheet,
    registry,
)
from core.scoping import path_range
from members.models import Person
from orgs.models import Organization

from . import services
from .choices import Event, IssuingLevel, LedgerKind, TaskStatus
from .export import DEADLINE, DIRECTIVE, LEADERS, NUMBER, OWNERS, PROGRESS, TASK
from .models import Directive, Ledger, ProgressUpdate, Section, Task

LEDGER, SECTION, ASSIGNED = "台账", "章节", "下达日期"
SPLIT = re.compile(r"[、，,；;\n]+")
TASK_NUMBER = re.compile(r"^\d+(?:[.．]\d+)*$")
CN = "一二三四五六七八九十百零〇"
# A section's number and the style that gives its level: 一、 > （一） > 1. > （1）, or as the sheet uses them.
SECTION_NUMBER = re.compile(rf"^(?P<n>[（(][{CN}\d]+[)）]|[{CN}]+(?=[、.．:：\s])|\d+(?:[.．]\d+)*(?=[、.．:：\s]))"
                            r"[、.．:：\s]*(?P<title>.+)$")
HEADER_SEARCH_ROWS = 10
SPEC_HEADERS = {"owners": OWNERS, "leaders": LEADERS}


# --- reading the sheet ---------------------------------------------------------------------------------

def merged_ranges(content):
    """[(min_col, min_row, max_col, max_row)] of the first sheet. openpyxl's read-only mode skips merges,
    so they are read from the sheet's XML (parsed safely: defusedxml underneath openpyxl)."""
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.xml.functions import iterparse

    found = []
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True)
        try:
            sheet_path = wb.worksheets[0]._worksheet_path.lstrip("/")
        finally:
            wb.close()
        with zipfile.ZipFile(io.BytesIO(content)) as zf, zf.open(sheet_path) as source:
            for _event, element in iterparse(source):
                if element.tag.endswith("}mergeCell"):
                    found.append(range_boundaries(element.get("ref")))
                element.clear()
    except Exception:  # noqa: BLE001 - the cells were read already; a sheet whose merges cannot be read has none
        return []
    return found


def _find_header(rows):
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [normalise_header(v) for v in values]
        if NUMBER in names and TASK in names:
            return index, names
    raise FileRejected(_("未找到列名行：应有“序号”“任务”“责任单位”“完成时限”等列（可下载导入模板，或使用导出的台账）"))


def _title(rows):
    for _number, values in rows:
        for value in values:
            text = display(clean_cell(value))
            if text:
                return text
    return ""


def read_ledger_sheet(content, filename):
    """The sheet as core.imports expects it (header first, then data rows), with merged-down cells filled,
    the title row turned into a 台账 column and section rows into a 章节 column."""
    rows = [(number, list(values)) for number, values in read_sheet(content, filename)]
    by_number = dict(rows)
    across = set()
    for min_col, min_row, max_col, max_row in merged_ranges(content):
        if max_col > min_col:
            across.update((r, min_col - 1) for r in range(min_row, max_row + 1))
        top = by_number.get(min_row)
        value = top[min_col - 1] if top is not None and min_col - 1 < len(top) else None
        for r in range(min_row + 1, max_row + 1):
            row = by_number.get(r)
            if row is not None:
                row.extend([None] * (min_col - len(row)))
                row[min_col - 1] = value
    index, names = _find_header(rows)
    title = _title(rows[:index])
    header_number = rows[index][0]
    data = rows[index + 1:]
    width = max([len(names), *(len(v) for _n, v in data)])
    names += [""] * (width - len(names))
    data = [(n, v + [None] * (width - len(v))) for n, v in data]
    if LEDGER not in names:
        if not title:
            raise FileRejected(_("未找到台账名称：请在第 1 行（列名行上方）写台账名称，或增加“台账”列"))
        names.append(LEDGER)
        data = [(n, [*v, title]) for n, v in data]
    if SECTION not in names:
        names.append(SECTION)
        data = [(n, [*v, None]) for n, v in data]
    at = {name: i for i, name in enumerate(names) if name}
    for number, values in data:
        text = _section_text(number, values, at, across)
        if text:
            ledger = values[at[LEDGER]]
            values[:] = [None] * len(values)
            values[at[SECTION]], values[at[LEDGER]] = text, ledger
    return [(header_number, names), *data]


def _section_text(number, values, at, across):
    """The text of a section row: the only cell filled, in the 序号 or 任务 column, merged across or
    numbered like a section (一、 （一） ...) rather than like a task (1, 1.1)."""
    filled = [(i, clean_cell(v)) for i, v in enumerate(values) if i not in (at.get(LEDGER), at.get(SECTION))
              and clean_cell(v) is not None]
    if len(filled) != 1:
        return None
    column, value = filled[0]
    if column not in (at.get(NUMBER), at.get(TASK)):
        return None
    text = display(value)
    if (number, column) in across or SECTION_NUMBER.match(text) and not TASK_NUMBER.match(text):
        return text
    if column == at.get(NUMBER) and not TASK_NUMBER.match(text):
        return text
    return None


# --- cell texts ------------------------------------------------------------------------------------------

def split_names(text):
    return [t.strip() for t in SPLIT.split(text or "") if t.strip()]


def parse_section(text):
    """(number, title, style) of a section row such as 一、党的政治建设 or （二） 基层组织建设."""
    match = SECTION_NUMBER.match(text)
    if not match:
        return "", text, "none"
    number = match.group("n")
    if number[0] in "（(":
        style = "paren-" + ("cn" if number[1] in CN else "ar")
        number = f"（{number[1:-1]}）"
    elif number[0] in CN:
        style = "cn"
    else:
        number = number.replace("．", ".")
        style = f"ar{number.count('.')}"
    return number, match.group("title").strip(), style


LEVEL_LABELS = {str(label): value for value, label in IssuingLevel.choices}
DIRECTIVE_TEXT = re.compile(r"^(?P<title>.+?)\s*[（(](?P<extra>[^（()）]*)[)）]\s*$")


def parse_directive(text):
    """(title, document number, issued_on or None, issuing level or None) from the export's cell text
    "title（文号，2019年1月10日，中央）"; the parts in brackets may come in any order, any may be missing."""
    match = DIRECTIVE_TEXT.match(text)
    if not match:
        return text, "", None, None
    number, issued_on, level = [], None, None
    for part in split_names(match.group("extra")):
        if part in LEVEL_LABELS or part in LEVEL_LABELS.values():
            level = LEVEL_LABELS.get(part, part)
            continue
        try:
            issued_on = Date.parse_text(part)
        except CellError:
            number.append(part)
    return match.group("title"), "，".join(number), issued_on, level


def default_assigned_on(ledger, deadline, today):
    """下达日期 left blank: today, or for a task already past its deadline (an earlier year's ledger) the
    ledger year's first day, or the deadline when that is earlier."""
    if deadline >= today:
        return today
    return min(date(ledger.year, 1, 1), deadline)


# --- the spec --------------------------------------------------------------------------------------------

KEEP = object()  # a blank cell that leaves the task's current value as it is


@dataclass
class Plan:
    """One write a row will do: set in prepare(), carried out in create(). `ref` values are records, or
    (kind, row number) of a record an earlier write of this file creates."""

    kind: str  # "section", "directive", "create", "update"
    values: dict = field(default_factory=dict)
    task: Task = None
    many: dict = field(default_factory=dict)
    progress: str = ""


def choose(found, current):
    """One record for a name: among namesakes the current one (so an unchanged row stays unchanged),
    else the only one; None when there is none or no way to tell."""
    ids = {c.pk for c in current}
    if len(found) > 1:
        return next((f for f in found if f.pk in ids), None)
    return found[0] if found else None


def differs(task, name, value):
    if isinstance(value, tuple):  # a record this file creates: never the task's current one
        return True
    if name in ("owner", "directive", "section"):
        return getattr(task, f"{name}_id") != (value.pk if value else None)
    return getattr(task, name) != value


class LedgerImport(ImportSpec):
    kind = "ledger"
    title = gettext_lazy("台账任务")
    model = Task
    header_row = None
    scope_column = OWNERS
    scope_message = gettext_lazy("组织不存在、不在台账主管组织的范围内，或您无权操作")
    columns = (
        Column(LEDGER, "ledger", Text(200), required=True,
               note=gettext_lazy("由您管理的台账名称；可写在第 1 行作标题（合并单元格），不必每行填写。"
                                 "系统中没有该台账时导入会新建：名称须含年度，使用“落实的指示批示”列的为指示批示台账，"
                                 "否则为任务清单，由您任职的最高一级组织管理")),
        Column(SECTION, "section", Text(300),
               note=gettext_lazy("任务清单的章节，如“一、党的政治建设”；也可单独一行写章节，其下各行的任务归入该章节")),
        Column(NUMBER, "number", Text(30),
               note=gettext_lazy("与台账中已有任务的序号相同时更新该任务；如 1.1 为序号 1 的任务的子任务；"
                                 "留空则新增并自动编号")),
        Column(DIRECTIVE, "directive", Text(500),
               note=gettext_lazy("只用于落实指示批示和决策部署台账。新的指示批示须在括号中写明日期和发文层级，"
                                 "如：关于加强高校党的建设的部署（教党〔2019〕1号，2019年1月10日，中央）")),
        Column(TASK, "title", Text(500), note=gettext_lazy("必填")),
        Column(OWNERS, "owners", Text(1000),
               note=gettext_lazy("必填。组织名称或组织代码，多个用“、”分隔：第一个为责任单位，其余为协办单位；"
                                 "须在台账主管组织（子任务为上级任务的责任单位）的范围内")),
        Column(LEADERS, "leaders", Text(500), note=gettext_lazy("姓名，多人用“、”分隔；留空不改变已有任务的责任领导")),
        Column(DEADLINE, "deadline", Date(allow_future=True, serials=True), note=gettext_lazy("必填")),
        Column(PROGRESS, "progress", Text(5000),
               note=gettext_lazy("与该任务最新一条进展不同时，登记为今天的一条新进展（须为任务的责任单位）")),
        Column(ASSIGNED, "assigned_on", Date(serials=True),
               note=gettext_lazy("选填，只用于新增任务：留空为今天；完成时限已过的任务为台账年度的 1 月 1 日")),
    )
    notes = (
        gettext_lazy("可直接导入本系统导出的台账：第 1 行为台账名称，第 2 行为列名；按“序号”更新已有任务，"
                     "内容未变的行不做任何修改。"),
        gettext_lazy("完成情况由系统中的提交和审核产生，导入时不读取该列。"),
        gettext_lazy("合并单元格：向下合并的单元格（如同一责任单位）视为每行都填写了该值；空行自动跳过。"),
        gettext_lazy("日期可填写日期单元格，或文本：2019-06-30、2019/6/30、2019.6.30、2019年6月30日；"
                     "“6/7”“年底”等无法确定的日期不能导入。"),
        gettext_lazy("撤销导入只删除本次新增的任务、章节和指示批示；对已有任务的修改和登记的进展请在任务页面处理。"),
    )

    def read(self, content, filename):
        return read_ledger_sheet(content, filename)

    # --- checks before any write ---

    def prepare(self, run, rows):
        ledger = self._ledger(run, rows)
        if ledger is None:
            return
        user, state = run.user, run.state
        state.update(ledger=ledger, plans={}, made={}, levels={}, stack=[], new_directives={}, numbers={})
        if ledger.pk is None:
            # Created by the first row's write, before anything that goes into it.
            self.plan(run, _RowRef(min(r.number for r in rows)), Plan("ledger", {
                "name": ledger.name, "kind": ledger.kind, "organization": ledger.organization, "year": ledger.year}))
        state["tasks"] = self._existing_tasks(user, ledger)
        state["sections"] = ([(s, s) for s in Section.objects.restrict(user, "view").filter(ledger=ledger)]
                             if ledger.pk else [])
        state["directives"] = list(Directive.objects.restrict(user, "view").filter(ledger=ledger)) if ledger.pk else []
        state["orgs"] = self._organizations(user, ledger, rows)
        state["people"] = self._people(user, rows)
        current = None
        for row in rows:
            if row.errors:
                continue
            if row.values.get("section"):
                current = self._section(run, row)
                if not any(row.values.get(k) for k in ("number", "title", "owners", "deadline", "directive")):
                    continue
            self._task(run, row, current)

    def plan(self, run, row, plan):
        run.state["plans"].setdefault(row.number, []).append(plan)

    def _ledger(self, run, rows):
        names = {r.values["ledger"] for r in rows if r.values.get("ledger")}
        if len(names) > 1:
            for row in rows:
                row.error(LEDGER, _("一个文件只能导入一个台账，本文件写了 %(n)s 个台账名称") % {"n": len(names)})
            return None
        if not names:
            return None
        name = names.pop()
        found = list(Ledger.objects.restrict(run.user, "change").select_related("organization").filter(name=name)[:2])
        message = None
        if not found:
            ledger, message = self._new_ledger(run, rows, name)
            if ledger is not None:
                return ledger
        elif len(found) > 1:
            message = _("有多个名为“%(name)s”的台账，请先在系统中修改台账名称，使其不重复") % {"name": name}
        elif found[0].kind == LedgerKind.RESPONSIBILITY_LIST:
            message = _("责任清单记录领导班子成员的责任分工，不导入任务")
        if message:
            for row in rows:
                row.error(LEDGER, message)
            return None
        return found[0]

    def _new_ledger(self, run, rows, name):
        """A ledger the file names but the system does not have yet is created by the import: its year from
        the name, its kind from the columns used (指示批示 → directive ledger, else a task list), managed by
        the highest organisation the user may create ledgers on — when that is one organisation."""
        if Ledger.objects.filter(name=name).exists():  # scope: only says the name is taken, never by whom
            return None, _("未找到名为“%(name)s”的台账，或您无权管理") % {"name": name}
        year = re.search(r"(?:19|20)\d{2}", name)
        if not year:
            return None, _("系统中没有名为“%(name)s”的台账；新建台账须在名称中写明年度（如“2019年……”），"
                           "或先在系统中建立台账") % {"name": name}
        top = []
        for org in Organization.objects.restrict(run.user, "view").order_by("depth", "path"):
            if top and org.depth > top[0].depth:
                break
            if run.user.can("add", Ledger(organization=org)):
                top.append(org)
        if len(top) != 1:
            return None, _("系统中没有名为“%(name)s”的台账，且无法确定由哪个组织建立（您在多个组织任职或无权建立"
                           "台账）：请先在系统中建立台账") % {"name": name}
        kind = (LedgerKind.DIRECTIVE_LEDGER if any(r.values.get("directive") for r in rows)
                else LedgerKind.TASK_LIST)
        return Ledger(name=name, kind=kind, organization=top[0], year=int(year.group())), None

    @staticmethod
    def _existing_tasks(user, ledger):
        if ledger.pk is None:
            return {}
        latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-written_on", "-id").values("text")[:1]
        tasks = {}
        for task in (Task.objects.restrict(user, "view").filter(ledger=ledger).select_related("owner")
                     .prefetch_related("co_owners", "leaders").annotate(latest_progress=Subquery(latest))):
            tasks.setdefault(task.number, []).append(task)
        return tasks

    @staticmethod
    def _organizations(user, ledger, rows):
        names = {n for r in rows for n in split_names(r.values.get("owners"))}
        lo, hi = path_range(ledger.organization.path)
        found = {}
        for org in (Organization.objects.restrict(user, "view").filter(path__gte=lo, path__lt=hi)
                    .filter(Q(name__in=names) | Q(code__in=names) | Q(short_name__in=names))):
            for key in {org.name, org.code, org.short_name} & names:
                found.setdefault(key, []).append(org)
        return found

    @staticmethod
    def _people(user, rows):
        names = {n for r in rows for n in split_names(r.values.get("leaders"))}
        found = {}
        for person in Person.objects.restrict(user, "view").filter(name__in=names):
            found.setdefault(person.name, []).append(person)
        return found

    def _section(self, run, row):
        """The section a row names: one of the ledger's, or one this file creates (at its first mention).
        Nesting follows the numbering: a style of number first seen later is a level deeper."""
        state = run.state
        ledger = state["ledger"]
        if ledger.kind != LedgerKind.TASK_LIST:
            row.error(SECTION, _("只有任务清单分章节，%(kind)s不分章节") % {"kind": ledger.get_kind_display()})
            return None
        number, title, style = parse_section(row.values["section"])
        level = state["levels"].setdefault(style, len(state["levels"]))
        stack = state["stack"]
        while stack and stack[-1][0] >= level:
            stack.pop()
        ref = next((ref for s, ref in state["sections"] if (s.number, s.title) == (number, title)), None) or \
            next((ref for s, ref in state["sections"] if s.title == title and not number), None)
        if ref is None:
            ref = ("section", row.number)
            self.plan(run, row, Plan("section", {"number": number, "title": title,
                                                 "parent": stack[-1][1] if stack else None}))
            state["sections"].append((Section(ledger=ledger, number=number, title=title), ref))
        stack.append((level, ref))
        return ref

    def _task(self, run, row, section):
        state, v = run.state, row.values
        ledger = state["ledger"]
        for key, header in (("title", TASK), ("owners", OWNERS), ("deadline", DEADLINE)):
            if not v.get(key):
                row.error(header, _("必填，不能为空"))
        number = (v.get("number") or "").replace("．", ".")
        if number:
            if number in state["numbers"]:
                row.error(NUMBER, _("与第 %(n)s 行的序号相同") % {"n": state["numbers"][number]})
            state["numbers"].setdefault(number, row.number)
        existing = state["tasks"].get(number, []) if number else []
        if len(existing) > 1:
            row.error(NUMBER, _("台账中有多项任务的序号为“%(n)s”，请先在系统中修改序号") % {"n": number})
        task = existing[0] if len(existing) == 1 else None
        parent = self._parent(state, row, number) if task is None and "." in number else None
        current_owners = [task.owner, *task.co_owners.all()] if task else []
        owners = self._names(row, "owners", state["orgs"], current_owners,
                             _("有多个组织名为“%(name)s”，请改填组织代码"),
                             _("未找到组织“%(name)s”，或不在台账主管组织的范围内"))
        leaders = self._names(row, "leaders", state["people"], list(task.leaders.all()) if task else [],
                              _("有多名人员叫“%(name)s”，无法确定是哪一位，请在系统中选择"),
                              _("未找到人员“%(name)s”，或您无权查看"))
        directive = self._directive(run, row)
        if row.errors:
            return
        owner, co_owners = owners[0], owners[1:]
        fields = {"title": v["title"], "owner": owner, "deadline": v["deadline"]}
        if directive is not KEEP:
            fields["directive"] = directive
        if not (parent or task and task.parent_id):  # a sub-task sits under its parent, not in a section
            fields["section"] = section
        progress = (v.get("progress") or "").strip()
        if task is None:
            if not run.user.can("import", Task(ledger=ledger, owner=owner)):
                row.error(OWNERS, str(self.scope_message))
                return
            fields.setdefault("directive", None)
            assigned = v.get("assigned_on") or default_assigned_on(ledger, v["deadline"], timezone.localdate())
            self.plan(run, row, Plan("create", {**fields, "parent": parent, "number": number, "assigned_on": assigned,
                                                "co_owners": co_owners, "leaders": leaders},
                                     progress=progress))
            return
        changes = {k: val for k, val in fields.items() if differs(task, k, val)}
        many = {}
        if {o.pk for o in co_owners} != {o.pk for o in current_owners[1:]}:
            many["co_owners"] = co_owners
        if leaders and {p.pk for p in leaders} != {p.pk for p in task.leaders.all()}:
            many["leaders"] = leaders
        if progress == (task.latest_progress or "").strip():
            progress = ""
        if changes or many or progress:
            self.plan(run, row, Plan("update", changes, task=task, many=many, progress=progress))

    @staticmethod
    def _parent(state, row, number):
        parent_number = number.rsplit(".", 1)[0]
        parents = state["tasks"].get(parent_number, [])
        if len(parents) == 1:
            return parents[0]
        if state["numbers"].get(parent_number, row.number) != row.number:
            return "task", state["numbers"][parent_number]
        row.error(NUMBER, _("未找到序号为“%(n)s”的上级任务") % {"n": parent_number})
        return None

    @staticmethod
    def _names(row, field_name, known, current, ambiguous, missing):
        """The records a cell names (organisations or people), in the cell's order."""
        result, header = [], SPEC_HEADERS[field_name]
        for name in split_names(row.values.get(field_name)):
            found = known.get(name, [])
            record = choose(found, current)
            if record is None:
                row.error(header, (ambiguous if found else missing) % {"name": name})
            elif record not in result:
                result.append(record)
        return result

    def _directive(self, run, row):
        """The directive the row names: one of the ledger's, or a new one (created at its first mention).
        A blank cell keeps the task's directive: an import does not clear it."""
        text = row.values.get("directive")
        state = run.state
        if not text:
            return KEEP
        if state["ledger"].kind != LedgerKind.DIRECTIVE_LEDGER:
            row.error(DIRECTIVE, _("只有落实指示批示和决策部署台账填写此列"))
            return None
        title, number, issued_on, level = parse_directive(text)
        for d in state["directives"]:
            if d.title == title and (not number or d.document_number == number):
                return d
        key = (title, number)
        if key in state["new_directives"]:
            return state["new_directives"][key]
        if issued_on is None or level is None:
            row.error(DIRECTIVE, _("台账中没有“%(title)s”；新的指示批示请在括号中写明文号、日期和发文层级"
                                   "（%(levels)s），如：%(title)s（教党〔2019〕1号，2019年1月10日，中央）")
                      % {"title": title, "levels": "、".join(LEVEL_LABELS)})
            return None
        ref = state["new_directives"][key] = ("directive", row.number)
        self.plan(run, row, Plan("directive", {"title": title, "document_number": number, "issued_on": issued_on,
                                               "issuing_level": level}))
        return ref

    # --- the write: through the services, which check everything again ---

    def create(self, run, row):
        state, user = run.state, run.user
        created = []
        plans = state.get("plans", {}).get(row.number, [])
        ledger = state.get("ledger")
        if ledger is not None and ledger.pk is None and not any(p.kind == "ledger" for p in plans):
            raise BusinessRuleError(_("新台账由第一行建立，第一行有错误，本行无法导入"))
        for plan in plans:
            values = {k: self._resolve(state, val) for k, val in plan.values.items()}
            if plan.kind == "ledger":
                made = state["ledger"] = services.create_ledger(user, **values)
            elif plan.kind == "section":
                made = services.add_section(user, ledger=state["ledger"], **values)
            elif plan.kind == "directive":
                made = services.add_directive(user, ledger=state["ledger"], **values)
            elif plan.kind == "create":
                made = services.create_task(user, ledger=state["ledger"], **values)
            else:
                made, task = None, plan.task
                if values or plan.many:
                    task = services.update_task(user, task, values, expected_version=task.version, **plan.many)
            if made is not None:
                state["made"][(plan.kind if plan.kind != "create" else "task", row.number)] = made
                created.append(made)
                task = made
            if plan.progress:
                services.add_progress(user, task, plan.progress)
        return created

    @staticmethod
    def _resolve(state, value):
        """A record, or the (kind, row number) of one an earlier row of this file creates."""
        if not isinstance(value, tuple):
            return value
        if value not in state["made"]:
            raise BusinessRuleError(_("所依据的第 %(n)s 行未能导入") % {"n": value[1]})
        return state["made"][value]

    def errors_from(self, exc, row):
        # The services' refusals say whose right is missing ("only the ledger's organisation..."); out of
        # scope stays the plain words of an unknown organisation.
        if isinstance(exc, PermissionDenied) and str(exc):
            row.error("", str(exc))
        else:
            super().errors_from(exc, row)

    # --- rollback ---

    def changed_since_import(self, obj, batch):
        """A task this import created with a progress text was moved to 推进中 by that progress, in the import
        (version 2); anything beyond that, or any progress since, is a later change."""
        if not isinstance(obj, Task) or obj.version <= 1:
            return super().changed_since_import(obj, batch)
        events = list(obj.transitions.values_list("event", flat=True))
        later = obj.updates.filter(created_at__gt=batch.committed_at).exists()
        by_import = (obj.version == 2 and obj.status == TaskStatus.IN_PROGRESS
                     and events == [Event.CREATED, Event.STARTED] and obj.updates.count() == 1 and not later)
        return not by_import

    def rollback_blocker(self, obj):
        if isinstance(obj, Task) and (obj.evidence.exists() or obj.milestones.filter(done_on__isnull=False).exists()):
            return _("任务“%(t)s”在导入后已上传佐证材料或完成了时间节点，无法撤销本次导入") % {"t": obj.title}
        return None


@dataclass
class _RowRef:
    """Stands for a row where only its number matters (plans are keyed by row number)."""
    number: int


SPEC = registry.register(LedgerImport())
