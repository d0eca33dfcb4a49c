"""Load benchmark: `make bench` (docs/development.md, "Synthetic data and the benchmark").
Asserts nothing.

Loads a PostgreSQL database with the document and `synthesize --scale 1` (once), serves it as
`make serve` does (gunicorn, 2 sync workers, debug off), waits for the machine's load average to
settle, and runs groups of measurements, each between two runs of /healthz (requests/s of each
page are compared to their mean; a group whose two /healthz figures differ by more than 20 % is
flagged):

- the pages of bench/pages.toml with wrk (8 connections), anonymous and signed in as an editor
  who passed two-factor sign-in (an authenticator enrolled, as production requires);
- an editor's save: the in-place status form posted by htmx, one save after another;
- the stampede run: readers load a heavy page while an editor saves every few seconds;
- the rolling restart run: wrk loads a page while gunicorn is sent HUP, counting answers that
  are not 2xx/3xx and socket errors (none may be lost).

Prints per row requests/s, p50, p99, SQL queries per request, the ratio to /healthz and whether
the issue's targets are met; then the peak memory of each worker. With --write, the tables go
into BENCHMARKS.md with the date, the machine and the load average.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES_FILE = ROOT / "bench" / "pages.toml"
# The targets on a 2-core machine: share of /healthz's requests/s (None: not compared),
# and p99 in ms. The stampede run's page is held to the anonymous target.
TARGETS = {
    "anonymous": (0.5, 50.0),
    "editor": (0.3, 100.0),
    "save": (None, 150.0),
}
# Two /healthz figures of one group further apart than this: the machine's load changed.
HEALTHZ_DRIFT = 0.2
WORKER_MEMORY_MB = 150
EDITOR = "bench-editor"
GROUPS = ("anonymous", "editor", "save", "stampede", "restart")


@dataclass
class Result:
    page: str
    path: str
    role: str
    rps: float
    p50: float
    p99: float
    queries: str = "-"
    errors: int = 0  # answers that were not 2xx or 3xx, and socket errors
    ratio: float | None = None
    target: str | None = None  # key of TARGETS; "no errors" for the restart run
    note: str = ""

    def met(self) -> str:
        return f"{self.verdict()}{self.note}"

    def verdict(self) -> str:
        missed = []
        if self.errors:
            missed.append(f"{self.errors} errors")
        if self.target in TARGETS:
            share, p99 = TARGETS[self.target]
            if share is not None and self.ratio is not None and self.ratio < share:
                missed.append(f"ratio < {share}")
            if self.p99 > p99:
                missed.append(f"p99 > {p99:g} ms")
        elif self.target is None:
            return ""
        return f"missed ({', '.join(missed)})" if missed else "met"


@dataclass
class Group:
    name: str
    before: Result | None = None
    after: Result | None = None
    results: list[Result] = field(default_factory=list)

    def baseline(self) -> float:
        return (self.before.rps + self.after.rps) / 2

    def drift(self) -> float:
        return abs(self.after.rps - self.before.rps) / self.before.rps

    def summary(self) -> str:
        line = (
            f"/healthz {self.before.rps:.0f} requests/s before, {self.after.rps:.0f} after "
            f"({self.drift():.0%} apart)"
        )
        if self.drift() > HEALTHZ_DRIFT:
            line += f": **more than {HEALTHZ_DRIFT:.0%} apart, the load changed; rerun**"
        return line


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


def prepare_editor(env: dict[str, str], password: str, secret: str) -> None:
    """The bench editor, with this run's password and an authenticator app (the secret key is
    new each run, so the last run's enrolment cannot be read), and a session open for
    reporting, which status saves need."""
    script = f"""
import datetime
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, User
from actions.reporting import GoverningBodySession
user, _ = User.objects.get_or_create(username={EDITOR!r})
user.set_password({password!r})
user.save()
user.groups.add(Group.objects.get(name="Editors"))
Authenticator.objects.filter(user=user).delete()
TOTP.activate(user, {secret!r})
if GoverningBodySession.objects.reporting() is None:
    latest = GoverningBodySession.objects.order_by("-held_in").first()
    numbers = [int(c[3:]) for c in GoverningBodySession.objects.values_list("code", flat=True)
               if c.startswith("GB.") and c[3:].isdigit()]
    GoverningBodySession.objects.create(
        code=f"GB.{{max(numbers) + 1}}", period="Benchmark",
        held_in=latest.held_in + datetime.timedelta(days=150),
    )
"""
    manage(env, "shell", "-c", script)


class Browser:
    """Keeps cookies whatever their Secure flag (the server runs with debug off, on plain HTTP,
    as behind the HTTPS proxy)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie(), **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:  # deleted, e.g. the messages cookie once its messages were shown
                    self.cookies.pop(name, None)
        text = response.read().decode()
        connection.close()
        return response.status, text

    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def post_form(self, path: str, form: dict) -> int:
        _, page = self.request("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": token})[0]


def sign_in_editor(port: int, password: str, secret: str) -> Browser:
    """Signs the bench editor in through the server: password, then the authenticator's code."""
    editor = Browser(port)
    if editor.post_form("/accounts/login/", {"login": EDITOR, "password": password}) != 302:
        raise SystemExit("The bench editor could not sign in with the password.")
    # Read as the tests read it: never in the last seconds of its 30 (after django.setup()).
    from tests.servers import code_to_type

    if editor.post_form("/accounts/2fa/authenticate/", {"code": code_to_type(secret)}) != 302:
        raise SystemExit("The bench editor's authenticator code was refused.")
    # Where the sign-in leads, as a browser follows it: the page shows "Successfully signed
    # in" and clears the messages cookie. Left in the cookie, a message waiting to be shown
    # would keep every later page from the page cache.
    editor.request("GET", "/")
    if "messages" in editor.cookies:
        raise SystemExit("The bench editor's sign-in message was never shown.")
    return editor


def save_status(editor: Browser, path: str, count: int) -> tuple[float | None, bool]:
    """One save of the in-place status form, as htmx posts it: the form first (for its
    version and token), then the POST, timed. The POST's milliseconds (None when the form did
    not come), and whether it saved."""
    htmx = {"HX-Request": "true"}
    _, form = editor.request("GET", path, headers=htmx)
    version = re.search(r'name="version" value="(\d+)"', form)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    status = re.search(r'<option value="([^"]*)" selected>', form)
    if not (version and token and status):
        return None, False
    data = {
        "status": status.group(1),
        "wording": f"Benchmark wording {count}",
        "reason": "",
        "note": "",
        "wording_fr": "",
        "wording_es": "",
        "version": version.group(1),
        "csrfmiddlewaretoken": token.group(1),
    }
    started = time.perf_counter()
    answer, _ = editor.request("POST", path, data, headers=htmx)
    return (time.perf_counter() - started) * 1000, answer == 200


def saves(
    editor: Browser, path: str, items: int, seconds: float, every: float = 0.0
) -> tuple[list[float], int]:
    """Saves items 1 to `items` in turn for `seconds`, one every `every` seconds (0: one after
    another); the POSTs' milliseconds and the number refused."""
    timings, refused, count = [], 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        count += 1
        milliseconds, saved = save_status(editor, path.format(number=1 + count % items), count)
        if milliseconds is not None:
            timings.append(milliseconds)
        refused += not saved
        if every:
            time.sleep(every)
    return timings, refused


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def settle(load: float, seconds: float) -> str:
    """Waits until the 1-minute load average is at most `load`, `seconds` at most; says how
    that went."""
    started = time.monotonic()
    while True:
        now, waited = os.getloadavg()[0], time.monotonic() - started
        if now <= load:
            return f"the load average settled at {now:.2f} (≤ {load:g}) after {waited:.0f} s"
        if waited >= seconds:
            return (
                f"**the load average did not settle**: {now:.2f} after {seconds:.0f} s "
                f"(waiting for ≤ {load:g}); the figures are those of a busy machine"
            )
        print(f"  load average {now:.2f}, waiting for ≤ {load:g}…", flush=True)
        time.sleep(5)


def milliseconds(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        raise SystemExit(f"wrk printed a latency that is not understood: {text!r}")
    number, unit = found.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk_command(port: int, path: str, seconds: float, cookie: str | None) -> list[str]:
    # As every browser does, wrk says it takes gzip (without it, compressed pages are
    # decompressed for it).
    headers = ["-H", "Accept-Encoding: gzip, deflate, br"]
    headers += ["-H", f"Cookie: {cookie}"] if cookie else []
    # A request is lost when it is refused or fails, not when it waits: a restart's new workers
    # take seconds to start while requests wait in the socket's queue.
    return ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "--latency", *headers] + [
        f"http://127.0.0.1:{port}{path}"
    ]


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    """requests/s, p50 and p99 in ms, and errors (answers not 2xx/3xx, socket errors)."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return rps, p50, p99, errors


def wrk(
    port: int, path: str, seconds: float, cookie: str | None
) -> tuple[float, float, float, int]:
    # One request first, as a visitor before the crowd: it fills the page cache.
    warm_up = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie} if cookie else {}
    )
    urllib.request.urlopen(warm_up, timeout=30).read()
    command = wrk_command(port, path, seconds, cookie)
    return parse_wrk(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def healthz(port: int, seconds: float, queries: str) -> Result:
    rps, p50, p99, errors = wrk(port, "/healthz", seconds, None)
    return Result("healthz", "/healthz", "-", rps, p50, p99, queries, errors)


def query_counts(session_key: str, pages: list[dict]) -> dict[tuple[str, str], str]:
    """SQL queries per request, counted in this process on the same database: for anonymous
    readers a cached page's (after a first request) and, in brackets, an uncached one's; for
    the editor, with the session that passed two-factor sign-in."""
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
    for page in [{"path": "/healthz", "roles": ["anonymous"]}, *pages]:
        path = page["path"]
        if "anonymous" in page["roles"]:
            settings.PAGE_CACHE_SECONDS = 0
            uncached = count(anonymous, path)
            settings.PAGE_CACHE_SECONDS = cached
            counts[path, "anonymous"] = f"{count(anonymous, path)} ({uncached})"
        if "editor" in page["roles"]:
            counts[path, "editor"] = str(count(editor, path))
    return counts


def workers_of(master: int) -> list[str]:
    """The gunicorn master's child processes, whichever of its threads started them."""
    return [
        pid
        for task in Path(f"/proc/{master}/task").iterdir()
        for pid in (task / "children").read_text().split()
    ]


def worker_memory(master: int) -> list[float]:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    peaks = []
    for pid in workers_of(master):
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


GROUP_TITLES = {
    "anonymous": "Pages, anonymous readers",
    "editor": "Pages, an editor signed in with two factors",
    "save": "An editor's save",
    "stampede": "Stampede: readers of a heavy page while an editor saves",
    "restart": "Rolling restart: gunicorn HUP under load",
}


def report(groups: list[Group], memory: list[float], settled: str) -> str:
    lines = [f"Before the first group, {settled}.", ""]
    for group in groups:
        lines += [
            f"### {GROUP_TITLES[group.name]}",
            "",
            group.summary() + ".",
            "",
            "| Page | Path | Role | Requests/s | p50 (ms) | p99 (ms) | SQL/request "
            "| Errors | Ratio to /healthz | Target |",
            "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in [group.before, *group.results, group.after]:
            ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
            lines.append(
                f"| {r.page} | `{r.path}` | {r.role} | {r.rps:.1f} | {r.p50:.1f} | "
                f"{r.p99:.1f} | {r.queries} | {r.errors} | {ratio} | {r.met()} |"
            )
        lines.append("")
    peaks = ", ".join(f"{mb:.0f} MB" for mb in memory)
    verdict = "met" if memory and max(memory) <= WORKER_MEMORY_MB else "missed"
    lines.append(
        f"Peak memory per worker (VmHWM, taken before any restart): {peaks} "
        f"(target ≤ {WORKER_MEMORY_MB} MB: {verdict})."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8001")))
    parser.add_argument("--seconds", type=int, default=10, help="wrk's duration per row")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/reform_tracker_bench"
        ),
    )
    parser.add_argument(
        "--settle-load",
        type=float,
        default=0.25 * (os.cpu_count() or 1),
        help="wait for the 1-minute load average to fall to this (default: a quarter per CPU)",
    )
    parser.add_argument(
        "--settle-seconds", type=float, default=300, help="longest wait for the load to settle"
    )
    parser.add_argument(
        "--groups",
        default=",".join(GROUPS),
        help=f"which groups to run, comma-separated (default: {','.join(GROUPS)})",
    )
    parser.add_argument("--pages", type=Path, default=PAGES_FILE, help="the pages (TOML)")
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md")
    args = parser.parse_args()
    chosen = args.groups.split(",")
    if unknown := set(chosen) - set(GROUPS):
        raise SystemExit(f"Unknown groups: {', '.join(sorted(unknown))}; choose among {GROUPS}.")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", args.port)) == 0:
            raise SystemExit(f"Port {args.port} is taken: choose another with BENCH_PORT.")
    plan = tomllib.loads(args.pages.read_text())
    for page in plan["page"]:
        if unknown := set(page["roles"]) - {"anonymous", "editor"}:
            raise SystemExit(f"{args.pages}: {page['name']}: unknown roles {sorted(unknown)}.")

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
        # As in production: editors sign in with two factors.
        "DJANGO_REQUIRE_2FA": "true",
    }
    started = time.monotonic()
    print("Database:", prepare_database(env, f"{base}/postgres", name), flush=True)
    print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
    manage(env, "collectstatic", "--noinput")
    password = secrets.token_urlsafe(16)
    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    prepare_editor(env, password, secret)

    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "reform_tracker.wsgi", "--workers", "2", "--no-control-socket"]
        + ["--bind", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
    )
    groups: list[Group] = []
    memory: list[float] = []
    try:
        wait_for(args.port)
        # This process reads the same database (query counts) and computes the code.
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform_tracker.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        editor = sign_in_editor(args.port, password, secret)
        counts = query_counts(editor.cookies["sessionid"], plan["page"])
        settled = settle(args.settle_load, args.settle_seconds)
        print(f"  {settled}", flush=True)
        for name in chosen:
            if name == "restart":
                memory = worker_memory(server.pid)
            print(f"{GROUP_TITLES[name]}…", flush=True)
            group = Group(
                name, before=healthz(args.port, args.seconds, counts["/healthz", "anonymous"])
            )
            group.results = run_group(name, plan, args, editor, counts, server.pid)
            group.after = healthz(args.port, args.seconds, group.before.queries)
            for result in group.results:
                if result.target in ("anonymous", "editor"):
                    result.ratio = result.rps / group.baseline()
            groups.append(group)
        if not memory:
            memory = worker_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    text = report(groups, memory, settled)
    print(text)
    if args.write:
        write(text, args.seconds)


def run_group(
    name: str, plan: dict, args: argparse.Namespace, editor: Browser, counts: dict, master: int
) -> list[Result]:
    port, seconds = args.port, args.seconds
    if name in ("anonymous", "editor"):
        cookie = editor.cookie() if name == "editor" else None
        results = []
        for page in plan["page"]:
            if name not in page["roles"]:
                continue
            print(f"  {page['name']}…", flush=True)
            rps, p50, p99, errors = wrk(port, page["path"], seconds, cookie)
            queries = counts[page["path"], name]
            results.append(Result(page["name"], page["path"], name, rps, p50, p99, queries, errors))
            results[-1].target = name
        return results
    save = plan["save"]
    if name == "save":
        timings, refused = saves(editor, save["path"], save["items"], seconds)
        return [save_result(save, timings, refused, seconds)]
    if name == "stampede":
        stampede = plan["stampede"]
        during: dict[str, tuple[list[float], int]] = {}

        def saving() -> None:
            every = stampede["every_seconds"]
            during["saves"] = saves(editor, save["path"], save["items"], seconds, every)

        thread = threading.Thread(target=saving)
        thread.start()
        rps, p50, p99, errors = wrk(port, stampede["path"], seconds, None)
        thread.join()
        reader = Result(stampede["name"], stampede["path"], "anonymous", rps, p50, p99)
        reader.errors, reader.target = errors, "anonymous"
        reader.queries = counts.get((stampede["path"], "anonymous"), "-")
        return [reader, save_result(save, *during["saves"], seconds)]
    restart = plan["restart"]
    # Load until stopped (wrk prints its figures on SIGINT): `seconds` of it before each restart,
    # each restart as long as it takes (a minute at most), and `seconds` after the last.
    command = wrk_command(port, restart["path"], 3600, None)
    load = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    restarted = []
    for _ in range(restart["restarts"]):
        time.sleep(seconds)
        old = set(workers_of(master))
        os.kill(master, signal.SIGHUP)
        # Done when new workers run beside the old, which then finish their requests and stop.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(set(workers_of(master)) - old) < len(old):
            time.sleep(0.1)
        while time.monotonic() < deadline and old & set(workers_of(master)):
            time.sleep(0.1)
        restarted.append(time.monotonic() < deadline)
    time.sleep(seconds)
    load.send_signal(signal.SIGINT)
    output = load.communicate()[0]
    rps, p50, p99, errors = parse_wrk(output)
    result = Result(restart["name"], restart["path"], "anonymous", rps, p50, p99, errors=errors)
    result.target = "no errors"
    result.note = f" ({sum(restarted)} of {len(restarted)} restarts done under load)"
    return [result]


def save_result(save: dict, timings: list[float], refused: int, seconds: float) -> Result:
    result = Result(
        save["name"],
        save["path"].format(number="N"),
        "editor",
        len(timings) / seconds,
        percentile(timings, 0.5),
        percentile(timings, 0.99),
        errors=refused,
    )
    result.target = "save"
    return result


def write(report: str, seconds: float) -> None:
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

Written by `make bench` (bench/run.py, pages in bench/pages.toml; docs/development.md,
"Synthetic data and the benchmark"). The run: {now:%Y-%m-%d %H:%M} UTC, commit
{commit or "unknown"}, on {machine()}; load average at the end of the run (1, 5, 15 min): {load}.

PostgreSQL loaded with the document and `synthesize --scale 1`; gunicorn with 2 sync workers,
debug off, as `make serve` runs it; wrk with 8 connections for {seconds:g} s per row. Each group
runs between two runs of /healthz; ratios compare a page's requests/s to their mean, and a group
whose two /healthz figures are more than {HEALTHZ_DRIFT:.0%} apart says so. Anonymous pages come
from the page cache after the first request; SQL/request is the count per request after a first
one (for anonymous readers, in brackets, the count of an uncached page). The editor has an
authenticator app and signed in with it, as production requires. Errors are answers that were
not 2xx or 3xx, and socket errors. Targets: anonymous pages ≥ 0.5 of /healthz and p99 ≤ 50 ms;
editor pages ≥ 0.3 and p99 ≤ 100 ms; an editor's save p99 ≤ 150 ms; the heavy page while an
editor saves every few seconds, as anonymous pages; no error during rolling restarts; worker
memory ≤ {WORKER_MEMORY_MB} MB.

{report}
"""
    path.write_text(text + ("\n" + notes if notes else ""))


if __name__ == "__main__":
    main()
