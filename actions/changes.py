"""What moved between two Governing Body sessions, and what to check before publishing one.

Used by the session pages, the publishing page and the Word Appendix.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from .models import DONE_STATUSES as DONE
from .models import ActionItem, Plan
from .reporting import GoverningBodySession, ProgressUpdate, Status, StatusReport
from .round import ProposalState, RoundState, StatusProposal

if TYPE_CHECKING:
    from countries.models import Engagement

UNDER_WAY = {Status.STARTING, Status.ONGOING}


def overdue_at(item: ActionItem, status: str | None, day: datetime.date) -> bool:
    return item.due_date < day and status not in DONE


@dataclass
class ItemChange:
    item: ActionItem
    before_status: str | None
    before_wording: str | None
    after_status: str | None
    after_wording: str | None
    since: GoverningBodySession
    session: GoverningBodySession

    @property
    def status_changed(self) -> bool:
        return self.before_status != self.after_status

    @property
    def wording_changed(self) -> bool:
        return self.before_wording != self.after_wording

    @property
    def completed(self) -> bool:
        return self.after_status in DONE and self.before_status not in DONE

    @property
    def started(self) -> bool:
        return self.after_status in UNDER_WAY and self.before_status in {None, Status.NOT_STARTED}

    @property
    def still_overdue(self) -> bool:
        return self.overdue and overdue_at(self.item, self.before_status, self.since.held_in)

    @property
    def became_overdue(self) -> bool:
        return self.overdue and not overdue_at(self.item, self.before_status, self.since.held_in)

    @property
    def overdue(self) -> bool:
        return overdue_at(self.item, self.after_status, self.session.held_in)

    @property
    def changed(self) -> bool:
        return self.status_changed or self.wording_changed

    @property
    def label(self) -> str:
        """The change in a few words, for the Word Appendix's "Change since" column."""
        if self.status_changed:
            no_status = gettext("No status")
            before = Status(self.before_status).label if self.before_status else no_status
            after = Status(self.after_status).label if self.after_status else no_status
            return f"{before} → {after}"
        if self.wording_changed:
            return gettext("Wording changed")
        return gettext("Newly overdue") if self.became_overdue else gettext("No change")


@dataclass
class SessionChanges:
    session: GoverningBodySession
    since: GoverningBodySession
    items: list[ItemChange]
    new_engagements: list[Engagement] = field(default_factory=list)

    @property
    def changed_items(self) -> list[ItemChange]:
        return [change for change in self.items if change.changed]

    @property
    def newly_overdue(self) -> list[ItemChange]:
        return [change for change in self.items if change.became_overdue]

    @property
    def completed_items(self) -> list[ItemChange]:
        return [change for change in self.items if change.completed]

    @property
    def engagements_by_country(self) -> dict[str, list[Engagement]]:
        grouped: dict[str, list[Engagement]] = {}
        for engagement in self.new_engagements:
            grouped.setdefault(engagement.country.name, []).append(engagement)
        return dict(sorted(grouped.items()))

    def summary(self) -> str:
        """ "Since GB.340: 1 item completed, …" in the page's language."""
        counts = [
            (
                sum(c.completed for c in self.items),
                ngettext_lazy("%(count)d item completed", "%(count)d items completed", "count"),
            ),
            (
                sum(c.started for c in self.items),
                ngettext_lazy("%(count)d item started", "%(count)d items started", "count"),
            ),
            (
                sum(c.status_changed and not (c.completed or c.started) for c in self.items),
                ngettext_lazy(
                    "%(count)d other change of status", "%(count)d other changes of status", "count"
                ),
            ),
            (
                sum(c.wording_changed and not c.status_changed for c in self.items),
                ngettext_lazy(
                    "%(count)d change of wording", "%(count)d changes of wording", "count"
                ),
            ),
            (
                sum(c.became_overdue for c in self.items),
                ngettext_lazy(
                    "%(count)d item newly overdue", "%(count)d items newly overdue", "count"
                ),
            ),
            (
                sum(c.still_overdue for c in self.items),
                ngettext_lazy(
                    "%(count)d item still overdue", "%(count)d items still overdue", "count"
                ),
            ),
        ]
        parts = [message % {"count": n} for n, message in counts if n]
        if self.new_engagements:
            engagements = ngettext(
                "%(count)d new country engagement",
                "%(count)d new country engagements",
                len(self.new_engagements),
            ) % {"count": len(self.new_engagements)}
            countries = len(self.engagements_by_country)
            parts.append(
                ngettext(
                    "%(engagements)s in %(count)d country",
                    "%(engagements)s in %(count)d countries",
                    countries,
                )
                % {"engagements": engagements, "count": countries}
            )
        if not parts:
            return gettext("No change since %(code)s.") % {"code": self.since.code}
        return gettext("Since %(code)s: %(changes)s.") % {
            "code": self.since.code,
            "changes": ", ".join(parts),
        }


def changes_between(session: GoverningBodySession, since: GoverningBodySession) -> SessionChanges:
    """Item by item, each item's report to `since` against its report to `session`."""
    plan = Plan.objects.current()

    def report(which: GoverningBodySession, column: str) -> Subquery:
        reports = StatusReport.objects.filter(action_item=OuterRef("pk"), session=which)
        return Subquery(reports.values(column)[:1])

    items = (
        ActionItem.objects.filter(plan=plan)
        .select_related("component")
        .annotate(
            before_status=report(since, "status"),
            before_wording=report(since, "wording"),
            after_status=report(session, "status"),
            after_wording=report(session, "wording"),
        )
        .order_by("component__number", "number")
    )
    return SessionChanges(
        session=session,
        since=since,
        items=[
            ItemChange(
                item=item,
                before_status=item.before_status,
                before_wording=item.before_wording,
                after_status=item.after_status,
                after_wording=item.after_wording,
                since=since,
                session=session,
            )
            for item in items
        ],
        new_engagements=list(new_engagements(session, since)),
    )


def new_engagements(session: GoverningBodySession, since: GoverningBodySession):
    """Engagements first reported to `session` after `since`: those citing the document of a
    session in between, and those staff added (with no source paragraph) in that time."""
    # At call time: countries builds on actions (its engagements cite paragraphs), not the reverse.
    from countries.models import Engagement

    start = since.published_at or timezone.make_aware(
        datetime.datetime.combine(since.held_in, datetime.time())
    )
    end = session.published_at or timezone.now()
    added = Engagement.history.filter(
        history_type="+", history_date__gt=start, history_date__lte=end
    ).values("id")
    return (
        Engagement.objects.filter(
            Q(
                source_paragraph__session__held_in__gt=since.held_in,
                source_paragraph__session__held_in__lte=session.held_in,
            )
            | Q(source_paragraph__isnull=True, pk__in=added)
        )
        .select_related("country", "source_paragraph__session")
        .order_by("country__code", "kind")
    )


class WarningKind:
    """What the publish check can find, in the order the page lists them, and the form that
    fixes each: the status form, or the progress update form."""

    NO_STATUS = "no_status"
    PAST_YEAR = "past_year"
    NEWLY_LATE = "newly_late"
    NEWLY_COMPLETED = "newly_completed"
    # The reporting round (actions/round.py).
    AWAITING_REVIEW = "awaiting_review"
    NOTHING_FROM_UNIT = "nothing_from_unit"

    TITLES = {
        NO_STATUS: _("No status: the row would be blank"),
        PAST_YEAR: _("A wording that names a year gone by"),
        NEWLY_LATE: _("Late since the last session, and nothing says so"),
        NEWLY_COMPLETED: _("Completed since the last session, with nothing to show for it"),
        AWAITING_REVIEW: _("Proposals not yet reviewed"),
        NOTHING_FROM_UNIT: _("Items whose unit sent nothing"),
    }
    FIXED_BY_STATUS = {NO_STATUS, PAST_YEAR}
    FIXED_IN_THE_ROUND = {AWAITING_REVIEW, NOTHING_FROM_UNIT}


@dataclass
class Warning:
    item: ActionItem
    kind: str
    message: str
    # The round's warnings link to the proposal to review, or to the item in the round page.
    url: str = ""

    @property
    def title(self) -> str:
        return str(WarningKind.TITLES[self.kind])

    @property
    def fix_url(self) -> str:
        if self.url:
            return self.url
        if self.kind in WarningKind.FIXED_BY_STATUS:
            return reverse("actions:edit-status", args=[self.item.number])
        return reverse("actions:add-update", args=[self.item.number])

    @property
    def fix_label(self) -> str:
        if self.kind == WarningKind.AWAITING_REVIEW:
            return gettext("Review the proposal for item %(number)s") % {"number": self.item.number}
        if self.kind == WarningKind.NOTHING_FROM_UNIT:
            return gettext("See item %(number)s in the round") % {"number": self.item.number}
        if self.kind in WarningKind.FIXED_BY_STATUS:
            return gettext("Change the status of item %(number)s") % {"number": self.item.number}
        return gettext("Add a progress note to item %(number)s") % {"number": self.item.number}


def publication_warnings(session: GoverningBodySession) -> list[Warning]:
    """The quality gate before publishing: only what would mislead a Governing Body member
    reading the Appendix. What the last published session already said (an item completed then,
    or late then) is not asked about again. Grouped by kind, in the order of `WarningKind`."""
    plan = Plan.objects.current()
    noted = set(
        ProgressUpdate.objects.filter(session=session)
        .filter(~Q(narrative="") | ~Q(evidence_url=""))
        .values_list("action_item_id", flat=True)
    )
    previous = session.previous_published()
    before: dict[int, str] = (
        dict(previous.status_reports.values_list("action_item_id", "status")) if previous else {}
    )
    warnings = []
    for item in ActionItem.objects.filter(plan=plan).as_reported_to(session):
        status, wording = item.session_status, item.session_wording or ""
        if status is None:
            message = gettext("No status for %(code)s.") % {"code": session.code}
            warnings.append(Warning(item, WarningKind.NO_STATUS, message))
            continue
        starting = re.search(r"\bStarting (\d{4})\b", wording)
        if starting and int(starting.group(1)) < session.held_in.year:
            message = gettext("It says “%(wording)s”, but %(code)s meets in %(year)s.") % {
                "wording": starting.group(0),
                "code": session.code,
                "year": session.held_in.year,
            }
            warnings.append(Warning(item, WarningKind.PAST_YEAR, message))
        late_before = previous is not None and overdue_at(
            item, before.get(item.pk), previous.held_in
        )
        if overdue_at(item, status, session.held_in) and not late_before and item.pk not in noted:
            message = gettext(
                "Due %(due_by)s and not completed: no progress note for %(code)s says when it "
                "will be."
            ) % {"due_by": item.due_by, "code": session.code}
            warnings.append(Warning(item, WarningKind.NEWLY_LATE, message))
        if status in DONE and before.get(item.pk) not in DONE and item.pk not in noted:
            message = gettext(
                "Marked completed for %(code)s without a progress note or evidence link."
            ) % {"code": session.code}
            warnings.append(Warning(item, WarningKind.NEWLY_COMPLETED, message))
    warnings += round_warnings(session, plan)
    order = list(WarningKind.TITLES)
    return sorted(warnings, key=lambda warning: order.index(warning.kind))


def round_warnings(session: GoverningBodySession, plan: Plan) -> list[Warning]:
    """The reporting round's part of the gate: proposals still awaiting review, and items whose
    unit (one with focal points, who could have) sent nothing, or nothing since it was sent
    back. Items a coordinator settled (accepted or recorded) are not asked about. Four queries."""
    warnings = [
        Warning(
            proposal.action_item,
            WarningKind.AWAITING_REVIEW,
            gettext("Proposed by %(unit)s, awaiting review.") % {"unit": proposal.unit.code},
            reverse("actions:review-proposal", args=[proposal.pk]),
        )
        for proposal in StatusProposal.objects.for_session(session)
        .awaiting_review()
        .filter(action_item__plan=plan)
        .order_by("action_item__number", "unit__code")
    ]
    round_url = reverse("actions:session-round", args=[session.code])
    items = ActionItem.objects.filter(plan=plan).for_round(session)
    for item in items.filter(round_state__in=[RoundState.NOTHING_YET, RoundState.SENT_BACK]):
        sent = {proposal.unit_id: proposal for proposal in item.round_proposals}
        for unit in item.responsible_units.all():
            if (
                not unit.focal_points.all()
                or unit.pk in sent
                and sent[unit.pk].state != ProposalState.SENT_BACK
            ):
                continue
            message = (
                gettext("Sent back to %(unit)s; nothing proposed since.")
                if unit.pk in sent
                else gettext("%(unit)s sent nothing for %(code)s.")
            ) % {"unit": unit.code, "code": session.code}
            warnings.append(
                Warning(
                    item, WarningKind.NOTHING_FROM_UNIT, message, f"{round_url}#item-{item.number}"
                )
            )
    return warnings
