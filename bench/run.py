"""Load benchmark: `make bench` (README, "Synthetic data and the benchmark"). Asserts nothing.

Loads a PostgreSQL database with the document and `synthesize --scale 1` (once), serves it as
`make serve` does (gunicorn, 2 sync workers, debug off), drives each main page with wrk
(8 connections, a fixed time each), anonymous and signed in as an editor, and prints per page:
requests/s, p50, p99, SQL queries per request, the ratio of its requests/s to /healthz's in the
same run, and whether the issue's targets are met; then the peak memory of each worker. With
--write, the table goes into BENCHMARKS.md with the date and the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = [
    ("dashboard", "/"),
    ("appendix", "/appendix/"),
    ("action item", "/actions/2/"),
    ("countries", "/countries/"),
    ("a country", "/countries/FR/"),
    ("session changes", "/sessions/GB.340/changes/?since=GB.335"),
    ("matrix", "/countries/matrix/"),
    # The open-data API's lists (api/), with the anonymous pages' targets.
    ("API items", "/api/v1/plans/2019-20/items/"),
    ("API sessions", "/api/v1/sessions/"),
    ("API statuses", "/api/v1/sessions/GB.340/statuses/"),
    ("API countries", "/api/v1/countries/"),
    ("API engagements", "/api/v1/engagements/"),
]
# The targets on a 2-core machine: share of /healthz's requests/s, and p99 in ms.
TARGETS = {"anonymous": (0.5, 50.0), "editor": (0.1, 200.0)}
WORKER_MEMORY_MB = 150
EDITOR = "bench-editor"


@dataclass
class Result:
    page: str
    role: str
    rps: float
    p50: float
    p99: float
    queries: str
    ratio: float = 1.0

    def met(self) -> str:
        if self.role not in TARGETS:
            return ""
        share, p99 = TARGETS[self.role]
        missed = []
        if self.ratio < share:
            missed.append(f"ratio < {share}")
        if self.p99 > p99:
            missed.append(f"p99 > {p99:g} ms")
        return f"missed ({', '.join(missed)})" if missed else "met"


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True
    )


def prepare_database(env: dict[str, str], admin_url: str, name: str) -> str:
    """Create and load the database unless it is loaded already; returns what was done."""
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    manage(env, "migrate", "--noinput")
    manage(env, "createcachetable")
    manage(env, "load_document")
    loaded = "from actions.models import Plan; raise SystemExit(Plan.objects.filter(code__startswith='synthetic-').exists())"  # noqa: E501
    if manage(env, "shell", "-c", loaded, check=False).returncode == 1:
        return "already loaded"
    # Synthetic data belongs in a development database: debug on for this command only.
    done = manage({**env, "DJANGO_DEBUG": "true"}, "synthesize", "--scale", "1")
    return done.stdout.strip()


def editor_session(env: dict[str, str]) -> str:
    """A signed-in editor's session key, made in the database as a sign-in would make it."""
    script = f"""
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
user, _ = User.objects.get_or_create(username={EDITOR!r})
user.groups.add(Group.objects.get(name="Editors"))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""
    return manage(env, "shell", "-c", script).stdout.strip().splitlines()[-1]


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def milliseconds(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        raise SystemExit(f"wrk printed a latency that is not understood: {text!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(port: int, path: str, seconds: int, cookie: str | None) -> tuple[float, float, float]:
    """requests/s, p50 and p99 in ms, from wrk's --latency report."""
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    # One request first, as a visitor before the crowd: it fills the page cache.
    warm_up = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    urllib.request.urlopen(warm_up, timeout=30).read()
    output = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", *headers]
        + [f"http://127.0.0.1:{port}{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} answers were errors:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    return rps, p50, p99


def query_counts(session_key: str) -> dict[tuple[str, str], str]:
    """SQL queries per request, counted in this process on the same database: for anonymous
    readers a cached page's (after a first request) and, in brackets, an uncached one's."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def count(client: Client, path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200, path
        return len(queries)

    counts = {}
    anonymous, editor = Client(), Client()
    editor.cookies[settings.SESSION_COOKIE_NAME] = session_key
    cached = settings.PAGE_CACHE_SECONDS
    for _, path in [("healthz", "/healthz"), *PAGES]:
        settings.PAGE_CACHE_SECONDS = 0
        uncached = count(anonymous, path)
        settings.PAGE_CACHE_SECONDS = cached
        counts[path, "anonymous"] = f"{count(anonymous, path)} ({uncached})"
        counts[path, "editor"] = str(count(editor, path))
    return counts


def worker_memory(master: int) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return peaks


def machine() -> str:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (
        f"{os.cpu_count()} CPUs ({cpu.group(1) if cpu else platform.processor()}), "
        f"{memory / 1024 / 1024:.1f} GB RAM, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def table(results: list[Result], memory: list[float]) -> str:
    lines = [
        "| Page | Path | Role | Requests/s | p50 (ms) | p99 (ms) | SQL/request "
        "| Ratio to /healthz | Target |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    paths = dict([("healthz", "/healthz"), *PAGES])
    for r in results:
        lines.append(
            f"| {r.page} | `{paths[r.page]}` | {r.role} | {r.rps:.0f} | {r.p50:.1f} | "
            f"{r.p99:.1f} | {r.queries} | {r.ratio:.2f} | {r.met()} |"
        )
    peaks = ", ".join(f"{mb:.0f} MB" for mb in memory)
    verdict = "met" if memory and max(memory) <= WORKER_MEMORY_MB else "missed"
    lines.append("")
    lines.append(
        f"Peak memory per worker (VmHWM): {peaks} (target ≤ {WORKER_MEMORY_MB} MB: {verdict})."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8001")))
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reform_tracker_bench"
        ),
    )
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"Port {args.port} is taken: choose another with BENCH_PORT.")

    base, name = args.database_url.rsplit("/", 1)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = {
        **clean,
        "DATABASE_URL": args.database_url,
        "DJANGO_DEBUG": "false",
        # Throwaway: the benchmark's database holds nothing worth protecting.
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        # wrk sends everything from one address: the API's limit per address would refuse it.
        "DJANGO_API_RATE_LIMIT": "0",
    }
    started = time.monotonic()
    print("Database:", prepare_database(env, f"{base}/postgres", name), flush=True)
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    manage(env, "collectstatic", "--noinput")
    session_key = editor_session(env)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
    sys.path.insert(0, str(ROOT))
    counts = query_counts(session_key)

    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "reform_tracker.wsgi", "--workers", "2", "--no-control-socket"]
        + ["--bind", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
    )
    results: list[Result] = []
    try:
        wait_for(args.port)
        cookie = f"sessionid={session_key}"
        rps, p50, p99 = wrk(args.port, "/healthz", args.seconds, None)
        results.append(Result("healthz", "-", rps, p50, p99, counts["/healthz", "anonymous"]))
        for page, path in PAGES:
            for role, role_cookie in [("anonymous", None), ("editor", cookie)]:
                print(f"  {page}, {role}…", flush=True)
                rps, p50, p99 = wrk(args.port, path, args.seconds, role_cookie)
                queries = counts[path, role]
                results.append(Result(page, role, rps, p50, p99, queries, rps / results[0].rps))
        memory = worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    report = table(results, memory)
    print(report)
    if args.write:
        write(report, args.seconds)


def write(report: str, seconds: int) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    now = datetime.datetime.now(datetime.UTC)
    path = ROOT / "BENCHMARKS.md"
    # Notes written by hand under "## Notes" stay from one run to the next.
    previous = path.read_text() if path.exists() else ""
    notes = previous[previous.index("## Notes") :] if "## Notes" in previous else ""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    text = f"""# Benchmarks

Written by `make bench` (bench/run.py; README, "Synthetic data and the benchmark"). The run:
{now:%Y-%m-%d %H:%M} UTC, commit {commit or "unknown"}, on {machine()}; load average at
the end of the run (1, 5, 15 min): {load}.

PostgreSQL loaded with the document and `synthesize --scale 1`; gunicorn with 2 sync workers,
debug off, as `make serve` runs it; wrk with 8 connections for {seconds} s per page. Anonymous
pages come from the page cache after the first request; SQL/request is the count per request
after a first one (for anonymous readers, in brackets, the count of an uncached page). Ratios
compare each page's requests/s to /healthz's in this same run. Targets: anonymous pages ≥ 0.5 of
/healthz and p99 ≤ 50 ms; editor pages ≥ 0.1 and p99 ≤ 200 ms; worker memory ≤ 150 MB.

{report}
"""
    path.write_text(text + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    main()
