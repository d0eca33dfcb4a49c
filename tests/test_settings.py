"""Settings come from the environment, and production refuses to start without a secret."""

import os
import subprocess
import sys

from django.conf import settings


def start_django(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start_django(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_boolean_that_is_not_one_is_refused():
    result = start_django(DJANGO_DEBUG="ture")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false, not 'ture'" in result.stderr


def test_debug_starts_without_a_secret_for_local_development():
    result = start_django(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_allowed_hosts_come_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.ALLOWED_HOSTS)",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SECRET_KEY": "x",
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "a.example, b.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "['a.example', 'b.example']"


def test_a_site_address_without_its_scheme_is_refused():
    """The links in reminders are made from it: "tracker.example.org/actions/1/" is no link."""
    result = start_django(DJANGO_DEBUG="true", DJANGO_SITE_URL="tracker.example.org")
    assert result.returncode != 0
    assert "DJANGO_SITE_URL must start with https://" in result.stderr
