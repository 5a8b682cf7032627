"""Tiny but valid evidence files, made in code so the demo needs no binary assets: a one-page PDF (with a
correct cross-reference table) and a small striped PNG. Both pass core.uploads' type checks."""
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

PDF_NAMES = ["工作方案（印发稿）.pdf", "会议纪要.pdf", "工作总结.pdf", "培训通知及签到表.pdf"]
PNG_NAMES = ["会议现场照片.png", "活动现场照片.png", "宣讲现场照片.png"]


def _pdf_text(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(lines):
    """A one-page PDF showing `lines` (ASCII: the standard fonts carry no Chinese glyphs)."""
    shown = " ".join(f"({_pdf_text(line)}) Tj 0 -18 Td" for line in lines)
    content = f"BT /F1 12 Tf 56 780 Td {shown} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_bytes(width=48, height=32, colour=(200, 16, 46), stripe=(255, 222, 0)):
    """An RGB PNG of horizontal stripes (the party's red and gold)."""
    rows = b"".join(b"\x00" + bytes(colour if (y // 4) % 2 == 0 else stripe) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def upload(kind, index, task):
    """A SimpleUploadedFile for task evidence: `kind` "pdf" or "png", `index` picks the file name."""
    if kind == "pdf":
        name = PDF_NAMES[index % len(PDF_NAMES)]
        data = pdf_bytes(["Qiangji demo evidence", f"Task {task.number} (id {task.pk})", f"Ledger {task.ledger_id}"])
        return SimpleUploadedFile(name, data, content_type="application/pdf")
    name = PNG_NAMES[index % len(PNG_NAMES)]
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")
