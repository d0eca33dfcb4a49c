"""REQUIRE_LOGIN_TO_VIEW: off, the pages are public; on, they ask anonymous readers to sign in."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

PAGES = ["/", "/appendix/?status=ongoing", "/appendix/?_export=csv", "/actions/1/", "/countries/"]


@pytest.fixture
def login_required(settings):
    settings.REQUIRE_LOGIN_TO_VIEW = True


@pytest.mark.parametrize("path", PAGES)
def test_by_default_the_pages_are_public(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_when_required_anonymous_readers_are_sent_to_sign_in_and_back(client, login_required, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [path]


@pytest.mark.parametrize("path", PAGES)
def test_when_required_signed_in_readers_see_the_pages(
    client, login_required, django_user_model, path
):
    client.force_login(django_user_model.objects.create_user("reader"))
    assert client.get(path).status_code == 200


def test_when_required_admin_and_sign_in_stay_reachable(client, login_required):
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"].startswith("/admin/login/")
    # Admin signs in through the site's sign-in page (which asks for the second factor).
    assert client.get("/admin/login/")["Location"].startswith("/accounts/login/?next=")
    for path in ("/accounts/login/", "/static/css/site.css"):
        response = client.get(path)
        assert not response.get("Location", "").startswith("/accounts/login/"), path


def test_the_setting_is_read_from_the_environment():
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.REQUIRE_LOGIN_TO_VIEW)",
        ],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DJANGO_DEBUG": "true", "REQUIRE_LOGIN_TO_VIEW": "yes"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
