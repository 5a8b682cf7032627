"""The figures pages: every registered figure for an organisation and a year, and each figure's drill-down
(exactly the records its value counts). Generic: the reports app grows them into the dashboard and the
annual report. Core imports no domain app, so the organisation model is found through the figures' own
models (see organization_model)."""
from datetime import date

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from .excel import build_workbook, xlsx_response
from .figures import NOT_APPLICABLE, Period, registry
from .registry import recorder

# Section codes the figures use, in report order (issue 5: political leadership, grassroots
# organisations, party school, service); a section not listed here is shown under its code, last.
SECTIONS = {
    "political": gettext_lazy("政治引领"),
    "grassroots": gettext_lazy("基层组织建设"),
    "partyschool": gettext_lazy("党校教育培训"),
    "service": gettext_lazy("服务群众"),
}


def organization_model():
    """The organisation model, reached through a registered figure's model: every record hangs on the tree
    through its scope path (`organization__path`, `meeting__organization__path`), whose last relation leads
    to the organisation."""
    for figure in registry.all():
        model, parts = figure.model, (figure.model.scope_path_field or "").split("__")[:-1]
        for part in parts:
            model = model._meta.get_field(part).related_model
        if parts:
            return model
    return None


PICKER_SIZE = 200  # visible organisations beyond which the selector offers only the way up and one level down


def picker(visible, org):
    """The organisations a figures page's selector offers (ordered by path, indented by depth). A province's
    tree does not fit in a <select> (180,000 options took 4.5 s to render): past PICKER_SIZE, the chosen
    organisation's visible ancestors, itself and its children; the page's drill-down goes further."""
    visible = visible.order_by("path").only("pk", "name", "depth")
    if org is None or len(visible.values_list("pk", flat=True)[:PICKER_SIZE + 1]) <= PICKER_SIZE:
        return visible
    line = [int(segment) for segment in org.path.strip("/").split("/")]
    return visible.filter(Q(pk__in=line) | Q(parent_id=org.pk))


def drill_down_order(qs):
    """A drill-down's order: by the path of the records' organisation, then the builder's or the model's order,
    then the pk, a total order so pages never overlap. The organisation's path comes first because the subtree
    is a range of the path index (orgs.history.subtree_q): the database walks the subtree's organisations in
    path order and their records through the organisation index, and stops when the page is full, at every
    level. Any other first key (the date, the pk, the organisation's id) must either sort the whole subtree's
    records (a root holds them all) or walk other subtrees' records to find a small subtree's."""
    org_field = getattr(qs.model, "scope_org_field", None)
    keys = []
    if org_field and org_field != "id":  # organisations themselves: their own order (the path)
        keys.append(org_field.removesuffix("_id") + "__path")
    keys += qs.query.order_by or (qs.model._meta.ordering if qs.query.default_ordering else [])
    if not keys or keys[-1] not in ("pk", "-pk", "id", "-id"):
        keys.append("pk")
    return keys


class InParts:
    """A drill-down listed part after part (a rate's gaps, then what is covered), each part a queryset in its
    own order. Sorting a province's 150,000 branches by a computed flag took 0.4 s for the first page; each
    part walks its rows in index order and stops when the page is full. `sizes`, when a roll-up knows them,
    spare the counts and stop a sparse part's walk at its last row; without them a part is counted only
    when a page starts beyond it."""

    ordered = True  # for the paginator: each part is

    def __init__(self, parts, sizes=None):
        self.parts, self.sizes = parts, sizes

    def count(self):
        return sum(self.sizes) if self.sizes is not None else sum(part.count() for part in self.parts)

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        start, stop = item.start or 0, item.stop
        rows = []
        for i, part in enumerate(self.parts):
            if stop is not None and stop <= 0:
                break
            known = self.sizes[i] if self.sizes is not None else None
            if known is not None:
                chunk = list(part[start:known if stop is None else min(stop, known)]) if start < known else []
                size = known
            else:
                chunk = list(part[start:stop])
                # Where this part ends, in its own positions: inside the slice, or before it began.
                size = start + len(chunk) if chunk else (part.count() if start else 0)
            rows.extend(chunk)
            if stop is not None and size >= stop:
                break
            start, stop = max(start - size, 0), None if stop is None else stop - size
        return rows

    def __iter__(self):
        return self.iterator()

    def iterator(self, chunk_size=1000):
        for part in self.parts:
            yield from part.iterator(chunk_size=chunk_size)


class FigureMixin(LoginRequiredMixin):
    def organizations(self):
        model = organization_model()
        if model is None:
            raise Http404(_("未找到该记录"))
        return model.objects.restrict(self.request.user, "view")

    def resolve(self):
        """(organisation, year) from ?org=&year=: by default the user's top visible organisation and the
        current year. An organisation outside the user's scope, or not an id at all, is not found."""
        visible = self.organizations()
        raw = self.request.GET.get("org", "").strip()
        if raw:
            if not (raw.isascii() and raw.isdigit() and len(raw) < 19):
                raise Http404(_("未找到该记录"))
            org = visible.filter(pk=int(raw)).first()
            if org is None:
                raise Http404(_("未找到该记录"))
        else:
            org = visible.order_by("depth", "path").first()
        year = self.request.GET.get("year", "").strip()
        year = int(year) if year.isascii() and year.isdigit() and 1900 <= int(year) <= 9999 else \
            timezone.localdate().year
        return org, year

    def as_of(self, year):
        """?as_of=YYYY-MM-DD: the day the figures are counted as of; the period's end when absent or not a
        valid date (a figure then counts what was true at the end of the year)."""
        raw = self.request.GET.get("as_of", "").strip()
        if raw and raw.isascii() and len(raw) == 10:
            try:
                return date.fromisoformat(raw)
            except ValueError:
                pass
        return Period.year(year).end

    def query(self, org, year):
        params = {"org": org.pk, "year": year}
        as_of = self.as_of(year)
        if as_of != Period.year(year).end:
            params["as_of"] = as_of.isoformat()
        return urlencode(params)


class FigureIndexView(FigureMixin, TemplateView):
    template_name = "core/figures.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, year = self.resolve()
        sections = {}
        if org is not None:
            period, query = Period.year(year), self.query(org, year)
            with registry.page():
                for figure in registry.all():
                    sections.setdefault(figure.section, []).append({
                        "figure": figure, "value": figure.value(self.request.user, org, period, self.as_of(year)),
                        "url": f"{reverse('figure_detail', args=[figure.code])}?{query}"})
        order = list(SECTIONS)
        grouped = [(SECTIONS.get(code, code), items) for code, items in
                   sorted(sections.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order),
                                                           kv[0]))]
        ctx.update(title=_("数据与统计"), organization=org, year=year, sections=grouped,
                   as_of=self.as_of(year) if org is not None else None,
                   organizations=picker(self.organizations(), org))
        return ctx


class FigureDetailView(FigureMixin, TemplateView):
    template_name = "core/figures_detail.html"
    paginate_by = 50

    def figure(self):
        try:
            return registry.get(self.kwargs["code"])
        except KeyError:
            raise Http404(_("未找到该统计项")) from None

    def records(self, figure, org, year):
        qs = figure.records(self.request.user, org, Period.year(year), self.as_of(year))
        parts = getattr(qs, "listed_in_parts", None)  # set by builders that list gaps first (liaison.figures.mark)
        if not parts:
            return self.ordered(qs)
        measures = NOT_APPLICABLE if figure.rollup is None else figure.rollup.measures_of(
            self.request.user, org, Period.year(year), self.as_of(year))
        sizes = getattr(qs, "part_sizes", None)
        return InParts([self.ordered(part) for part in parts],
                       None if measures is NOT_APPLICABLE or sizes is None else sizes(measures))

    @staticmethod
    def ordered(qs):
        # The rows' str() usually names related records (the person of an attendance record): fetched in
        # the same query, so the page costs the same whatever it shows.
        return qs.select_related().order_by(*drill_down_order(qs))

    def page(self, figure, org, year, value):
        """The requested page (the last one past the end). A count figure's value is the number of its records,
        and a rolled-up rate keeps that number as a measure (the roll-up equals a recount: rollups/tests), so
        the paginator is told it instead of counting them."""
        paginator = Paginator(self.records(figure, org, year), self.paginate_by)
        known = figure.known_count(self.request.user, org, Period.year(year), self.as_of(year), value)
        if known is not None:
            paginator.count = known  # presets the cached property
        return paginator.get_page(self.request.GET.get("page"))

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            return self.export()
        return super().get(request, *args, **kwargs)

    def resolve_all(self):
        figure = self.figure()
        org, year = self.resolve()
        if org is None:
            raise Http404(_("未找到该记录"))
        return figure, org, year

    def export(self):
        figure, org, year = self.resolve_all()
        if self.request.user.scope_q(figure.model, "export") is None:
            raise PermissionDenied(_("您没有导出此类记录的权限"))
        qs = self.records(figure, org, year)
        base = self.request.build_absolute_uri("/")[:-1]
        rows = ([i, str(obj), base + obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""]
                for i, obj in enumerate(qs.iterator(chunk_size=1000), start=1))
        title = f"{figure.title}-{org}-{year}"
        notes = [str(figure.title), str(figure.description), f"{org} {Period.year(year)}",
                 _("统计截至 %(day)s") % {"day": self.as_of(year).isoformat()}]
        wb = build_workbook([_("序号"), _("记录"), _("链接")], rows, title=str(figure.title), notes=notes)
        recorder(self.request.user, "export", model=figure.model._meta.label_lower, object_repr=str(figure.title),
                 note=f"统计项 {figure.code} 明细；组织 {org.pk}；{year} 年；截至 {self.as_of(year).isoformat()}")
        return xlsx_response(wb, f"{title}.xlsx")

    def get_context_data(self, **kwargs):
        with registry.page():  # the value, the parts' sizes and the page's count read the same roll-up row
            return self._context(super().get_context_data(**kwargs))

    def _context(self, ctx):
        figure, org, year = self.resolve_all()
        value = figure.value(self.request.user, org, Period.year(year), self.as_of(year))
        page = self.page(figure, org, year, value)
        query = self.query(org, year)
        ctx.update(title=figure.title, figure=figure, value=value, organization=org, year=year,
                   period=Period.year(year), as_of=self.as_of(year), page=page, query=query,
                   rows=[(obj, getattr(obj, "get_absolute_url", None)) for obj in page.object_list],
                   index_url=f"{reverse('figures')}?{query}",
                   can_export=self.request.user.scope_q(figure.model, "export") is not None)
        return ctx
