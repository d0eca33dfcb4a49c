"""Sessions, passwords, brute force and the stored security log (issue 10, points 3-6)."""

import datetime
import json
import logging
import os
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.audit import security_event
from accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery"  # the cast's (tests/conftest.py)
WRONG = "a wrong password typed"
HERE = "198.51.100.7"
AGENT = "Mozilla/5.0 (test browser)"
# Editors only: 200 signed in as an editor, a redirect to sign in otherwise.
EDITOR_PAGE = "/sessions/new/"
MONDAY_9AM = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
Kind = SecurityEvent.Kind


def sign_in(client: Client, password: str = PASSWORD, username: str = "editor", **extra):
    """Through the sign-in form, as a browser does (not force_login): the way an attacker tries.

    `next` goes with the form; anything else is a request header.
    """
    # django-allauth's form: the username field is "login".
    fields = {"login": username, "password": password}
    if "next" in extra:
        fields["next"] = extra.pop("next")
    headers = {"REMOTE_ADDR": HERE, "HTTP_USER_AGENT": AGENT, **extra}
    return client.post(LOGIN, fields, **headers)


def get(client: Client, path: str = EDITOR_PAGE):
    return client.get(path, REMOTE_ADDR=HERE, HTTP_USER_AGENT=AGENT)


def is_signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def clock():
    """The site's clock, stopped on a Monday morning (UTC); `clock.shift(seconds)` moves it."""
    with time_machine.travel(MONDAY_9AM, tick=False) as traveller:
        yield traveller


# Sessions


def test_signing_in_gives_a_new_session_key_and_drops_the_old_one(client, editor):
    anonymous = client.session
    anonymous["seen"] = True  # a session from before signing in, as a visitor has one
    anonymous.save()
    old_key = anonymous.session_key
    sign_in(client)
    assert client.session.session_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert is_signed_in(get(client))


def test_signing_out_kills_the_session_on_the_server(client, editor):
    sign_in(client)
    stolen = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("logout"), REMOTE_ADDR=HERE)
    assert not Session.objects.filter(session_key=stolen).exists()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = stolen
    response = get(thief)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_idle_session_ends_after_an_hour(client, editor, clock):
    sign_in(client)
    clock.shift(3599)
    assert get(client).status_code == 200  # active again: the hour starts afresh
    clock.shift(3601)
    response = get(client)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed out after 60 minutes without activity" in page
    expired = SecurityEvent.objects.get(kind=Kind.SESSION_EXPIRED)
    assert (expired.user, expired.detail) == (editor, {"reason": "idle"})
    assert expired.created_at == MONDAY_9AM + datetime.timedelta(seconds=3599 + 3601)


def test_signing_out_of_an_expired_session_is_not_a_sign_out(client, editor, clock):
    sign_in(client)
    clock.shift(3601)
    client.post(reverse("logout"), REMOTE_ADDR=HERE)
    assert kinds() == [Kind.SIGN_IN, Kind.SESSION_EXPIRED]


def test_a_session_ends_twelve_hours_after_signing_in_however_active(client, editor, clock):
    sign_in(client)
    for _ in range(14):  # a page every 50 minutes: never idle
        clock.shift(50 * 60)
        assert get(client).status_code == 200
    clock.shift(20 * 60 + 1)  # 12 hours and a second after signing in
    response = get(client)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed out: a session lasts 12 hours at most" in page
    assert SecurityEvent.objects.get(kind=Kind.SESSION_EXPIRED).detail == {"reason": "absolute"}


def test_session_lifetimes_follow_the_settings(client, editor, clock, settings):
    settings.SESSION_IDLE_SECONDS = 300
    sign_in(client)
    clock.shift(301)
    assert get(client).status_code == 302


def test_a_deactivated_user_is_out_at_the_next_request(client, editor):
    client.force_login(editor)
    assert get(client).status_code == 200
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    response = get(client)
    assert response.status_code == 302
    assert not is_signed_in(response)


def test_pages_for_a_signed_in_user_are_never_cached(client, editor):
    anonymous = client.get("/appendix/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(editor)
    for path in ["/appendix/", EDITOR_PAGE]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/",
        "/\\elsewhere.example/",
        "\\\\elsewhere.example/",
        "///elsewhere.example/",
        "https:elsewhere.example",
        "javascript:alert(1)",
    ],
)
def test_signing_in_never_sends_the_user_to_another_site(client, editor, elsewhere):
    response = sign_in(client, next=elsewhere)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(response)


def test_signing_in_returns_to_the_page_asked_for_on_this_site(client, editor):
    assert sign_in(client, next="/appendix/?page=2")["Location"] == "/appendix/?page=2"


# Passwords


def change_password(client: Client, new: str):
    fields = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    return client.post(reverse("password_change"), fields, REMOTE_ADDR=HERE)


@pytest.mark.parametrize(
    ("new", "refusal"),
    [
        ("Zq8#wLp2!xR", "at least 12 characters"),  # 11 characters
        ("qwerty123456", "This password is too common"),
        ("maria.fernandez", "too similar to the email address"),
    ],
)
def test_a_weak_new_password_is_refused(client, editor, new, refusal):
    editor.email = "maria.fernandez@ilo.org"
    editor.save(update_fields=["email"])
    client.force_login(editor)
    response = change_password(client, new)
    assert response.status_code == 200
    assert refusal in response.content.decode()
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)


@pytest.mark.parametrize(
    "new",
    [
        "Zq8#wLp2!xRm",  # 12 characters
        "739182465038",  # digits only: no composition rules (ASVS 2.1.9)
        "plain lowercase words",
    ],
)
def test_a_long_uncommon_password_is_accepted_whatever_its_characters(client, editor, new):
    client.force_login(editor)
    assert change_password(client, new)["Location"] == reverse("password_change_done")
    editor.refresh_from_db()
    assert editor.check_password(new)
    changed = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert (changed.user, changed.ip_address) == (editor, HERE)
    assert new not in json.dumps(changed.detail)


def test_an_administrator_changing_a_password_is_named_in_the_log(admin_client, editor):
    url = reverse("admin:auth_user_password_change", args=[editor.pk])
    new = "a new one for the editor"
    admin_client.post(url, {"password1": new, "password2": new})
    changed = SecurityEvent.objects.get(kind=Kind.PASSWORD_CHANGED)
    assert (changed.user, changed.detail) == (editor, {"by": "admin"})


def test_e_mail_is_printed_unless_an_smtp_server_is_configured():
    shown = "print(settings.EMAIL_BACKEND, settings.DEFAULT_FROM_EMAIL)"
    assert django_settings(shown) == (
        "django.core.mail.backends.console.EmailBackend webmaster@localhost"
    )
    smtp = django_settings(
        shown + "; print(settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS)",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="25",
        DJANGO_EMAIL_USE_TLS="false",
        DJANGO_DEFAULT_FROM_EMAIL="reform-tracker@example.org",
    )
    assert smtp == (
        "django.core.mail.backends.smtp.EmailBackend reform-tracker@example.org\n"
        "smtp.example.org 25 False"
    )


def test_session_lifetimes_come_from_the_environment():
    shown = "print(settings.SESSION_IDLE_SECONDS, settings.SESSION_MAX_SECONDS)"
    assert django_settings(shown) == "3600 43200"
    assert django_settings(shown, DJANGO_SESSION_IDLE_SECONDS="600") == "600 43200"
    # The former name of the absolute lifetime still counts.
    assert django_settings(shown, DJANGO_SESSION_COOKIE_AGE="7200") == "3600 7200"
    assert django_settings(shown, DJANGO_SESSION_MAX_SECONDS="3600") == "3600 3600"


def test_a_session_lifetime_of_zero_is_refused():
    result = run_django("settings.DEBUG", DJANGO_SESSION_IDLE_SECONDS="0")
    assert result.returncode != 0
    assert "DJANGO_SESSION_IDLE_SECONDS and DJANGO_SESSION_MAX_SECONDS must be" in result.stderr


def django_settings(code: str, **env: str) -> str:
    result = run_django(code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [
            *(sys.executable, "manage.py", "shell", "--verbosity", "0"),
            *("-c", f"from django.conf import settings; {code}"),
        ],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


# Brute force


def lock_out(client: Client) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, WRONG)
    assert sign_in(client).status_code == 429


def test_a_lock_out_lifts_an_hour_after_the_last_attempt(client, editor, clock):
    lock_out(client)
    clock.shift(59 * 60)
    assert sign_in(client).status_code == 429  # an attempt while locked restarts the hour
    clock.shift(61 * 60)
    response = sign_in(client)
    assert response.status_code == 302
    assert is_signed_in(response)


def test_a_lock_out_is_a_security_event(client, editor):
    lock_out(client)
    locked = SecurityEvent.objects.filter(kind=Kind.LOCKED_OUT).first()
    assert (locked.username, locked.ip_address, locked.user_agent) == ("editor", HERE, AGENT)


# The security log


def test_each_sign_in_event_is_stored_with_who_where_and_when_in_utc(
    client, editor, outsider, clock
):
    sign_in(client, WRONG)
    sign_in(client)
    client.post(reverse("logout"), REMOTE_ADDR=HERE, HTTP_USER_AGENT=AGENT)
    client.force_login(outsider)
    get(client)  # an outsider on an editors' page: 403
    lock_out(Client())
    assert kinds() == [
        Kind.SIGN_IN_FAILED,
        Kind.SIGN_IN,
        Kind.SIGN_OUT,
        Kind.SIGN_IN,  # force_login
        Kind.PERMISSION_REFUSED,
        *[Kind.SIGN_IN_FAILED] * (settings.AXES_FAILURE_LIMIT - 1),
        # django-axes hears of the last failure first, and locks.
        Kind.LOCKED_OUT,
        Kind.SIGN_IN_FAILED,
        # The right password, refused while locked.
        Kind.LOCKED_OUT,
        Kind.SIGN_IN_FAILED,
    ]
    events = SecurityEvent.objects.exclude(username="outsider")
    assert {(event.username, event.ip_address, event.user_agent) for event in events} == {
        ("editor", HERE, AGENT)
    }
    assert all(event.created_at == MONDAY_9AM for event in SecurityEvent.objects.all())
    assert {event.user for event in events.filter(kind=Kind.SIGN_IN_FAILED)} == {None}
    assert {event.user for event in events.filter(kind=Kind.SIGN_OUT)} == {editor}
    stored = json.dumps(list(SecurityEvent.objects.values()), default=str)
    assert PASSWORD not in stored and WRONG not in stored


def test_a_refusal_in_a_view_is_logged_with_its_path_and_method(client, outsider):
    client.force_login(outsider)
    assert client.post(EDITOR_PAGE, {}, REMOTE_ADDR=HERE).status_code == 403
    refused = SecurityEvent.objects.get(kind=Kind.PERMISSION_REFUSED)
    assert (refused.user, refused.ip_address) == (outsider, HERE)
    assert refused.detail == {"method": "POST", "path": EDITOR_PAGE}


def test_a_refusal_in_django_admin_is_logged(client, editor):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    url = reverse("admin:auth_user_changelist")
    assert client.get(url).status_code == 403
    assert SecurityEvent.objects.get(kind=Kind.PERMISSION_REFUSED).detail["path"] == url


def test_a_csrf_failure_is_logged(editor):
    browser = Client(enforce_csrf_checks=True)
    assert sign_in(browser).status_code == 403
    refused = SecurityEvent.objects.get(kind=Kind.PERMISSION_REFUSED)
    assert (refused.user, refused.username, refused.ip_address) == (None, "", HERE)
    assert refused.detail == {"method": "POST", "path": LOGIN}


def test_the_log_line_is_kept_with_its_wording(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    security_event(None, "mfa-enrolled", user=editor, method="totp")
    assert caplog.messages[-1] == "mfa-enrolled: user='editor' ip=unknown method='totp'"
    stored = SecurityEvent.objects.get()
    assert (stored.kind, stored.ip_address, stored.detail) == (
        "mfa-enrolled",
        None,
        {"method": "totp"},
    )


def test_a_long_name_or_agent_is_cut(client):
    long_agent = "agent " * 100
    # django-allauth's form refuses a name over 150 characters before trying it.
    sign_in(client, WRONG, username="x" * 150, HTTP_USER_AGENT=long_agent)
    failed = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    assert failed.user_agent == long_agent[:300]
    security_event(None, Kind.SIGN_IN_FAILED, username="x" * 5000)
    assert SecurityEvent.objects.latest("pk").username == "x" * 200


def test_nul_characters_are_left_out_of_the_stored_event(rf):
    # PostgreSQL stores no NUL in text or JSON: the event must still be stored.
    request = rf.get("/", HTTP_USER_AGENT="agent\x00", REMOTE_ADDR=HERE)
    security_event(request, Kind.SIGN_IN_FAILED, username="ed\x00itor", path="/\x00")
    failed = SecurityEvent.objects.get()
    assert (failed.username, failed.user_agent, failed.detail) == ("editor", "agent", {"path": "/"})


def fail_security_event_inserts(execute, sql, params, many, context):
    """The database refuses to store a security event (a real error, from the database)."""
    if sql.startswith('INSERT INTO "accounts_securityevent"'):
        sql = sql.replace("accounts_securityevent", "accounts_no_such_table", 1)
    return execute(sql, params, many, context)


def test_a_security_event_that_cannot_be_stored_breaks_nothing(client, editor, caplog):
    caplog.set_level(logging.INFO, logger="reform_tracker.security")
    with connection.execute_wrapper(fail_security_event_inserts):
        with transaction.atomic():
            security_event(None, Kind.SIGN_IN_FAILED, username="editor")
            # The transaction goes on: PostgreSQL would refuse every query in a failed one.
            assert User.objects.filter(username="editor").exists()
        response = sign_in(client, WRONG)
    assert response.status_code == 200
    assert "password you specified are not correct" in response.content.decode()
    assert not SecurityEvent.objects.exists()
    assert caplog.messages.count("sign-in failed: username='editor' ip=unknown") == 1
    assert f"sign-in failed: username='editor' ip={HERE}" in caplog.messages
    assert "security event not stored: sign-in-failed" in caplog.messages


# Reading the log in Django admin


def test_a_superuser_reads_the_security_log_in_django_admin(client, superuser, editor, clock):
    sign_in(client, WRONG)
    client.force_login(superuser)
    changelist = reverse("admin:accounts_securityevent_changelist")
    response = client.get(changelist, {"kind__exact": "sign-in-failed", "q": HERE})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(changelist, {"q": "nobody"}).context["cl"].result_count == 0
    event = SecurityEvent.objects.get(kind=Kind.SIGN_IN_FAILED)
    page = client.get(reverse("admin:accounts_securityevent_change", args=[event.pk]))
    assert page.status_code == 200
    assert "2026-01-05 09:00:00" in page.content.decode()  # UTC, whatever TIME_ZONE says


def test_the_security_log_list_costs_the_same_queries_for_many_events(
    admin_client, django_user_model, django_assert_max_num_queries
):
    users = [django_user_model.objects.create_user(f"user{n}") for n in range(5)]
    SecurityEvent.objects.bulk_create(
        SecurityEvent(kind=Kind.SIGN_IN, user=user, username=user.username, ip_address=HERE)
        for user in users * 20
    )
    changelist = reverse("admin:accounts_securityevent_changelist")
    admin_client.get(changelist)  # the first request after signing in stores the user
    # Session, user (one cache read, accounts/usercache.py); the count; the page of events with
    # their users (one join); the date hierarchy's first and last dates, then its days. The
    # kind filter needs none (choices).
    with django_assert_max_num_queries(6):
        response = admin_client.get(changelist)
    assert response.context["cl"].result_count == SecurityEvent.objects.count() > 100


def test_nobody_adds_changes_or_deletes_a_security_event(client, superuser, editor):
    sign_in(client, WRONG)
    event = SecurityEvent.objects.get()
    client.force_login(superuser)
    change = reverse("admin:accounts_securityevent_change", args=[event.pk])
    assert client.post(change, {"kind": "sign-in", "username": "someone"}).status_code == 403
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    delete = reverse("admin:accounts_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accounts_securityevent_changelist")
    bulk_delete = {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    client.post(changelist, bulk_delete)
    event.refresh_from_db()
    assert (event.kind, event.username) == (Kind.SIGN_IN_FAILED, "editor")


def test_only_superusers_read_the_security_log(client, editor):
    changelist = reverse("admin:accounts_securityevent_changelist")
    client.force_login(editor)
    assert client.get(changelist).status_code == 302  # not staff: to admin's sign-in
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    editor.user_permissions.add(*Permission.objects.filter(codename__endswith="securityevent"))
    assert client.get(changelist).status_code == 403
    assert "Security events" not in client.get(reverse("admin:index")).content.decode()
