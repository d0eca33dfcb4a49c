"""The reporting round's model layer: proposals, their review, and where each item stands."""

import pytest
from django.contrib.auth.models import Group

from actions.models import ActionItem, Unit
from actions.reporting import SessionError, StaleEdit
from actions.round import ProposalError, ProposalState, RoundState, StatusProposal


@pytest.fixture
def focal_point(django_user_model):
    """A focal point of ACTRAV, responsible (with ACT/EMP) for item 1."""
    user = django_user_model.objects.create_user("actrav-fp", password="correct horse battery")
    user.groups.add(Group.objects.get(name="Focal points"))
    Unit.objects.get(code="ACTRAV").focal_points.add(user)
    return user


def propose(item, session, unit, by, version=0, status="ongoing"):
    return StatusProposal.propose(
        item, session, unit, status=status, wording="Ongoing", note="", by=by, seen_version=version
    )


def states(session):
    return dict(ActionItem.objects.with_round_state(session).values_list("number", "round_state"))


@pytest.mark.django_db
def test_an_item_goes_through_the_round(gb341, focal_point, editor):
    gb341.carry_over(by=editor)
    item = ActionItem.objects.get(number=1)
    actrav = Unit.objects.get(code="ACTRAV")
    assert states(gb341)[1] == RoundState.NOTHING_YET
    assert item in ActionItem.objects.lacking_proposal(
        gb341, Unit.objects.of_focal_point(focal_point)
    )
    assert item in ActionItem.objects.lacking_proposal_by_focal_point(gb341)[focal_point]

    proposal = propose(item, gb341, actrav, focal_point)
    assert states(gb341)[1] == RoundState.PROPOSED
    assert focal_point not in ActionItem.objects.lacking_proposal_by_focal_point(gb341)

    proposal.send_back(by=editor, comment="Say what was delivered.", seen_version=1)
    assert states(gb341)[1] == RoundState.SENT_BACK
    assert item in ActionItem.objects.lacking_proposal_by_focal_point(gb341)[focal_point]

    proposal = propose(item, gb341, actrav, focal_point, version=2, status="completed")
    with pytest.raises(StaleEdit):
        proposal.accept(by=editor, seen_version=2)
    report = proposal.accept(by=editor, seen_version=3)
    assert report.status == "completed"
    assert states(gb341)[1] == RoundState.ACCEPTED
    latest = report.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Proposed by actrav-fp (ACTRAV), accepted"
    with pytest.raises(ProposalError):
        propose(item, gb341, actrav, focal_point, version=4)


@pytest.mark.django_db
def test_a_coordinators_own_edit_settles_the_item(gb341, focal_point, editor):
    gb341.carry_over(by=editor)
    item = ActionItem.objects.get(number=1)
    report = item.status_reports.get(session=gb341)
    item.report_status(
        gb341, status="completed", wording="Completed", reason="Done", by=editor,
        seen_version=report.version,
    )  # fmt: skip
    assert states(gb341)[1] == RoundState.RECORDED
    assert states(gb341)[2] == RoundState.NOTHING_YET


@pytest.mark.django_db
def test_a_focal_point_cannot_propose_for_another_units_item_or_a_published_session(
    gb341, focal_point, editor
):
    item_6 = ActionItem.objects.get(number=6)  # the Turin Centre's
    with pytest.raises(ProposalError):
        propose(item_6, gb341, Unit.objects.get(code="ACTRAV"), focal_point)
    with pytest.raises(ProposalError):
        propose(item_6, gb341, Unit.objects.get(code="Turin Centre"), focal_point)
    from actions.reporting import GoverningBodySession

    gb340 = GoverningBodySession.objects.get(code="GB.340")
    with pytest.raises(SessionError):
        propose(
            ActionItem.objects.get(number=1), gb340, Unit.objects.get(code="ACTRAV"), focal_point
        )
    assert not StatusProposal.objects.exists()
    assert ProposalState.PROPOSED == "proposed"
