"""ILO staff edit statuses, progress and engagements; each change is in the history, none lost."""

import re
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import ActionItem, Unit
from actions.reporting import (
    GoverningBodySession,
    ProgressUpdate,
    SessionError,
    StaleEdit,
    Status,
    StatusReport,
)
from actions.round import StatusProposal
from countries.models import Engagement

User = get_user_model()

# Statuses are written for the open draft session, GB.341.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gb341")]

STATUS_URL = "/actions/6/status/"


def report_6(session: str = "GB.341") -> StatusReport | None:
    return StatusReport.objects.filter(action_item__number=6, session__code=session).first()


def status_change(**overrides) -> dict:
    draft = report_6()
    data = {
        "status": Status.COMPLETED,
        "wording": "Completed",
        "reason": "Induction modules delivered with the Turin Centre",
        "note": "",
        "version": draft.version if draft else 0,
    }
    return {**data, **overrides}


# --- Permissions -------------------------------------------------------------------------------

EDIT_VIEWS = [
    ("get", STATUS_URL),
    ("post", STATUS_URL),
    ("get", "/actions/6/updates/add/"),
    ("post", "/actions/6/updates/add/"),
    ("get", "/countries/ug/engagements/add/"),
    ("post", "/countries/ug/engagements/add/"),
    ("get", "engagement-edit"),
    ("post", "engagement-edit"),
    # Coordinators' pages: sessions, the reporting round, units and their focal points.
    ("get", "/sessions/new/"),
    ("post", "/sessions/new/"),
    ("get", "/sessions/GB.341/publish/"),
    ("post", "/sessions/GB.341/publish/"),
    ("get", "/sessions/GB.341/round/"),
    ("get", "/units/"),
    ("get", "/units/new/"),
    ("post", "/units/new/"),
    ("get", "unit-edit"),
    ("post", "unit-edit"),
    ("get", "review"),
    ("post", "review"),
]
READ_VIEWS = ["/appendix/", "/actions/6/", "/countries/", "/countries/ug/", "/sessions/GB.340/"]
# Focal points: of the Turin Centre (item 6's unit), of another unit, of none.
FOCAL_POINTS = ["focal_point", "other_focal_point", "unassigned_focal_point"]


def resolve(path: str) -> str:
    if path == "engagement-edit":
        return reverse("countries:edit-engagement", args=[Engagement.objects.first().pk])
    if path == "unit-edit":
        return reverse("actions:edit-unit", args=[Unit.objects.get(code="Turin Centre").pk])
    if path == "review":
        # Item 1's proposal by one of ACTRAV's focal points, awaiting review.
        user = User.objects.create_user("fp-proposer")
        actrav = Unit.objects.get(code="ACTRAV")
        actrav.focal_points.add(user)
        proposal = StatusProposal.propose(
            ActionItem.objects.get(number=1),
            GoverningBodySession.objects.get(code="GB.341"),
            actrav,
            status="ongoing",
            wording="Ongoing",
            note="",
            by=user,
            seen_version=0,
        )
        return reverse("actions:review-proposal", args=[proposal.pk])
    return path


@pytest.mark.parametrize(("method", "path"), EDIT_VIEWS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("viewer", 403),
        *[(focal_point, 403) for focal_point in FOCAL_POINTS],
        ("editor", 200),
        ("superuser", 200),
    ],
)
def test_permission_matrix_for_editing(client, request, method, path, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = resolve(path)
    response = getattr(client, method)(url, {})
    if expected == 302:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == 403:
        assert response.status_code == 403
    else:
        # An empty POST is bad input: the form again with its messages, and nothing saved.
        assert response.status_code == (200 if method == "get" else 422)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("viewer", 403),
        # Coordinators write statuses directly; proposing is for the unit's focal points.
        ("editor", 403),
        ("superuser", 403),
        ("focal_point", 200),
        ("other_focal_point", 403),
        ("unassigned_focal_point", 403),
    ],
)
def test_permission_matrix_for_proposing(client, request, method, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)("/actions/6/propose/", {})
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/?next=")
    elif expected == 403:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if method == "get" else 422)
    assert not StatusProposal.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("viewer", 403),
        ("editor", 403),
        *[(focal_point, 200) for focal_point in FOCAL_POINTS],
    ],
)
def test_my_items_is_for_focal_points(client, request, who, expected):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/my-items/").status_code == expected


@pytest.mark.parametrize("path", READ_VIEWS)
@pytest.mark.parametrize(
    "who", ["anonymous", "outsider", "viewer", *FOCAL_POINTS, "editor", "superuser"]
)
def test_everyone_reads_the_public_pages(client, request, path, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "viewer", *FOCAL_POINTS])
def test_only_editors_see_the_draft_session(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/sessions/GB.341/").status_code == 404


def test_only_editors_see_edit_controls(client, editor, viewer):
    client.force_login(viewer)
    assert STATUS_URL not in client.get("/appendix/").content.decode()
    client.force_login(editor)
    assert STATUS_URL in client.get("/appendix/").content.decode()


# --- Changing a status -------------------------------------------------------------------------


def test_an_editors_change_is_a_draft_until_published_and_is_in_the_history(editor_client):
    client = Client()  # a member of the public
    response = editor_client.post(STATUS_URL, status_change())
    assert response.status_code == 302
    assert response["Location"] == "/appendix/?saved=6#item-6"

    report = report_6()
    assert (report.status, report.wording, report.version) == ("completed", "Completed", 1)
    assert report.updated_by.username == "editor"
    assert report_6("GB.340").wording == "Starting 2020"  # the published record is untouched

    assert "Draft for GB.341: Completed" in editor_client.get("/appendix/").content.decode()
    public = client.get("/appendix/?_export=csv").content.decode()
    assert "International Training Centre of the ILO,By end 2019,Starting 2020" in public
    assert "Draft for GB.341" not in client.get("/appendix/").content.decode()

    page = editor_client.get("/actions/6/").content.decode()
    assert "Induction modules delivered with the Turin Centre" in page
    assert "Status for GB.341 created" in page
    assert "<ins>Completed</ins>" in page
    assert '<td data-label="Who">editor</td>' in page


def test_in_place_edit_returns_the_form_and_then_the_updated_cell(editor_client):
    htmx = {"HTTP_HX_REQUEST": "true"}
    form = editor_client.get(STATUS_URL, **htmx).content.decode()
    assert "<html" not in form
    assert 'hx-post="/actions/6/status/"' in form
    assert "autofocus" in form

    cell = editor_client.post(STATUS_URL, status_change(), **htmx)
    assert cell.status_code == 200
    html = cell.content.decode()
    assert "<html" not in html
    assert 'id="status-6"' in html and "Completed" in html and "Saved" in html
    # Focus goes back to the row's edit control, so a keyboard user is not lost.
    assert "autofocus" in html


def test_cancelling_an_in_place_edit_puts_the_cell_back(editor_client):
    editor_client.post(STATUS_URL, status_change(wording="Starting 2021", status="starting"))
    cell = editor_client.get("/actions/6/status/cell/", HTTP_HX_REQUEST="true")
    assert "Draft for GB.341: Starting 2021" in cell.content.decode()
    assert 'id="status-6"' in cell.content.decode()
    assert "Starting 2020" in cell.content.decode()
    assert editor_client.get("/actions/6/status/cell/").status_code == 302
    # Drafts are for editors: the public gets the published status only.
    public = Client().get("/actions/6/status/cell/", HTTP_HX_REQUEST="true").content.decode()
    assert "Starting 2020" in public and "Draft" not in public


def test_a_progress_note_with_the_status_becomes_a_progress_update(editor_client):
    editor_client.post(STATUS_URL, status_change(note="Modules piloted in two regions."))
    update = ProgressUpdate.objects.get()
    assert update.action_item.number == 6
    assert update.session.code == "GB.341"
    assert update.narrative == "Modules piloted in two regions."


def test_changing_only_the_wording_needs_no_reason(editor_client):
    # The draft starts from the last published status, "Starting".
    response = editor_client.post(
        STATUS_URL, status_change(status=Status.STARTING, wording="Starting 2021", reason="")
    )
    assert response.status_code == 302
    assert report_6().wording == "Starting 2021"


def test_a_new_status_left_with_the_old_wording_takes_its_own_name(editor_client):
    editor_client.post(STATUS_URL, status_change(status=Status.ONGOING, wording="Starting 2020"))
    assert report_6().wording == "Ongoing"


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"reason": ""}, "reason", "Say briefly why the status changes."),
        ({"reason": "   "}, "reason", "Say briefly why the status changes."),
        ({"status": "finished"}, "status", "Select a valid choice."),
        ({"note": "x" * 2001}, "note", "at most 2000 characters"),
        ({"wording": "x" * 501}, "wording", "at most 500 characters"),
        ({"version": "abc"}, "version", "This form is out of date or damaged"),
    ],
)
def test_bad_status_input_is_refused_beside_its_field(editor_client, overrides, field, message):
    before = StatusReport.history.count(), StatusReport.objects.count()
    response = editor_client.post(STATUS_URL, status_change(**overrides))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert f'id="status-6-{field}_error"' in html or field == "version"
    assert (StatusReport.history.count(), StatusReport.objects.count()) == before
    assert not ProgressUpdate.objects.exists()


def test_html_in_a_text_field_is_shown_escaped(editor_client):
    editor_client.post(STATUS_URL, status_change(wording="<script>alert(1)</script>"))
    page = editor_client.get("/appendix/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_progress_update_with_a_bad_date_is_refused(editor_client):
    response = editor_client.post(
        "/actions/6/updates/add/",
        {"date": "2020-13-45", "narrative": "Done", "session": report_6("GB.340").session_id},
    )
    assert response.status_code == 422
    assert "Enter a valid date." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_an_editor_adds_a_dated_progress_update_with_evidence(editor_client):
    response = editor_client.post(
        "/actions/6/updates/add/",
        {
            "date": "2020-11-02",
            "narrative": "First module online.",
            "evidence_url": "https://www.ilo.org/",
            "session": GoverningBodySession.objects.get(code="GB.341").pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/actions/6/"
    page = editor_client.get("/actions/6/").content.decode()
    assert "First module online." in page and "2 November 2020" in page
    assert 'href="https://www.ilo.org/"' in page


@pytest.mark.parametrize("code", ["GB.340", "GB.338", "GB.335"])
def test_a_progress_update_for_a_published_or_cancelled_session_is_refused(editor_client, code):
    form = editor_client.get("/actions/7/updates/add/").content.decode()
    assert re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', form) == ["GB.341, March 2021"]
    response = editor_client.post(
        "/actions/7/updates/add/",
        {
            "date": "2020-11-02",
            "narrative": "Added after publication.",
            "session": GoverningBodySession.objects.get(code=code).pk,
        },
    )
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    assert "Added after publication." not in Client().get("/actions/7/").content.decode()


def test_published_sessions_take_no_progress_updates_even_past_the_form(editor):
    item = ActionItem.objects.get(number=7)
    for code in ["GB.340", "GB.338"]:
        with pytest.raises(SessionError):
            item.add_progress_update(
                GoverningBodySession.objects.get(code=code), narrative="Late.", by=editor
            )
    assert not ProgressUpdate.objects.exists()


def test_without_an_open_session_there_is_nowhere_to_add_a_progress_update(editor_client):
    GoverningBodySession.objects.filter(code="GB.341").delete()
    assert editor_client.get("/actions/7/updates/add/").status_code == 409
    response = editor_client.post(
        "/actions/7/updates/add/",
        {"date": "2020-11-02", "narrative": "Late.", "session": report_6("GB.340").session_id},
    )
    assert response.status_code == 409
    assert "open the session" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


# --- No lost updates ---------------------------------------------------------------------------


def test_the_second_of_two_editors_gets_the_conflict_and_nothing_is_overwritten(
    client, editor, second_editor
):
    seen = 0  # both opened the form before GB.341 had a status for the item
    colleague = Client()
    colleague.force_login(second_editor)
    assert colleague.post(STATUS_URL, status_change(version=seen)).status_code == 302

    client.force_login(editor)
    response = client.post(
        STATUS_URL,
        status_change(status=Status.ONGOING, wording="Ongoing", reason="Mine", version=seen),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this status" in html
    assert re.search(r"colleague saved\s+“Completed” \(Completed\)", html)
    # Their entries are kept, with the new version, so that saving again applies them knowingly.
    assert 'value="Mine"' in html
    assert f'name="version" value="{seen + 1}"' in html
    assert report_6().status == Status.COMPLETED
    assert StatusReport.history.filter(history_change_reason="Mine").count() == 0

    response = client.post(
        STATUS_URL,
        status_change(status=Status.ONGOING, wording="Ongoing", reason="Mine", version=seen + 1),
    )
    assert response.status_code == 302
    assert report_6().status == Status.ONGOING


def at_the_same_moment(attempts, prepare) -> list[str]:
    """Each (user, text) of `attempts` saves in a thread of its own, on its own connection, all
    at once: `prepare(user, text)` reads what the form would have shown and returns the save.
    What each got, "saved" or "conflict" (`StaleEdit`), sorted."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def attempt(user, text: str) -> None:
        try:
            save = prepare(user, text)
            barrier.wait()
            try:
                save()
                outcomes.append("saved")
            except StaleEdit:
                outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=attempt_args) for attempt_args in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_on_postgresql_exactly_one_wins(editor, second_editor):
    if connection.vendor != "postgresql":
        pytest.skip("row locking across connections is the PostgreSQL promise; CI runs it there")
    from django.core.management import call_command

    call_command("load_document", verbosity=0)  # transactional tests start empty
    item = ActionItem.objects.get(number=6)
    session = GoverningBodySession.objects.get(code="GB.341")  # the module's gb341 fixture
    item.report_status(  # the draft report both editors then open, at version 1
        session, status="starting", wording="Starting 2021", reason="", by=editor, seen_version=0
    )
    outcomes = at_the_same_moment(
        [(editor, "A"), (second_editor, "B")],
        lambda user, wording: (
            lambda: item.report_status(
                session,
                status="completed",
                wording=wording,
                reason=wording,
                by=user,
                seen_version=1,
            )
        ),
    )
    assert outcomes == ["conflict", "saved"]
    report = report_6()
    assert report.version == 2
    # The history holds the draft and the one accepted change, nothing of the loser's.
    assert list(report.history.values_list("wording", flat=True)) == [
        report.wording,
        "Starting 2021",
    ]


# --- Engagements -------------------------------------------------------------------------------


def test_an_editor_adds_an_engagement_from_the_country_page(editor_client):
    response = editor_client.post(
        "/countries/ug/engagements/add/",
        {
            "country": Engagement.objects.filter(country__code="UG").first().country_id,
            "kind": "dwcp_alignment",
            "government": "on",
            "workers": "on",
            "year": "2021",
            "description": "New DWCP aligned with the Cooperation Framework.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/countries/UG/"
    page = editor_client.get("/countries/UG/").content.decode()
    assert "New DWCP aligned with the Cooperation Framework." in page
    created = Engagement.objects.get(description__startswith="New DWCP")
    assert created.history.get().history_user.username == "editor"


def test_editing_an_engagement_keeps_the_reason_and_refuses_a_date_in_another_year(editor_client):
    engagement = Engagement.objects.get(country__code="AR", kind="cf_design")
    url = reverse("countries:edit-engagement", args=[engagement.pk])
    data = {
        "country": engagement.country_id,
        "kind": engagement.kind,
        "government": "on",
        "workers": "on",
        "employers": "on",
        "year": "2020",
        "date": "2021-09-03",
        "description": engagement.description,
        "source_paragraph": engagement.source_paragraph_id,
        "reason": "Exact date from the mission report",
        "version": engagement.version,
    }
    response = editor_client.post(url, data)
    assert response.status_code == 422
    assert "The date is in 2021." in response.content.decode()
    response = editor_client.post(url, {**data, "date": "2020-09-03"})
    assert response.status_code == 302
    assert engagement.history.latest().history_change_reason == "Exact date from the mission report"


def test_the_second_of_two_editors_saving_an_engagement_gets_the_conflict_and_the_first_text(
    client, editor, second_editor
):
    engagement = Engagement.objects.get(country__code="AR", kind="cf_design")
    url = reverse("countries:edit-engagement", args=[engagement.pk])
    # Both open the form: it carries the version they started from.
    client.force_login(editor)
    form = client.get(url)
    seen = form.context["form"]["version"].value()
    assert f'name="version" value="{seen}"' in form.content.decode()
    fields = {
        "country": engagement.country_id,
        "kind": engagement.kind,
        "year": engagement.year,
        "source_paragraph": engagement.source_paragraph_id,
        "version": seen,
    }
    colleague = Client()
    colleague.force_login(second_editor)
    first = {**fields, "description": "Validated with the social partners in March.", "reason": ""}
    assert colleague.post(url, first).status_code == 302

    mine = {**fields, "description": "My rewording of the old text.", "reason": "Clearer"}
    response = client.post(url, mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else changed this engagement" in html
    assert "colleague saved this version" in html
    assert "Validated with the social partners in March." in html
    # This editor's entries are kept, with the new version, to save again knowingly.
    assert "My rewording of the old text." in html
    assert f'name="version" value="{seen + 1}"' in html
    engagement.refresh_from_db()
    assert engagement.description == "Validated with the social partners in March."
    assert not engagement.history.filter(history_change_reason="Clearer").exists()

    response = client.post(url, {**mine, "version": seen + 1})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.description == "My rewording of the old text."
    assert engagement.version == seen + 2
    assert list(engagement.history.values_list("description", flat=True)[:2]) == [
        "My rewording of the old text.",
        "Validated with the social partners in March.",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_engagement_saves_on_postgresql_exactly_one_wins(editor, second_editor):
    if connection.vendor != "postgresql":
        pytest.skip("row locking across connections is the PostgreSQL promise; CI runs it there")
    from django.core.management import call_command

    call_command("load_document", verbosity=0)  # transactional tests start empty
    pk = Engagement.objects.get(country__code="AR", kind="cf_design").pk

    def edit(user, description: str):
        engagement = Engagement.objects.get(pk=pk)  # both loaded version 1
        engagement.description = description
        return lambda: engagement.record(seen_version=1, reason=description, by=user)

    outcomes = at_the_same_moment([(editor, "A"), (second_editor, "B")], edit)
    assert outcomes == ["conflict", "saved"]
    engagement = Engagement.objects.get(pk=pk)
    assert engagement.version == 2
    assert engagement.history.filter(history_change_reason__in=["A", "B"]).count() == 1


def test_an_engagement_form_without_its_version_is_refused(editor_client):
    engagement = Engagement.objects.get(country__code="AR", kind="cf_design")
    url = reverse("countries:edit-engagement", args=[engagement.pk])
    data = {"country": engagement.country_id, "kind": engagement.kind, "description": "New."}
    response = editor_client.post(url, data)
    assert response.status_code == 422
    assert "This form is out of date or damaged" in response.content.decode()
    engagement.refresh_from_db()
    assert engagement.description != "New."


# --- Admin ---------------------------------------------------------------------------------------


def test_admins_see_the_history_and_can_revert(admin_client, editor_client):
    editor_client.post(STATUS_URL, status_change(status="starting", wording="Starting", reason=""))
    editor_client.post(STATUS_URL, status_change())
    report = report_6()
    history_url = reverse("admin:actions_statusreport_history", args=[report.pk])
    assert admin_client.get(history_url).status_code == 200
    first = report.history.earliest()
    revert_url = reverse(
        "admin:actions_statusreport_simple_history", args=[report.pk, first.history_id]
    )
    assert admin_client.get(revert_url).status_code == 200


def test_every_edit_is_logged_with_who_and_from_where(editor_client, caplog):
    with caplog.at_level("INFO", logger="reform_tracker.edits"):
        editor_client.post(STATUS_URL, status_change(), REMOTE_ADDR="198.51.100.7")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "reform_tracker.edits"]
    assert line.startswith("edit: user='editor' ip=198.51.100.7 created actions.StatusReport pk=")
    assert line.endswith("reason='Induction modules delivered with the Turin Centre'")


@pytest.mark.parametrize(
    ("overrides", "field"), [({"reason": ""}, "reason"), ({"note": "x" * 2001}, "note")]
)
def test_after_a_refused_save_the_focus_goes_to_the_first_field_in_error(
    editor_client, overrides, field
):
    html = editor_client.post(STATUS_URL, status_change(**overrides)).content.decode()
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", html)
    assert len(focused) == 1
    assert f'id="status-6-{field}"' in focused[0]
