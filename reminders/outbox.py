"""The messages of the reporting round that `send_reminders` sends on a given day.

Each focal point whose items still lack a proposal gets the list of them; each coordinator (the
group Editors) gets a digest of the round: what was received, what is missing (units without a
focal point named), what awaits review. On the occasions of `Occasion.on`: 14, 7 and 2 days
before the session's `statuses_due` and the day after. Each message is in its recipient's
language (`accounts.models.language_of`), as plain text and HTML, with links to the items.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from accounts.models import language_of
from accounts.roles import holders
from actions.models import ActionItem, Plan, Unit
from actions.reporting import GoverningBodySession
from actions.round import PROPOSE_PERMISSION, StatusProposal

from .models import Kind, Occasion, Reminder

logger = logging.getLogger(__name__)

# Coordinators: they review the proposals and get the digest.
COORDINATORS = "Editors"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def link(name: str, *args: Any) -> str | None:
    """The absolute address of the named page in the active language, or None if the site has
    no such page."""
    try:
        return absolute(reverse(name, args=args))
    except NoReverseMatch:
        return None


def item_link(item: ActionItem) -> str:
    """Where a focal point proposes the item's status (its page, on a site without that form)."""
    return link("actions:propose", item.number) or link("actions:detail", item.number)


def round_row(round_url: str | None, item: ActionItem) -> str:
    return f"{round_url}#item-{item.number}" if round_url else link("actions:detail", item.number)


@dataclass
class Outgoing:
    """One message to send: to whom, about which session, on which occasion, naming which items
    (a focal point's; a digest names everything in `round`)."""

    session: GoverningBodySession
    occasion: Occasion
    kind: Kind
    recipient: Any
    today: datetime.date
    items: list[ActionItem] = field(default_factory=list)
    round: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return language_of(self.recipient)

    def describe(self) -> str:
        """One line for the command's output and the log."""
        what = "reminder" if self.kind == Kind.FOCAL_POINT else "digest"
        items = ", ".join(str(item.number) for item in self.items)
        about = f" about items {items}" if items else ""
        return (
            f"{self.session.code}, {self.occasion.value}: {what} to {self.recipient} "
            f"<{self.recipient.email}> in {self.language}{about}"
        )

    def message(self) -> EmailMultiAlternatives:
        with translation.override(self.language):
            context = {
                "recipient": self.recipient,
                "session": self.session,
                "occasion": self.occasion,
                "due": self.session.statuses_due,
                "days_left": (self.session.statuses_due - self.today).days,
                "days_late": (self.today - self.session.statuses_due).days,
                "overdue": self.occasion == Occasion.OVERDUE,
                "items": [(item, item_link(item)) for item in self.items],
                "my_items_url": link("actions:my-items"),
                "round_url": link("actions:session-round", self.session.code),
                "site_url": absolute(reverse("home")),
            }
            if self.kind == Kind.DIGEST:
                # Each proposal to its review; each missing item to its row of the round page.
                context |= self.round | {
                    "awaiting": [
                        (proposal, link("actions:review-proposal", proposal.pk))
                        for proposal in self.round["awaiting"]
                    ],
                    "missing": [
                        (item, round_row(context["round_url"], item))
                        for item in self.round["missing"]
                    ],
                }
            name = self.kind.value
            subject = render_to_string(f"reminders/{name}_subject.txt", context)
            text = render_to_string(f"reminders/{name}.txt", context)
            html = render_to_string(f"reminders/{name}.html", context)
        # A subject is one line (the template's ends with one); French keeps its no-break spaces.
        message = EmailMultiAlternatives(subject.strip("\n"), text, to=[self.recipient.email])
        message.attach_alternative(html, "text/html")
        return message

    def send(self) -> bool:
        """Claim the reminder and send it in one transaction: the unique constraint refuses a
        second claim (another run, another server: it waits until this one commits or rolls
        back); a failure to send rolls the claim back, so that the next run tries again.

        Returns False if another run had claimed it; raises what the mail server raised."""
        message = self.message()
        key = {
            "session": self.session,
            "recipient": self.recipient,
            "kind": self.kind,
            "occasion": self.occasion,
        }
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(**key, language=self.language)
                reminder.items.set(self.items)
                message.send()
        except IntegrityError:
            if Reminder.objects.filter(**key).exists():
                return False
            raise  # not the claim: something else went wrong
        return True


def round_summary(session: GoverningBodySession, plan: Plan) -> dict[str, Any]:
    """What a coordinator's digest says about the round of `session`: the proposals received,
    those awaiting review, the items of `plan` still missing with their units (and who is
    asked), the units nobody can answer for, and the items with no unit assigned."""
    proposals = list(StatusProposal.objects.for_session(session).order_by("action_item__number"))
    units = Prefetch("responsible_units", queryset=Unit.objects.for_round())
    items = ActionItem.objects.filter(plan=plan)
    missing = (
        items.lacking_proposal(session, Unit.objects.all())
        .prefetch_related(units)
        .order_by("component__number", "number")
    )
    unassigned = items.filter(responsible_units=None).order_by("component__number", "number")
    return {
        "received": proposals,
        "awaiting": [p for p in proposals if p.is_awaiting_review],
        "missing": list(missing),
        "without_focal_points": list(Unit.objects.without_focal_points()),
        "unassigned": list(unassigned),
    }


def due_on(today: datetime.date) -> list[Outgoing]:
    """Every message due on `today` and not sent yet, for each draft session with a deadline."""
    outgoing: list[Outgoing] = []
    sessions = GoverningBodySession.objects.drafts().filter(statuses_due__isnull=False)
    # The site's plan: the pages a message links to (/actions/<n>/propose/) are its items'.
    plan = Plan.objects.current()
    User = get_user_model()
    for session in sessions.order_by("held_in"):
        occasion = Occasion.on(today, session.statuses_due)
        if occasion is None:
            continue
        sent = set(
            Reminder.objects.filter(session=session, occasion=occasion).values_list(
                "recipient_id", "kind"
            )
        )
        asked = ActionItem.objects.filter(plan=plan).lacking_proposal_by_focal_point(session)
        people = User.objects.select_related("profile").in_bulk([user.pk for user in asked])
        # Named for a unit but not (or no longer) allowed to propose, e.g. out of the group
        # Focal points: a reminder would send them to a page that refuses them.
        may_propose = set(holders(PROPOSE_PERMISSION).values_list("pk", flat=True))
        unreachable, cannot_propose = [], []
        for user, items in asked.items():
            person = people[user.pk]
            if not person.is_active or (person.pk, Kind.FOCAL_POINT) in sent:
                continue
            if person.pk not in may_propose:
                logger.warning("%s: focal point %s may not propose statuses", session.code, person)
                cannot_propose.append(person)
                continue
            if not person.email:
                logger.warning("%s: focal point %s has no e-mail address", session.code, person)
                unreachable.append(person)
                continue
            outgoing.append(
                Outgoing(session, occasion, Kind.FOCAL_POINT, person, today, items=items)
            )
        coordinators = (
            User.objects.filter(groups__name=COORDINATORS, is_active=True)
            .exclude(email="")
            .select_related("profile")
            .order_by("username")
        )
        summary = None
        for coordinator in coordinators:
            if (coordinator.pk, Kind.DIGEST) in sent:
                continue
            if summary is None:
                summary = {
                    **round_summary(session, plan),
                    "unreachable": unreachable,
                    "cannot_propose": cannot_propose,
                }
            outgoing.append(
                Outgoing(session, occasion, Kind.DIGEST, coordinator, today, round=summary)
            )
    return outgoing
