"""Every write to organisations, units and terms. Each runs in one transaction, re-checks scope and
writes the audit row (through audit.services)."""
from datetime import date

from django.db import transaction
from django.db.models import F, Value
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audit import services as audit
from audit.models import Action
from core.errors import BusinessRuleError
from core.models import snapshot
from core.rules import rule_value
from core.scoping import ensure, path_range

from . import history
from .choices import ALLOWED_CHILDREN, Kind
from .models import Organization, Term, Unit
from .signals import after_move


def add_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February into a common year
        return d.replace(year=d.year + years, day=28)


def term_due_on(organization, started_on):
    kind = organization.kind if organization.kind != Kind.GROUP else Kind.BRANCH
    years = rule_value(f"term.years.{kind}", started_on, organization.path)
    return add_years(started_on, int(years))


def create_organization(user, **fields):
    return audit.create(user, Organization(**fields))


def update_organization(user, org, changes, expected_version=None):
    if "parent" in changes or "parent_id" in changes:
        raise BusinessRuleError(_("请使用“移动”功能调整上级组织"))
    return audit.update(user, org, changes, expected_version=expected_version)


def move_organization(user, org, new_parent, expected_version=None, on_date=None):
    """Hang `org` and its subtree under `new_parent` from `on_date` (default today): one transaction,
    descendants rewritten in one UPDATE and their path history (orgs.history) in one bulk write, so reports
    as of an earlier day still see the subtree where it was. The date can be neither in the future nor
    before the last change of place of any organisation in the subtree or of the new parent."""
    on_date = on_date or date.today()
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=org.pk)
        new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
        ensure(user, "change", org)
        ensure(user, "change", new_parent)
        if expected_version is not None and int(expected_version) != org.version:
            from core.errors import StaleEdit

            raise StaleEdit()
        if new_parent.path.startswith(org.path):
            raise BusinessRuleError(_("不能把组织移动到它自己或它的下级组织之下"))
        if org.kind not in ALLOWED_CHILDREN.get(new_parent.kind, set()):
            raise BusinessRuleError(_("%(parent)s下不能设立%(kind)s") % {
                "parent": new_parent.get_kind_display(), "kind": org.get_kind_display()})
        if new_parent.dissolved_on:
            raise BusinessRuleError(_("目标上级组织已撤销"))
        before = snapshot(org)
        old_prefix = org.path
        new_prefix = new_parent.path + old_prefix.rstrip("/").rsplit("/", 1)[-1] + "/"
        history.check_move_date(old_prefix, new_parent, on_date)
        delta = (new_parent.depth + 1) - org.depth
        lo, hi = path_range(old_prefix)
        Organization.objects.filter(path__gte=lo, path__lt=hi).update(
            path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
            depth=F("depth") + delta,
        )
        history.record_move(old_prefix, new_prefix, on_date)
        after_move.send(sender=Organization, organization=org, old_prefix=old_prefix, new_prefix=new_prefix)
        Organization.objects.filter(pk=org.pk).update(parent=new_parent, version=F("version") + 1)
        org.refresh_from_db()
        audit.record(user, Action.MOVE, org, before=before, after=snapshot(org),
                     note=f"移至 {new_parent.name}" + (f"（{on_date:%Y-%m-%d}起）" if on_date != date.today() else ""))
    return org


def dissolve_organization(user, org, on_date, expected_version=None):
    from .signals import before_dissolve

    with transaction.atomic():
        fresh = Organization.objects.select_for_update().get(pk=org.pk)
        ensure(user, "change", fresh)
        if fresh.dissolved_on:
            raise BusinessRuleError(_("该组织已经撤销"))
        if on_date > date.today():
            raise BusinessRuleError(_("撤销日期不能晚于今天"))
        if fresh.children.filter(dissolved_on__isnull=True).exists():
            raise BusinessRuleError(_("该组织还有未撤销的下级组织，请先撤销或移走下级组织"))
        before_dissolve.send(sender=Organization, organization=fresh, on_date=on_date)
        return audit.update(user, fresh, {"dissolved_on": on_date}, expected_version=expected_version,
                            audit_action=Action.DISSOLVE)


def delete_organization(user, org):
    """Only an organisation that never had children, members or other records can be deleted;
    anything with history is dissolved instead, so the history stays."""
    try:
        with transaction.atomic():
            if Organization.objects.filter(parent_id=org.pk).exists():
                raise BusinessRuleError(_("该组织有下级组织，不能删除；如已不再存在，请使用“撤销”"))
            audit.delete(user, org)
    except ProtectedError as exc:
        kinds = sorted({str(o._meta.verbose_name) for o in exc.protected_objects})
        raise BusinessRuleError(
            _("该组织仍有关联的%(kinds)s记录，不能删除；如已不再存在，请使用“撤销”") % {
                "kinds": pgettext("enumeration", "、").join(kinds)}) from exc


def create_unit(user, **fields):
    return audit.create(user, Unit(**fields))


def create_term(user, organization, started_on, number=None, elected_on=None, note=""):
    if number is None:
        number = (organization.terms.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return audit.create(user, Term(organization=organization, started_on=started_on, number=number,
                                   elected_on=elected_on, note=note))


def record_election(user, organization, elected_on, note=""):
    """换届: close the current term on the election date and open the next one from that date."""
    with transaction.atomic():
        current = organization.terms.select_for_update().filter(elected_on__isnull=True).order_by("-number").first()
        if current is None:
            raise BusinessRuleError(_("该组织还没有登记届次，请先登记本届开始日期"))
        if elected_on > date.today():
            raise BusinessRuleError(_("换届日期不能晚于今天"))
        if elected_on < current.started_on:
            raise BusinessRuleError(_("换届日期不能早于本届开始日期（%(date)s）") % {"date": current.started_on})
        late = (elected_on - current.due_on).days
        remark = f"；比应换届日期晚 {late} 天，超过一年须经批准" if late > 365 else ""
        audit.update(user, current, {"elected_on": elected_on}, note=(note + remark).strip("；"))
        return create_term(user, organization, elected_on, number=current.number + 1, note=note)


# --- derived columns -------------------------------------------------------------------------------

def expected_paths():
    """Walk the parent keys (one query) and return {id: (path, depth)} as they should be."""
    rows = dict(Organization.objects.values_list("id", "parent_id"))
    result, visiting = {}, set()

    def resolve(pk):
        if pk in result:
            return result[pk]
        if pk in visiting:
            raise BusinessRuleError(_("组织树中存在循环（组织 %(pk)s）") % {"pk": pk})
        visiting.add(pk)
        parent = rows[pk]
        parent_path = resolve(parent)[0] if parent else ""
        path = parent_path + f"{pk:08d}/"
        result[pk] = (path, path.count("/") - 1)
        return result[pk]

    for pk in rows:
        # Iterate up the chain without recursion depth trouble: trees here are at most ~10 levels deep.
        resolve(pk)
    return result


def check_tree():
    """List of (id, stored path, expected path) for every organisation whose derived columns are wrong."""
    expected = expected_paths()
    wrong = []
    for pk, path, depth in Organization.objects.values_list("id", "path", "depth"):
        exp_path, exp_depth = expected[pk]
        if path != exp_path or depth != exp_depth:
            wrong.append((pk, path, exp_path))
    return wrong


def rebuild_tree():
    """Repair the derived columns from the parent keys; organisations whose path changed (or lacking a
    current path-history row) get a history row from today with their repaired path."""
    with transaction.atomic():
        wrong = check_tree()
        expected = expected_paths()
        for pk, _old, new in wrong:
            Organization.objects.filter(pk=pk).update(path=new, depth=expected[pk][1])
        history.sync_current()
    return len(wrong)
