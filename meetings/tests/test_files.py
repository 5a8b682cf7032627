"""Meeting attachments and photos: real PDF/PNG/DOCX accepted and stored under an opaque name outside
the web root; refused types, renamed files, SVG, oversize and non-image photos write nothing; downloads
only within scope (404 otherwise) with safe headers; delete removes row and bytes; all audited."""
import hashlib
import io
import struct
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from core.errors import NotInScope, PermissionDenied
from core.scoping import SYSTEM
from meetings import files, services
from meetings.models import MeetingFile

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def png_bytes():
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"  # one red pixel, filter byte 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def docx_bytes(main="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
                                          f'ContentType="{main}"/></Types>')
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def case(branch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    t = branch
    t.media = Path(settings.MEDIA_ROOT)
    t.meeting = services.create_meeting(SYSTEM, kind="member_assembly", organization=t.ca_b1, title="三月党员大会",
                                        held_on=date(2024, 3, 12), confirm_duplicate=True,
                                        agenda=[{"title": "学习重要讲话", "is_first_topic": True}])
    t.item = t.meeting.agenda.get()
    return t


def stored_files(t):
    return sorted(p for p in t.media.rglob("*") if p.is_file()) if t.media.exists() else []


def test_service_stores_pdf_png_docx_with_opaque_names_and_audits(case):
    t = case
    pdf = files.add_file(t.sec_a, t.meeting, upload("学习材料.pdf", PDF), agenda_item=t.item)
    png = files.add_file(t.sec_a, t.meeting, upload("合影.png", png_bytes()), kind="photo")
    docx = files.add_file(t.sec_a, t.meeting, upload("决议.docx", docx_bytes()))
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert docx.content_type.endswith("wordprocessingml.document")
    assert pdf.size == len(PDF) and pdf.agenda_item == t.item and pdf.uploaded_by == t.sec_a
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    for f in (pdf, png, docx):
        assert f.stored_path.startswith("meetings/") and f.original_name not in f.stored_path
        assert ".pdf" not in f.stored_path and ".png" not in f.stored_path
    assert (t.media / pdf.stored_path).read_bytes() == PDF
    entry = AuditEntry.objects.get(model="meetings.meetingfile", object_id=str(pdf.pk), action="create")
    assert entry.after["original_name"] == "学习材料.pdf" and entry.after["sha256"] == pdf.sha256
    assert entry.after["size"] == len(PDF) and entry.actor == t.sec_a


@pytest.mark.parametrize("name,data,kind,message", [
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "attachment", "不允许上传"),
    ("页面.html", b"<html><script>alert(1)</script></html>", "attachment", "不允许上传"),
    ("伪装.pdf", b"<html><script>alert(1)</script></html>", "attachment", "不符"),
    ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "photo", "不允许上传"),
    ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "attachment", "不允许上传"),
    ("照片.pdf", PDF, "photo", "不是图片"),
    ("假照片.png", PDF, "photo", "不符"),
    ("表格.xlsx", docx_bytes(), "attachment", "不符"),  # a Word file renamed .xlsx
    ("坏.docx", b"PK\x03\x04not really a zip", "attachment", "不符"),
    ("空.pdf", b"", "attachment", "空文件"),
])
def test_refused_uploads_write_nothing(case, name, data, kind, message):
    t = case
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        files.add_file(t.sec_a, t.meeting, upload(name, data), kind=kind)
    assert message in " ".join(exc.value.messages)
    assert not MeetingFile.objects.exists() and stored_files(t) == []
    assert AuditEntry.objects.count() == before


class Exploding(SimpleUploadedFile):
    def read(self, *a, **k):
        raise AssertionError("an oversized file must be refused before its bytes are read")


def test_oversize_refused_by_size_before_sniffing(case):
    t = case
    big = Exploding("大文件.pdf", b"", content_type="application/pdf")
    big.size = 21 * files.MB
    with pytest.raises(ValidationError) as exc:
        files.add_file(t.sec_a, t.meeting, big)
    assert "20 MB" in exc.value.messages[0]
    photo = upload("大照片.png", png_bytes() + b"\x00" * (10 * files.MB))
    with pytest.raises(ValidationError, match="10 MB"):
        files.add_file(t.sec_a, t.meeting, photo, kind="photo")
    assert not MeetingFile.objects.exists() and stored_files(t) == []


def test_out_of_scope_users_cannot_add(case):
    t = case
    with pytest.raises(NotInScope):
        files.add_file(t.sec_b, t.meeting, upload("a.pdf", PDF))
    # A member sees their own attendance (my meetings), not the branch's meeting records or their files.
    with pytest.raises((NotInScope, PermissionDenied)):
        files.add_file(t.member, t.meeting, upload("a.pdf", PDF))
    other = services.create_meeting(SYSTEM, kind="member_assembly", organization=t.ca_b2, title="另一次",
                                    held_on=date(2024, 3, 13), confirm_duplicate=True,
                                    agenda=[{"title": "别的议题"}])
    with pytest.raises(ValidationError):
        files.add_file(t.sec_a, t.meeting, upload("a.pdf", PDF), agenda_item=other.agenda.get())
    assert not MeetingFile.objects.exists() and stored_files(t) == []


# --- the pages --------------------------------------------------------------------------------------

def test_upload_page_several_files_then_download_headers(case, login):
    t = case
    client = login(t.sec_a)
    resp = client.post(f"/meetings/{t.meeting.pk}/files/upload/",
                       {"kind": "attachment", "agenda_item": str(t.item.pk),
                        "files": [upload("学习材料（第一议题）.pdf", PDF), upload("决议.docx", docx_bytes())]})
    assert resp.status_code == 302 and resp["Location"].endswith("?tab=files")
    assert MeetingFile.objects.count() == 2
    client.post(f"/meetings/{t.meeting.pk}/files/upload/",
                {"kind": "photo", "files": [upload("合影.png", png_bytes())]})
    pdf = MeetingFile.objects.get(original_name="学习材料（第一议题）.pdf")
    photo = MeetingFile.objects.get(kind="photo")

    resp = client.get(f"/meetings/files/{pdf.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    assert resp["Content-Type"] == "application/pdf" and resp["X-Content-Type-Options"] == "nosniff"
    disposition = resp["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E5%AD%A6%E4%B9%A0" in disposition and "学" not in disposition
    resp = client.get(f"/meetings/files/{photo.pk}/")
    assert resp["Content-Type"] == "image/png" and resp["Content-Disposition"].startswith("inline;")

    page = client.get(f"/meetings/{t.meeting.pk}/?tab=files").content.decode()
    assert "附件与照片" in page and "学习材料（第一议题）.pdf" in page and f"/meetings/files/{photo.pk}/" in page
    assert 'id="file-upload"' in page and "/media/" not in page


def test_upload_page_refuses_the_whole_batch(case, login):
    t = case
    client = login(t.sec_a)
    resp = client.post(f"/meetings/{t.meeting.pk}/files/upload/", {
        "kind": "attachment", "files": [upload("好.pdf", PDF), upload("坏.pdf", b"<html></html>")]}, follow=True)
    assert not MeetingFile.objects.exists() and stored_files(t) == []
    assert "“坏.pdf”的内容与扩展名 .pdf 不符" in resp.content.decode()


def test_sibling_gets_404_on_download_upload_and_delete(case, login):
    t = case
    f = files.add_file(t.sec_a, t.meeting, upload("a.pdf", PDF))
    client = login(t.sec_b)
    assert client.get(f"/meetings/files/{f.pk}/").status_code == 404
    assert client.get(f"/meetings/{t.meeting.pk}/?tab=files").status_code == 404
    resp = client.post(f"/meetings/{t.meeting.pk}/files/upload/", {"kind": "attachment",
                                                                    "files": [upload("b.pdf", PDF)]})
    assert resp.status_code == 404
    assert client.post(f"/meetings/files/{f.pk}/delete/").status_code == 404
    assert list(MeetingFile.objects.values_list("original_name", flat=True)) == ["a.pdf"]
    assert len(stored_files(t)) == 1


def test_files_follow_the_meeting_not_the_branch(case, login):
    """Who may read a file is who may read its meeting: the branch's secretaries, not a member whose
    role shows them only their own attendance."""
    t = case
    f = files.add_file(t.sec_a, t.meeting, upload("a.pdf", PDF))
    client = login(t.member)
    assert client.get(f"/meetings/files/{f.pk}/").status_code == 404
    assert client.post(f"/meetings/{t.meeting.pk}/files/upload/",
                       {"kind": "attachment", "files": [upload("b.pdf", PDF)]}).status_code in (403, 404)
    assert client.post(f"/meetings/files/{f.pk}/delete/").status_code in (403, 404)
    secretary = login(t.sec_a)
    resp = secretary.get(f"/meetings/files/{f.pk}/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == PDF
    assert MeetingFile.objects.count() == 1
    # Nobody without a role, and a member of another organisation, sees nothing.
    assert login(t.nobody).get(f"/meetings/files/{f.pk}/").status_code == 404


def test_delete_removes_row_and_bytes_and_audits(case, login, django_capture_on_commit_callbacks):
    t = case
    f = files.add_file(t.sec_a, t.meeting, upload("a.pdf", PDF))
    path = t.media / f.stored_path
    assert path.exists()
    client = login(t.sec_a)
    assert client.get(f"/meetings/files/{f.pk}/delete/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(f"/meetings/files/{f.pk}/delete/")
    assert resp.status_code == 302 and resp["Location"].endswith(f"/meetings/{t.meeting.pk}/?tab=files")
    assert not MeetingFile.objects.exists() and not path.exists()
    entry = AuditEntry.objects.get(model="meetings.meetingfile", object_id=str(f.pk), action="delete")
    assert entry.before["sha256"] == f.sha256 and entry.before["original_name"] == "a.pdf"
    assert entry.actor == t.sec_a


def test_deleting_the_meeting_removes_its_stored_files(case, django_capture_on_commit_callbacks):
    t = case
    f = files.add_file(t.sec_a, t.meeting, upload("a.pdf", PDF))
    assert (t.media / f.stored_path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_meeting(t.sec_a, t.meeting)
    assert not MeetingFile.objects.exists() and stored_files(t) == []
