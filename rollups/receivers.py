"""What keeps the table current without each caller remembering it.

- Saving or deleting one record of a roll-up's source through the ORM recounts the cells it left and
  entered (its organisation and year before and after). Bulk writes send no signals: the service that
  makes them touches the cells itself (rollups.maintain.touch).
- A moved subtree takes its totals along: out of its old ancestors, into its new ones.
"""
from datetime import date

from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from orgs.signals import after_move

from .maintain import ancestors, specs, touch
from .models import ComputedRollup, Rollup, StockRollup


def _cell(source, pk):
    return source.model.objects.filter(pk=pk).values_list(f"{source.org_field}_id", source.date_field).first()


def _saved_cell(source, instance):
    """The cell a record just saved sits in: its own fields when they hold it (a meeting's organisation and
    day; a query less on every save), else read back through the relations (an attendance's meeting)."""
    if "__" in source.org_field or "__" in source.date_field:
        return _cell(source, instance.pk)
    org_id, day = getattr(instance, f"{source.org_field}_id"), getattr(instance, source.date_field)
    return (org_id, day) if isinstance(org_id, int) and isinstance(day, date) else _cell(source, instance.pk)


def connect():
    """Connect the record signals of every source declared by a registered figure (called once, in ready())."""
    for source in {spec.source for spec in specs() if spec.source.signals}:
        def before(sender, instance, source=source, **kwargs):
            if instance.pk is not None:
                instance._rollup_cell = _cell(source, instance.pk)

        def after_save(sender, instance, source=source, **kwargs):
            touch(source.group, [c for c in (getattr(instance, "_rollup_cell", None), _saved_cell(source, instance))
                                 if c])

        def after_delete(sender, instance, source=source, **kwargs):
            cell = getattr(instance, "_rollup_cell", None)
            if cell:
                touch(source.group, [cell])

        uid = f"rollups:{source.group}:{source.model._meta.label_lower}"
        pre_save.connect(before, sender=source.model, weak=False, dispatch_uid=uid + ":pre_save")
        pre_delete.connect(before, sender=source.model, weak=False, dispatch_uid=uid + ":pre_delete")
        post_save.connect(after_save, sender=source.model, weak=False, dispatch_uid=uid + ":post_save")
        post_delete.connect(after_delete, sender=source.model, weak=False, dispatch_uid=uid + ":post_delete")


@receiver(after_move)
def carry_totals(sender, organization, old_prefix, new_prefix, **kwargs):
    old_line, new_line = ancestors(old_prefix)[:-1], ancestors(new_prefix)[:-1]
    for table in (Rollup, StockRollup, ComputedRollup):
        moved = list(table.objects.filter(organization_id=organization.pk).exclude(total=0)
                     .values_list("year", "key", "total"))
        table.objects.bulk_create([table(organization_id=pk, year=y, key=k) for pk in new_line for y, k, _ in moved],
                                  ignore_conflicts=True)
        for year, key, total in moved:
            cells = table.objects.filter(year=year, key=key)
            cells.filter(organization_id__in=old_line).update(total=F("total") - total)
            cells.filter(organization_id__in=new_line).update(total=F("total") + total)
