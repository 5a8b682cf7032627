"""Real .xlsx files for the import tests, built in memory with openpyxl."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook


def xlsx_bytes(rows, title="数据"):
    """A workbook whose first sheet holds `rows` (the first is the header). Text that begins with "="
    stays a text cell (openpyxl would otherwise write it as a formula)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload_file(content, name="导入.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def read_xlsx(content):
    return load_workbook(io.BytesIO(content))


def error_triples(result):
    return {(e.row, e.column, e.message) for e in result.errors}
