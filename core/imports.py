"""Excel imports: a small framework that the domain apps fill in (DESIGN "Imports").

An app describes one import as an ImportSpec (its columns with Chinese headers, required flags and
parsers; cross-row checks; how one row is created through the app's services) and registers it in
`registry` from its AppConfig.ready. This module does the rest the same way for every import:

- open the upload safely: size first, then the zip's declared sizes and compression ratios, and only
  then openpyxl (read-only, cached values, defusedxml underneath);
- read the header row (missing required columns are named; unknown columns are ignored, so a file
  produced by an export can come back in), parse every cell, collect errors as (Excel row, Chinese
  header, reason);
- run the whole file through the services inside one transaction, each row in a savepoint: at preview
  the transaction is always rolled back, so the preview reports exactly what the commit would hit and
  writes nothing; at commit it is kept only if no row failed;
- or, for a spec with a bulk path (`create_many`), check every row in Python and write the whole file
  in batches at commit only: a service call per row costs a dozen statements, and a big file would pay
  them twice (preview, then commit);
- roll back the last committed batch of a user and kind, refusing when anything it created has
  changed or is referenced since.
"""
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .errors import BusinessRuleError, StaleEdit
from .excel import FORMULA_PREFIXES
from .models import ImportBatch, snapshot
from .registry import recorder

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) container
MAX_ZIP_MEMBERS = 1000
# Deflate of ordinary sheet XML gives ratios of roughly 5 to 30; a member above this ratio and above a
# megabyte is a crafted file (zip bomb), whatever its declared total.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_FROM = 1024 * 1024
EARLIEST_DATE = date(1900, 1, 1)
BLANKS = " \t\r\n\u3000\u00a0\ufeff"
MAX_SERIAL = 2958466  # the Excel serial of 10000-01-01

NOT_XLSX = (gettext_lazy("文件不是有效的 Excel（.xlsx）文件，可能是改了扩展名的 CSV 或文本文件。"
            "请在 Excel 中“另存为” .xlsx 格式后再导入"))


class FileRejected(Exception):
    """The file as a whole cannot be imported (not an .xlsx, too big, wrong headers...): nothing is read
    further and nothing is written."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def max_mb(limit):
    return f"{limit / 1024 / 1024:g} MB"


# --- cell parsers ----------------------------------------------------------------------------------

def clean_cell(value):
    """Spaces stripped, blanks as None; a text cell that our own export neutralised (a leading
    apostrophe before = + - @) comes back as the original text, which is stored as plain text."""
    if isinstance(value, str):
        value = value.strip(BLANKS)
        if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
            value = value[1:]
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def display(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class Text:
    """Text. `numbers_message` set: a cell that Excel holds as a number is refused with that message
    (long digit strings such as ID numbers lose digits and the X when Excel turns them into numbers)."""

    def __init__(self, max_length=None, numbers_message=None):
        self.max_length, self.numbers_message = max_length, numbers_message

    def __call__(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and self.numbers_message:
            raise CellError(self.numbers_message)
        text = display(value)
        if self.max_length and len(text) > self.max_length:
            raise CellError(_("不能超过 %(max)s 个字（现为 %(n)s 个字）") % {"max": self.max_length, "n": len(text)})
        return text

    def describe(self):
        return _("文本，最多 %(max)s 个字") % {"max": self.max_length} if self.max_length else _("文本")


class Choice:
    """One of a model's choices, written as its Chinese label (the code value is accepted too)."""

    def __init__(self, choices):
        self.choices = [(str(v), str(label)) for v, label in choices]

    def labels(self):
        return pgettext("enumeration", "、").join(label for _v, label in self.choices)

    def __call__(self, value):
        text = display(value)
        for v, label in self.choices:
            if text in (label, v):
                return v
        raise CellError(_("“%(text)s”不是可选值，可选：%(labels)s") % {"text": text, "labels": self.labels()})

    def describe(self):
        return _("可选：%(labels)s") % {"labels": self.labels()}


class YesNo:
    TRUE, FALSE = {"是", "Y", "YES", "TRUE", "1"}, {"否", "N", "NO", "FALSE", "0"}

    def __call__(self, value):
        if isinstance(value, bool):
            return value
        text = display(value).upper()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(_("“%(value)s”无效，请填写“是”或“否”") % {"value": display(value)})

    def describe(self):
        return _("“是”或“否”，留空为“否”")


DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+0{1,2}:00(?::00)?)?$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
)


class Date:
    """A date cell, or text as 2024-03-01, 2024/3/1 or 2024年3月1日; from 1900 on, by default not in the
    future. `serials`: a number is read as an Excel date serial (a date cell that lost its format), for
    columns where a number can mean nothing else."""

    def __init__(self, allow_future=False, serials=False):
        self.allow_future, self.serials = allow_future, serials

    def __call__(self, value):
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif isinstance(value, str):
            day = self.parse_text(value)
        elif self.serials and isinstance(value, (int, float)) and not isinstance(value, bool):
            if not 1 <= value < MAX_SERIAL:
                raise CellError(_("日期格式不正确，请填写日期单元格，或如 2024-03-01 的文本"))
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value).date()
        else:
            raise CellError(_("日期格式不正确，请填写日期单元格，或如 2024-03-01 的文本"))
        if day < EARLIEST_DATE:
            raise CellError(_("日期不能早于 1900 年 1 月 1 日"))
        if not self.allow_future and day > timezone.localdate():
            raise CellError(_("日期 %(date)s 晚于今天") % {"date": day.isoformat()})
        return day

    @staticmethod
    def parse_text(text):
        for pattern in DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise CellError(_("“%(text)s”不是有效日期") % {"text": text}) from None
        raise CellError(_("“%(text)s”不是可识别的日期，请写成如 2024-03-01、2024/3/1 或 2024年3月1日") % {"text": text})

    def describe(self):
        text = _("日期，如 2024-03-01、2024/3/1 或 2024年3月1日（也可用日期单元格），不早于 1900 年")
        return text if self.allow_future else text + _("，不晚于今天")


class Column:
    """One import column: Chinese `header`, the `field` name rows carry it under, `parser`, whether it
    is required, the value when left blank, a note for the instructions sheet, and whether the preview
    masks it (ID numbers)."""

    def __init__(self, header, field, parser=None, *, required=False, default=None, note="", sensitive=False):
        self.header, self.field, self.parser = header, field, parser or Text()
        self.required, self.default, self.note, self.sensitive = required, default, note, sensitive

    def parse(self, raw):
        value = clean_cell(raw)
        if value is None:
            if self.required:
                raise CellError(_("必填，不能为空"))
            return self.default
        return self.parser(value)



def mask(text):
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}" if len(text) > 2 else text


# --- rows and specs --------------------------------------------------------------------------------

@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("第 %(row)s 行“%(column)s”列：%(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("第 %(row)s 行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Row:
    number: int  # the Excel row number, header = 1
    values: dict = field(default_factory=dict)
    cells: list = field(default_factory=list)  # display text per spec column, for the preview
    errors: list = field(default_factory=list)
    created: list = field(default_factory=list)

    def error(self, column, message):
        self.errors.append(RowError(self.number, column, message))


class ImportRun:
    """One pass over a file: the user, and scratch state the spec keeps between rows (e.g. the
    organisations created by earlier rows)."""

    def __init__(self, spec, user):
        self.spec, self.user, self.state = spec, user, {}


class ImportSpec:
    kind = ""  # URL part: /imports/<kind>/
    header_row = 1  # the Excel row of the column names; None: read() finds it (a title row may be above)
    title = ""  # 人员, 党组织...
    model = None  # the model whose "import" right the user needs
    columns = ()
    notes = ()  # extra lines for the instructions sheet
    # Where to pin a service's "not found"/"no permission" refusal, and what to say: the same words as
    # for an unknown code, so nothing is revealed about records outside the user's scope.
    scope_column = ""
    scope_message = gettext_lazy("组织代码不存在或无权操作")

    def allowed(self, user):
        """The user holds some role that grants "import" on the target model."""
        if not getattr(user, "is_authenticated", False) or not hasattr(user, "scope_q"):
            return False
        return user.scope_q(self.model, "import") is not None

    def column(self, field_name):
        return next((c for c in self.columns if c.field == field_name), None)

    def header_for(self, field_name):
        col = self.column(field_name)
        return col.header if col else ""

    # hooks
    def read(self, content, filename):
        """[(Excel row number, cell values)]: the header row first, then the data rows, blank rows left out.
        A layout with a title row, merged cells or rows that are not records overrides this."""
        return read_sheet(content, filename)

    def changed_since_import(self, obj, batch):
        """Whether `obj` changed after `batch` created it, so that a rollback must not delete it."""
        return getattr(obj, "version", 1) > 1

    def prepare(self, run, rows):
        """Cross-row and database checks (duplicates, codes, scope). Gets every row, so that a row can
        point at an earlier one; rows whose cells failed to parse already carry errors."""

    def create(self, run, row):
        """Write one row through the services; return the objects created, in creation order."""
        raise NotImplementedError

    # The bulk path, for imports of many thousand rows. A spec that defines `create_many(run, rows)`
    # writes every row at once, exactly the records and audit rows its service would write, and sets
    # each row's `created` (in creation order) to (model label, pk) pairs, so that the records
    # themselves need not stay in memory; `check(run, row)` first makes, without writing, the checks
    # of the service that prepare() has not made, raising what the service raises.
    create_many = None

    def check(self, run, row):
        """Bulk path only: the service's own checks for one row (see above)."""

    def rollback_blocker(self, obj):
        """A reason why `obj` may no longer be removed by a rollback (beyond a version change or a
        reference from another record, which core checks), or None."""
        return None

    def errors_from(self, exc, row):
        """Turn a service's refusal into row errors named by column."""
        if isinstance(exc, ValidationError):
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    header = self.header_for(name)
                    if not header and name != "__all__":
                        label = self._field_label(name)
                        messages = [_("%(label)s：%(message)s") % {"label": label,
                                                                  "message": m} if label else m for m in messages]
                    row.error(header, pgettext("list separator", "；").join(messages))
            else:
                row.error("", pgettext("list separator", "；").join(exc.messages))
        elif isinstance(exc, (PermissionDenied, Http404)):
            row.error(self.scope_column, self.scope_message)
        elif isinstance(exc, (BusinessRuleError, StaleEdit)):
            row.error("", exc.message)
        elif isinstance(exc, IntegrityError):
            row.error("", _("与已有记录冲突（如代码或身份证号重复），请检查后重试"))
        else:
            raise exc

    def _field_label(self, name):
        try:
            return str(self.model._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 - an unknown field name just goes without a label
            return ""


class Registry:
    def __init__(self):
        self._specs = {}

    def register(self, spec):
        self._specs[spec.kind] = spec
        return spec

    def get(self, kind):
        return self._specs.get(kind)

    def all(self):
        return list(self._specs.values())


registry = Registry()


# --- reading the file ------------------------------------------------------------------------------

def check_container(content, filename):
    """Refuse anything that is not a sane .xlsx before openpyxl sees it."""
    limit = settings.QIANGJI_IMPORT_MAX_BYTES
    if len(content) > limit:
        raise FileRejected(_("文件大小超过 %(size)s，请分批导入") % {"size": max_mb(limit)})
    name = (filename or "").lower()
    if content.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise FileRejected(_("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 格式后再导入"))
    if not name.endswith(".xlsx"):
        raise FileRejected(_("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）"))
    if not content:
        raise FileRejected(_("上传的文件是空的"))
    if not content.startswith(ZIP_MAGIC):
        raise FileRejected(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FileRejected(NOT_XLSX) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise FileRejected(_("文件结构异常（包含的部件过多），已拒绝"))
    # The declared sizes are binding: Python's zipfile stops a member at its declared size and checks
    # its CRC, so a file that lies about them fails to open instead of expanding further.
    unzipped_limit = settings.QIANGJI_IMPORT_MAX_UNZIPPED_BYTES
    if sum(i.file_size for i in infos) > unzipped_limit:
        raise FileRejected(_("文件解压后超过 %(size)s，疑似异常文件，已拒绝；如数据确实很多，请分批导入") % {
            "size": max_mb(unzipped_limit)})
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise FileRejected(_("文件压缩比异常（疑似“压缩炸弹”），已拒绝"))
    if "xl/workbook.xml" not in {i.filename for i in infos}:
        raise FileRejected(NOT_XLSX)


def read_sheet(content, filename):
    """[(Excel row number, tuple of cell values)] of the first worksheet, blank rows left out."""
    from openpyxl import load_workbook

    check_container(content, filename)
    max_rows = getattr(settings, "QIANGJI_IMPORT_MAX_ROWS", 20000)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of error on a malformed file
        raise FileRejected(NOT_XLSX) from None
    try:
        if not wb.worksheets:
            raise FileRejected(_("文件中没有工作表"))
        ws = wb.worksheets[0]
        # The stored dimensions may be missing or wrong in files not written by Excel.
        ws.reset_dimensions()
        rows = []
        try:
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if all(clean_cell(v) is None for v in values):
                    continue
                rows.append((number, values))
                if len(rows) > max_rows + 1:
                    raise FileRejected(_("数据超过 %(n)s 行，请分批导入") % {"n": max_rows})
        except FileRejected:
            raise
        except Exception:  # noqa: BLE001 - a broken sheet part inside a valid zip
            raise FileRejected(NOT_XLSX) from None
    finally:
        wb.close()
    return rows


def normalise_header(value):
    return re.sub(rf"[{BLANKS}*＊]", "", display(clean_cell(value)))


def map_headers(spec, sheet_rows):
    """{field: column index} from the header row, or FileRejected naming what is wrong."""
    if not sheet_rows:
        raise FileRejected(_("文件是空的：第一个工作表没有任何内容"))
    number, header = sheet_rows[0]
    expected = pgettext("enumeration", "、").join(c.header for c in spec.columns)
    if spec.header_row and number != spec.header_row:
        raise FileRejected(_("第 1 行应为列名（%(expected)s），请使用导入模板") % {"expected": expected})
    by_header = {c.header: c for c in spec.columns}
    found = {}
    for index, value in enumerate(header):
        name = normalise_header(value)
        if name in by_header:
            if by_header[name].field in found:
                raise FileRejected(_("列名“%(name)s”出现了两次，请删除重复的列") % {"name": name})
            found[by_header[name].field] = index
    if not found:
        raise FileRejected(_("表头不正确：第 1 行没有找到任何导入列。第 1 行应为：%(expected)s（请使用导入模板）") % {
            "expected": expected})
    missing = [c.header for c in spec.columns if c.required and c.field not in found]
    if missing:
        raise FileRejected(_("缺少必填列：%(missing)s（第 1 行应为列名，请使用导入模板）") % {
            "missing": pgettext("enumeration", "、").join(missing)})
    if len(sheet_rows) == 1:
        raise FileRejected(_("文件中没有数据行：第 1 行为列名，请从第 2 行起填写数据"))
    return found


def parse_rows(spec, content, filename):
    sheet_rows = spec.read(content, filename)
    positions = map_headers(spec, sheet_rows)
    rows = []
    for number, values in sheet_rows[1:]:
        row = Row(number)
        for col in spec.columns:
            index = positions.get(col.field)
            raw = values[index] if index is not None and index < len(values) else None
            text = display(clean_cell(raw))
            row.cells.append(mask(text) if col.sensitive and text else text)
            try:
                row.values[col.field] = col.parse(raw)
            except CellError as exc:
                row.error(col.header, exc.message)
        rows.append(row)
    return rows


# --- preview, commit, rollback ---------------------------------------------------------------------

class _Discard(Exception):
    """Leaves the transaction so that everything written in it is rolled back."""


@dataclass
class ImportResult:
    rows: list
    created: list = field(default_factory=list)  # [(model label, pk)], in creation order
    committed: bool = False

    @property
    def errors(self):
        return [e for r in self.rows for e in r.errors]

    def preview_data(self, spec):
        order = {c.header: i for i, c in enumerate(spec.columns)}

        def errors(row):  # in column order, whole-row errors first
            return [[e.column, e.message] for e in sorted(row.errors, key=lambda e: order.get(e.column, -1))]

        return {"columns": [c.header for c in spec.columns],
                "rows": [{"n": r.number, "cells": r.cells, "errors": errors(r)} for r in self.rows]}

    def summary(self, limit=50):
        errors = self.errors
        lines = [_("共 %(rows)s 行，%(errors)s 处错误") % {"rows": len(self.rows), "errors": len(errors)}]
        lines += [str(e) for e in errors[:limit]]
        if len(errors) > limit:
            lines.append(_("……另有 %(n)s 处错误") % {"n": len(errors) - limit})
        return "\n".join(lines)


def run_import(spec, user, content, filename, *, batch=None):
    """Validate the file and run every row through the services in one transaction.

    Without `batch` (preview) the transaction is always rolled back. With `batch` (commit) it is kept
    only if every row succeeded; the batch is then marked committed and the import audited, in the
    same transaction. Raises FileRejected for a file that cannot be read at all.
    """
    rows = parse_rows(spec, content, filename)
    result = ImportResult(rows)
    run = ImportRun(spec, user)
    try:
        with transaction.atomic():
            spec.prepare(run, rows)
            if spec.create_many is None:
                _row_by_row(spec, run, rows)
            else:
                _in_bulk(spec, run, rows, write=batch is not None)
            if batch is None or result.errors:
                raise _Discard()
            result.created = [o if isinstance(o, tuple) else (o._meta.label_lower, o.pk)
                              for r in rows for o in r.created]
            _mark_committed(spec, user, batch, result)
    except _Discard:
        for row in rows:
            row.created = []
    return result


# What a service raises to refuse a row: it becomes the row's errors (ImportSpec.errors_from).
REFUSALS = (ValidationError, PermissionDenied, Http404, BusinessRuleError, StaleEdit, IntegrityError)


def _row_by_row(spec, run, rows):
    for row in rows:
        if row.errors:
            continue
        try:
            with transaction.atomic():
                row.created = list(spec.create(run, row))
        except REFUSALS as exc:
            spec.errors_from(exc, row)


def _in_bulk(spec, run, rows, write):
    """Every row checked; written, all at once, only when `write` (commit) and no row failed."""
    for row in rows:
        if row.errors:
            continue
        try:
            spec.check(run, row)
        except REFUSALS as exc:
            spec.errors_from(exc, row)
    if not write or any(row.errors for row in rows):
        return
    try:
        with transaction.atomic():
            spec.create_many(run, rows)
    except IntegrityError:
        # A conflict that arose after prepare() (the same ID number registered meanwhile): one insert
        # cannot say which row, the row-by-row path does.
        for row in rows:
            row.created = []
        _row_by_row(spec, run, rows)


def _mark_committed(spec, user, batch, result):
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.created_objects = [list(pair) for pair in result.created]
    batch.row_count = len(result.rows)
    batch.error_count = 0
    batch.error_summary = ""
    batch.preview = result.preview_data(spec)
    batch.save()
    result.committed = True
    recorder(user, "import", model=batch._meta.label_lower, object_id=batch.pk,
             object_repr=f"{spec.title}导入：{batch.filename}"[:200],
             note=f"导入批次 {batch.pk}：{len(result.rows)} 行，新增 {len(result.created)} 条记录")


def preview(spec, user, content, filename):
    """Store the upload as a preview batch with its validation result. Nothing else is written.
    FileRejected (nothing stored at all) for a file that cannot be read."""
    result = run_import(spec, user, content, filename)
    # An earlier preview of the same kind is superseded by this upload; its stored file is dropped.
    ImportBatch.objects.restrict(user).filter(kind=spec.kind, status=ImportBatch.Status.PREVIEW).delete()
    return ImportBatch.objects.create(  # scope: a new batch, owned by `user`
        kind=spec.kind, user=user, filename=filename[:255], content=content, row_count=len(result.rows),
        error_count=len(result.errors), error_summary=result.summary() if result.errors else "",
        preview=result.preview_data(spec))


def commit(spec, user, batch):
    """Re-validate the stored file and write all its rows, or none. Returns the ImportResult; when it
    has errors nothing was written and the batch's preview shows them."""
    if batch.status != ImportBatch.Status.PREVIEW:
        raise BusinessRuleError(_("该批次已经导入或已撤销，不能重复导入"))
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)  # scope: found via restrict()
        if locked.status != ImportBatch.Status.PREVIEW:
            raise BusinessRuleError(_("该批次已经导入或已撤销，不能重复导入"))
        result = run_import(spec, user, bytes(locked.content), locked.filename, batch=locked)
        if not result.committed:
            locked.error_count = len(result.errors)
            locked.error_summary = result.summary()
            locked.preview = result.preview_data(spec)
            locked.save(update_fields=["error_count", "error_summary", "preview"])
    batch.refresh_from_db()
    return result


def latest_committed(user, kind):
    """The user's most recent import of this kind that was committed (it may since be rolled back)."""
    return (ImportBatch.objects.restrict(user)
            .filter(kind=kind, status__in=[ImportBatch.Status.COMMITTED, ImportBatch.Status.ROLLED_BACK])
            .order_by("-committed_at", "-pk").first())


def rollback_refusal(spec, user, batch):
    """Why this batch cannot be rolled back now, or None. Locks nothing; rollback() asks again inside
    its transaction."""
    if batch.status != ImportBatch.Status.COMMITTED:
        return _("该批次未导入或已撤销")
    latest = latest_committed(user, batch.kind)
    if latest is None or latest.pk != batch.pk:
        return _("只能撤销您最近一次的导入")
    return None


def _load_created(batch, lock):
    objects = []
    for label, pk in batch.created_objects:
        model = apps.get_model(label)
        qs = model._default_manager.filter(pk=pk)  # scope: rollback() checks the import right on each
        obj = (qs.select_for_update() if lock else qs).first()
        if obj is None:
            raise BusinessRuleError(_("本次导入的部分记录已被删除，无法撤销"))
        objects.append(obj)
    return objects


def _describe(obj):
    return _("%(model)s“%(object)s”") % {"model": obj._meta.verbose_name, "object": obj}


def rollback(spec, user, batch):
    """Delete everything the batch created, in one transaction, audited; refuse (BusinessRuleError)
    when any of it has since been changed or is referenced by a record the batch did not create."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)  # scope: found via restrict()
        refusal = rollback_refusal(spec, user, batch)
        if refusal:
            raise BusinessRuleError(refusal)
        objects = _load_created(batch, lock=True)
        for obj in objects:
            # Undoing an import needs the import right where each record now hangs: a record that has
            # moved out of the user's scope is someone else's now.
            if not user.can("import", obj):
                raise BusinessRuleError(_("本次导入的部分记录已不在您的权限范围内（可能已转出），无法撤销"))
            if spec.changed_since_import(obj, batch):
                raise BusinessRuleError(_("%(record)s在导入后已被修改，无法撤销本次导入") % {"record": _describe(obj)})
            reason = spec.rollback_blocker(obj)
            if reason:
                raise BusinessRuleError(reason)
        for obj in reversed(objects):
            label, pk, text, before = obj._meta.label_lower, obj.pk, str(obj), snapshot(obj)
            try:
                obj.delete()
            except (ProtectedError, RestrictedError):
                raise BusinessRuleError(_("%(record)s在导入后已被其他记录引用（如下级组织、人员或组织关系），"
                                          "无法撤销本次导入") % {"record": _describe(obj)}) from None
            recorder(user, "rollback", model=label, object_id=pk, object_repr=text, before=before,
                     note=f"撤销导入批次 {batch.pk}")
        batch.status = ImportBatch.Status.ROLLED_BACK
        batch.rolled_back_at = timezone.now()
        batch.save(update_fields=["status", "rolled_back_at"])
        recorder(user, "rollback", model=batch._meta.label_lower, object_id=batch.pk,
                 object_repr=f"{spec.title}导入：{batch.filename}"[:200],
                 note=f"撤销导入批次 {batch.pk}：删除 {len(objects)} 条记录")
    return batch
