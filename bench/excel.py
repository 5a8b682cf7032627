"""Excel in and out at scale: importing people and exporting the people list, each in a child process whose
wall time and peak memory are measured.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.excel [--people 50000] [--export-rows 100000]
        [--seed 1] [--json out.json] [--markdown out.md]

(a) A people file as a user uploads it: the product's import template (core.import_template) filled with
`--people` valid rows (checksum-valid ID numbers not yet registered, branches the importing account
manages), then the two steps of the import page: the preview (core.imports.preview) and the commit
(core.imports.commit), as `bench_root`. (b) The people list's Excel export (members.views.PersonListView,
?export=xlsx) for the smallest subtree holding at least `--export-rows` people (the root when none does:
then fewer rows are exported, and the output says so).

Peak memory is the child's own maximum resident set (os.wait4's rusage, the per-child form of
getrusage(RUSAGE_CHILDREN)), so the two measurements do not mix. The import's row limit
(QIANGJI_IMPORT_MAX_ROWS, 20,000 by default) and file size limit are lifted in the child so that one file
of `--people` rows can be measured; the output reports the limits a user meets.
"""
import io
import json
import os
import random
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from bench.common import write_results

ROOT = Path(__file__).resolve().parent.parent
USER = "bench_root"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志文斌宇浩凯丹晨欣怡子涵梓轩"


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


# --- the file a user uploads -----------------------------------------------------------------------

def target_branches(user, limit=500):
    """Codes of open branches (and general branches, committees) the user may import people into."""
    from members.imports import MEMBERSHIP_KINDS
    from orgs.models import Organization

    today = date.today()
    qs = (Organization.objects.restrict(user, "view")
          .filter(kind__in=MEMBERSHIP_KINDS, dissolved_on__isnull=True)
          .exclude(established_on__gt=today).order_by("-depth", "path"))
    return list(qs.values_list("code", flat=True)[:limit])


def new_id_numbers(n, rng):
    """`n` distinct checksum-valid ID numbers that nobody holds yet."""
    from members.identity import make_id_number
    from members.models import Person

    found = set()
    while len(found) < n:
        batch = set()
        while len(batch) < min(5000, n - len(found)):
            birth = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
            number = make_id_number(f"{rng.randint(110101, 659004)}", birth, rng.randint(0, 999))
            if number not in found:
                batch.add(number)
        taken = set(Person.objects.filter(id_number__in=batch)  # scope: uniqueness is installation-wide
                    .values_list("id_number", flat=True))
        found |= batch - taken
    return sorted(found)[:n] if len(found) > n else sorted(found)


def people_workbook(user, n, seed=1):
    """The import template of "people" with `n` rows a secretary would type: bytes of the .xlsx."""
    from core.import_template import template_workbook
    from core.imports import registry
    from members.choices import Category, PartyStatus

    spec = registry.get("people")
    rng = random.Random(seed)
    codes = target_branches(user)
    if not codes:
        raise RuntimeError(f"{user.username} manages no branch to import people into")
    ids = new_id_numbers(n, rng)
    rng.shuffle(ids)
    category = dict(Category.choices)
    status = dict(PartyStatus.choices)
    categories = [str(category[c]) for c in Category.values]
    # Mostly members, as a branch's roll is; the labels, as a user types them.
    statuses = [str(status[s]) for s in (PartyStatus.FULL,) * 8 + (PartyStatus.PROBATIONARY, PartyStatus.ACTIVIST)]
    values = {
        "name": lambda i: rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        "id_number": lambda i: ids[i],
        "mobile": lambda i: f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
        "category": lambda i: rng.choice(categories),
        "party_status": lambda i: rng.choice(statuses),
        "organization": lambda i: codes[i % len(codes)],
    }
    wb = template_workbook(spec)
    ws = wb.worksheets[0]
    for i in range(n):
        ws.append([values[c.field](i) if c.field in values else None for c in spec.columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- the two measured steps (called in the child, and by the tests directly) -----------------------

def import_people(user, content, filename="人员导入.xlsx"):
    """The import page's two steps: upload (preview, which writes nothing) and commit. Returns a dict of
    rows, created records, errors and the seconds of each step."""
    from core.imports import commit, preview, registry

    spec = registry.get("people")
    start = time.perf_counter()
    batch = preview(spec, user, content, filename)
    previewed = time.perf_counter()
    if batch.error_count:
        return {"rows": batch.row_count, "errors": batch.error_count, "first_errors": batch.error_summary[:500],
                "preview_s": previewed - start, "commit_s": 0.0, "people": 0}
    result = commit(spec, user, batch)
    done = time.perf_counter()
    people = sum(1 for label, _pk in result.created if label == "members.person")
    return {"rows": len(result.rows), "errors": len(result.errors), "first_errors": result.summary()[:500]
            if result.errors else "", "preview_s": previewed - start, "commit_s": done - previewed, "people": people}


def export_subtree(user, at_least):
    """(organisation, people under it): the smallest subtree holding at least `at_least` people, counted
    once per organisation and added up its path; the root's when none holds that many."""
    from django.db.models import Count

    from members.models import Person
    from orgs.models import PATH_WIDTH, Organization

    per_org = dict(Person.objects.restrict(user, "export").values("organization__path")
                   .annotate(n=Count("pk")).values_list("organization__path", "n"))
    totals = {}
    step = PATH_WIDTH + 1
    for path, n in per_org.items():
        for end in range(step, len(path) + 1, step):
            totals[path[:end]] = totals.get(path[:end], 0) + n
    enough = [(n, path) for path, n in totals.items() if n >= at_least]
    path = min(enough)[1] if enough else min(totals, key=len, default=None)
    if path is None:
        return None, 0
    return Organization.objects.restrict(user, "view").get(path=path), totals[path]


def export_people(user, organization=None):
    """The people list's Excel export, as the list page's 导出 button asks it (GET ?export=xlsx, with the
    organisation filter). Returns (xlsx bytes, data rows in it)."""
    content = export_response(user, organization)
    return content, count_rows(content)


def export_response(user, organization=None):
    """The export's bytes: what the user waits for (the measured step)."""
    from django.test import RequestFactory

    from members.views import PersonListView

    query = {"export": "xlsx"}
    if organization is not None:
        query["organization"] = organization.pk
    request = RequestFactory().get("/members/", query)
    request.user = user
    response = PersonListView.as_view()(request)
    if response.status_code != 200:
        raise RuntimeError(f"export answered HTTP {response.status_code}")
    return response.content


def count_rows(content):
    """Data rows in the exported file, read back as a user's Excel would (not part of the export's time)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    rows = sum(1 for _r in wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    wb.close()
    return rows


# --- child processes -------------------------------------------------------------------------------

def child(argv):
    """`python -m bench.excel --child import FILE` / `--child export ROWS`: one step, its result as JSON on
    the last line of stdout."""
    setup()
    from django.conf import settings

    from accounts.models import User

    user = User.objects.get(username=USER)
    step, arg = argv
    if step == "import":
        content = Path(arg).read_bytes()
        settings.QIANGJI_IMPORT_MAX_ROWS = 10 ** 7
        settings.QIANGJI_IMPORT_MAX_BYTES = max(settings.QIANGJI_IMPORT_MAX_BYTES, len(content) + 1)
        settings.QIANGJI_IMPORT_MAX_UNZIPPED_BYTES = 10 ** 10
        out = import_people(user, content)
    else:
        org, under = export_subtree(user, int(arg))
        start = time.perf_counter()
        content = export_response(user, org)
        export_s = time.perf_counter() - start
        start = time.perf_counter()
        rows = count_rows(content)
        out = {"organization": str(org), "people_under_it": under, "rows": rows, "bytes": len(content),
               "export_s": export_s, "read_back_s": time.perf_counter() - start}
    print(json.dumps(out, ensure_ascii=False))


def measured(args):
    """Run `python -m bench.excel --child ...` and return (its JSON, wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "bench.excel", "--child", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, env=os.environ.copy())
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"child {args[0]} failed with exit code {process.returncode}")
    return json.loads(out.decode().strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024


def markdown(result):
    imp, exp = result["import"], result["export"]
    lines = ["| step | rows | wall s | of which | peak RSS MB | target |", "|---|---:|---:|---|---:|---|",
             f"| import people (upload + commit) | {imp['rows']} | {imp['wall_s']:.1f} | "
             f"preview {imp['preview_s']:.1f} s, commit {imp['commit_s']:.1f} s | {imp['peak_rss_mb']:.0f} | "
             f"≤ 60 s, < 500 MB |",
             f"| export people list | {exp['rows']} | {exp['wall_s']:.1f} | "
             f"export {exp['export_s']:.1f} s, {exp['bytes'] / 1e6:.1f} MB file (read back with openpyxl in "
             f"{exp.get('read_back_s', 0):.1f} s) | {exp['peak_rss_mb']:.0f} | "
             f"≤ 30 s, < 500 MB |", "",
             f"Import file: {result['file_mb']:.1f} MB, built in {result['build_s']:.1f} s; import errors: "
             f"{imp['errors']}. The product refuses files above {result['limit_rows']} rows or "
             f"{result['limit_mb']:.0f} MB (lifted here).",
             f"Export: {exp['organization']} ({exp['people_under_it']} people)"
             + ("" if exp["rows"] >= result["export_target"] else
                f"; the data set has fewer than {result['export_target']} people in one subtree")]
    return "\n".join(lines) + "\n"


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50000)
    parser.add_argument("--export-rows", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--markdown", dest="markdown_path")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child)

    setup()
    from django.conf import settings

    from accounts.models import User
    from bench.http import bench_accounts

    bench_accounts()
    user = User.objects.get(username=USER)
    start = time.perf_counter()
    content = people_workbook(user, args.people, args.seed)
    build_s = time.perf_counter() - start
    path = ROOT / "var" / f"bench-people-{args.people}.xlsx"
    path.write_bytes(content)
    try:
        imp, imp_wall, imp_rss = measured(["import", str(path)])
    finally:
        path.unlink(missing_ok=True)
    exp, exp_wall, exp_rss = measured(["export", str(args.export_rows)])
    result = {"database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
              "file_mb": len(content) / 1e6, "build_s": build_s, "export_target": args.export_rows,
              "limit_rows": getattr(settings, "QIANGJI_IMPORT_MAX_ROWS", 20000),
              "limit_mb": settings.QIANGJI_IMPORT_MAX_BYTES / 1024 / 1024,
              "import": {**imp, "wall_s": imp_wall, "peak_rss_mb": imp_rss},
              "export": {**exp, "wall_s": exp_wall, "peak_rss_mb": exp_rss}}
    text = markdown(result)
    print(text)
    write_results(result, text, args.json_path, args.markdown_path)
    return 0 if imp["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
