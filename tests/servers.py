"""Live application servers for the tests of several servers (tests/test_page_cache.py on
SQLite, tests/test_several_servers.py on PostgreSQL and Redis): gunicorn processes started as
production starts them, a copy of the test database for them to share, and just enough of a
browser to use them."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse
from http.cookies import SimpleCookie
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

from tests.listeners import closed_port

PASSWORD = "correct horse battery"  # the cast's (tests/conftest.py)
# An authenticator app's secret for the editors who sign in with two factors.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODE_PAGE = "/accounts/2fa/authenticate/"


def totp(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now, as allauth computes it."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def code_to_type(secret: str = TOTP_SECRET, margin: float = 5) -> str:
    """The authenticator's code as a person types it: read when it is needed, and not in the
    last `margin` seconds of its 30 (allauth accepts no other window, and a loaded machine can
    take seconds to answer), when the next code is waited for instead."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left)
    return totp(secret)


class Browser:
    """Just enough of a browser: keeps cookies (whatever their Secure flag) and the CSRF token.
    `at(port)` is the same browser, cookies and all, pointed at another server."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {} if cookies is None else cookies

    def at(self, port: int) -> Browser:
        return Browser(port, self.cookies)

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response: HTTPResponse = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        text = response.read().decode()
        connection.close()
        return response.status, text

    def get(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (path, status)
        return text

    def post(self, path: str, form: dict, page: str | None = None) -> int:
        """Submits a form to `path` with the CSRF token of the page that shows it (`path`
        itself unless `page` says)."""
        return self.submit(path, form, page)[0]

    def submit(self, path: str, form: dict, page: str | None = None) -> tuple[int, str]:
        shown = self.get(page or path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown).group(1)
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": token})

    def sign_in(self, username: str, password: str = PASSWORD, two_factor: bool = False) -> int:
        """Signs in with a password, then, with `two_factor`, the authenticator's code, read
        once the password is accepted (a code read before may have expired by then); the status
        of the last answer (302 when signed in)."""
        status = self.post("/accounts/login/", {"login": username, "password": password})
        if two_factor and status == 302:
            status = self.post(CODE_PAGE, {"code": code_to_type()})
        return status


# Argentina's first engagement, with what its edit form needs (the same SQL on SQLite and
# PostgreSQL).
ENGAGEMENT = (
    "SELECT e.id, e.kind, e.government, e.workers, e.employers, e.year, e.date,"
    " e.source_paragraph_id, e.country_id, e.description, e.version"
    " FROM countries_engagement e"
    " JOIN countries_country c ON c.id = e.country_id WHERE c.code = 'AR' ORDER BY e.id"
)


def edit_engagement(browser: Browser, row: tuple, description: str) -> int:
    """Saves the engagement of `row` (selected by ENGAGEMENT) with a new description through
    its edit form; the answer's status (302 when saved)."""
    pk, kind, government, workers, employers, year, date, paragraph, country, _, version = row
    form = {
        "country": country,
        "kind": kind,
        "year": year or "",
        "date": date or "",
        "description": description,
        "source_paragraph": paragraph or "",
        "reason": "Test of several servers",
        "version": version,
    }
    flags = {"government": government, "workers": workers, "employers": employers}
    form.update({name: "on" for name, on in flags.items() if on})
    return browser.post(f"/countries/engagements/{pk}/edit/", form)


def server_environment(database_url: str, **variables: str) -> dict[str, str]:
    """The environment of a server process: this one's, less the test run's settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return {
        **clean,
        "DATABASE_URL": database_url,
        # Debug on only so that static files need no collectstatic; the cache, the sessions
        # and the sign-in rules behave the same.
        "DJANGO_DEBUG": "true",
        "DJANGO_PAGE_CACHE_SECONDS": "600",
        **variables,
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=180,
        stdout=subprocess.DEVNULL,
    )


def answers(port: int) -> bool:
    try:
        connection = HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False


@contextlib.contextmanager
def gunicorn_servers(env: dict[str, str], count: int = 2) -> Iterator[list[int]]:
    """`count` gunicorn servers of one worker each, as `make serve` starts them; yields their
    ports once each answers /healthz."""
    ports = [closed_port() for _ in range(count)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "reform_tracker.wsgi"]
            + ["--workers", "1", "--no-control-socket", "--bind", f"127.0.0.1:{port}"],
            cwd=settings.BASE_DIR,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while not answers(port):
                assert time.monotonic() < deadline, f"the server on port {port} did not start"
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


# The document's data (loaded for every test, but a transactional test may have emptied the
# database since) and the cast: editors with an authenticator app, as production requires; a
# viewer with a password.
CAST = f"""
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group, User
from django.core.management import call_command
call_command("load_document", verbosity=0)
for name, group in [("editor", "Editors"), ("colleague", "Editors"), ("viewer", "Viewers")]:
    User.objects.filter(username=name).delete()
    user = User.objects.create_user(name, password={PASSWORD!r})
    user.groups.add(Group.objects.get(name=group))
    if group == "Editors":
        TOTP.activate(user, {TOTP_SECRET!r})
"""


@contextlib.contextmanager
def shared_database(directory: Path, django_db_blocker) -> Iterator[str]:
    """A copy of the test database with the cast, for servers to share and change without
    touching the data the other tests read; yields its URL. A copy, not a migration: it takes
    a moment."""
    from django.db import connection

    with contextlib.ExitStack() as stack:
        with django_db_blocker.unblock():
            if connection.vendor == "postgresql":
                url = stack.enter_context(postgresql_copy())
            else:
                url = sqlite_copy(directory / "db.sqlite3")
        manage(server_environment(url), "shell", "-c", CAST)
        yield url


def sqlite_copy(path: Path) -> str:
    """SQLite keeps the test database in memory: a copy in a file."""
    import sqlite3

    from django.db import connection

    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def sql(url: str, statement: str, params: tuple = ()) -> tuple | None:
    """Runs `statement` (placeholders `%s`) on the database at `url`, behind the servers' back;
    the first row, if it selects."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db, db:
            cursor = db.execute(statement.replace("%s", "?"), params)
            return cursor.fetchone()
    import psycopg2

    with contextlib.closing(psycopg2.connect(url)) as db, db, db.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() if cursor.description else None


@contextlib.contextmanager
def postgresql_copy() -> Iterator[str]:
    """A copy of the PostgreSQL test database by PostgreSQL itself (CREATE DATABASE …
    TEMPLATE), dropped afterwards; yields its URL."""
    import psycopg2
    from django.db import connections

    db = settings.DATABASES["default"]
    source = db["NAME"]  # the test database, once pytest-django has set it up
    name = f"{source}_servers_{uuid.uuid4().hex[:8]}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    # The template may have no other connection while it is copied: this process's go first.
    connections.close_all()
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            for attempt in range(10):
                try:
                    cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
                    break
                except psycopg2.errors.ObjectInUse:
                    if attempt == 9:
                        raise
                    # Connections of this run's other threads (the browser tests' live server
                    # keeps its own for a minute): idle, and reopened when next needed.
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = %s AND pid <> pg_backend_pid()",
                        [source],
                    )
                    time.sleep(0.5)
        user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
        yield f"postgres://{user}@{params['host']}:{params['port']}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
