"""The write helpers every domain service uses: check scope inside the transaction, refuse stale
edits, save, and write the audit row, all or nothing."""
from django.db import transaction

from core import context
from core.errors import StaleEdit
from core.models import snapshot
from core.scoping import ensure

from .models import Action, AuditEntry


def record(actor, action, obj=None, *, before=None, after=None, note="", model=None, object_id=None,
           object_repr=None):
    ctx = context.current()
    name = actor.get_username() if getattr(actor, "is_authenticated", False) else ""
    return AuditEntry.objects.create(
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
    """Save a new record after checking the user may add it where it hangs on the tree."""
    with transaction.atomic():
        ensure(user, action, obj)
        obj.full_clean()
        obj.save()
        record(user, Action.CREATE, obj, after=snapshot(obj), note=note)
    return obj


def update(user, obj, changes, *, expected_version=None, action="change", audit_action=Action.UPDATE,
           note=""):
    """Apply `changes` (field -> value) to a fresh, locked copy of `obj`.

    `expected_version` is the version the editor saw; if the record has moved on since, nothing is
    written and StaleEdit says so.
    """
    model = type(obj)
    with transaction.atomic():
        fresh = model.objects.select_for_update().get(pk=obj.pk)
        ensure(user, action, fresh)
        if expected_version is not None and int(expected_version) != fresh.version:
            raise StaleEdit()
        before = snapshot(fresh)
        for name, value in changes.items():
            setattr(fresh, name, value)
        # A change that moves the record must land inside the user's scope too.
        ensure(user, action, fresh)
        fresh.full_clean()
        fresh.version += 1
        fresh.save()
        after = snapshot(fresh)
        if before != after:
            record(user, audit_action, fresh, before=before, after=after, note=note)
    return fresh


def delete(user, obj, *, action="delete", note=""):
    model = type(obj)
    with transaction.atomic():
        fresh = model.objects.select_for_update().get(pk=obj.pk)
        ensure(user, action, fresh)
        before = snapshot(fresh)
        label, pk, text = fresh._meta.label_lower, fresh.pk, str(fresh)
        fresh.delete()
        record(user, Action.DELETE, model=label, object_id=pk, object_repr=text, before=before, note=note)


def history(obj):
    return AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
