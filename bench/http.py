"""The dashboard over HTTP and a load test, against gunicorn on 127.0.0.1 and the database of DATABASE_URL.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.http [--requests 50] [--users 50] [--duration 120]
        [--think 1.0] [--seed 1] [--json out.json] [--markdown out.md]

Run it as a module (`-m bench.http`): run as a file, this module would stand in for the standard library's
`http` package. Every user logs in through the login form (CSRF token and all) as a browser does; nothing
is measured inside the server. (a) the root's dashboard, N sequential GETs; (b) `--users` simulated users
(threads, each with its own session and keep-alive connection) loop over dashboards, lists (page 1 and a
later page), a record picked from each list and an organisation, with a seeded random think time, for
`--duration` seconds. gunicorn is stopped at the end whatever happens.
"""
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench.common import write_results

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-2026"
USERS = ("bench_root", "bench_l1", "bench_branch")
# Each list page and the pattern of the links to its records' detail pages.
LISTS = (
    ("people", "/members/", r'href="/members/(\d+)/"'),
    ("meetings", "/meetings/", r'href="/meetings/(\d+)/"'),
    ("tasks", "/ledgers/tasks/", r'href="/ledgers/tasks/(\d+)/"'),
    ("matters", "/decisions/", r'href="/decisions/(\d+)/"'),
    ("visits", "/liaison/visits/", r'href="/liaison/visits/(\d+)/"'),
)
PAGES = ("dashboard", *(f"{name} {part}" for name, _p, _r in LISTS for part in ("p1", "pN", "detail")),
         "organisation detail")
ORG_LINK = re.compile(r'href="/orgs/(\d+)/"')
PAGE_LINK = re.compile(r"[?&]page=(\d+)")


class Session:
    """One simulated browser: its cookies and one keep-alive connection (reopened after a failure)."""

    def __init__(self, base_url, timeout=60):
        parts = urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies, self.conn = {}, None

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body). A broken keep-alive connection is retried once on a new one."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            for cookie in response.headers.get_all("Set-Cookie") or ():
                name, _eq, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            return response.status, response.headers, data
        raise AssertionError("unreachable")

    def get(self, path):
        return self.request("GET", path)

    def login(self, username, password):
        """The login form over HTTP: GET for the CSRF cookie and token, POST the form, expect a redirect
        that is neither back to the login page nor to a second factor or a password change."""
        status, _h, body = self.get("/accounts/login/")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": username,
                          "password": password, "next": "/"})
        status, headers, _b = self.request("POST", "/accounts/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://{self.host}:{self.port}/accounts/login/"})
        target = headers.get("Location", "")
        if status != 302 or "/accounts/" in target:
            raise RuntimeError(f"login of {username} failed: HTTP {status} → {target or 'the form again'}")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- statistics ------------------------------------------------------------------------------------

def percentile(values, p):
    """Nearest-rank percentile of the values (ms); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))]


def summarise(samples):
    """{page: {count, errors, p50, p95, max}} from {page: [(ms, ok)]}."""
    out = {}
    for page, rows in samples.items():
        times = [ms for ms, _ok in rows]
        out[page] = {"count": len(rows), "errors": sum(1 for _ms, ok in rows if not ok),
                     "p50": percentile(times, 50), "p95": percentile(times, 95), "max": max(times) if times else None}
    return out


# --- the two measurements --------------------------------------------------------------------------

def timed(session, path, samples, page, lock=None):
    """GET and record (ms, ok) under `page`; returns the body of a 200 answer, else None."""
    start = time.perf_counter()
    try:
        status, _h, body = session.get(path)
        ok = status == 200
    except (OSError, http.client.HTTPException):
        ok, body = False, b""
    ms = (time.perf_counter() - start) * 1000
    if lock:
        with lock:
            samples[page].append((ms, ok))
    else:
        samples[page].append((ms, ok))
    return body if ok else None


def dashboard_sequential(base_url, username, org_id, year, n):
    """N GETs of one dashboard, one after the other, after one warm-up request."""
    session = Session(base_url)
    session.login(username, PASSWORD)
    query = urlencode({k: v for k, v in (("org", org_id), ("year", year)) if v})
    path = f"/reports/dashboard/?{query}"
    samples = defaultdict(list)
    timed(session, path, defaultdict(list), "warm-up")
    for _i in range(n):
        timed(session, path, samples, "dashboard")
    session.close()
    return summarise(samples)["dashboard"]


def simulated_user(base_url, username, rng, deadline, think, samples, lock, errors):
    """One user's loop until the deadline: the dashboard, each list (page 1, a later page, a record from
    page 1), an organisation; lists in a random order, a random pause before each request. The first
    loop always completes, so every page of the mix is requested at least once per user."""
    session = Session(base_url)
    try:
        session.login(username, PASSWORD)
    except (RuntimeError, OSError, http.client.HTTPException) as exc:
        with lock:
            errors.append(str(exc))
        return

    # The organisations to open: from the organisation list, read once (not part of the measured mix).
    try:
        org_ids = ORG_LINK.findall(session.get("/orgs/")[2].decode("utf-8", "replace"))
    except (OSError, http.client.HTTPException):
        org_ids = []

    def pause():
        if think:
            time.sleep(rng.uniform(0, think))

    first = True
    while first or time.monotonic() < deadline:
        first = False
        pause()
        timed(session, "/reports/dashboard/", samples, "dashboard", lock)
        for name, url, link in rng.sample(LISTS, len(LISTS)):
            pause()
            html = (timed(session, url, samples, f"{name} p1", lock) or b"").decode("utf-8", "replace")
            later = [int(p) for p in PAGE_LINK.findall(html) if int(p) > 1]
            pause()
            # Past the last page Django answers with the last page: still a later page of the list.
            timed(session, f"{url}?page={rng.choice(later) if later else 2}", samples, f"{name} pN", lock)
            ids = re.findall(link, html)
            pause()
            if ids:
                timed(session, url + f"{rng.choice(ids)}/", samples, f"{name} detail", lock)
            else:
                with lock:
                    errors.append(f"{username}: no record on {url} to open")
        pause()
        if org_ids:
            timed(session, f"/orgs/{rng.choice(org_ids)}/", samples, "organisation detail", lock)
        else:
            with lock:
                errors.append(f"{username}: no organisation link to open")
    session.close()


def load(base_url, users, duration, think, seed, usernames=USERS):
    """`users` threads spread over the bench accounts for `duration` seconds. Returns (summary by page,
    total requests, seconds, setup errors)."""
    samples, lock, errors = defaultdict(list), threading.Lock(), []
    master = random.Random(seed)
    start = time.monotonic()
    deadline = start + duration
    threads = [threading.Thread(target=simulated_user, daemon=True, args=(
        base_url, usernames[i % len(usernames)], random.Random(master.random()), deadline, think, samples, lock,
        errors)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    return summarise(samples), sum(len(v) for v in samples.values()), seconds, errors


# --- the server and the bench accounts -------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers, threads):
    """gunicorn on a free local port, in its own process group; (process, base URL) once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "qiangji.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(), start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    for _i in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            status, _h, _b = Session(base_url, timeout=5).get("/accounts/login/")
            if status == 200:
                return process, base_url
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bench_accounts():
    """The root, a level-1 organisation and a branch for the three bench accounts, creating what is
    missing (the synth generator creates them; demo data does not): org_admin on the root, secretaries
    with their subtree below. Returns (root id, {username: organisation id})."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiangji.settings")
    django.setup()
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import create_user, grant, set_password
    from core.scoping import SYSTEM, path_range
    from orgs.choices import Kind
    from orgs.models import Organization

    live = Organization.objects.filter(dissolved_on__isnull=True)  # scope: the benchmark's own setup
    root = live.order_by("depth", "path").first()
    if root is None:
        raise RuntimeError("no organisation: load data first (manage.py demo or manage.py synth)")
    level1 = live.filter(depth=1).order_by("path").first() or root
    lo, hi = path_range(level1.path)
    branch = live.filter(kind=Kind.BRANCH, path__gte=lo, path__lt=hi).order_by("-depth", "path").first() or level1
    wanted = {"bench_root": (Role.ORG_ADMIN, root), "bench_l1": (Role.SECRETARY, level1),
              "bench_branch": (Role.SECRETARY, branch)}
    orgs = {}
    for username, (role, org) in wanted.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(SYSTEM, username, PASSWORD, must_change_password=False)
        elif not user.check_password(PASSWORD) or user.must_change_password:
            # An account made by another benchmark with a password nobody logs in with.
            set_password(SYSTEM, user, PASSWORD)
        if not user.role_assignments.exists():
            grant(SYSTEM, user, role, org, include_subtree=True, note="benchmark")
        orgs[username] = user.role_assignments.order_by("pk").values_list("organization_id", flat=True).first()
    return root.pk, orgs


# --- output ----------------------------------------------------------------------------------------

def fmt(ms):
    return "-" if ms is None else f"{ms:.1f}"


def markdown(result):
    d = result["dashboard"]
    lines = [f"Dashboard at the root (`{result['dashboard_path']}`), {d['count']} sequential GETs: "
             f"p50 {fmt(d['p50'])} ms, p95 {fmt(d['p95'])} ms, max {fmt(d['max'])} ms, {d['errors']} errors.", "",
             f"Load: {result['users']} users, {result['seconds']:.0f} s, think time 0–{result['think']} s, "
             f"gunicorn {result['server']}: {result['requests']} requests, {result['rps']:.1f} requests/s, "
             f"{result['errors']} errors.", "",
             "| page | count | errors | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for page in PAGES:
        s = result["pages"].get(page, {"count": 0, "errors": 0, "p50": None, "p95": None, "max": None})
        lines.append(f"| {page} | {s['count']} | {s['errors']} | {fmt(s['p50'])} | {fmt(s['p95'])} | {fmt(s['max'])} |")
    if result["setup_errors"]:
        lines += ["", "Problems: " + "; ".join(sorted(set(result["setup_errors"])))]
    return "\n".join(lines) + "\n"


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="sequential dashboard GETs (default 50)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120)
    parser.add_argument("--think", type=float, default=1.0, help="longest pause between requests, seconds")
    parser.add_argument("--year", type=int, default=None, help="the dashboard's year (default: this year)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--markdown", dest="markdown_path")
    args = parser.parse_args(argv)

    root_id, _orgs = bench_accounts()
    # Our own handler, so that a kill of the benchmark still runs the finally below and stops gunicorn.
    signal.signal(signal.SIGTERM, lambda *_a: sys.exit(143))
    process, base_url = start_gunicorn(args.workers, args.threads)
    try:
        dashboard = dashboard_sequential(base_url, "bench_root", root_id, args.year, args.requests)
        pages, requests, seconds, errors = load(base_url, args.users, args.duration, args.think, args.seed)
    finally:
        stop_gunicorn(process)
    query = urlencode({k: v for k, v in (("org", root_id), ("year", args.year)) if v})
    result = {"database": os.environ.get("DATABASE_URL", "sqlite (default)").split("@")[-1],
              "server": f"-w {args.workers} --threads {args.threads}", "dashboard_path": f"/reports/dashboard/?{query}",
              "dashboard": dashboard, "users": args.users, "seconds": seconds, "think": args.think,
              "requests": requests, "rps": requests / seconds if seconds else 0,
              "errors": sum(p["errors"] for p in pages.values()) + len(errors), "pages": pages,
              "setup_errors": errors}
    text = markdown(result)
    print(text)
    write_results(result, text, args.json_path, args.markdown_path)
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    if not __package__:
        sys.exit("run as a module from the repository: .venv/bin/python -m bench.http")
    sys.exit(main())
