"""Every type of page the site shows, for the checks that go through all of them: valid HTML
(tests/test_valid_html.py) and a clean browser console (tests/browser/test_console.py)."""

from actions.reporting import StatusReport
from countries.models import Engagement

PASSWORD = "correct horse battery"  # tests/conftest.py's make_user

# Argentina has engagements with dates and without; item 6 has a status for GB.341 once
# `open_draft` has run, so its page shows the history of changes.
PUBLIC = {
    "dashboard": "/",
    "appendix": "/appendix/",
    "action item": "/actions/6/",
    "countries": "/countries/",
    "country": "/countries/ar/",
    "matrix": "/countries/matrix/",
    "sessions": "/sessions/",
    "session": "/sessions/GB.340/",
    "changes": "/sessions/GB.340/changes/?since=GB.335",
    "404": "/no-such-page/",
}
ANONYMOUS = {**PUBLIC, "sign-in": "/accounts/login/"}


def editor_pages() -> dict[str, str]:
    """The public pages (signed in, with GB.341 open as a draft) and the pages only editors see."""
    engagement = Engagement.objects.filter(country__code="AR").order_by("pk").first()
    return {
        **PUBLIC,
        "draft session": "/sessions/GB.341/",
        "status form": "/actions/6/status/",
        "progress update form": "/actions/6/updates/add/",
        "engagement form": "/countries/ar/engagements/add/",
        "engagement edit form": f"/countries/engagements/{engagement.pk}/edit/",
        "new session": "/sessions/new/",
        "publish": "/sessions/GB.341/publish/",
        "preferences": "/accounts/preferences/",
        "password confirmation": "/accounts/reauthenticate/",
        "2FA setup": "/accounts/2fa/totp/activate/",
    }


def expected_status(name: str) -> int:
    return 404 if name == "404" else 200


def open_gb341(client, held_in: str = "2021-03-01") -> None:
    """An editor opens GB.341 for reporting through `/sessions/new/`, as staff do: the
    statuses last published are carried over into it as a draft."""
    response = client.post(
        "/sessions/new/",
        {
            "code": "GB.341",
            "held_in": held_in,
            "period": "March 2021",
            "document_symbol": "GB.341/INS/8",
            "document_title": "Update on the United Nations reform",
        },
    )
    assert response.status_code == 302, response.content.decode()


def prepare_editor(editor_client) -> None:
    """Open GB.341 for reporting and change item 6's status in it, as an editor does, so that
    the editing controls and the history of changes are on the pages; confirm the password, as
    setting up two-factor asks."""
    response = editor_client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    open_gb341(editor_client, held_in="2021-03-15")
    report = StatusReport.objects.get(action_item__number=6, session__code="GB.341")
    response = editor_client.post(
        "/actions/6/status/",
        {"status": "ongoing", "wording": "Ongoing", "reason": "Pilots", "version": report.version},
    )
    assert response.status_code == 302, response.content.decode()
