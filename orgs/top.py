"""The top-level organisation's id on every large record table: the sharding key of the scale-out path.

A province shards its record tables by top-level organisation (the depth-1 committee under the root; the
root's own records carry the root's id), so a figure below level 1 stays on one shard. The column
`top_id` is a plain integer, not a foreign key: a distribution column must not depend on a key that
crosses shards. It is derived from the organisation's path and kept right here:

- apps register each large table with `track(model, org_field)` in AppConfig.ready();
- saving one record through the ORM sets it (pre_save), and a record whose top changed carries the
  tables that hang on it along (an attendance follows its meeting);
- bulk writes call `stamp(rows)` before `bulk_create`;
- a moved subtree is rewritten with one UPDATE per table (`refresh`, on orgs.signals.after_move);
- `differences()` and the `check_top` command compare it with the paths, `refresh()` repairs it.
"""
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Cast, Substr
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from core.scoping import path_range

from .models import PATH_WIDTH
from .signals import after_move

SEGMENT = PATH_WIDTH + 1  # digits and the slash
tracked = []  # (model, org field path), in registration order


def top_of(path):
    """The id of the depth-1 organisation on `path` (the root's id for the root's own path)."""
    if not path:
        return None
    return int(path[SEGMENT:SEGMENT + PATH_WIDTH] if len(path) > SEGMENT else path[:PATH_WIDTH])


def top_expression(org_field):
    """top_of() in SQL over `<org_field>__path` (both databases cast the zero-padded digits)."""
    path = f"{org_field}__path" if org_field else "path"
    depth = f"{org_field}__depth" if org_field else "depth"
    digits = Case(When(**{depth: 0}, then=Substr(path, 1, PATH_WIDTH)),
                  default=Substr(path, SEGMENT + 1, PATH_WIDTH))
    return Cast(digits, IntegerField())


def track(model, org_field):
    """Register a record table whose rows hang on an organisation through `org_field` ("organization",
    "meeting__organization"); connects the receiver that keeps its top right on every ORM save."""
    if (model, org_field) in tracked:
        return
    tracked.append((model, org_field))
    uid = f"orgs.top:{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, weak=False, dispatch_uid=uid + ":pre_save")
    post_save.connect(_after_save, sender=model, weak=False, dispatch_uid=uid + ":post_save")


def _org_field(model):
    return next(field for m, field in tracked if m is model)


def _dependents(model):
    """Tracked tables that reach their organisation through `model` (attendance through its meeting):
    (model, the foreign key to `model`)."""
    own = _org_field(model)
    found = []
    for other, field in tracked:
        hop, _sep, rest = field.partition("__")
        if rest == own and other._meta.get_field(hop).related_model is model:
            found.append((other, hop))
    return found


def resolve(obj, org_field, memo=None):
    """The top of one record from its organisation: the related objects if they are loaded (or a loaded
    tracked record on the way, whose top is already right), else one query for the path."""
    current, hops = obj, org_field.split("__")
    for i, hop in enumerate(hops):
        if i and type(current) in {m for m, _f in tracked} and current.top_id is not None:
            return current.top_id
        field = current._meta.get_field(hop)
        if field.is_cached(current):
            current = getattr(current, hop)
            if current is None:
                return None
            continue
        pk = getattr(current, field.attname)
        if pk is None:
            return None
        rest = "__".join([*hops[i + 1:], "path"])
        key = (field.related_model, rest, pk)
        if memo is None or key not in memo:
            path = field.related_model._base_manager.filter(pk=pk).values_list(rest, flat=True).first()
            if memo is None:
                return top_of(path)
            memo[key] = top_of(path)
        return memo[key]
    return top_of(current.path)


def stamp(objs):
    """Set the top of unsaved records before a bulk_create (which sends no signals). Loaded related
    objects cost nothing; otherwise one query per distinct organisation."""
    memo = {}
    for obj in objs:
        obj.top_id = resolve(obj, _org_field(type(obj)), memo)
    return objs


def _before_save(sender, instance, update_fields=None, **kwargs):
    top = resolve(instance, _org_field(sender))
    instance._top_changed = instance.pk is not None and top != instance.top_id
    instance.top_id = top
    if update_fields is not None and "top_id" not in update_fields and instance._top_changed:
        # A save limited to other fields that still moved the record: write the top beside it.
        sender._base_manager.filter(pk=instance.pk).update(top_id=top)


def _after_save(sender, instance, created=False, **kwargs):
    if created or not getattr(instance, "_top_changed", False):
        return
    for model, fk in _dependents(sender):
        (model._base_manager.filter(**{fk: instance.pk}).exclude(top_id=instance.top_id)
         .update(top_id=instance.top_id))


def _under(qs, org_field, prefix):
    lo, hi = path_range(prefix)
    return qs.filter(**{f"{org_field}__path__gte": lo, f"{org_field}__path__lt": hi})


def fill(model, org_field, prefix=None):
    """Rewrite the top of `model`'s rows (under `prefix`, or all) from their organisations' paths, in one
    UPDATE. Usable from migrations with historical models. Returns the number of rows rewritten."""
    qs = model._base_manager.all()
    if prefix and len(prefix) > SEGMENT:
        # Below level 1 the whole subtree has one top: a constant, and only the rows that differ.
        top = top_of(prefix)
        return _under(qs, org_field, prefix).exclude(top_id=top).update(top_id=top)
    if prefix:
        qs = _under(qs, org_field, prefix)
    # A correlated subquery on the table itself: an UPDATE may not join, its subquery may.
    expected = model._base_manager.filter(pk=OuterRef("pk")).annotate(t=top_expression(org_field)).values("t")
    return qs.update(top_id=Subquery(expected))


def refresh(prefix=None):
    """Rewrite the top of every tracked table's rows under `prefix` (a path; None: everything), one UPDATE
    per table: after a move, a bulk load, or to repair what `differences()` found."""
    return {model._meta.label: fill(model, field, prefix) for model, field in tracked}


def differences(limit=20):
    """{table: (number of rows whose top is wrong, [(pk, stored, expected), ...] up to `limit`)}, only
    the tables with wrong rows."""
    wrong = {}
    for model, field in tracked:
        rows = (model._base_manager.annotate(expected=top_expression(field))
                .filter(Q(top_id__isnull=True, expected__isnull=False)
                        | Q(top_id__isnull=False, expected__isnull=True)
                        | (Q(top_id__isnull=False, expected__isnull=False) & ~Q(top_id=F("expected")))))
        count = rows.count()
        if count:
            sample = rows.order_by("pk").values_list("pk", "top_id", "expected")[:limit]
            wrong[model._meta.label] = (count, list(sample))
    return wrong


@receiver(after_move)
def follow_move(sender, organization, old_prefix, new_prefix, **kwargs):
    refresh(new_prefix)
