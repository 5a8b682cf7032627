"""Meeting attachments and photos: check the type and size, store the bytes outside the web root, and
audit every add and delete (name, size and SHA-256; never the bytes).

The type is decided twice: the extension must be on the list AND the first bytes must be what that
extension promises. A client's Content-Type header is never trusted; the stored content type comes
from our own table, so a file can never be served as HTML or SVG (which can carry script).
"""
import hashlib
import os
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from core.scoping import ensure

from .models import MeetingFile

MB = 1024 * 1024
MAX_SIZE = {MeetingFile.FileKind.ATTACHMENT: 20 * MB, MeetingFile.FileKind.PHOTO: 10 * MB}

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


def check_upload(upload, kind):
    """Return (extension, content type) of an allowed upload, or raise ValidationError in Chinese."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    limit = MAX_SIZE[kind]
    # Size first: an oversized file is refused without reading a byte of it.
    if upload.size > limit:
        raise ValidationError(_("“%(name)s”超过大小上限 %(limit)d MB，未上传") % {"name": name, "limit": limit // MB})
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件，未上传") % {"name": name})
    if ext not in TYPES:
        raise ValidationError(_("“%(name)s”的文件类型不允许上传；允许的类型：%(types)s")
                              % {"name": name, "types": ALLOWED_TEXT})
    content_type, image, check = TYPES[ext]
    if kind == MeetingFile.FileKind.PHOTO and not image:
        raise ValidationError(_("“%(name)s”不是图片：照片只能上传 PNG、JPEG、GIF、WebP 图片") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    ok = _is_ooxml(upload, ext) if check is None else check(head)
    if not ok:
        raise ValidationError(_("“%(name)s”的内容与扩展名 .%(ext)s 不符（可能是改了扩展名的其他文件），未上传")
                              % {"name": name, "ext": ext})
    return ext, content_type


def _clean_name(name):
    name = os.path.basename((name or "").replace("\\", "/")).strip()
    # Control characters would break the download header; the name is only shown, never used as a path.
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255] or "file"


def add_file(user, meeting, upload, *, kind=MeetingFile.FileKind.ATTACHMENT, agenda_item=None):
    """Store one upload for `meeting`; the user must be allowed to change the meeting."""
    kind = MeetingFile.FileKind(kind)
    ensure(user, "change", meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("所选议题不属于该会议")})
    _ext, content_type = check_upload(upload, kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored_path = f"meetings/{timezone.now():%Y}/{uuid.uuid4().hex}"
    store = storage()
    saved = store.save(stored_path, upload)
    try:
        with transaction.atomic():
            # Re-checked inside the transaction, as every write does.
            ensure(user, "change", meeting)
            obj = MeetingFile(meeting=meeting, kind=kind, agenda_item=agenda_item,
                              original_name=_clean_name(upload.name), content_type=content_type,
                              size=upload.size, sha256=digest.hexdigest(), stored_path=saved,
                              uploaded_by=user if getattr(user, "pk", None) else None)
            ensure(user, "add", obj)
            obj.full_clean()
            obj.save()
            record(user, Action.CREATE, obj, after=_audit_data(obj))
    except BaseException:
        store.delete(saved)
        raise
    return obj


@receiver(post_delete, sender=MeetingFile)
def _remove_bytes(sender, instance, **kwargs):
    # Also runs when a deleted meeting takes its files with it (CASCADE); only after the commit, so a
    # rolled-back delete keeps its bytes.
    path = instance.stored_path
    transaction.on_commit(lambda: storage().delete(path))


def delete_file(user, obj):
    """Delete the record (audited); the stored bytes go once the transaction has committed."""
    with transaction.atomic():
        fresh = MeetingFile.objects.select_for_update().select_related("meeting__organization").get(pk=obj.pk)
        ensure(user, "delete", fresh)
        ensure(user, "change", fresh.meeting)
        before = _audit_data(fresh)
        pk, text = fresh.pk, str(fresh)
        fresh.delete()
        record(user, Action.DELETE, model=MeetingFile._meta.label_lower, object_id=pk, object_repr=text,
               before=before)



def _audit_data(obj):
    return {"meeting": obj.meeting_id, "kind": obj.kind, "agenda_item": obj.agenda_item_id,
            "original_name": obj.original_name, "content_type": obj.content_type, "size": obj.size,
            "sha256": obj.sha256}


def open_file(obj):
    return storage().open(obj.stored_path, "rb")
