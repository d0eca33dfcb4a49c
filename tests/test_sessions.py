"""Reporting to the Governing Body: open a session, draft, check, publish, compare, export."""

import csv
import datetime
import io

import docx
import docx.shared
import pytest
from django.test import Client
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from actions.changes import changes_between, publication_warnings
from actions.models import ActionItem
from actions.reporting import (
    GoverningBodySession,
    ProgressUpdate,
    SessionError,
    Status,
    StatusReport,
)
from countries.models import Country

pytestmark = pytest.mark.django_db

NEW_SESSION = {
    "code": "GB.341",
    "held_in": "2021-03-15",
    "period": "March 2021",
    "document_symbol": "GB.341/INS/8",
    "document_title": "Update on the United Nations reform",
}


def open_gb341(client, **fields: str) -> GoverningBodySession:
    """GB.341 opened through its form, with `fields` (e.g. statuses_due) beside NEW_SESSION's."""
    response = client.post("/sessions/new/", {**NEW_SESSION, **fields})
    assert response.status_code == 302 and response["Location"] == "/sessions/GB.341/"
    return GoverningBodySession.objects.get(code="GB.341")


def set_status(client, number: int, status: str, wording: str, reason: str = "Moved") -> None:
    version = StatusReport.objects.get(action_item__number=number, session__code="GB.341").version
    response = client.post(
        f"/actions/{number}/status/",
        {"status": status, "wording": wording, "reason": reason, "version": version},
    )
    assert response.status_code == 302, response.content.decode()


def csv_statuses(client) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(client.get("/appendix/?_export=csv").content.decode())))
    return {row[1]: row[4] for row in rows[1:]}


def test_open_change_three_publish_and_the_public_pages_switch(editor_client):
    session = open_gb341(editor_client)
    # The new session starts from the statuses last published, as the re-issued table does.
    assert session.status_reports.count() == 12
    assert session.held_in == datetime.date(2021, 3, 1)
    set_status(editor_client, 6, Status.COMPLETED, "Completed")
    set_status(editor_client, 7, Status.ONGOING, "Ongoing")
    set_status(editor_client, 9, Status.ONGOING, "Ongoing; strategy drafted", reason="")

    public = Client()
    assert "reflects progress reported to GB.340 (October 2020)" in public.get("/").content.decode()
    assert csv_statuses(public)["6"] == "Starting 2020"

    response = editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_published and session.published_by.username == "editor"

    assert "reflects progress reported to GB.341 (March 2021)" in public.get("/").content.decode()
    statuses = csv_statuses(public)
    assert (statuses["6"], statuses["7"], statuses["9"]) == (
        "Completed",
        "Ongoing",
        "Ongoing; strategy drafted",
    )
    assert statuses["10"] == "Completed"  # carried over unchanged

    changes = public.get("/sessions/GB.341/changes/?since=GB.340")
    assert changes.status_code == 200
    page = changes.content.decode()
    assert (
        "Since GB.340: 1 item completed, 1 other change of status, 1 change of wording, "
        "2 items newly overdue, 6 items still overdue." in page
    )
    assert page.count('<th scope="row"><a href="/actions/') == 3
    for number in (6, 7, 9):
        assert f'<a href="/actions/{number}/">{number}</a>' in page
    # Items 2 and 5, due "2019–20", were not late in October 2020 and are in March 2021.
    assert '<a href="/actions/2/">Item 2</a>' in page and '<a href="/actions/5/">Item 5</a>' in page

    document = docx.Document(io.BytesIO(public.get("/sessions/GB.341/appendix.docx").content))
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Action item", "Due by", "Status"]
    headings = [row[0] for row in rows[1:] if row[0].startswith("Component ")]
    items = [row for row in rows[1:] if not row[0].startswith("Component ")]
    assert len(headings) == 3 and headings[1].startswith("Component 2: Maximizing")
    assert len(items) == 12
    assert items[5] == [
        "6. Preparation of training modules and information resources for resident coordinators "
        "in collaboration with the International Training Centre of the ILO",
        "By end 2019",
        "Completed",
    ]
    assert "Status of the Office Plan of Action 2019–20" in document.paragraphs[1].text


@pytest.mark.parametrize("since", ["", "?since=GB.335"])
def test_the_word_appendix_is_a4_portrait_with_the_item_column_widest_and_a_repeated_header(
    client, since
):
    document = docx.Document(
        io.BytesIO(client.get(f"/sessions/GB.340/appendix.docx{since}").content)
    )
    (section,) = document.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    between_margins = section.page_width - section.left_margin - section.right_margin
    (table,) = document.tables
    # Each row's cells (which Word reads) and the table's grid (which LibreOffice reads) agree.
    grid = [column.width for column in table.columns]
    for row in table.rows:
        if len(row.cells) == len(grid) and len({cell._tc for cell in row.cells}) == len(grid):
            assert [cell.width for cell in row.cells] == grid
    assert abs(sum(grid) - between_margins) < docx.shared.Mm(1)
    assert grid[0] > 0.5 * between_margins  # the action item
    assert grid[0] > 2.5 * max(grid[1:])
    header, *rows = table.rows
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows)
    # No row breaks across pages.
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)


def test_the_word_appendix_can_show_the_change_since_a_session(editor_client):
    open_gb341(editor_client)
    set_status(editor_client, 6, Status.COMPLETED, "Completed")
    response = editor_client.get("/sessions/GB.341/appendix.docx?since=GB.340")
    assert response["Content-Disposition"] == (
        'attachment; filename="GB.341-appendix-since-GB.340.docx"'
    )
    (table,) = docx.Document(io.BytesIO(response.content)).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][3] == "Change since GB.340"
    item_6 = next(row for row in rows if row[0].startswith("6. "))
    assert item_6[2:] == ["Completed", "Starting → Completed"]
    item_10 = next(row for row in rows if row[0].startswith("10. "))
    assert item_10[3] == "No change"


def test_the_session_page_is_the_appendix_as_reported_and_printable(client):
    page = client.get("/sessions/GB.340/").content.decode()
    assert "As reported to the Governing Body at its GB.340 session" in page
    assert page.count('class="component-row"') == 3
    assert "Starting 2020 following the revision and UNSDG endorsement" in page
    assert 'href="/sessions/GB.340/appendix.docx"' in page


def test_drafts_are_seen_by_editors_only(editor_client, gb341):
    public = Client()
    assert public.get("/sessions/GB.341/").status_code == 404
    assert public.get("/sessions/GB.341/changes/").status_code == 404
    assert public.get("/sessions/GB.341/appendix.docx").status_code == 404
    assert "GB.341" not in public.get("/sessions/").content.decode()
    assert editor_client.get("/sessions/GB.341/").status_code == 200
    assert "Draft" in editor_client.get("/sessions/").content.decode()


# --- The quality gate --------------------------------------------------------------------------


def warnings_by_item(session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for warning in publication_warnings(session):
        found.setdefault(warning.item.number, []).append(warning.message)
    return found


def test_the_quality_gate_flags_each_case(editor, gb341):
    gb341.carry_over(by=editor)
    StatusReport.objects.filter(session=gb341, action_item__number=12).delete()
    StatusReport.objects.filter(session=gb341, action_item__number__in=[4, 8]).update(
        status=Status.COMPLETED, wording="Completed"
    )
    for number, narrative in [(2, "Extended to end 2021."), (8, "Guidance online.")]:
        ProgressUpdate.objects.create(
            action_item=ActionItem.objects.get(number=number),
            session=gb341,
            narrative=narrative,
            created_by=editor,
        )

    found = warnings_by_item(gb341)
    assert found[12] == ["No status for GB.341."]
    assert found[7] == ["It says “Starting 2020”, but GB.341 meets in 2021."]
    # Item 5 is due "2019–20": not late at GB.340, late by March 2021.
    assert found[5] == [
        "Due 2019–20 and not completed: no progress note for GB.341 says when it will be."
    ]
    assert found[4] == ["Marked completed for GB.341 without a progress note or evidence link."]
    assert 2 not in found and 8 not in found  # each has its note for the session


def test_the_quality_gate_on_the_documents_own_data_asks_only_what_would_mislead(editor, gb341):
    """GB.340's statuses carried to GB.341 unchanged: the items completed at GB.340 and those
    already late then are not flagged again."""
    gb341.carry_over(by=editor)
    kinds = {(w.item.number, w.kind) for w in publication_warnings(gb341)}
    assert kinds == {
        (6, "past_year"),
        (7, "past_year"),
        (11, "past_year"),
        (2, "newly_late"),
        (5, "newly_late"),
    }


def test_publishing_with_warnings_needs_a_confirmation(editor_client, editor, gb341):
    gb341.carry_over(by=editor)
    page = editor_client.get("/sessions/GB.341/publish/").content.decode()
    # Each kind with its count, each warning with a link to the form that fixes it.
    assert "A wording that names a year gone by (3)" in page
    assert '<a href="/actions/7/status/">Change the status of item 7</a>' in page
    assert "Late since the last session, and nothing says so (2)" in page
    assert '<a href="/actions/5/updates/add/">Add a progress note to item 5</a>' in page
    assert "Completed since" not in page and "item 3" not in page
    response = editor_client.post("/sessions/GB.341/publish/", {})
    assert response.status_code == 422
    assert "Fix the warnings, or confirm" in response.content.decode()
    gb341.refresh_from_db()
    assert not gb341.is_published


# --- Bad input ---------------------------------------------------------------------------------


def test_publishing_an_empty_session_is_refused(editor_client, gb341):
    response = editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"})
    assert response.status_code == 409
    assert "GB.341 has no statuses yet" in response.content.decode()
    gb341.refresh_from_db()
    assert not gb341.is_published


def test_a_published_session_cannot_be_published_again(editor_client):
    response = editor_client.post("/sessions/GB.340/publish/", {"confirm": "on"})
    assert response.status_code == 409
    assert "GB.340 is published: it cannot be published" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"code": "GB.340"}, "Governing Body session with this Code already exists."),
        ({"code": "GB341"}, "Write the code as GB. and three digits"),
        ({"held_in": "2020-09-01"}, "A new session comes after the latest one, GB.340"),
        ({"held_in": "March 2021"}, "Enter a valid date."),
        ({"period": ""}, "This field is required."),
    ],
)
def test_opening_a_session_with_bad_input_is_refused(editor_client, overrides, message):
    response = editor_client.post("/sessions/new/", {**NEW_SESSION, **overrides})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert GoverningBodySession.objects.count() == 3


def test_a_second_draft_cannot_be_opened(editor_client, gb341):
    response = editor_client.post("/sessions/new/", {**NEW_SESSION, "code": "GB.342"})
    assert response.status_code == 422
    assert "GB.341 is still open as a draft" in response.content.decode()


@pytest.mark.parametrize(
    ("since", "message"),
    [("GB.999", "There is no session “GB.999”"), ("GB.340", "GB.340 is not earlier than GB.340")],
)
def test_comparing_with_an_unknown_or_later_session_is_refused(client, since, message):
    response = client.get(f"/sessions/GB.340/changes/?since={since}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert client.get(f"/sessions/GB.340/appendix.docx?since={since}").status_code == 400


def test_a_draft_is_not_offered_to_readers_as_a_session_to_compare_with(editor_client):
    """A draft dated before GB.340 (entered in Django admin, say): only editors see it in the
    list of sessions to compare with."""
    GoverningBodySession.objects.create(
        code="GB.339", held_in=datetime.date(2020, 6, 1), period="June 2020"
    )
    assert "GB.339" not in Client().get("/sessions/GB.340/changes/").content.decode()
    assert "GB.339" in editor_client.get("/sessions/GB.340/changes/").content.decode()


def test_a_frozen_session_refuses_edits_but_takes_a_superusers_correction(
    editor_client, editor, superuser
):
    # No draft is open: GB.340 is published, so there is nothing an editor may write to.
    response = editor_client.post(
        "/actions/6/status/", {"status": "completed", "wording": "Completed", "reason": "x"}
    )
    assert response.status_code == 409
    assert "No session is open for reporting" in response.content.decode()

    gb340 = GoverningBodySession.objects.get(code="GB.340")
    item = ActionItem.objects.get(number=6)
    report = item.status_reports.get(session=gb340)
    with pytest.raises(SessionError, match="GB.340 is published"):
        item.report_status(
            gb340, status="ongoing", wording="Ongoing", reason="x", by=editor, seen_version=1
        )
    item.report_status(
        gb340,
        status=report.status,
        wording="Starting 2020",
        reason="Correction: typo in the published record",
        by=superuser,
        seen_version=report.version,
    )
    assert report.history.latest().history_change_reason == (
        "Correction: typo in the published record"
    )
    assert report.history.latest().history_user == superuser


@pytest.mark.parametrize(
    "path",
    ["/sessions/new/", "/sessions/GB.340/publish/"],
)
def test_only_editors_open_and_publish_sessions(client, viewer, path):
    assert client.get(path)["Location"].startswith("/accounts/login/")
    client.force_login(viewer)
    assert client.get(path).status_code == 403
    assert client.post(path, {}).status_code == 403


def test_new_engagements_are_reported_by_country(editor_client, editor, gb341):
    gb341.carry_over(by=editor)
    kenya = Country.objects.get(code="KE")
    editor_client.post(
        "/countries/KE/engagements/add/",
        {"country": kenya.pk, "kind": "cca", "workers": "on", "description": "Joined the CCA."},
    )
    changes = changes_between(gb341, GoverningBodySession.objects.get(code="GB.340"))
    assert [e.description for e in changes.new_engagements] == ["Joined the CCA."]
    assert list(changes.engagements_by_country) == ["Kenya"]
    assert changes.summary().endswith("1 new country engagement in 1 country.")
