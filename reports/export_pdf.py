"""The annual report as PDF, through WeasyPrint, from the reports/report_pdf.html template.

Fonts come from the system (Debian fonts-noto-cjk: "Noto Sans CJK SC" / "Noto Serif CJK SC"), never from
the web; the page header carries the organisation's name and the period, the footer "第 N 页 / 共 M 页"
from CSS page counters. WeasyPrint needs Pango (Debian libpango-1.0-0, libpangoft2-1.0-0)."""
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def css_string(text):
    """A CSS string literal."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_footer_content():
    """The CSS `content` of the footer: the translated "第 {page} 页 / 共 {pages} 页" around the counters."""
    template = _("第 {page} 页 / 共 {pages} 页")
    parts, rest = [], template
    for token, counter in (("{page}", "counter(page)"), ("{pages}", "counter(pages)")):
        before, _sep, rest = rest.partition(token)
        parts += [css_string(before), counter]
    parts.append(css_string(rest))
    return mark_safe(" ".join(p for p in parts if p != '""'))


def html(report, narrative_text):
    paragraphs = [line.strip() for line in (narrative_text or "").splitlines() if line.strip()]
    return render_to_string("reports/report_pdf.html", {
        "report": report, "organization": report.organization, "period": report.period,
        "paragraphs": paragraphs, "footer_content": page_footer_content(),
        "header_content": mark_safe(css_string(f"{report.organization.name}  {report.period}")),
    })


def pdf_bytes(report, narrative_text):
    from weasyprint import HTML  # imported here: loading Pango is only needed when a PDF is made

    return HTML(string=html(report, narrative_text), base_url=None, url_fetcher=refuse_fetch).write_pdf()


def refuse_fetch(url, *args, **kwargs):
    """The PDF is self-contained: nothing is fetched, from the network or the disk."""
    raise ValueError(f"PDF export fetches nothing ({url[:60]})")
