"""The editor's journey (issue 16): finding the sessions, the publish check, seeing what moved,
the forms, a save without JavaScript."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

SESSIONS_LINK = '<a href="/sessions/"'


# --- Sessions in reach ---------------------------------------------------------------------------


def test_editors_find_the_sessions_in_the_navigation(editor_client, viewer):
    assert SESSIONS_LINK in editor_client.get("/").content.decode()
    page = editor_client.get("/sessions/").content.decode()
    assert '<a href="/sessions/" aria-current="page">Sessions</a>' in page
    assert SESSIONS_LINK not in Client().get("/").content.decode()
    reader = Client()
    reader.force_login(viewer)
    assert SESSIONS_LINK not in reader.get("/").content.decode()


def test_before_a_session_is_open_the_appendix_and_item_say_how_to_open_one(editor_client):
    for path in ("/appendix/", "/actions/3/"):
        page = editor_client.get(path).content.decode()
        assert "No session is open for reporting" in page
        assert '<a href="/sessions/new/">Open the next reporting session</a>' in page
    assert "No session is open" not in Client().get("/appendix/").content.decode()


def test_with_a_session_open_the_appendix_and_item_say_for_which_one(editor_client, gb341):
    for path in ("/appendix/", "/actions/3/"):
        page = editor_client.get(path).content.decode()
        assert "Statuses you change are recorded for GB.341" in page
        assert '<a href="/sessions/GB.341/publish/">Check and publish GB.341</a>' in page
    item = editor_client.get("/actions/3/").content.decode()
    assert '<a href="/actions/3/status/">Edit status</a>' in item
    public = Client().get("/actions/3/").content.decode()
    assert "Edit status" not in public and "GB.341" not in public


# --- The publish check ---------------------------------------------------------------------------
# Kinds, counts and links: tests/test_sessions.py (the quality gate).


# --- Seeing what moved ---------------------------------------------------------------------------

NEW_SESSION = {
    "code": "GB.341",
    "held_in": "2021-03",
    "period": "March 2021",
    "document_symbol": "GB.341/INS/8",
    "document_title": "Update on the United Nations reform",
}


def open_gb341(client) -> None:
    response = client.post("/sessions/new/", NEW_SESSION)
    assert response.status_code == 302, response.content.decode()


def set_status(client, number: int, status: str, wording: str) -> None:
    from actions.reporting import StatusReport

    version = StatusReport.objects.get(action_item__number=number, session__code="GB.341").version
    response = client.post(
        f"/actions/{number}/status/",
        {"status": status, "wording": wording, "reason": "Moved", "version": version},
    )
    assert response.status_code == 302, response.content.decode()


def row(page: str, number: int) -> str:
    start = page.index(f'id="item-{number}"')
    return page[start : page.index("</tr>", start)]


def test_the_appendix_marks_only_the_rows_the_draft_changes(editor_client):
    open_gb341(editor_client)
    set_status(editor_client, 6, "completed", "Completed")
    page = editor_client.get("/appendix/").content.decode()
    assert page.count("Draft for GB.341:") == 1
    assert "Draft for GB.341: Completed" in row(page, 6)
    assert "Draft for GB.341" not in row(page, 7)


def test_after_publishing_the_footer_dashboard_and_changes_show_what_moved(editor_client):
    public = Client()
    assert "Source: ILO Governing Body document GB.340/INS/6" in public.get("/").content.decode()
    open_gb341(editor_client)
    set_status(editor_client, 6, "completed", "Completed")
    set_status(editor_client, 7, "ongoing", "Ongoing")
    assert editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"}).status_code == 302

    page = public.get("/").content.decode()
    assert "Source: ILO Governing Body document GB.341/INS/8 (March 2021)." in page
    latest = page[page.index('id="latest"') : page.index('id="key-figures"')]
    assert 'GB.341: <a href="/actions/6/">item 6</a>, Completed (was: Starting 2020)' in latest
    assert 'GB.341: <a href="/actions/7/">item 7</a>, Ongoing (was: Starting 2020)' in latest
    # Carried over unchanged: not a change.
    assert 'GB.341: <a href="/actions/1/">' not in latest

    changes = public.get("/sessions/GB.341/changes/?since=GB.340").content.decode()
    assert ">Starting → Completed</td>" in changes
    assert "; completed" not in changes


def test_the_history_names_the_document_and_an_empty_progress_list_is_a_sentence(client):
    page = client.get("/actions/3/").content.decode()
    assert "From GB.340/INS/6" in page and "Loaded from" not in page
    assert "<p>No progress updates yet.</p>" in page
    assert '<ol class="updates">' not in page


# --- Forms ---------------------------------------------------------------------------------------


def test_the_session_form_asks_for_a_month_and_lays_out_one_field_a_line(editor_client):
    page = editor_client.get("/sessions/new/").content.decode()
    assert 'type="month" name="held_in"' in page
    assert 'type="date" name="statuses_due"' in page  # the reporting round's deadline
    assert page.count('<div class="field">') == 6
    open_gb341(editor_client)
    from actions.reporting import GoverningBodySession

    assert GoverningBodySession.objects.get(code="GB.341").held_in.isoformat() == "2021-03-01"


def test_a_progress_update_is_dated_as_its_session_and_takes_a_link_without_https(
    editor_client, gb341
):
    page = editor_client.get("/actions/3/updates/add/").content.decode()
    assert 'name="date" value="2021-03-01"' in page
    assert 'type="url"' not in page and 'inputmode="url"' in page
    response = editor_client.post(
        "/actions/3/updates/add/",
        {
            "date": "2021-03-01",
            "narrative": "Training for resident coordinators given.",
            "evidence_url": "itcilo.org/en/courses",
            "session": gb341.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    from actions.reporting import ProgressUpdate

    assert ProgressUpdate.objects.get().evidence_url == "https://itcilo.org/en/courses"


# --- A save without JavaScript -------------------------------------------------------------------


def test_without_javascript_the_saved_row_says_so(editor_client):
    open_gb341(editor_client)
    set_status(editor_client, 6, "completed", "Completed")
    page = editor_client.get("/appendix/?saved=6").content.decode()
    assert '<span class="status-saved">Saved</span>' in row(page, 6)
    assert "status-saved" not in row(page, 7)


# --- Sign-in and allauth's pages -----------------------------------------------------------------

PASSWORD = "correct horse battery"
ENROL = "/accounts/2fa/totp/activate/"


def test_forgot_your_password_comes_after_the_password_box(client):
    page = client.get("/accounts/login/").content.decode()
    box = page.index('name="password"')
    assert page.index('for="id_password"') < box < page.index("Forgot your password?")
    assert 'aria-describedby="id_password_helptext"' in page


def test_just_after_sign_in_enrolment_does_not_ask_for_the_password_again(
    client, editor, settings, monkeypatch
):
    settings.REQUIRE_2FA = True
    response = client.post("/accounts/login/", {"login": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").url == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200 and "Set up an authenticator app" in page.content.decode()

    # Later than allauth's reauthentication timeout, it asks again, as before.
    import time

    later = time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(ENROL)["Location"].startswith("/accounts/reauthenticate/")


def test_the_recovery_codes_page_is_in_the_sites_layout_with_a_way_on(client, editor):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.test_mfa import SECRET, totp

    TOTP.activate(editor, SECRET)
    RecoveryCodes.activate(editor)
    client.post("/accounts/login/", {"login": "editor", "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)}).status_code == 302
    page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert 'class="site-header"' in page and "<h1>Recovery codes</h1>" in page
    assert '<div class="button-group">' in page
    assert '<a class="button" href="/accounts/2fa/recovery-codes/download/">' in page
    assert '<a href="/accounts/2fa/">Two-factor</a>' in page


def test_allauths_pages_are_in_the_sites_layout(client, editor):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.test_mfa import SECRET, totp

    for path in ("/accounts/password/reset/", "/accounts/login/"):
        page = client.get(path).content.decode()
        assert 'class="site-header"' in page and "<h1>" in page, path
    TOTP.activate(editor, SECRET)
    RecoveryCodes.activate(editor)
    client.post("/accounts/login/", {"login": "editor", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp(SECRET)})
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/reauthenticate/",
    ):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert 'class="site-header"' in page and 'class="button-group"' in page, path
