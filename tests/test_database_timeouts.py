"""A database that hangs costs each request a few seconds, not a worker (docs/operations.md,
"Behind a reverse proxy, with PostgreSQL"): DJANGO_DB_CONNECT_TIMEOUT,
DJANGO_DB_STATEMENT_TIMEOUT."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.listeners import silent_listener

# Each path's status, body and time taken, with the site's own error page (no collectstatic).
PROBE = """
import json, time
from django.conf import settings
from django.test import Client, override_settings
files = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
answers = {}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": files}):
    client = Client(raise_request_exception=False)
    for path in ["/healthz", "/appendix/"]:
        started = time.monotonic()
        response = client.get(path)
        seconds = time.monotonic() - started
        answers[path] = [response.status_code, response.content.decode(), seconds]
print(json.dumps(answers))
"""


def run_probe(database_url: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={
            **clean,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "test-only-not-a-secret",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_database_that_never_answers_gets_503_from_healthz_and_the_error_page_in_seconds():
    with silent_listener() as port:
        answers = run_probe(
            f"postgres://nobody@127.0.0.1:{port}/reform_tracker", DJANGO_DB_CONNECT_TIMEOUT="2"
        )
    status, body, seconds = answers["/healthz"]
    assert (status, body) == (503, "database unavailable")
    assert seconds < 5
    status, body, seconds = answers["/appendix/"]
    assert status == 500
    assert "Something went wrong on our side" in body
    assert seconds < 5


def test_the_default_connect_timeout_is_five_seconds():
    with silent_listener() as port:
        answers = run_probe(f"postgres://nobody@127.0.0.1:{port}/reform_tracker")
    status, _, seconds = answers["/healthz"]
    assert status == 503
    assert 4 < seconds < 10


@pytest.mark.django_db
def test_statements_have_a_time_limit():
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; run the tests with a PostgreSQL URL")
    assert "-c statement_timeout=10000" in connection.settings_dict["OPTIONS"]["options"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("10s",)
