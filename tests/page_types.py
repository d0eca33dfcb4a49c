"""Every type of page the site shows, for the checks that go through all of them: valid HTML
(tests/test_valid_html.py) and a clean browser console (tests/browser/test_console.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from actions.models import Unit
from actions.reporting import StatusReport
from actions.round import StatusProposal
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
    "API documentation": "/api/v1/docs/",
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
        "import": "/sessions/GB.341/import/",
        "preferences": "/accounts/preferences/",
        "round": "/sessions/GB.341/round/",
        "units": "/units/",
        "unit form": f"/units/{Unit.objects.get(code='ACTRAV').pk}/",
        "new unit": "/units/new/",
        "review": f"/proposals/{StatusProposal.objects.get(action_item__number=1).pk}/review/",
        "password confirmation": "/accounts/reauthenticate/",
        "2FA setup": "/accounts/2fa/totp/activate/",
        "API tokens": "/api-tokens/",
    }


# What a focal point sees beside the public pages (signed in, GB.341 open, `prepare_editor`).
FOCAL_POINT = {"my items": "/my-items/", "proposal form": "/actions/1/propose/"}
FOCAL_POINT_NAME = "fp-actrav"  # `prepare_editor` names them ACTRAV's focal point


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
    setting up two-factor asks. Then the round: the editor names `FOCAL_POINT_NAME` ACTRAV's
    focal point (ACTRAV is responsible for item 1), who proposes item 1's status."""
    response = editor_client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    open_gb341(editor_client, held_in="2021-03-15")
    report = StatusReport.objects.get(action_item__number=6, session__code="GB.341")
    response = editor_client.post(
        "/actions/6/status/",
        {"status": "ongoing", "wording": "Ongoing", "reason": "Pilots", "version": report.version},
    )
    assert response.status_code == 302, response.content.decode()
    name_focal_point(editor_client, FOCAL_POINT_NAME, "ACTRAV")
    focal_point = Client()
    focal_point.force_login(get_user_model().objects.get(username=FOCAL_POINT_NAME))
    response = focal_point.post(
        "/actions/1/propose/",
        {
            "unit": Unit.objects.get(code="ACTRAV").pk,
            "status": "ongoing",
            "wording": "Ongoing with workers' organizations",
            "note": "",
            "session": "GB.341",
            "version": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()


def name_focal_point(editor_client, username: str, unit_code: str) -> None:
    """An account in the group Focal points (made if need be), named a focal point of the unit
    by an editor through the unit's form (its items kept)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    if not user.has_usable_password():
        user.set_password(PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name="Focal points"))
    unit = Unit.objects.get(code=unit_code)
    response = editor_client.post(
        f"/units/{unit.pk}/",
        {
            "code": unit.code,
            "name": unit.name,
            "focal_points": [*unit.focal_points.values_list("pk", flat=True), user.pk],
            "items": list(unit.action_items.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 302, response.content.decode()
