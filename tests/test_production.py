"""Production behaviour: security headers, /healthz, the deploy check, error pages, refusals."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.error_urls import DETAIL

MAIN_PAGES = ["/", "/appendix/", "/countries/", "/admin/login/", "/no-such-page/"]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        args,
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_environment() -> dict[str, str]:
    """.env.example, as documented for production, with a fresh secret."""
    lines = Path(settings.BASE_DIR, ".env.example").read_text().splitlines()
    env = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    return {**env, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}


@pytest.mark.django_db
@pytest.mark.parametrize("path", MAIN_PAGES)
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code in {200, 302, 404}
    csp = response["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


INLINE = [
    ("a <script> with a body", re.compile(r"<script(?![^>]*\ssrc=)[^>]*>\s*\S", re.I)),
    ("a style attribute", re.compile(r"<[^>]+\sstyle=", re.I)),
    ("an on* handler", re.compile(r"<[^>]+\son[a-z]+=", re.I)),
    ("a <style> element", re.compile(r"<style[\s>]", re.I)),
]


def test_no_template_has_inline_script_or_style():
    """The CSP blocks inline code; a template that relies on it would silently break."""
    root = Path(settings.BASE_DIR)
    templates = [
        path
        for path in root.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "staticfiles" not in path.parts
    ]
    assert len(templates) > 10
    offences = [
        f"{path.relative_to(root)}: {what}"
        for path in templates
        for what, pattern in INLINE
        if pattern.search(path.read_text())
    ]
    assert offences == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["admin:index", "admin:actions_actionitem_changelist", "admin:auth_user_add"]
)
def test_admin_pages_load_only_script_files(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for tag in scripts:
        assert " src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.django_db
def test_healthz_answers_ok_without_session_or_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert "Set-Cookie" not in response
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_with_https_redirect_on_healthz_still_answers_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/appendix/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 9 (discard) is closed here; PostgreSQL's client fails to connect at once.
    probe = (
        "from django.test import Client; r = Client().get('/healthz'); "
        "print(r.status_code, r.content.decode(), r.has_header('Set-Cookie'))"
    )
    result = run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="test-only-not-a-secret",
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/reform_tracker",
    )
    assert result.stdout.strip().splitlines()[-1] == "503 database unavailable False", result.stderr


def test_the_deploy_check_passes_with_the_production_environment():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_environment(),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_fails_without_https_settings():
    env = {
        name: value
        for name, value in production_environment().items()
        if not name.startswith("DJANGO_SECURE_")
    }
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_make_serve_refuses_to_start_without_a_secret():
    result = run(["make", "--no-print-directory", "serve", "PORT=8109"])
    assert result.returncode != 0
    assert "make serve: DJANGO_SECRET_KEY is not set" in result.stderr
    assert "gunicorn" not in result.stdout


@pytest.fixture
def visitor() -> Client:
    client = Client()
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "status", "title"),
    [
        ("/fail/400/", 400, "Bad request"),
        ("/fail/403/", 403, "Not allowed"),
        ("/fail/404/", 404, "Page not found"),
        ("/fail/500/", 500, "Server error"),
    ],
)
def test_error_pages_are_in_the_site_layout_without_details(visitor, path, status, title):
    assert settings.DEBUG is False
    response = visitor.get(path)
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in page
    assert '<header class="site-header">' in page
    for leak in [DETAIL, "Traceback", "SECRET_KEY", "settings"]:
        assert leak not in page


@pytest.mark.django_db
def test_a_request_for_another_host_is_refused(visitor):
    response = visitor.get("/appendix/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_sign_in_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "admin", "password": "x" * 12})
    assert response.status_code == 403
    page = response.content.decode()
    assert "The form could not be accepted" in page
    assert '<header class="site-header">' in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/countries/%00/", "/appendix/?sort=%00", "/countries/?%00=1"])
def test_a_nul_character_in_the_address_is_a_bad_request(visitor, path):
    # PostgreSQL would raise on it in a query (a 500); SQLite would not, so check it everywhere.
    response = visitor.get(path)
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_character_in_a_header_is_a_bad_request(visitor):
    # django-axes stores a failed sign-in's User-Agent, which PostgreSQL cannot hold with a NUL.
    response = visitor.post(
        "/accounts/login/",
        {"login": "nobody", "password": "x" * 12},
        headers={"user-agent": "Mozilla\x00"},
    )
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()
