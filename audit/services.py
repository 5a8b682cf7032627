"""The write helpers every domain service uses: check scope inside the transaction, refuse stale
edits, save, and write the audit row, all or nothing."""
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import context
from core.errors import StaleEdit
from core.models import snapshot
from core.scoping import ensure

from .models import Action, AuditEntry


def record(actor, action, obj=None, *, before=None, after=None, note="", model=None, object_id=None,
           object_repr=None):
    entry = audit_entry(actor, action, obj, before=before, after=after, note=note, model=model,
                        object_id=object_id, object_repr=object_repr)
    entry.save(force_insert=True)
    return entry


def record_created(actor, objects, *, note="", batch_size=2000):
    """The audit rows of create() for records a bulk path (an import) has saved itself, in one insert
    per batch."""
    AuditEntry.objects.bulk_create(
        (audit_entry(actor, Action.CREATE, obj, after=snapshot(obj), note=note) for obj in objects),
        batch_size=batch_size)


def audit_entry(actor, action, obj=None, *, before=None, after=None, note="", model=None, object_id=None,
                object_repr=None):
    """The audit row, not saved yet."""
    ctx = context.current()
    name = actor.get_username() if getattr(actor, "is_authenticated", False) else ""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) and actor.is_authenticated else None,
        actor_name=name,
        request_id=ctx.request_id,
        ip=ctx.ip,
        action=action,
        model=model or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(object_id if object_id is not None else (obj.pk if obj is not None else "")),
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:200],
        before=before,
        after=after,
        note=note[:500],
    )


def create(user, obj, *, action="add", note=""):
    """Save a new record after checking the user may add it where it hangs on the tree (`action=None`:
    the calling service has checked, as for update)."""
    with transaction.atomic():
        if action:
            ensure(user, action, obj)
        obj.full_clean()
        obj.save()
        record(user, Action.CREATE, obj, after=snapshot(obj), note=note)
    return obj


def update(user, obj, changes, *, expected_version=None, action="change", audit_action=Action.UPDATE,
           note=""):
    """Apply `changes` (field -> value) to a fresh, locked copy of `obj`.

    `expected_version` is the version the editor saw; if the record has moved on since, nothing is
    written and StaleEdit says so. `action=None` is for a service that has itself checked, inside this
    transaction, a right that the record's own scope does not express (a task's manager acts through
    the ledger's organisation).
    """
    model = type(obj)
    with transaction.atomic():
        fresh = model.objects.select_for_update().get(pk=obj.pk)
        if action:
            ensure(user, action, fresh)
        if expected_version is not None and int(expected_version) != fresh.version:
            raise stale_edit(fresh, int(expected_version))
        before = snapshot(fresh)
        for name, value in changes.items():
            setattr(fresh, name, value)
        # A change that moves the record must land inside the user's scope too.
        if action:
            ensure(user, action, fresh)
        fresh.full_clean()
        fresh.version += 1
        fresh.save()
        after = snapshot(fresh)
        if before != after:
            record(user, audit_action, fresh, before=before, after=after, note=note)
    return fresh


def delete(user, obj, *, action="delete", note=""):
    """Delete after checking `action` (None: the calling service has checked, as for update)."""
    model = type(obj)
    with transaction.atomic():
        fresh = model.objects.select_for_update().get(pk=obj.pk)
        if action:
            ensure(user, action, fresh)
        before = snapshot(fresh)
        label, pk, text = fresh._meta.label_lower, fresh.pk, str(fresh)
        fresh.delete()
        record(user, Action.DELETE, model=label, object_id=pk, object_repr=text, before=before, note=note)


def history(obj):
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")


def stale_edit(fresh, expected_version):
    """StaleEdit that says who changed what since the version the editor opened (from the audit rows
    written since then), so the second editor sees what to re-check; their own input stays on the form."""
    later = [e for e in history(fresh).order_by("at", "id")
             if isinstance(e.after, dict) and (e.after.get("version") or 0) > expected_version]
    if not later:
        return StaleEdit()
    names, who = [], []
    for entry in later:
        for field, _before, _after in entry.changes():
            if field == "version":
                continue
            try:
                label = str(type(fresh)._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:
                label = field
            if label not in names:
                names.append(label)
        stamp = f"{entry.actor_name or _('系统')}（{timezone.localtime(entry.at):%Y-%m-%d %H:%M}）"
        if stamp not in who:
            who.append(stamp)
    exc = StaleEdit(_("该记录已被他人修改：%(who)s 修改了%(fields)s。您的修改未保存，请核对最新内容后重新提交。")
                    % {"who": "、".join(who), "fields": "、".join(names) or _("记录")})
    exc.changed_fields = names
    return exc
