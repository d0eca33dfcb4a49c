"""The reporting round: before a session, each responsible unit's focal points propose the status
of their items for the open draft; a coordinator (an editor) accepts a proposal, which becomes the
draft's status, or sends it back with a comment.

A module beside actions/reporting.py, imported by actions/models.py (which registers the model):
it names the plan's models as strings or at call time, as reporting does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Exists, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .content import PROSE_MAX_LENGTH, text_limits_held_by_the_database
from .reporting import (
    CARRIED_OVER,
    GoverningBodySession,
    SessionError,
    StaleEdit,
    Status,
    StatusReport,
    claim_version,
)

if TYPE_CHECKING:
    from .models import ActionItem, Unit

# Who may propose (the "Focal points" group) and who reviews (editors): accounts/roles.py.
PROPOSE_PERMISSION = "actions.add_statusproposal"
REVIEW_PERMISSION = "actions.change_statusproposal"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("proposal", "Proposed, awaiting review")
    SENT_BACK = "sent_back", pgettext_lazy("proposal", "Sent back")
    ACCEPTED = "accepted", pgettext_lazy("proposal", "Accepted")


class RoundState(models.TextChoices):
    """Where an item stands in a session's round (`ActionItemQuerySet.with_round_state`)."""

    NOTHING_YET = "nothing", pgettext_lazy("round", "Nothing yet")
    PROPOSED = "proposed", pgettext_lazy("round", "Proposed, awaiting review")
    SENT_BACK = "sent_back", pgettext_lazy("round", "Sent back")
    ACCEPTED = "accepted", pgettext_lazy("round", "Accepted")
    RECORDED = "recorded", pgettext_lazy("round", "Recorded by a coordinator")


# An item is settled for the round once a coordinator accepted a proposal or wrote its status.
SETTLED = (RoundState.ACCEPTED, RoundState.RECORDED)


class ProposalError(Exception):
    """A focal point may not propose this (another unit's item, an item already accepted...)."""


def round_state(item_pk, session: GoverningBodySession) -> Case:
    """The expression of an item's `RoundState` in `session`, from its proposals and the draft's
    history: a proposal awaiting review first, then one sent back, then an accepted one; else
    "recorded" if a coordinator changed the draft's report (anything but the carry-over)."""
    proposals = StatusProposal.objects.filter(action_item=item_pk, session=session)
    recorded = StatusReport.history.filter(action_item_id=item_pk, session_id=session.pk).exclude(
        history_change_reason__startswith=CARRIED_OVER
    )
    return Case(
        When(Exists(proposals.filter(state=ProposalState.PROPOSED)), then=Value("proposed")),
        When(Exists(proposals.filter(state=ProposalState.SENT_BACK)), then=Value("sent_back")),
        When(Exists(proposals.filter(state=ProposalState.ACCEPTED)), then=Value("accepted")),
        When(Exists(recorded), then=Value("recorded")),
        default=Value("nothing"),
        output_field=models.CharField(),
    )


class StatusProposalQuerySet(models.QuerySet):
    def for_session(self, session: GoverningBodySession) -> StatusProposalQuerySet:
        return self.filter(session=session).select_related(
            "action_item", "unit", "proposed_by", "reviewed_by"
        )

    def awaiting_review(self) -> StatusProposalQuerySet:
        return self.filter(state=ProposalState.PROPOSED)


@text_limits_held_by_the_database
class StatusProposal(models.Model):
    """A unit's proposed status for one of its items in the open draft session. One per item,
    session and unit: proposing again (after it was sent back) updates it; the history keeps
    every step."""

    action_item = models.ForeignKey(
        "ActionItem", on_delete=models.CASCADE, related_name="proposals"
    )
    session = models.ForeignKey(
        GoverningBodySession, on_delete=models.CASCADE, related_name="proposals"
    )
    unit = models.ForeignKey(
        "Unit", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("unit")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="status_proposals",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    wording = models.CharField(_("wording"), max_length=500)
    note = models.TextField(_("progress note"), blank=True, max_length=2000)
    state = models.CharField(
        _("state"), max_length=20, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    review_comment = models.TextField(_("review comment"), blank=True, max_length=PROSE_MAX_LENGTH)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Optimistic locking (`claim_version`): a review names the version it read, and is refused
    # if the unit proposed again since.
    version = models.PositiveIntegerField(default=1)

    objects = StatusProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status proposal")
        verbose_name_plural = _("status proposals")
        ordering = ["session", "action_item", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_item", "session", "unit"], name="one_proposal_per_item_and_unit"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="status_proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProposalState.values), name="status_proposal_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.action_item.number} at {self.session.code}, {self.unit}: {self.state}"

    @property
    def is_awaiting_review(self) -> bool:
        return self.state == ProposalState.PROPOSED

    @classmethod
    def propose(
        cls,
        item: ActionItem,
        session: GoverningBodySession,
        unit: Unit,
        *,
        status: str,
        wording: str,
        note: str,
        by,
        seen_version: int,
    ) -> StatusProposal:
        """Record `unit`'s proposal for `item` in the open draft `session`, by one of the unit's
        focal points; `seen_version` 0 means "there was none". Proposing again replaces a
        proposal sent back or still awaiting review.

        Raises `SessionError` unless the session is the open draft, `ProposalError` if `by` is
        not a focal point of a unit responsible for the item or the item is already settled
        (accepted or recorded by a coordinator), `StaleEdit` if the proposal changed since."""
        if not session.is_draft:
            raise SessionError(
                gettext("%(code)s is %(state)s: proposals go to the session open for reporting.")
                % {"code": session.code, "state": session.state_label.lower()}
            )
        if not unit.focal_points.filter(pk=by.pk).exists() or not (
            item.responsible_units.filter(pk=unit.pk).exists()
        ):
            raise ProposalError(
                gettext("Item %(number)s is not an item of your units.") % {"number": item.number}
            )
        if item.round_state_in(session) in SETTLED:
            raise ProposalError(
                gettext(
                    "A coordinator has already settled the status of item %(number)s for "
                    "%(code)s: it takes no more proposals."
                )
                % {"number": item.number, "code": session.code}
            )
        fields = {"status": status, "wording": wording, "note": note}
        with transaction.atomic():
            proposal = cls.objects.filter(action_item=item, session=session, unit=unit).first()
            if proposal is None:
                if seen_version != 0:
                    raise StaleEdit(None)
                proposal = cls(action_item=item, session=session, unit=unit)
                created = True
            else:
                claim_version(proposal, seen_version, "proposed_by", "reviewed_by")
                created = False
            for name, value in fields.items():
                setattr(proposal, name, value)
            proposal.state = ProposalState.PROPOSED
            proposal.proposed_by = by
            proposal.proposed_at = timezone.now()
            proposal._history_user = by
            proposal._change_reason = "Proposed"
            try:
                with transaction.atomic():
                    proposal.save() if created else proposal.save(
                        update_fields=[*fields, "state", "proposed_by", "proposed_at", "version"]
                    )
            except IntegrityError:
                # A colleague of the same unit proposed at the same moment.
                raise StaleEdit(
                    cls.objects.get(action_item=item, session=session, unit=unit)
                ) from None
        return proposal

    @transaction.atomic
    def accept(self, *, by, seen_version: int) -> StatusReport:
        """A coordinator accepts the proposal: it becomes the draft's status (the history names
        the coordinator as its author and the proposer in the reason) and its note a progress
        update by the proposer. Raises `StaleEdit` if the proposal changed since the coordinator
        read it, `ProposalError` if it is not awaiting review, `SessionError` for a frozen
        session."""
        self._check_reviewable(seen_version)
        claim_version(self, seen_version, "proposed_by", "reviewed_by")
        item = self.action_item
        current = item.status_reports.filter(session=self.session).first()
        report = item.report_status(
            self.session,
            status=self.status,
            wording=self.wording,
            # The coordinator is the history's author; the reason names the proposer (for
            # editors: actions/history.py `display_reason` leaves the name out for others).
            reason=f"Proposed by {self.proposed_by} ({self.unit.code}), accepted",
            by=by,
            seen_version=current.version if current else 0,
        )
        if self.note:
            item.add_progress_update(self.session, narrative=self.note, by=self.proposed_by or by)
        self._review(ProposalState.ACCEPTED, by, "", "Accepted")
        return report

    @transaction.atomic
    def send_back(self, *, by, comment: str, seen_version: int) -> None:
        """A coordinator returns the proposal to its unit with `comment` (why); its focal points
        see it and propose again. Raises as `accept` does."""
        self._check_reviewable(seen_version)
        claim_version(self, seen_version, "proposed_by", "reviewed_by")
        self._review(ProposalState.SENT_BACK, by, comment, "Sent back")

    def _check_reviewable(self, seen_version: int) -> None:
        if not self.session.is_draft:
            raise SessionError(
                gettext("%(code)s is %(state)s: its proposals can no longer be reviewed.")
                % {"code": self.session.code, "state": self.session.state_label.lower()}
            )
        fresh = type(self).objects.select_related("proposed_by", "reviewed_by").get(pk=self.pk)
        if fresh.version != seen_version:
            raise StaleEdit(fresh)
        if fresh.state != ProposalState.PROPOSED:
            raise ProposalError(
                gettext("This proposal is no longer awaiting review: it was %(state)s.")
                % {"state": fresh.get_state_display().lower()}
            )

    def _review(self, state: str, by, comment: str, reason: str) -> None:
        self.state = state
        self.review_comment = comment
        self.reviewed_by = by
        self.reviewed_at = timezone.now()
        self._history_user = by
        self._change_reason = reason
        self.save(
            update_fields=["state", "review_comment", "reviewed_by", "reviewed_at", "version"]
        )


@dataclass
class Ask:
    """What a round asks of a focal point for one item (`asked_of`): `kind` is "propose" (nothing
    sent yet), "again" (sent back: `proposal.review_comment` says why), "waiting" (awaiting
    review), "accepted" or "recorded" (settled: nothing more is asked)."""

    kind: str
    proposal: StatusProposal | None = None

    @property
    def is_open(self) -> bool:
        """Whether the focal point may still (or again) propose."""
        return self.kind in ("propose", "again", "waiting")


def asked_of(state: str, proposals: list[StatusProposal]) -> Ask:
    """What is asked of a focal point for an item whose `round_state` is `state`, given their
    units' `proposals` for it (settled items first: a coordinator's decision ends the round)."""
    if state == RoundState.ACCEPTED:
        accepted = [p for p in proposals if p.state == ProposalState.ACCEPTED]
        return Ask("accepted", accepted[0] if accepted else None)
    if state == RoundState.RECORDED:
        return Ask("recorded")
    for kind, proposal_state in (
        ("waiting", ProposalState.PROPOSED),
        ("again", ProposalState.SENT_BACK),
    ):
        for proposal in proposals:
            if proposal.state == proposal_state:
                return Ask(kind, proposal)
    return Ask("propose")
