"""A streamed .xlsx writer for the list exports: text, numbers, dates and datetimes, a bold header row,
column widths, a frozen header, and further sheets of notes.

openpyxl builds an element per cell even in write-only mode (about 35 µs a cell, 50 s for 100,000 rows of
14 columns); this writes each row's XML as one string into the zip (a few µs a cell). Memory holds only
the distinct texts (the shared string table, as Excel writes it). The files open in Excel, WPS and
LibreOffice, and openpyxl reads them back, so an export can come back through an import."""
import re
import shutil
import tempfile
import zipfile
from datetime import date, datetime
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

# XML 1.0 cannot carry these at all (openpyxl refuses such a cell); they are dropped.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
# Style indexes in STYLES: 0 plain, 1 date, 2 date and time, 3 header.
DATE, DATETIME, HEADER = 1, 2, 3
ROWS_PER_WRITE = 500

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (
    f'{DECL}<styleSheet {NS}>'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2DEDE"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')


class Strings:
    """The shared string table: each distinct text once, cells point at it. Excel writes text this way,
    and openpyxl reads it back several times faster than inline strings."""

    def __init__(self):
        self.index = {}

    def cell(self, ref, value, style=0):
        number = self.index.get(value)
        if number is None:
            number = self.index[value] = len(self.index)
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled} t="s"><v>{number}</v></c>'

    def xml(self):
        items = []
        for value in self.index:
            value = ILLEGAL.sub("", value)
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
            items.append(f"<si><t{space}>{escape(value)}</t></si>")
        return (f'{DECL}<sst {NS} count="{len(items)}" uniqueCount="{len(items)}">' + "".join(items)
                + "</sst>").encode()


def cell(strings, ref, value):
    """One cell's XML; '' for an empty one. `value` as core.excel.cell_value leaves it."""
    if isinstance(value, str):
        return strings.cell(ref, value) if value else ""
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{to_excel(value)}</v></c>'
    if isinstance(value, date):
        days = value.toordinal() - EXCEL_EPOCH
        if 0 < days <= 60:  # Excel counts a 29 February 1900 that never was
            days -= 1
        return f'<c r="{ref}" s="{DATE}"><v>{days}</v></c>'
    if value is None:
        return ""
    return f'<c r="{ref}"><v>{value!r}</v></c>'


class Sheet:
    def __init__(self, title, widths=(), freeze_header=False):
        self.title, self.widths, self.freeze_header = title, list(widths), freeze_header
        self.header = None
        self.rows = []  # iterables of values, written by StreamedWorkbook.write() in order


class StreamedWorkbook:
    """Sheets whose rows are written straight into a zip in a temporary file (spilled to disk past a few
    megabytes); `save(file)` copies it out, as openpyxl's Workbook.save does."""

    def __init__(self):
        self.sheets = []
        self._file = None

    def create_sheet(self, title, widths=(), freeze_header=False):
        sheet = Sheet(title[:31], widths, freeze_header)
        self.sheets.append(sheet)
        return sheet

    def write(self):
        """Write every sheet, consuming their rows. Called once, by the first save() if not before."""
        self._file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        strings = Strings()
        with zipfile.ZipFile(self._file, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as zf:
            for n, sheet in enumerate(self.sheets, start=1):
                with zf.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as out:
                    write_sheet(out, sheet, strings, first=n == 1)
                sheet.rows = []
            zf.writestr("xl/sharedStrings.xml", strings.xml())
            zf.writestr("[Content_Types].xml", content_types(len(self.sheets)))
            zf.writestr("_rels/.rels", f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                        '</Relationships>')
            zf.writestr("xl/workbook.xml", workbook_xml(self.sheets))
            zf.writestr("xl/_rels/workbook.xml.rels", workbook_rels(len(self.sheets)))
            zf.writestr("xl/styles.xml", STYLES)

    def save(self, target):
        if self._file is None:
            self.write()
        self._file.seek(0)
        shutil.copyfileobj(self._file, target)


def write_sheet(out, sheet, strings, first):
    """The rows go to a temporary file first: the sheet's dimension, which comes before them, is known
    only after the last (readers that miss it scan the whole sheet to find it)."""
    columns = max(len(sheet.widths), len(sheet.header or ()), 1)
    letters = [get_column_letter(i) for i in range(1, columns + 1)]
    number = 0
    with tempfile.TemporaryFile() as body:
        if sheet.header is not None:
            number = 1
            body.write(('<row r="1">' + "".join(strings.cell(f"{letters[i]}1", str(h), HEADER)
                                                for i, h in enumerate(sheet.header)) + "</row>").encode())
        chunk = []
        for values in sheet.rows:
            number += 1
            while len(letters) < len(values):
                letters.append(get_column_letter(len(letters) + 1))
            suffix = str(number)
            chunk.append(f'<row r="{suffix}">'
                         + "".join([cell(strings, letters[i] + suffix, v) for i, v in enumerate(values)]) + "</row>")
            if len(chunk) >= ROWS_PER_WRITE:
                body.write("".join(chunk).encode())
                chunk = []
        body.write("".join(chunk).encode())
        head = [f'{DECL}<worksheet {NS} {REL_NS}><dimension ref="A1:{letters[-1]}{max(number, 1)}"/>'
                '<sheetViews><sheetView workbookViewId="0"' + (' tabSelected="1"' if first else "") + ">"]
        if sheet.freeze_header:
            head.append('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')
        head.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
        if sheet.widths:
            head.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                                           for i, w in enumerate(sheet.widths, start=1)) + "</cols>")
        head.append("<sheetData>")
        out.write("".join(head).encode())
        body.seek(0)
        shutil.copyfileobj(body, out)
    out.write(b'</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
              b"</worksheet>")


def content_types(sheets):
    parts = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, sheets + 1))
    return (f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>{parts}</Types>')


def workbook_xml(sheets):
    entries = "".join(f'<sheet name={quoteattr(ILLEGAL.sub("", s.title))} sheetId="{n}" r:id="rId{n}"/>'
                      for n, s in enumerate(sheets, start=1))
    return f"{DECL}<workbook {NS} {REL_NS}><bookViews><workbookView/></bookViews><sheets>{entries}</sheets></workbook>"


def workbook_rels(sheets):
    rels = "".join(f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   f'relationships/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in range(1, sheets + 1))
    styles = (f'<Relationship Id="rId{sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/styles" Target="styles.xml"/>'
              f'<Relationship Id="rId{sheets + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/sharedStrings" Target="sharedStrings.xml"/>')
    return (f'{DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{rels}{styles}</Relationships>")
