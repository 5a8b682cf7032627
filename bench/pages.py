"""The page benchmark: GET of every page a user browses, logged in (Django test client, in process: no network,
no gunicorn) as the root's organisation admin; p50/p95 per page. The "SQLite at the university preset: every
page <= 100 ms p50" target is read from this.

The pages are found from the URL configuration: every page without a parameter (lists, dashboard, annual
report, coverage, compliance...), and the detail page of each model with one (the latest record the user
sees; the root for organisations), plus one figure's drill-down. Forms to add records, downloads
(exports, files, templates), the login steps and actions that only POST are left out.

    DATABASE_URL=... .venv/bin/python bench/pages.py [--repeat 20] [--json out.json] [--markdown out.md]
"""
import argparse
import sys
from pathlib import Path

if __name__ == "__main__":
    # The repo root instead of bench/ first on the path: bench/http.py must not shadow the standard library's http.
    sys.path[:1] = [str(Path(__file__).resolve().parent.parent)]

from bench.common import root_org, root_user, setup, timed, write_results  # noqa: E402

# Parts of a URL name that mark a page nobody browses to read: forms to add, downloads, login steps, POST-only.
SKIP = ("_add", "export", "download", "template", "login", "logout", "password", "totp", "read_all", "_open",
        "dashboard_data")
DRILL_DOWN = "meetings.attendance_rate"  # the biggest drill-down: one row per attendance record


def _walk(patterns, namespace=None, prefix=""):
    """(URL name, pattern, the pattern's full route) over the whole URL configuration."""
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            inner = p.namespace and (f"{namespace}:{p.namespace}" if namespace else p.namespace)
            yield from _walk(p.url_patterns, inner or namespace, prefix + str(p.pattern))
        elif p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p, prefix + str(p.pattern)


def pages(user):
    """[(label, url)] in URL-configuration order."""
    from django.urls import get_resolver, reverse

    found = []
    for name, pattern, route in _walk(get_resolver().url_patterns):
        if route.startswith(("api", "i18n")) or any(part in name for part in SKIP):
            continue
        converters = pattern.pattern.converters
        if not converters:
            found.append((name, reverse(name)))
        elif name.endswith("_detail") and list(converters) == ["pk"]:
            model = getattr(getattr(pattern.callback, "view_class", None), "model", None)
            if name == "orgs:organization_detail":
                obj = root_org()
            elif model is not None:
                obj = model.objects.restrict(user).order_by("-pk").first()
            else:
                obj = None
            if obj is not None:
                found.append((name, reverse(name, args=[obj.pk])))
        elif name == "figure_detail":
            found.append((f"{name} ({DRILL_DOWN})", reverse(name, args=[DRILL_DOWN])))
    return found


def run(repeat=20, out=print):
    setup()
    from django.db import connection
    from django.test import Client

    user = root_user()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    rows = []
    for label, url in pages(user):
        p50, p95, response = timed(lambda u=url: client.get(u), repeat)
        row = {"page": label, "url": url, "status": response.status_code, "p50": p50, "p95": p95,
               "bytes": len(response.content)}
        rows.append(row)
        out(f"{label:<40} {url:<48} {response.status_code} p50={p50:8.2f} p95={p95:8.2f}")
    return {"database": connection.vendor, "repeat": repeat, "user": user.username, "rows": rows}


def markdown(result):
    lines = [f"Database: {result['database']}; {result['repeat']} GETs after one warm-up, as `{result['user']}` "
             "(organisation admin at the root), Django test client in process. Times in ms.", "",
             "| page | URL | status | p50 | p95 |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['page']} | `{r['url']}` | {r['status']} | {r['p50']:.1f} | {r['p95']:.1f} |"
              for r in result["rows"]]
    return "\n".join(lines) + "\n"


def main(argv=None, out=print):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    result = run(args.repeat, out=out)
    write_results(result, markdown(result), args.json, args.markdown)
    return result


if __name__ == "__main__":
    main()
