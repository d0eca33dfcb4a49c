"""The reporting round (issue 20): units' focal points propose their items' statuses for the
open session, a coordinator accepts or sends back, and publishes; everything through the pages,
as staff do it."""

import csv
import io

import docx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from actions.models import ActionItem, Unit
from actions.reporting import GoverningBodySession, StatusReport
from actions.round import ProposalState, StatusProposal

from .page_types import name_focal_point
from .test_sessions import open_gb341

pytestmark = pytest.mark.django_db
User = get_user_model()

FIRST = "Ongoing with workers' organizations"  # sent back: must never be published
AGAIN = "Ongoing: 14 national federations trained"
TURIN = "Completed: induction modules delivered"
COMMENT = "Say how many federations took part."


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def focal_point_client(editor_client, username: str, unit: str) -> Client:
    name_focal_point(editor_client, username, unit)
    return signed_in(User.objects.get(username=username))


def propose(client: Client, number: int, wording: str, *, unit: str, version: int = 0, **extra):
    data = {
        "unit": Unit.objects.get(code=unit).pk,
        "status": "ongoing",
        "wording": wording,
        "note": "",
        "session": "GB.341",
        "version": version,
        **extra,
    }
    return client.post(f"/actions/{number}/propose/", data)


def review(client: Client, proposal: StatusProposal, decision: str, comment: str = "", **extra):
    data = {"decision": decision, "comment": comment, "version": proposal.version, **extra}
    return client.post(f"/proposals/{proposal.pk}/review/", data)


def proposal_of(number: int, unit: str) -> StatusProposal:
    return StatusProposal.objects.get(action_item__number=number, unit__code=unit)


def docx_statuses(content: bytes) -> dict[str, str]:
    """The Word Appendix's rows: item text's number → status cell."""
    document = docx.Document(io.BytesIO(content))
    rows = {}
    for row in document.tables[0].rows:
        cells = [cell.text for cell in row.cells]
        number = cells[0].split(".", 1)[0]
        if number.isdigit():
            rows[number] = cells[-1] if len(cells) < 4 else cells[2]
    return rows


def test_a_full_round_from_opening_to_publishing(editor_client, editor):
    session = open_gb341(editor_client, statuses_due="2021-02-15")
    assert str(session.statuses_due) == "2021-02-15"
    actrav = focal_point_client(editor_client, "amina", "ACTRAV")
    turin = focal_point_client(editor_client, "bruno", "Turin Centre")

    page = actrav.get("/my-items/").content.decode()
    assert "Propose a status." in page and "15 February 2021" in page

    # Two units propose.
    assert propose(actrav, 1, FIRST, unit="ACTRAV").status_code == 302
    assert propose(turin, 6, TURIN, unit="Turin Centre", status="completed").status_code == 302
    appendix = editor_client.get("/appendix/").content.decode()
    assert "proposed by ACTRAV, awaiting review" in appendix
    assert "proposed by Turin Centre, awaiting review" in appendix
    # And on the item's own page, for editors only.
    item_page = editor_client.get("/actions/1/").content.decode()
    assert "proposed by ACTRAV, awaiting review" in item_page
    assert "awaiting review" not in actrav.get("/actions/1/").content.decode()
    gate = editor_client.get("/sessions/GB.341/publish/").content.decode()
    assert "Proposals not yet reviewed (2)" in gate

    # One is sent back, and proposed again.
    assert review(editor_client, proposal_of(1, "ACTRAV"), "send_back", COMMENT).status_code == 302
    page = actrav.get("/my-items/").content.decode()
    assert "Sent back to ACTRAV" in page and COMMENT in page
    assert COMMENT in actrav.get("/actions/1/propose/").content.decode()
    response = propose(actrav, 1, AGAIN, unit="ACTRAV", version=proposal_of(1, "ACTRAV").version)
    assert response.status_code == 302

    # The coordinator accepts both.
    for number, unit in [(1, "ACTRAV"), (6, "Turin Centre")]:
        assert review(editor_client, proposal_of(number, unit), "accept").status_code == 302
    drafts = dict(
        StatusReport.objects.filter(session=session).values_list("action_item__number", "wording")
    )
    assert drafts[1] == AGAIN and drafts[6] == TURIN
    item_page = editor_client.get("/actions/1/").content.decode()
    assert f"Draft for GB.341: {AGAIN}" in item_page and "awaiting review" not in item_page
    assert "accepted" in actrav.get("/my-items/").content.decode().lower()
    # The history names both people to editors.
    item_page = editor_client.get("/actions/1/").content.decode()
    assert "Proposed by amina (ACTRAV), accepted" in item_page
    assert editor.username in item_page

    # Publishing (the other items' units named no focal point: nothing else to ask).
    assert (
        "Proposals not yet reviewed"
        not in editor_client.get("/sessions/GB.341/publish/").content.decode()
    )
    response = editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"})
    assert response.status_code == 302, response.content.decode()

    # The public pages and the Word Appendix show exactly the accepted statuses.
    published = dict(
        StatusReport.objects.filter(session=session).values_list("action_item__number", "wording")
    )
    reader = Client()
    appendix = reader.get("/appendix/").content.decode()
    session_page = reader.get("/sessions/GB.341/").content.decode()
    word = docx_statuses(reader.get("/sessions/GB.341/appendix.docx").content)
    assert {int(number): status for number, status in word.items()} == published
    for page in (appendix, session_page):
        assert AGAIN in page and TURIN in page
    for text in (appendix, session_page, "\n".join(word.values())):
        assert FIRST not in text and "awaiting review" not in text
    public_item = reader.get("/actions/1/").content.decode()
    assert "Proposed by ILO staff (ACTRAV), accepted" in public_item
    assert "amina" not in public_item


def test_the_round_page_lists_units_focal_points_and_states_and_downloads_as_csv(editor_client):
    open_gb341(editor_client, statuses_due="2021-02-15")
    actrav = focal_point_client(editor_client, "amina", "ACTRAV")
    propose(actrav, 1, FIRST, unit="ACTRAV")
    page = editor_client.get("/sessions/GB.341/round/").content.decode()
    assert "amina" in page
    assert "No focal point is named for:" in page and "Turin Centre" in page
    assert f"/proposals/{proposal_of(1, 'ACTRAV').pk}/review/" in page

    filtered = editor_client.get("/sessions/GB.341/round/?state=proposed").content.decode()
    assert 'id="item-1"' in filtered and 'id="item-6"' not in filtered
    unit = Unit.objects.get(code="ACTRAV")
    by_unit = editor_client.get(f"/sessions/GB.341/round/?unit={unit.pk}").content.decode()
    assert 'id="item-1"' in by_unit and 'id="item-6"' not in by_unit

    response = editor_client.get("/sessions/GB.341/round/?_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "No.",
        "Action item",
        "Responsible units",
        "Focal points",
        "State",
        "Proposals",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert len(by_number) == 12
    assert by_number["1"][2] == "ACT/EMP, ACTRAV, Turin Centre" and by_number["1"][3] == "amina"
    assert by_number["1"][4] == "Proposed, awaiting review"
    assert FIRST in by_number["1"][5]
    assert by_number["6"][4] == "Nothing yet"

    bad = editor_client.get("/sessions/GB.341/round/?state=zzz")
    assert bad.status_code == 200 and "Some filters were not understood" in bad.content.decode()


def test_a_coordinator_names_focal_points_and_assigns_items_to_units(
    editor_client, django_user_model
):
    hr = django_user_model.objects.create_user("hr-fp")
    hr.groups.add(Group.objects.get(name="Focal points"))
    response = editor_client.post(
        "/units/new/",
        {
            "code": "HR",
            "name": "Human Resources Development Department",
            "focal_points": [hr.pk],
            "items": [ActionItem.objects.get(number=10).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(code="HR")
    assert list(unit.focal_points.all()) == [hr]
    assert list(unit.action_items.values_list("number", flat=True)) == [10]
    assert "HR" in editor_client.get("/units/").content.decode()
    # A unit's code is unique.
    again = editor_client.post("/units/new/", {"code": "HR", "name": "Again"})
    assert again.status_code == 422 and Unit.objects.filter(code="HR").count() == 1


def test_publishing_asks_about_units_that_sent_nothing_and_proposals_not_reviewed(
    round_open, editor_client
):
    gate = editor_client.get("/sessions/GB.341/publish/").content.decode()
    assert "Items whose unit sent nothing (1)" in gate
    assert "ACTRAV sent nothing for GB.341." in gate  # units without focal points: not asked
    propose(round_open, 1, FIRST, unit="ACTRAV")
    gate = editor_client.get("/sessions/GB.341/publish/").content.decode()
    assert "Items whose unit sent nothing" not in gate
    assert "Proposals not yet reviewed (1)" in gate
    assert f"/proposals/{proposal_of(1, 'ACTRAV').pk}/review/" in gate
    review(editor_client, proposal_of(1, "ACTRAV"), "send_back", COMMENT)
    gate = editor_client.get("/sessions/GB.341/publish/").content.decode()
    assert "Sent back to ACTRAV; nothing proposed since." in gate
    # Publishing anyway needs the confirmation, as for every warning.
    assert editor_client.post("/sessions/GB.341/publish/", {}).status_code == 422


def test_editors_see_how_many_units_await_review_and_readers_nothing(round_open, editor_client):
    turin = focal_point_client(editor_client, "bruno", "Turin Centre")  # item 1 is theirs too
    propose(round_open, 1, FIRST, unit="ACTRAV")
    propose(turin, 1, AGAIN, unit="Turin Centre")
    appendix = editor_client.get("/appendix/").content.decode()
    assert "proposed by ACTRAV and 1 other unit, awaiting review" in appendix
    french = editor_client.get("/fr/appendix/").content.decode()
    assert "proposé par ACTRAV et 1 autre unité, en attente d’examen" in french
    for reader in (Client(), round_open, turin):
        assert "awaiting review" not in reader.get("/appendix/").content.decode()


# --- Bad input: refused with a message, nothing changed -----------------------------------------


@pytest.fixture
def round_open(editor_client):
    open_gb341(editor_client, statuses_due="2021-02-15")
    return focal_point_client(editor_client, "amina", "ACTRAV")


def test_a_focal_point_cannot_propose_for_another_units_item(round_open):
    # Item 6 is the Turin Centre's; the form refuses ACTRAV for it, the URL refuses outright.
    assert propose(round_open, 6, FIRST, unit="ACTRAV").status_code == 403
    assert propose(round_open, 6, FIRST, unit="Turin Centre").status_code == 403
    # Item 1 is ACTRAV's (and ACT/EMP's): proposing for ACT/EMP is not theirs to do.
    response = propose(round_open, 1, FIRST, unit="ACT/EMP")
    assert response.status_code == 422
    assert not StatusProposal.objects.exists()


def test_a_new_status_proposed_with_the_wording_left_as_it_came_is_worded_by_its_name(
    round_open,
):
    # The form offers item 1's published status and wording (Completed/ongoing); the focal point
    # picks another status and leaves the wording box alone.
    propose(round_open, 1, "Completed/ongoing", unit="ACTRAV", status="ongoing")
    assert (proposal_of(1, "ACTRAV").status, proposal_of(1, "ACTRAV").wording) == (
        "ongoing",
        "Ongoing",
    )
    # A wording of their own is kept, and so is the wording of a status left as it was.
    propose(round_open, 1, AGAIN, unit="ACTRAV", status="ongoing", version=1)
    assert proposal_of(1, "ACTRAV").wording == AGAIN


def test_a_proposal_to_a_published_session_is_refused(round_open):
    response = propose(round_open, 1, FIRST, unit="ACTRAV", session="GB.340")
    assert response.status_code == 409
    assert "GB.340 is published: proposals go to the session open for reporting." in (
        response.content.decode()
    )
    assert not StatusProposal.objects.exists()


def test_a_form_left_open_while_the_session_was_published_is_refused(round_open, editor_client):
    form = round_open.get("/actions/1/propose/")
    assert form.status_code == 200
    editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"})
    response = propose(round_open, 1, FIRST, unit="ACTRAV")
    assert response.status_code == 409
    assert "No session is open for reporting" in response.content.decode()
    assert not StatusProposal.objects.exists()


def test_nothing_more_is_proposed_once_the_coordinator_accepted(round_open, editor_client):
    propose(round_open, 1, FIRST, unit="ACTRAV")
    review(editor_client, proposal_of(1, "ACTRAV"), "accept")
    accepted = proposal_of(1, "ACTRAV")
    response = propose(round_open, 1, AGAIN, unit="ACTRAV", version=accepted.version)
    assert response.status_code == 409
    assert "has already settled the status of item 1" in response.content.decode()
    assert proposal_of(1, "ACTRAV").wording == FIRST
    assert proposal_of(1, "ACTRAV").state == ProposalState.ACCEPTED


def test_a_review_of_a_proposal_that_changed_meanwhile_is_refused(round_open, editor_client):
    propose(round_open, 1, FIRST, unit="ACTRAV")
    read = proposal_of(1, "ACTRAV")  # what the coordinator has on screen
    propose(round_open, 1, AGAIN, unit="ACTRAV", version=read.version)  # the unit changes it
    draft_before = StatusReport.objects.get(action_item__number=1, session__code="GB.341")
    response = review(editor_client, read, "accept")
    assert response.status_code == 409
    assert "this proposal changed while you were reading it" in response.content.decode()
    assert AGAIN in response.content.decode()  # what it says now
    after = proposal_of(1, "ACTRAV")
    assert after.state == ProposalState.PROPOSED and after.wording == AGAIN
    draft_after = StatusReport.objects.get(action_item__number=1, session__code="GB.341")
    assert (draft_after.version, draft_after.wording) == (
        draft_before.version,
        draft_before.wording,
    )


def test_sending_back_needs_a_comment_and_a_decision_is_made_once(round_open, editor_client):
    propose(round_open, 1, FIRST, unit="ACTRAV")
    proposal = proposal_of(1, "ACTRAV")
    assert review(editor_client, proposal, "send_back", "  ").status_code == 422
    assert review(editor_client, proposal, "maybe").status_code == 422
    assert proposal_of(1, "ACTRAV").state == ProposalState.PROPOSED
    assert review(editor_client, proposal, "send_back", COMMENT).status_code == 302
    # The same form sent twice: the second finds the proposal changed.
    assert review(editor_client, proposal, "send_back", COMMENT).status_code == 409
    assert review(editor_client, proposal_of(1, "ACTRAV"), "accept").status_code == 409


def test_a_proposal_with_a_bad_status_or_damaged_form_is_refused(round_open):
    assert propose(round_open, 1, FIRST, unit="ACTRAV", status="finished").status_code == 422
    assert propose(round_open, 1, FIRST, unit="ACTRAV", version="x").status_code == 422
    assert propose(round_open, 1, "x" * 501, unit="ACTRAV").status_code == 422
    # Version 3 of a proposal that does not exist: someone else's, gone; nothing written.
    assert propose(round_open, 1, FIRST, unit="ACTRAV", version=3).status_code == 409
    assert not StatusProposal.objects.exists()


def test_a_unit_that_is_not_a_number_is_refused_not_a_server_error(round_open):
    # The proposal page opens for the focal point's own unit whatever the address says.
    for asked in ("abc", "1.5", "99999"):
        assert round_open.get(f"/actions/1/propose/?unit={asked}").status_code == 200
    form = {"unit": "abc", "status": "ongoing", "wording": FIRST, "session": "GB.341"}
    assert round_open.post("/actions/1/propose/", {**form, "version": 0}).status_code == 422
    assert not StatusProposal.objects.exists()


def test_a_coordinators_direct_edit_still_works_and_settles_the_item(round_open, editor_client):
    report = StatusReport.objects.get(action_item__number=1, session__code="GB.341")
    response = editor_client.post(
        "/actions/1/status/",
        {
            "status": "completed",
            "wording": "Completed",
            "reason": "Done",
            "version": report.version,
        },
    )
    assert response.status_code == 302
    page = round_open.get("/my-items/").content.decode()
    assert "Recorded by a coordinator: nothing more is asked." in page
    assert propose(round_open, 1, FIRST, unit="ACTRAV").status_code == 409


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_reviewing_one_proposal_at_once_on_postgresql(editor, second_editor):
    """One accepts while the other sends back: exactly one decision holds, and the draft's
    status follows it."""
    from django.core.management import call_command
    from django.db import connection

    from .test_editing import at_the_same_moment

    if connection.vendor != "postgresql":
        pytest.skip("row locking across connections is the PostgreSQL promise; CI runs it there")
    call_command("load_document", verbosity=0)  # transactional tests start empty
    session = GoverningBodySession.objects.create(
        code="GB.341", held_in="2021-03-01", period="March 2021"
    )
    session.carry_over(by=editor)
    user = User.objects.create_user("amina")
    actrav = Unit.objects.get(code="ACTRAV")
    actrav.focal_points.add(user)
    proposal = StatusProposal.propose(
        ActionItem.objects.get(number=1), session, actrav, status="completed",
        wording=AGAIN, note="", by=user, seen_version=0,
    )  # fmt: skip

    def decide(coordinator, decision):
        read = StatusProposal.objects.get(pk=proposal.pk)
        if decision == "accept":
            return lambda: read.accept(by=coordinator, seen_version=read.version)
        return lambda: read.send_back(by=coordinator, comment=COMMENT, seen_version=read.version)

    outcomes = at_the_same_moment([(editor, "accept"), (second_editor, "send_back")], decide)
    assert outcomes == ["conflict", "saved"]
    final = StatusProposal.objects.get(pk=proposal.pk)
    assert final.version == 2
    draft = StatusReport.objects.get(action_item__number=1, session=session)
    assert (draft.wording == AGAIN) == (final.state == ProposalState.ACCEPTED)
