from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Organization


class Cells(models.Model):
    """One organisation's cell of one measure in one calendar year: `own` counts the organisation's own
    records, `total` its whole current subtree, so a figure at any level is one row (rollups.read corrects
    for moves after the figure's as-of day). `key` is "<figure code>:<measure>". Derived data, not scoped:
    read only through rollups.read, which checks that the user sees the whole subtree the row sums."""

    # No foreign key in the database (Django still deletes an organisation's cells with it): a rebuild drops
    # a table's constraints for its bulk write, and dropping a foreign key locks the organisations table
    # itself, every page's reads with it, until the rebuild commits; two rebuilds side by side
    # (rebuild_rollups) deadlocked on it.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                     verbose_name=_("党组织"))
    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("指标"), max_length=100)
    own = models.BigIntegerField(_("本组织"), default=0)
    total = models.BigIntegerField(_("含下级"), default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.organization_id} {self.year} {self.key} {self.own}/{self.total}"


class Rollup(Cells):
    """Counts over a period (meetings held in a year), kept by rollups.maintain; `rebuild_rollups` rewrites
    them from the records and `check_rollups` compares them with a recount."""

    class Meta:
        verbose_name = _("统计汇总")
        verbose_name_plural = pgettext_lazy("plural", "统计汇总")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "key"], name="rollup_cell_unique")]


class StockRollup(Cells):
    """Counts taken on a day (members on 31 December), kept by rollups.stocks. Its own table, so that the
    flow roll-ups' bulk rebuild and check never see it."""

    class Meta:
        verbose_name = _("存量汇总")
        verbose_name_plural = pgettext_lazy("plural", "存量汇总")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "key"], name="stock_cell_unique")]


class ComputedRollup(Cells):
    """Values a rule judges per organisation (meeting periods satisfied or missed), kept by rollups.computed;
    its own table for the same reason as the stocks'."""

    class Meta:
        verbose_name = _("评判汇总")
        verbose_name_plural = pgettext_lazy("plural", "评判汇总")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "key"], name="computed_cell_unique")]


class StockYear(models.Model):
    """A year whose stock (or computed) cells are complete (written by rebuild). A year without this row,
    such as a new year before the roll-ups were rebuilt, is answered from the records."""

    group = models.CharField(_("分组"), max_length=40)
    year = models.PositiveSmallIntegerField(_("年度"))

    class Meta:
        verbose_name = _("存量汇总年度")
        verbose_name_plural = pgettext_lazy("plural", "存量汇总年度")
        constraints = [models.UniqueConstraint(fields=["group", "year"], name="stock_year_unique")]

    def __str__(self):
        return f"{self.group} {self.year}"
