"""What `send_reminders` sent: one row per message, claimed in the transaction that sends it.

The unique constraint is the promise "never the same reminder twice": a second run (an hourly
timer, a second server) that tries to claim the same (session, recipient, kind, occasion) is
refused by the database, and a message whose sending failed rolls its row back, so that the next
run tries again.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Occasion(models.TextChoices):
    """When before the session's `statuses_due` a reminder goes out."""

    DAYS_14 = "14-days", _("14 days before the deadline")
    DAYS_7 = "7-days", _("7 days before the deadline")
    DAYS_2 = "2-days", _("2 days before the deadline")
    OVERDUE = "overdue", _("the day after the deadline")

    @classmethod
    def on(cls, today: datetime.date, due: datetime.date) -> Occasion | None:
        """The occasion whose day has come on `today`, the latest one: a run that missed a day
        (the server was down, the mail server refused) catches up with the one still useful
        instead of losing it, and never sends an earlier one after a later."""
        days_left = (due - today).days
        if days_left < 0:
            return cls.OVERDUE
        for days, occasion in ((2, cls.DAYS_2), (7, cls.DAYS_7), (14, cls.DAYS_14)):
            if days_left <= days:
                return occasion
        return None


class Kind(models.TextChoices):
    FOCAL_POINT = "focal-point", _("reminder to a focal point")
    DIGEST = "digest", _("digest for a coordinator")


class ReminderQuerySet(models.QuerySet):
    def last_sent_per_focal_point(self, session) -> dict[int, datetime.datetime]:
        """When each focal point was last reminded about `session`, keyed by user id. One
        query."""
        rows = (
            self.filter(session=session, kind=Kind.FOCAL_POINT)
            .values("recipient_id")
            .annotate(last=models.Max("sent_at"))
        )
        return {row["recipient_id"]: row["last"] for row in rows}

    def last_sent(self, session) -> dict[tuple[int, int], Reminder]:
        """The last reminder sent to each focal point about each item of `session`, keyed by
        (item id, user id); with `recipient`. Two queries."""
        reminders = (
            self.filter(session=session, kind=Kind.FOCAL_POINT)
            .select_related("recipient")
            .prefetch_related(models.Prefetch("items", to_attr="named"))
            .order_by("sent_at")
        )
        # Oldest first: a later reminder replaces an earlier one in the dict.
        return {(item.pk, r.recipient_id): r for r in reminders for item in r.named}

    def last_sent_per_item(self, session) -> dict[int, Reminder]:
        """The last reminder sent about each item of `session` (to whichever focal point), keyed
        by item id; with `recipient`. Two queries."""
        latest: dict[int, Reminder] = {}
        for (item_id, _user), reminder in self.last_sent(session).items():
            if item_id not in latest or reminder.sent_at > latest[item_id].sent_at:
                latest[item_id] = reminder
        return latest


class Reminder(models.Model):
    session = models.ForeignKey(
        "actions.GoverningBodySession",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("Governing Body session"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    # The items the message asked for (none for a digest, which names them all).
    items = models.ManyToManyField(
        "actions.ActionItem", blank=True, related_name="reminders", verbose_name=_("items")
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "recipient", "kind", "occasion"], name="reminder_sent_once"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="reminder_kind"),
            models.CheckConstraint(
                condition=models.Q(occasion__in=Occasion.values), name="reminder_occasion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session.code}, {self.get_occasion_display()}: {self.recipient}"
