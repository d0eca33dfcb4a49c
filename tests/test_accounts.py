"""Sign-in: Django's views in the site layout, lock-out after repeated failures, a security log."""

import logging

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"
HERE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password=PASSWORD)


def sign_in(client, password, address=HERE, username="editor"):
    return client.post(LOGIN, {"login": username, "password": password}, REMOTE_ADDR=address)


def test_the_sign_in_page_is_in_the_site_layout(client):
    response = client.get(LOGIN)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<header class="site-header">' in page
    assert '<label for="id_login">' in page
    assert '<label for="id_password">' in page


def test_signing_in_and_out_returns_to_the_home_page(client, editor):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL
    assert client.session["_auth_user_id"] == str(editor.pk)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post(client, editor):
    client.force_login(editor)
    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session


def test_a_wrong_password_shows_the_form_again(client, editor):
    response = sign_in(client, "not the password")
    assert response.status_code == 200
    assert "password you specified are not correct" in response.content.decode()


def test_an_account_is_locked_from_an_address_after_repeated_failures(client, editor):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in(client, "wrong").status_code == 200
    response = sign_in(client, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert '<header class="site-header">' in page
    assert f"After {limit} failed attempts" in page
    # Locked even with the right password, from this address; not from another one.
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(client, PASSWORD, address=ELSEWHERE).status_code == 302


def test_failures_on_one_account_do_not_lock_another(client, editor):
    User.objects.create_user("viewer", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD, username="viewer").status_code == 302


def lock_out(client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429


def test_axes_reset_unlocks_the_account(client, editor):
    lock_out(client)
    call_command("axes_reset", verbosity=0)
    assert sign_in(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_the_account_in_django_admin(client, admin_client, editor):
    lock_out(client)
    attempt = AccessAttempt.objects.get(username="editor", ip_address=HERE)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert "editor" in changelist.content.decode()
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_client_address_behind_a_proxy_is_the_one_the_proxy_saw(client, editor, settings):
    settings.PROXY_COUNT = 1
    forged_then_real = f"{ELSEWHERE}, {HERE}"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"login": "editor", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forged_then_real,
        )
    assert AccessAttempt.objects.get(username="editor").ip_address == HERE


def test_sign_in_failure_lock_out_success_and_sign_out_are_logged(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    sign_in(client, "wrong")
    sign_in(client, PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR=HERE)
    sign_in(client, "wrong", username="evil\nsign-in: user='admin'")
    messages = [r.getMessage() for r in caplog.records if r.name == "reform_tracker.security"]
    assert messages == [
        f"sign-in failed: username='editor' ip={HERE}",
        f"sign-in: user='editor' ip={HERE}",
        f"sign-out: user='editor' ip={HERE}",
        f"sign-in failed: username=\"evil\\nsign-in: user='admin'\" ip={HERE}",
    ]


def test_a_lock_out_is_logged(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    lock_out(client)
    messages = [r.getMessage() for r in caplog.records if r.name == "reform_tracker.security"]
    assert f"sign-in locked out: username='editor' ip={HERE}" in messages


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Zq8#wLp2!xR")
    validate_password("Zq8#wLp2!xRm")


def test_a_signed_in_user_changes_their_password_only_to_a_long_one(client, editor):
    client.force_login(editor)
    url = reverse("password_change")
    page = client.get(url)
    assert '<header class="site-header">' in page.content.decode()
    short = {"old_password": PASSWORD, "new_password1": "Zq8#wLp2!x", "new_password2": "Zq8#wLp2!x"}
    assert "at least 12 characters" in client.post(url, short).content.decode()
    good = {**short, "new_password1": "Zq8#wLp2!xRm", "new_password2": "Zq8#wLp2!xRm"}
    assert client.post(url, good)["Location"] == reverse("password_change_done")
    editor.refresh_from_db()
    assert editor.check_password("Zq8#wLp2!xRm")


def test_a_session_ends_with_the_browser_and_after_twelve_hours(client, editor):
    cookie = sign_in(client, PASSWORD).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["secure"] and cookie["httponly"]
    assert client.session.get_expiry_age() == 12 * 60 * 60


@pytest.mark.django_db(transaction=True)
def test_roles_come_back_after_a_flush():
    """A flush (as after a transactional test) empties the auth tables; the roles return."""
    from django.contrib.auth.models import Group

    call_command("flush", interactive=False, verbosity=0)

    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_statusreport").exists()
    assert Group.objects.filter(name="Viewers").exists()
    call_command("load_document", verbosity=0)
