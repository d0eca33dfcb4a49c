"""Single sign-on against a real OpenID Connect provider (tests/oidc/provider.mjs, the npm package
oidc-provider) started on 127.0.0.1: discovery, the redirect with state and PKCE, the provider's
sign-in, the code exchange, the ID token's checks, the first sign-in's group.

The browser's side is two clients: Django's test client for this site and a `requests` session
for the provider; every request between this site and the provider is real HTTP.
"""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import SecurityEvent
from accounts.oidc import oidc_apps, parse_group_rules

pytestmark = pytest.mark.django_db

PROVIDER = Path(__file__).parent / "oidc" / "provider.mjs"
CALLBACK = "http://testserver/accounts/oidc/sso/login/callback/"
START = "/accounts/oidc/sso/login/?process=login"
RULES = "domain:ilo.org=Editors,claim:groups:gb-members=Viewers"
Kind = SecurityEvent.Kind


@pytest.fixture(scope="module")
def issuer():
    """The provider, on a free port, for this module's tests."""
    process = subprocess.Popen(
        ["node", str(PROVIDER), CALLBACK],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("listening "), line
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure(settings, issuer: str, rules: str = RULES) -> None:
    env = {"DJANGO_OIDC_CLIENT_ID": "reform-tracker", "DJANGO_OIDC_CLIENT_SECRET": "test-secret"}
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": oidc_apps(issuer, env)}}
    settings.OIDC_GROUP_RULES = parse_group_rules(rules)


@pytest.fixture
def sso(settings, issuer):
    configure(settings, issuer)
    set_id_token_mode(issuer, "good")
    return issuer


def set_id_token_mode(issuer: str, mode: str) -> None:
    requests.post(f"{issuer}/_test/id-token", data={"mode": mode}, timeout=5).raise_for_status()


def at_provider(client: Client, account: str, next_url: str = "") -> str:
    """Sign-in page's button, then the provider's form: the URL the provider sends back to."""
    start = client.post(START, {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content
    browser = requests.Session()
    url = start["Location"]
    while not url.startswith(CALLBACK):
        page = browser.get(url, allow_redirects=False, timeout=5)
        if page.is_redirect:
            url = urljoin(url, page.headers["Location"])
            continue
        action = re.search(r'action="([^"]+)"', page.text)[1]
        answer = browser.post(urljoin(url, action), data={"login": account}, allow_redirects=False)
        url = urljoin(url, answer.headers["Location"])
    return url


def back_at_site(client: Client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def sso_sign_in(client: Client, account: str = "jane"):
    return back_at_site(client, at_provider(client, account))


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_no_button_and_no_provider_when_not_configured(client):
    assert settings.SOCIALACCOUNT_PROVIDERS == {"openid_connect": {"APPS": []}}
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in page
    assert client.post("/accounts/oidc/sso/login/").status_code == 404


def test_the_sign_in_page_offers_the_provider(client, sso, settings):
    settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]["name"] = "ILO account"
    page = client.get("/accounts/login/?next=/sessions/").content.decode()
    assert "Sign in with ILO account" in page
    assert 'action="/accounts/oidc/sso/login/?process=login&amp;next=%2Fsessions%2F"' in page


def test_first_sign_in_creates_an_editor_from_a_verified_ilo_address(client, sso, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    response = sso_sign_in(client, "jane")
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = signed_in_user(client)
    assert user.email == "jane@ilo.org"
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert not user.has_usable_password()
    event = SecurityEvent.objects.get(kind=Kind.SSO_SIGN_IN)
    assert (event.user, event.detail["new_user"], event.detail["group"]) == (user, True, "Editors")
    assert "sso-sign-in: user='jane'" in caplog.text


@pytest.mark.parametrize(
    ("asked", "landing"), [("/appendix/", "/appendix/"), ("https://elsewhere.example/", "/")]
)
def test_after_signing_on_the_page_asked_for_is_shown_if_it_is_on_this_site(
    client, sso, asked, landing
):
    response = back_at_site(client, at_provider(client, "jane", next_url=asked))
    assert response["Location"] == landing
    assert signed_in_user(client) is not None


def test_the_second_sign_in_finds_the_same_account_and_keeps_its_groups(client, sso):
    sso_sign_in(client, "jane")
    first = signed_in_user(client)
    first.groups.clear()  # an administrator has since changed its role
    client.post("/accounts/logout/")
    sso_sign_in(Client(), "jane")
    assert User.objects.filter(email="jane@ilo.org").count() == 1
    assert not first.groups.exists()
    assert SecurityEvent.objects.filter(kind=Kind.SSO_SIGN_IN).latest("pk").detail == {
        "new_user": False,
        "provider": "Organisation account",
    }


def test_a_claim_rule_gives_its_group(client, sso):
    sso_sign_in(client, "member")
    assert list(signed_in_user(client).groups.values_list("name", flat=True)) == ["Viewers"]


def test_an_unverified_address_gets_no_group(client, sso):
    sso_sign_in(client, "unverified")
    user = signed_in_user(client)
    assert user.email == "someone@ilo.org"
    assert not user.groups.exists()


def test_single_sign_on_counts_as_a_second_factor(client, sso, settings):
    settings.REQUIRE_2FA = True
    sso_sign_in(client, "jane")
    assert client.get("/sessions/new/").status_code == 200


def assert_refused(response, words: str, reason: str, caplog) -> None:
    assert response.status_code == 401
    assert words in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert not User.objects.filter(email="jane@ilo.org").exists()
    event = SecurityEvent.objects.get(kind=Kind.SSO_REFUSED)
    assert event.detail["reason"] == reason
    assert "sso-refused: username='' ip=127.0.0.1" in caplog.text


def test_a_tampered_state_is_refused(client, sso, caplog):
    url = at_provider(client, "jane")
    tampered = re.sub(r"state=[^&]+", "state=forged", url)
    response = back_at_site(client, tampered)
    assert_refused(response, "did not start from this browser", "state", caplog)


def test_a_callback_in_another_browser_is_refused(client, sso, caplog):
    url = at_provider(client, "jane")
    response = back_at_site(Client(), url)
    assert_refused(response, "did not start from this browser", "state", caplog)


@pytest.mark.parametrize("mode", ["forged", "expired"])
def test_a_forged_or_expired_id_token_is_refused(client, sso, caplog, mode):
    set_id_token_mode(sso, mode)
    response = sso_sign_in(client, "jane")
    assert_refused(response, "could not be verified", "id-token", caplog)


def test_a_provider_naming_another_issuer_is_refused(client, sso, settings, caplog):
    # The same provider reached by another name: its discovery names 127.0.0.1.
    configure(settings, sso.replace("127.0.0.1", "localhost"))
    response = client.post(START)
    assert_refused(response, "not the one this site is configured for", "issuer", caplog)


def test_an_unreachable_provider_is_refused(client, settings, caplog):
    with socket_nobody_listens_on() as port:
        configure(settings, f"http://127.0.0.1:{port}")
        response = client.post(START)
    assert_refused(response, "could not be reached", "unavailable", caplog)


def socket_nobody_listens_on():
    """A port that was free a moment ago and that nothing listens on."""
    import contextlib
    import socket

    @contextlib.contextmanager
    def port():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            yield probe.getsockname()[1]

    return port()


# Configuration


@pytest.mark.parametrize(
    "text",
    [
        "domain:ilo.org",
        "ilo.org=Editors",
        "domain:=Editors",
        "claim:groups=Editors",
        "claim::x=Editors",
        "domain:ilo.org=Administrators",
        "email:ilo.org=Editors",
    ],
)
def test_a_malformed_group_rule_stops_the_start(text):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_OIDC_GROUPS": text},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_OIDC_GROUPS" in result.stderr
    assert text in result.stderr


def test_the_first_matching_rule_wins():
    from accounts.oidc import group_for

    rules = parse_group_rules(" claim:groups:gb-members=Viewers , domain:ILO.org=Editors,")
    member = {"email": "a@ilo.org", "email_verified": True, "groups": ["gb-members"]}
    assert group_for(rules, member) == "Viewers"
    assert group_for(rules, {**member, "groups": []}) == "Editors"
    assert group_for(rules, {"email": "a@ilo.org.evil.example", "email_verified": True}) is None


def test_an_issuer_without_a_client_stops_the_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_OIDC_ISSUER": "https://login.example.org"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "DJANGO_OIDC_CLIENT_ID and DJANGO_OIDC_CLIENT_SECRET must be set" in result.stderr


def test_the_callback_address_is_the_same_in_every_language():
    """The identity provider knows one redirect URI; a French reader's sign-in must use it."""
    from django.urls import reverse
    from django.utils import translation

    addresses = set()
    for language in ("en", "fr", "es"):
        with translation.override(language):
            addresses.add(reverse("openid_connect_callback", args=["oidc"]))
    assert addresses == {"/accounts/oidc/oidc/login/callback/"}
