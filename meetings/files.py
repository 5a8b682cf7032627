"""Meeting attachments and photos: the checks and storage of core.uploads, and an audit row for every
add and delete (name, size and SHA-256; never the bytes)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from core import uploads
from core.scoping import ensure

from .models import MeetingFile

MB = uploads.MB
MAX_SIZE = {MeetingFile.FileKind.ATTACHMENT: 20 * MB, MeetingFile.FileKind.PHOTO: 10 * MB}
storage = uploads.storage


def check_upload(upload, kind):
    """Return (extension, content type) of an allowed upload, or raise ValidationError in Chinese."""
    return uploads.check_upload(upload, MAX_SIZE[kind], images_only=kind == MeetingFile.FileKind.PHOTO)


def add_file(user, meeting, upload, *, kind=MeetingFile.FileKind.ATTACHMENT, agenda_item=None):
    """Store one upload for `meeting`; the user must be allowed to change the meeting."""
    kind = MeetingFile.FileKind(kind)
    ensure(user, "change", meeting)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("所选议题不属于该会议")})
    _ext, content_type = check_upload(upload, kind)

    def write(fields):
        # Re-checked inside the transaction, as every write does.
        ensure(user, "change", meeting)
        obj = MeetingFile(meeting=meeting, kind=kind, agenda_item=agenda_item,
                          uploaded_by=user if getattr(user, "pk", None) else None, **fields)
        ensure(user, "add", obj)
        obj.full_clean()
        obj.save()
        record(user, Action.CREATE, obj, after=_audit_data(obj))
        return obj

    return uploads.keep(upload, "meetings", content_type, write)


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
    return uploads.open_stored(obj.stored_path)
