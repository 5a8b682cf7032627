"""A ledger as the Excel sheet people already keep (台账 layout), and the cell texts the import reads back.

Row 1 is the ledger's name merged across, row 2 the column names, then one row a task: sub-tasks follow
their parent (numbered 1.1, 1.2...), and a task list's sections are bold rows merged across, in order.
完成时限 is a real Excel date. Only the tasks the user may export are written; sections and directives
appear as far as they frame those tasks (the ledger's own organisation sees them all).
"""
import re

from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from core.excel import cell_value

from .choices import IssuingLevel, LedgerKind
from .models import Duty, ProgressUpdate, Task

SEPARATOR = "、"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


# --- the column names: the file format, shared with ledgers.imports, the same in every UI language -------

NUMBER, TASK, OWNERS, LEADERS, DEADLINE, PROGRESS, COMPLETION = (
    "序号", "任务", "责任单位", "责任领导", "完成时限", "进展情况", "完成情况")
DIRECTIVE = "落实的指示批示/决策部署"
DUTY_HEADERS = ("序号", "领导班子成员", "职务", "责任内容", "分管联系单位")


def task_headers(kind):
    headers = [NUMBER, TASK, OWNERS, LEADERS, DEADLINE, PROGRESS, COMPLETION]
    if kind == LedgerKind.DIRECTIVE_LEDGER:
        headers.insert(1, DIRECTIVE)
    return headers


# --- cell texts ---------------------------------------------------------------------------------------

def directive_text(directive):
    """Title (document number, date, issuing level): all the import needs to find or create it again."""
    if directive is None:
        return ""
    d = directive.issued_on
    with translation.override("zh-hans"):  # the file format: the import reads the Chinese label back
        level = str(IssuingLevel(directive.issuing_level).label)
    parts = [directive.document_number, f"{d.year}年{d.month}月{d.day}日", level]
    return f"{directive.title}（{'，'.join(p for p in parts if p)}）"


def owners_text(task, co_owners):
    """The owner first, then the co-owners."""
    return SEPARATOR.join([task.owner.name, *(o.name for o in co_owners)])


def completion_text(task, today):
    text = task.get_status_display()
    if task.is_overdue(today):
        text = _("%(status)s（已逾期）") % {"status": text}
    if task.completion_note:
        text = f"{text}：{task.completion_note}"
    return text


def natural(number):
    """Sort key of a 序号 such as 2, 10 or 1.2: numbers compare as numbers."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.．]", number or "")]


# --- the rows -----------------------------------------------------------------------------------------

def task_rows(ledger, tasks, sections_all):
    """[("section", section) | ("task", task)] in sheet order. `tasks` are the visible ones; the sections
    shown are all of them (`sections_all`) or only those that frame a visible task."""
    by_id = {t.pk: t for t in tasks}
    children, roots = {}, {}
    for t in tasks:
        if t.parent_id in by_id:
            children.setdefault(t.parent_id, []).append(t)
        else:
            roots.setdefault(t.section_id, []).append(t)

    def key(t):
        return natural(t.number), t.order, t.pk

    def with_subtasks(task):
        yield "task", task
        for child in sorted(children.get(task.pk, []), key=key):
            yield from with_subtasks(child)

    sections = list(ledger.sections.all())  # parts of a ledger the caller sees (checked by the caller)
    kids = {}
    for s in sections:
        kids.setdefault(s.parent_id, []).append(s)
    shown = {s.pk for s in sections} if sections_all else set()
    if not sections_all:
        parent_of = {s.pk: s.parent_id for s in sections}
        for section_id in roots:
            while section_id is not None and section_id not in shown:
                shown.add(section_id)
                section_id = parent_of.get(section_id)

    def walk(section):
        yield "section", section
        for t in sorted(roots.get(section.pk, []), key=key):
            yield from with_subtasks(t)
        for child in kids.get(section.pk, []):
            if child.pk in shown:
                yield from walk(child)

    rows = []
    for t in sorted(roots.get(None, []), key=key):
        rows.extend(with_subtasks(t))
    for s in kids.get(None, []):
        if s.pk in shown:
            rows.extend(walk(s))
    return rows


def visible_tasks(user, ledger):
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-written_on", "-id").values("text")[:1]
    return list(Task.objects.restrict(user, "export").filter(ledger=ledger)
                .select_related("owner", "directive").prefetch_related("co_owners", "leaders")
                .annotate(latest_progress=Subquery(latest)))


def task_values(task, kind, today):
    leaders = sorted(task.leaders.all(), key=lambda p: p.pk)
    co_owners = sorted(task.co_owners.all(), key=lambda o: o.path)
    values = [task.number, task.title, owners_text(task, co_owners), SEPARATOR.join(p.name for p in leaders),
              task.deadline, task.latest_progress or "", completion_text(task, today)]
    if kind == LedgerKind.DIRECTIVE_LEDGER:
        values.insert(1, directive_text(task.directive))
    return values


# --- the workbook -------------------------------------------------------------------------------------

def _sheet(ledger, headers, widths):
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\]", " ", ledger.name)[:31] or "Sheet1"
    ws.append([cell_value(ledger.name)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 30
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DEDE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    return wb, ws


def _append(ws, values):
    ws.append([cell_value(v) for v in values])
    row = ws.max_row
    for cell in ws[row]:
        cell.alignment = WRAP
        cell.border = BORDER
    return row


def ledger_workbook(user, ledger, today=None):
    """(workbook, number of records written)."""
    if ledger.kind == LedgerKind.RESPONSIBILITY_LIST:
        return duty_workbook(user, ledger)
    today = today or timezone.localdate()
    headers = task_headers(ledger.kind)
    widths = [8, 40, 24, 14, 16, 40, 24]
    if ledger.kind == LedgerKind.DIRECTIVE_LEDGER:
        widths.insert(1, 36)
    wb, ws = _sheet(ledger, headers, widths)
    date_column = headers.index(DEADLINE) + 1
    tasks = visible_tasks(user, ledger)
    # The ledger's own organisation sees the whole list; an owner sees the sections around its tasks.
    rows = task_rows(ledger, tasks, sections_all=user.can("export", ledger))
    for kind, obj in rows:
        if kind == "section":
            row = _append(ws, [str(obj)])
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
            ws.cell(row=row, column=1).font = Font(bold=True)
        else:
            row = _append(ws, task_values(obj, ledger.kind, today))
            ws.cell(row=row, column=date_column).number_format = DATE_FORMAT
    return wb, len(tasks)


def duty_workbook(user, ledger):
    headers = list(DUTY_HEADERS)
    wb, ws = _sheet(ledger, headers, [8, 14, 20, 60, 40])
    duties = list(Duty.objects.restrict(user, "export").filter(ledger=ledger)
                  .select_related("leader").prefetch_related("organizations").order_by("order", "id"))
    for index, duty in enumerate(duties, start=1):
        orgs = sorted(duty.organizations.all(), key=lambda o: o.path)
        _append(ws, [str(index), duty.leader.name, duty.post, duty.content, SEPARATOR.join(o.name for o in orgs)])
    return wb, len(duties)

