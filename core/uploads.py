"""Uploaded files (meeting attachments, task evidence, matter documents, brand and model-branch materials):
check the type and size, store the bytes outside the web root under a name that says nothing about the
file, describe them for the audit trail (name, size and SHA-256; never the bytes), and serve them
(`serve`, after the caller has checked the record's scope).

The type is decided twice: the extension must be on the list AND the first bytes must be what that
extension promises. A client's Content-Type header is never trusted; the stored content type comes
from our own table, so a file can never be served as HTML or SVG (which can carry script).
"""
import hashlib
import os
import uuid
import zipfile
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

MB = 1024 * 1024

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# extension -> (content type served, image?, check of the file's head)
TYPES = {
    "pdf": ("application/pdf", False, lambda h: h.startswith(b"%PDF-")),
    "png": ("image/png", True, lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", True, lambda h: h.startswith(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", True, lambda h: h.startswith(b"\xff\xd8\xff")),
    "gif": ("image/gif", True, lambda h: h[:6] in (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", True, lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP"),
    "doc": ("application/msword", False, lambda h: h.startswith(OLE)),
    "xls": ("application/vnd.ms-excel", False, lambda h: h.startswith(OLE)),
    "ppt": ("application/vnd.ms-powerpoint", False, lambda h: h.startswith(OLE)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False, None),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False, None),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False, None),
}
# The OOXML formats are zip files; the main part's content type in [Content_Types].xml says which one.
OOXML_MARKER = {"docx": b"wordprocessingml.document.main", "xlsx": b"spreadsheetml.sheet.main",
                "pptx": b"presentationml.presentation.main"}
ALLOWED_TEXT = "PDF、Word（doc/docx）、Excel（xls/xlsx）、PowerPoint（ppt/pptx）、PNG、JPEG、GIF、WebP"


def storage():
    # Built on each call so that it follows MEDIA_ROOT (tests point it at a temporary directory).
    return FileSystemStorage()


def _is_ooxml(upload, ext):
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as z:
            info = z.getinfo("[Content_Types].xml")
            if info.file_size > MB:
                return False
            return OOXML_MARKER[ext] in z.read(info)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def check_upload(upload, limit, *, images_only=False):
    """Return (extension, content type) of an allowed upload of at most `limit` bytes, or raise
    ValidationError in Chinese."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    # Size first: an oversized file is refused without reading a byte of it.
    if upload.size > limit:
        raise ValidationError(_("“%(name)s”超过大小上限 %(limit)d MB，未上传") % {"name": name, "limit": limit // MB})
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件，未上传") % {"name": name})
    if ext not in TYPES:
        raise ValidationError(_("“%(name)s”的文件类型不允许上传；允许的类型：%(types)s")
                              % {"name": name, "types": ALLOWED_TEXT})
    content_type, image, check = TYPES[ext]
    if images_only and not image:
        raise ValidationError(_("“%(name)s”不是图片：照片只能上传 PNG、JPEG、GIF、WebP 图片") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ok = _is_ooxml(upload, ext) if check is None else check(head)
    if not ok:
        raise ValidationError(_("“%(name)s”的内容与扩展名 .%(ext)s 不符（可能是改了扩展名的其他文件），未上传")
                              % {"name": name, "ext": ext})
    return ext, content_type


def clean_name(name):
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    # Control characters would break the download header; the name is only shown, never used as a path.
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "file"


def store(upload, folder):
    """Save the upload under `<folder>/<year>/<random name>`; returns (stored path, SHA-256 hex).
    The caller deletes the stored path again if its transaction fails."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    saved = storage().save(f"{folder}/{timezone.now():%Y}/{uuid.uuid4().hex}", upload)
    return saved, digest.hexdigest()


def keep(upload, folder, content_type, write):
    """Store the bytes, then call `write(file fields)` in one transaction to create (re-check, save, audit)
    the record that owns them; if anything fails, the stored bytes go again and nothing is left behind."""
    saved, sha256 = store(upload, folder)
    fields = {"original_name": clean_name(upload.name), "content_type": content_type, "size": upload.size,
              "sha256": sha256, "stored_path": saved}
    try:
        with transaction.atomic():
            return write(fields)
    except BaseException:
        storage().delete(saved)
        raise


def open_stored(path):
    return storage().open(path, "rb")


# What a stored file may be served as: our own table's types, never the client's.
SERVED_TYPES = {content_type for content_type, _image, _check in TYPES.values()}


def disposition(kind, name):
    # RFC 6266 / 5987: an ASCII fallback for old clients, the real (UTF-8) name for everyone else.
    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name) or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def serve(record, inline_images=False):
    """The response handing over a file record (core.models.StoredFile) the caller has checked the user may
    see: a download, or an image shown in the page when `inline_images`; 404 when the bytes are gone."""
    try:
        handle = open_stored(record.stored_path)
    except FileNotFoundError:
        raise Http404(_("文件已不存在")) from None
    content_type = record.content_type if record.content_type in SERVED_TYPES else "application/octet-stream"
    inline = inline_images and record.is_image
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition("inline" if inline else "attachment", record.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    # Even if a check were ever wrong, the browser runs nothing from this response.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox" if inline else \
        "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
