"""Two-factor sign-in (TOTP and recovery codes, django-allauth), compulsory for editors and
superusers with DJANGO_REQUIRE_2FA; password reset by e-mail."""

import logging
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import SecurityEvent
from actions.reporting import StatusReport
from tests.servers import totp

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gb341")]

LOGIN = "/accounts/login/"
CODE_PAGE = "/accounts/2fa/authenticate/"
ENROL = "/accounts/2fa/totp/activate/"
PASSWORD = "correct horse battery"  # the cast's (tests/conftest.py)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
STATUS_URL = "/actions/6/status/"
Kind = SecurityEvent.Kind


def reauthenticate(client: Client):
    """allauth asks for the password again before the second factor is added or removed."""
    return client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def sign_in(client: Client, username: str, next_url: str = ""):
    data = {"login": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def enrolled_editor(editor):
    TOTP.activate(editor, SECRET)
    return editor


def status_change() -> dict:
    return {"status": "completed", "wording": "Completed", "reason": "Done", "version": 0}


# Enrolment


def test_an_editor_without_a_second_factor_is_sent_to_enrol_and_cannot_edit(
    client, editor, require_2fa
):
    sign_in(client, "editor")
    before = StatusReport.objects.count()
    response = client.get(STATUS_URL)
    assert response.status_code == 302
    assert response["Location"] == ENROL
    # A form sent without the second factor is refused: it is not a page to be redirected.
    assert client.post(STATUS_URL, status_change()).status_code == 403
    assert StatusReport.objects.count() == before
    assert client.get("/admin/").status_code == 302
    page = client.get(STATUS_URL, follow=True)
    assert "Editors, focal points and administrators need a second factor" in page.content.decode()


def test_a_focal_point_without_a_second_factor_is_sent_to_enrol(client, focal_point, require_2fa):
    """Focal points propose what goes into a Governing Body paper: two factors, as editors."""
    sign_in(client, "fp-turin")
    for path in ("/my-items/", "/actions/6/propose/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"] == ENROL


# What a browser asks for on its own while the set-up page is open (the favicon, scripts, htmx)
# is never sent to the set-up page: there it used to draw a new secret (tests/browser too).
BROWSER_PAGE = {
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_SEC_FETCH_DEST": "document",
    "HTTP_SEC_FETCH_MODE": "navigate",
}
FAVICON = {"HTTP_ACCEPT": "image/avif,image/webp,image/*,*/*;q=0.8", "HTTP_SEC_FETCH_DEST": "image"}


@pytest.mark.parametrize("path", ["/favicon.ico", "/robots.txt", "/apple-touch-icon.png"])
def test_icons_and_robots_txt_are_not_sent_to_enrolment(client, editor, require_2fa, path):
    sign_in(client, "editor")
    response = client.get(path, **FAVICON)
    assert response.status_code in (200, 404)  # the site's own answer: an icon, or none
    assert "Location" not in response


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(FAVICON, id="an image"),
        pytest.param({"HTTP_ACCEPT": "application/json"}, id="json"),
        pytest.param({"HTTP_ACCEPT": "*/*"}, id="anything"),
        pytest.param({**BROWSER_PAGE, "HTTP_SEC_FETCH_DEST": "script"}, id="a script"),
        pytest.param({**BROWSER_PAGE, "HTTP_SEC_FETCH_DEST": "iframe"}, id="a frame"),
        pytest.param({**BROWSER_PAGE, "HTTP_SEC_FETCH_DEST": "empty"}, id="fetch"),
    ],
)
def test_requests_that_are_not_pages_are_refused_not_redirected(
    client, editor, require_2fa, headers
):
    sign_in(client, "editor")
    response = client.get("/appendix/", **headers)
    assert response.status_code == 403
    assert client.get("/appendix/", **BROWSER_PAGE)["Location"] == ENROL


def test_an_htmx_request_loads_the_set_up_page_as_a_page(client, editor, require_2fa):
    sign_in(client, "editor")
    before = StatusReport.objects.count()
    htmx = {**BROWSER_PAGE, "HTTP_HX_REQUEST": "true", "HTTP_SEC_FETCH_DEST": "empty"}
    for response in (
        client.get(STATUS_URL, **htmx),
        client.post(STATUS_URL, status_change(), **htmx),
    ):
        # Nothing to swap into the Appendix cell; htmx goes to the set-up page instead.
        assert response.status_code == 403
        assert response["HX-Redirect"] == ENROL
        assert response.content == b""
    assert StatusReport.objects.count() == before


def test_the_secret_stays_the_same_for_the_whole_enrolment(client, editor, require_2fa):
    sign_in(client, "editor")
    reauthenticate(client)
    secret = client.get(ENROL).context["form"].secret
    # Another tab, a reload, the favicon of old: the set-up page asked for again.
    for _ in range(2):
        client.get("/favicon.ico", **FAVICON)
        assert client.get(ENROL, **BROWSER_PAGE).context["form"].secret == secret
    assert client.post(ENROL, {"code": totp(secret)}).status_code == 302
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()


def test_a_new_enrolment_draws_a_new_secret(client, editor, require_2fa):
    """After signing out, and after the app was removed, the next enrolment's secret is new."""
    sign_in(client, "editor")
    reauthenticate(client)
    first = client.get(ENROL).context["form"].secret
    client.post("/accounts/logout/")
    sign_in(client, "editor")
    reauthenticate(client)
    second = client.get(ENROL).context["form"].secret
    assert second != first
    client.post(ENROL, {"code": totp(second)})
    client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    assert client.get(ENROL).context["form"].secret not in (first, second)


def test_without_the_setting_an_editor_edits_with_a_password_alone(client, editor, settings):
    settings.REQUIRE_2FA = False
    sign_in(client, "editor")
    assert client.get(STATUS_URL).status_code == 200


def test_a_viewer_needs_no_second_factor(client, viewer, require_2fa):
    sign_in(client, "viewer")
    assert client.get("/appendix/").status_code == 200


def test_enrolling_with_the_qr_code_and_a_code_computed_here(
    client, editor, require_2fa, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    sign_in(client, "editor")
    reauthenticate(client)
    page = client.get(ENROL)
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html  # drawn on the server, inline: no data: URL
    secret = page.context["form"].secret
    assert secret in html
    wrong = client.post(ENROL, {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=editor).exists()
    # allauth announces the new authenticator once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ENROL, {"code": totp(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.get(user=editor, type=Authenticator.Type.TOTP)
    assert Kind.MFA_ENROLLED in kinds()
    assert "mfa-enrolled: user='editor'" in caplog.text
    assert client.get(STATUS_URL).status_code == 200


def test_removing_the_authenticator_is_logged(client, enrolled_editor):
    sign_in(client, "editor")
    client.post(CODE_PAGE, {"code": totp(SECRET)})
    reauthenticate(client)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(type=Authenticator.Type.TOTP).exists()
    assert SecurityEvent.objects.get(kind=Kind.MFA_REMOVED).user == enrolled_editor


# Signing in with the second factor


def test_a_password_alone_signs_nobody_in_once_enrolled(client, enrolled_editor):
    response = sign_in(client, "editor", next_url="/appendix/")
    assert response.status_code == 302
    assert response["Location"] == CODE_PAGE
    assert not signed_in(client)
    response = client.post(CODE_PAGE, {"code": totp(SECRET)})
    assert response.status_code == 302
    assert response["Location"] == "/appendix/"
    assert signed_in(client)
    assert client.get(STATUS_URL).status_code == 200


def test_the_rule_costs_no_query_once_signed_in_with_a_code(client, enrolled_editor, settings):
    sign_in(client, "editor")
    client.post(CODE_PAGE, {"code": totp(SECRET)})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/appendix/").status_code == 200
        return len(captured)

    # The first request after signing in stores the user (accounts/usercache.py).
    client.get("/appendix/")
    settings.REQUIRE_2FA = False
    without_rule = queries()
    settings.REQUIRE_2FA = True
    assert queries() == without_rule


def test_a_wrong_code_is_refused_and_logged(client, enrolled_editor, require_2fa, caplog):
    sign_in(client, "editor")
    response = client.post(CODE_PAGE, {"code": "12345x"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(client)
    event = SecurityEvent.objects.get(kind=Kind.MFA_FAILED)
    assert event.user == enrolled_editor
    assert "12345x" not in str(event.detail)
    assert "mfa-failed: user='editor'" in caplog.text


def test_guessing_codes_is_stopped_after_a_few_tries(client, enrolled_editor, settings):
    sign_in(client, "editor")
    for _ in range(2 * settings.AXES_FAILURE_LIMIT):
        client.post(CODE_PAGE, {"code": "000000" if totp(SECRET) != "000000" else "111111"})
    response = client.post(CODE_PAGE, {"code": totp(SECRET)})
    assert "Too many failed login attempts" in response.content.decode()
    assert not signed_in(client)


def test_a_code_used_once_is_refused_the_second_time(client, enrolled_editor):
    code = totp(SECRET)
    sign_in(client, "editor")
    client.post(CODE_PAGE, {"code": code})
    assert signed_in(client)
    again = Client()
    sign_in(again, "editor")
    response = again.post(CODE_PAGE, {"code": code})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(again)
    assert kinds().count(Kind.MFA_FAILED) == 1


def test_a_recovery_code_works_once(client, enrolled_editor, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    codes = RecoveryCodes.activate(enrolled_editor).get_unused_codes()
    sign_in(client, "editor")
    client.post(CODE_PAGE, {"code": codes[0]})
    assert signed_in(client)
    event = SecurityEvent.objects.get(kind=Kind.RECOVERY_CODE_USED)
    assert event.detail == {"remaining": len(codes) - 1}
    assert codes[0] not in caplog.text
    again = Client()
    sign_in(again, "editor")
    response = again.post(CODE_PAGE, {"code": codes[0]})
    assert "Incorrect code" in response.content.decode()
    assert not signed_in(again)
    again.post(CODE_PAGE, {"code": codes[1]})
    assert signed_in(again)


# Django admin


def test_admin_signs_in_through_the_site_and_asks_for_the_code(client, superuser, require_2fa):
    TOTP.activate(superuser, SECRET)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    response = sign_in(client, "root", next_url="/admin/")
    assert response["Location"] == CODE_PAGE
    assert client.get("/admin/").status_code == 302
    assert client.post(CODE_PAGE, {"code": totp(SECRET)})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_superuser_without_a_second_factor_is_sent_to_enrol_before_admin(
    client, superuser, require_2fa
):
    sign_in(client, "root")
    response = client.get("/admin/accounts/securityevent/")
    assert (response.status_code, response["Location"]) == (302, ENROL)


# Password reset by e-mail


def test_password_reset_by_e_mail(client, django_user_model):
    user = django_user_model.objects.create_user("ana", "ana@ilo.org", "an old password 1")
    response = client.post("/accounts/password/reset/", {"email": "ana@ilo.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "a brand new passphrase"
    response = client.post(form_page.redirect_chain[-1][0], {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert Kind.PASSWORD_RESET in kinds()


def test_a_reset_for_an_unknown_address_says_nothing_about_accounts(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) <= 1
    assert all("password/reset/key" not in message.body for message in mail.outbox)


def test_there_is_no_sign_up_page(client):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code == 404


# In French and Spanish


@pytest.mark.parametrize(
    ("language", "heading", "warning"),
    [
        ("fr", "Configurer une application d’authentification", "deuxième facteur"),
        ("es", "Configurar una aplicación de autenticación", "segundo factor"),
    ],
)
def test_an_editor_enrols_in_their_language(
    client, editor, require_2fa, language, heading, warning
):
    """The enrolment page is open in every language: a French editor is not sent round in
    circles, and reads it in French, QR code included."""
    sign_in(client, "editor")
    reauthenticate(client)
    response = client.get(f"/{language}/actions/6/status/")
    assert response.status_code == 302
    assert response["Location"] == f"/{language}{ENROL}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert heading in html
    assert warning in html
    assert "<svg" in html


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Connexion à deux facteurs"),
        ("es", "Inicio de sesión con autenticación de dos factores"),
    ],
)
def test_the_code_page_in_french_and_spanish(client, enrolled_editor, language, text):
    response = client.post(f"/{language}{LOGIN}", {"login": "editor", "password": PASSWORD})
    page = client.get(response["Location"]).content.decode()
    assert text in page
    assert f'lang="{language}"' in page
