"""The tree as it was on a date, for figures and reports "as of" a past day.

Every figure that counts a subtree asks here which organisations were in it on its as-of date, so a past
report is reproduced after later moves. The answer comes from `PathHistory`: each organisation's path
from a day (inclusive) until a day (exclusive; open = still). A move on day d closes the rows of the moved
subtree at d and opens new ones from d, so on the move's own day the organisation is already in its new
place. Dissolution changes no path: a dissolved organisation stays in the tree with its history.

An organisation's first rows start on its establishment date (or EARLY when it has none), never before
its parent's: a new organisation's history is its parent's history (from that day) plus its own segment,
so the tree on any past day is consistent, whatever was moved since.
"""
from datetime import date

from django.db import connection
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from core.errors import BusinessRuleError
from core.figures import remembered
from core.scoping import path_range

EARLY = date(1900, 1, 1)  # the start of an organisation's history when nothing says otherwise


def _history():
    from .models import PathHistory

    return PathHistory.objects


def rows_on(as_of):
    """The history rows in force on `as_of`: one per organisation that was in the tree that day."""
    return (_history().filter(valid_from__lte=as_of).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
            .order_by())  # no join for the model's ordering


def path_on(org, as_of):
    """`org`'s path on `as_of`, or None if it was not in the tree that day."""
    return rows_on(as_of).filter(organization_id=org.pk).values_list("path", flat=True).first()


def subtree_ids(org, as_of):
    """A queryset of the ids of the organisations whose path on `as_of` lay within `org`'s path that day
    (`org` itself included); empty if `org` was not in the tree on `as_of`.

    `org`'s path that day is read first, so the range read on the history's (path, valid_from, valid_to) index
    has literal bounds: the planner then knows how big the subtree is (a root's or a branch's) and plans the
    records' query for it. Bounds from a subquery look the same size at every level to it, and it planned a
    root's drill-down as if it were a branch's (docs/performance.md).
    """
    return remembered(("orgs.subtree_ids", org.pk, as_of), lambda: _subtree_ids(org, as_of))


def _subtree_ids(org, as_of):
    # Built once per page (core.figures.remembered): a report's figures ask for the same subtree dozens of
    # times, and the path's query and the queryset's construction cost more than the figure's own count.
    # Each use resolves a clone of the queryset into its subquery, so sharing it shares nothing mutable.
    path = path_on(org, as_of)
    if path is None:
        return _history().none().values("organization_id")
    lo, hi = path_range(path)
    return rows_on(as_of).filter(path__gte=lo, path__lt=hi).values("organization_id")


MAX_CHANGED = 500  # organisations changed since a day beyond which the history is read instead (rollups.read)


def changed_since(as_of):
    """Ids of the organisations with a history row opened or closed after `as_of` (moved or set up since;
    none when as_of is today or later), at most MAX_CHANGED + 1 of them. Few organisations change place, so
    this is a small read of the history's date indexes; once per page."""
    if as_of >= date.today():
        return set()
    return remembered(changed_key(as_of), lambda: _read_changed(as_of))


def changed_key(as_of):
    """The page memo's key of changed_since(as_of) (core.figures.remembered)."""
    return ("orgs.changed_since", as_of)


def changed_sql(as_of):
    """(SQL, params) of the rows (organization_id) of changed_since(as_of), for a caller that reads them with
    other rows in one statement (rollups.read); None when there is nothing to read (as_of today or later)."""
    if as_of >= date.today():
        return None
    from .models import PathHistory

    day = connection.ops.adapt_datefield_value(as_of)
    return (f"SELECT DISTINCT organization_id FROM {PathHistory._meta.db_table} "
            f"WHERE valid_from > %s OR valid_to > %s LIMIT {MAX_CHANGED + 1}", [day, day])


def _read_changed(as_of):
    sql, params = changed_sql(as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk for pk, in cursor.fetchall()}


def settled_path(org, as_of):
    """`org`'s current path when its subtree on `as_of` is its subtree today (nothing in it or near it
    changed place since: then the subtree is a range of the organisations' own path index), else None."""
    from .models import Organization

    changed = changed_since(as_of)
    if org.pk in changed or len(changed) > MAX_CHANGED:
        return None
    path = remembered(("orgs.path", org.pk), lambda: Organization.objects.filter(pk=org.pk)
                      .values_list("path", flat=True).first())
    if path is None or not changed:
        return path
    lo, hi = path_range(path)
    # Any row of a changed organisation ever inside the range, before or after its change: the subtree may
    # have differed on as_of, so the history answers.
    touched = _history().filter(organization_id__in=changed, path__gte=lo, path__lt=hi).exists()
    return None if touched else path


def subtree_q(org, as_of, org_field="organization"):
    """A Q keeping records whose `org_field` organisation was in `org`'s subtree on `as_of`
    (`org_field="id"` on Organization itself; "meeting__organization", "owner"... through relations).

    Usually nothing moved since: then literal bounds on the organisation's own path, which the database
    reads as one range of the path index at every level (a drill-down ordered by that path walks only the
    subtree's organisations); otherwise the ids from the history of that day."""
    path = settled_path(org, as_of)
    if path is None:
        return Q(**{f"{org_field}__in": subtree_ids(org, as_of)})
    lo, hi = path_range(path)
    prefix = "" if org_field == "id" else f"{org_field}__"
    return Q(**{f"{prefix}path__gte": lo, f"{prefix}path__lt": hi})


# --- writing the history (orgs.models.Organization.save, orgs.services) ---------------------------------

def record_created(org):
    """Rows for a new organisation, in the caller's transaction: from its establishment day (or EARLY; not
    after today), along its parent's history with its own segment appended."""
    from .models import PathHistory, path_segment

    start = min(org.established_on or EARLY, date.today())
    if not org.parent_id:
        PathHistory.objects.create(organization_id=org.pk, path=org.path, valid_from=start)
        return
    segment = path_segment(org.pk)
    parent_rows = (PathHistory.objects.filter(organization_id=org.parent_id)
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start)).order_by("valid_from"))
    rows = [PathHistory(organization_id=org.pk, path=row.path + segment, valid_from=max(row.valid_from, start),
                        valid_to=row.valid_to) for row in parent_rows]
    if not rows:  # a parent without history (not written for it): the child's starts with itself
        rows = [PathHistory(organization_id=org.pk, path=org.path, valid_from=start)]
    PathHistory.objects.bulk_create(rows)


def check_move_date(subtree_path, new_parent, on_date):
    """Refuse a move dated in the future or before the last change of place of any organisation in the
    moved subtree or of the new parent (its rows in force would then overlap the new ones)."""
    from .models import Organization

    if on_date > date.today():
        raise BusinessRuleError(_("移动的生效日期不能晚于今天"))
    lo, hi = path_range(subtree_path)
    current = _history().filter(valid_to__isnull=True).filter(
        Q(path__gte=lo, path__lt=hi) | Q(organization_id=new_parent.pk))
    latest = current.aggregate(day=Max("valid_from"))["day"]
    if latest and on_date < latest:
        row = current.filter(valid_from=latest).order_by("path").first()
        name = Organization.objects.filter(pk=row.organization_id).values_list("name", flat=True).first()
        raise BusinessRuleError(
            _("移动的生效日期不能早于%(date)s：%(org)s自该日起才位于现在的位置（成立或调整隶属关系）") % {
                "date": f"{latest:%Y-%m-%d}", "org": name})


def record_move(old_prefix, new_prefix, on_date):
    """Close the current rows of the subtree that was at `old_prefix` on `on_date` and open rows at
    `new_prefix` from that day: one read, one UPDATE (plus one DELETE of rows opened that same day), one
    bulk write. Call in the move's transaction, with the date checked by check_move_date()."""
    from .models import PathHistory

    lo, hi = path_range(old_prefix)
    current = PathHistory.objects.filter(valid_to__isnull=True, path__gte=lo, path__lt=hi)
    rows = list(current.values_list("organization_id", "path"))
    current.filter(valid_from__gte=on_date).delete()  # moved again the same day: the earlier row never held
    current.update(valid_to=on_date)
    PathHistory.objects.bulk_create([
        PathHistory(organization_id=pk, path=new_prefix + path[len(old_prefix):], valid_from=on_date)
        for pk, path in rows])


def sync_current(today=None):
    """Make every organisation's current history row carry its current path (after rebuild_tree repaired
    derived paths, or for organisations without history): the old row closes today, a new one opens.
    Returns the number of organisations whose history changed."""
    from .models import Organization, PathHistory

    today = today or date.today()
    paths = dict(Organization.objects.values_list("id", "path"))
    current = dict(PathHistory.objects.filter(valid_to__isnull=True).values_list("organization_id", "path"))
    has_rows = set(PathHistory.objects.filter(organization_id__in=set(paths) - set(current))
                   .values_list("organization_id", flat=True).distinct())
    stale = [pk for pk, path in paths.items() if current.get(pk) != path]
    if not stale:
        return 0
    open_rows = PathHistory.objects.filter(valid_to__isnull=True, organization_id__in=stale)
    open_rows.filter(valid_from__gte=today).delete()
    open_rows.update(valid_to=today)
    PathHistory.objects.bulk_create([
        PathHistory(organization_id=pk, path=paths[pk],
                    valid_from=today if (pk in current or pk in has_rows) else EARLY)
        for pk in stale])
    return len(stale)
