"""Reporting on the plan: Governing Body sessions, the status reports and progress updates each
receives, carrying statuses over to a new session, publishing it, and an item's timeline.

A module of its own rather than an app: its models and the plan's refer to each other (a
report is about an item; an item's verbs write reports), so it cannot be a leaf. The plan's
models (actions.models) import these; these name the plan's models only as strings (foreign
keys) or at call time, so the import runs one way.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import (
    gettext,
    pgettext_lazy,
)
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .content import PROSE_MAX_LENGTH, text_limits_held_by_the_database, translated_subqueries
from .readers import is_editor, visible_rows

if TYPE_CHECKING:
    from .models import ActionItem

# The history's reason for a status carried over to a new session, followed by the code of the
# session it came from (`carry_over`; actions/history.py shows it in the page's language).
CARRIED_OVER = "Carried over from "

# The month names a session's period is written with, in English (see `local_period`).
MONTHS = ["January", "February", "March", "April", "May", "June",
          "July", "August", "September", "October", "November", "December"]  # fmt: skip


class SessionQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> GoverningBodySession:
        return self.get(code=code)

    def visible_to(self, reader) -> SessionQuerySet:
        """Published and cancelled sessions; drafts too for editors (`is_editor`)."""
        return visible_rows(self, reader, session="")

    def published(self) -> SessionQuerySet:
        return self.filter(published_at__isnull=False)

    def latest_reported(self) -> GoverningBodySession | None:
        """The last published session that was told where the items stand: what the public
        pages reflect. Drafts do not count until they are published."""
        reported = StatusReport.objects.filter(session=OuterRef("pk"))
        return self.published().filter(Exists(reported)).order_by("-held_in").first()

    def with_report_counts(self) -> SessionQuerySet:
        return self.annotate(report_count=Count("status_reports"))

    def drafts(self) -> SessionQuerySet:
        """Sessions opened for reporting and not yet published (nor cancelled)."""
        return self.filter(cancelled=False, published_at__isnull=True)

    def reporting(self) -> GoverningBodySession | None:
        """The open draft that editors write statuses for, if a session has been opened."""
        return self.drafts().order_by("-held_in").first()

    def timeline_for(self, item: ActionItem) -> SessionQuerySet:
        """The sessions since the item's plan was endorsed, oldest first, each with `item_reports`:
        the item's report to it (none for a session that was cancelled or not told), with the
        paragraphs that report on it. Three queries: sessions, reports, paragraphs."""
        from .models import Paragraph  # at call time: the plan's models build on these

        reports = StatusReport.objects.filter(action_item=item).prefetch_related(
            Prefetch("paragraphs", queryset=Paragraph.objects.select_related("session"))
        )
        # Drafts are not part of the public record until they are published.
        sessions = (
            self.visible_to(None)
            .prefetch_related(Prefetch("status_reports", queryset=reports, to_attr="item_reports"))
            .order_by("held_in")
        )
        endorsed_at = item.plan.endorsed_at
        if endorsed_at is not None:
            sessions = sessions.filter(held_in__gte=endorsed_at.held_in)
        return sessions


@text_limits_held_by_the_database
class GoverningBodySession(models.Model):
    """A session of the ILO Governing Body to which the Office reports on the plan."""

    code = models.CharField(
        max_length=20, unique=True, help_text=_("As the Office writes it, e.g. GB.340.")
    )
    held_in = models.DateField(
        help_text=_(
            "First day of the month in which the session met or was to meet; "
            "used to order sessions."
        )
    )
    period = models.CharField(
        max_length=100, help_text=_("When the session met, as its documents say it.")
    )
    document_symbol = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("Symbol of the document that reports on the plan, e.g. GB.340/INS/6."),
    )
    document_title = models.CharField(max_length=300, blank=True)
    document_date = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    notes = models.TextField(blank=True, max_length=PROSE_MAX_LENGTH)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the statuses for this session were published; they are frozen since."),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    statuses_due = models.DateField(
        _("statuses due"),
        null=True,
        blank=True,
        help_text=_("The day by which the responsible units are asked to propose their statuses."),
    )

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Governing Body session")
        ordering = ["held_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith="GB."), name="session_code_starts_with_gb"
            ),
            models.CheckConstraint(
                condition=Q(cancelled=False) | Q(published_at__isnull=True),
                name="cancelled_session_not_published",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" {gettext('(cancelled)')}" if self.cancelled else ""
        return f"{self.code}, {self.local_period}{suffix}"

    def get_absolute_url(self) -> str:
        return reverse("actions:session", args=[self.code])

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def local_period(self) -> str:
        """The period in the page's language, from the month names the document writes it with:
        "October-November 2020", "octobre-novembre 2020", "octubre-noviembre de 2020"."""
        match = re.fullmatch(r"([A-Z][a-z]+)(?:[-–]([A-Z][a-z]+))? (\d{4})", self.period)
        if not match or not set(match.groups()[:2]) - {None} <= set(MONTHS):
            return self.period
        first, last, year = match.groups()
        months = [datetime.date(int(year), MONTHS.index(name) + 1, 1) for name in (first, last)
                  if name]  # fmt: skip
        formatted = date_format(months[-1], "YEAR_MONTH_FORMAT")
        return f"{date_format(months[0], 'F')}-{formatted}" if last else formatted

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_draft(self) -> bool:
        return not self.cancelled and self.published_at is None

    @property
    def state_label(self) -> str:
        """The state in the page's language ("Published", "Publiée"...)."""
        labels = {"Cancelled": _("Cancelled"), "Published": _("Published"), "Draft": _("Draft")}
        return str(labels[self.state])

    @property
    def state(self) -> str:
        if self.cancelled:
            return "Cancelled"
        return "Published" if self.is_published else "Draft"

    def is_visible_to(self, reader) -> bool:
        """As `GoverningBodySession.objects.visible_to(reader)`: drafts for editors only (asks
        for the reader's permissions only when the session is a draft)."""
        return not self.is_draft or is_editor(reader)

    def accepts_edits_by(self, user) -> bool:
        """Drafts take editors' changes; a published session takes only superusers' corrections."""
        return self.is_draft or (self.is_published and user.is_superuser)

    def previous_published(self) -> GoverningBodySession | None:
        """The latest published session before this one that received statuses."""
        return (
            GoverningBodySession.objects.filter(held_in__lt=self.held_in)
            .published()
            .filter(Exists(StatusReport.objects.filter(session=OuterRef("pk"))))
            .order_by("-held_in")
            .first()
        )

    def carry_over(self, by) -> int:
        """Start a newly opened session from the statuses last published, as the Office re-issues
        the same table session after session; editors then change what moved. Returns how many
        statuses were carried (each recorded in the history)."""
        previous = self.previous_published()
        if previous is None:
            return 0
        already = StatusReport.objects.filter(session=self).values("action_item_id")
        reports = StatusReport.objects.bulk_create(
            StatusReport(
                action_item_id=report.action_item_id,
                session=self,
                status=report.status,
                wording=report.wording,
                wording_fr=report.wording_fr,
                wording_es=report.wording_es,
                updated_at=timezone.now(),
                updated_by=by,
            )
            for report in previous.status_reports.exclude(action_item_id__in=already)
        )
        StatusReport.history.bulk_history_create(
            reports, default_user=by, default_change_reason=f"{CARRIED_OVER}{previous.code}"
        )
        return len(reports)

    def publish(self, by) -> None:
        """Freeze the session's statuses and make them the public record."""
        if not self.is_draft:
            raise SessionError(
                gettext("%(code)s is %(state)s: it cannot be published.")
                % {"code": self.code, "state": self.state_label.lower()}
            )
        if not self.status_reports.exists():
            raise SessionError(
                gettext("%(code)s has no statuses yet: there is nothing to publish.")
                % {"code": self.code}
            )
        self.published_at = timezone.now()
        self.published_by = by
        self._change_reason = "Published"
        self.save(update_fields=["published_at", "published_by"])


class Status(models.TextChoices):
    """The fixed vocabulary of statuses; the document's own wording is kept beside it."""

    NOT_STARTED = "not_started", pgettext_lazy("status", "Not started")
    STARTING = "starting", pgettext_lazy("status", "Starting")
    ONGOING = "ongoing", pgettext_lazy("status", "Ongoing")
    COMPLETED = "completed", pgettext_lazy("status", "Completed")
    COMPLETED_ONGOING = "completed_ongoing", pgettext_lazy("status", "Completed/ongoing")


class StatusReportQuerySet(models.QuerySet):
    def get_by_natural_key(
        self, plan_code: str, item_number: int, session_code: str
    ) -> StatusReport:
        return self.get(
            action_item__plan__code=plan_code,
            action_item__number=item_number,
            session__code=session_code,
        )

    def visible_to(self, reader) -> StatusReportQuerySet:
        """The reports of published sessions; of drafts too for editors (`is_editor`)."""
        return visible_rows(self, reader)

    def latest_first(self) -> StatusReportQuerySet:
        """The most recent published reports first, with their item and session."""
        return (
            self.filter(session__published_at__isnull=False)
            .select_related("action_item", "session")
            .order_by("-session__held_in", "action_item__number")
        )

    def latest_changes(self) -> StatusReportQuerySet:
        """As `latest_first`, only the reports that moved: an item's first published report, or
        one whose status or wording differs from the item's previous published report, with
        that report's `previous_status` and `previous_wording` (and its translations)."""
        previous = StatusReport.objects.filter(
            action_item=OuterRef("action_item"),
            session__published_at__isnull=False,
            session__held_in__lt=OuterRef("session__held_in"),
        ).order_by("-session__held_in")
        return (
            self.latest_first()
            .annotate(
                previous_status=Subquery(previous.values("status")[:1]),
                previous_wording=Subquery(previous.values("wording")[:1]),
                **translated_subqueries("previous_wording", previous),
            )
            .filter(
                Q(previous_status__isnull=True)
                | ~Q(previous_status=F("status"))
                | ~Q(previous_wording=F("wording"))
            )
        )


@text_limits_held_by_the_database
class StatusReport(models.Model):
    """Where an action item stood, as reported to one Governing Body session."""

    action_item = models.ForeignKey(
        "ActionItem", on_delete=models.CASCADE, related_name="status_reports"
    )
    session = models.ForeignKey(
        GoverningBodySession, on_delete=models.PROTECT, related_name="status_reports"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    wording = models.CharField(
        _("wording"), max_length=500, help_text=_("The status as the document words it, verbatim.")
    )
    wording_fr = models.CharField(_("wording (French)"), max_length=500, blank=True)
    wording_es = models.CharField(_("wording (Spanish)"), max_length=500, blank=True)
    narrative = models.TextField(_("narrative"), blank=True, max_length=PROSE_MAX_LENGTH)
    narrative_fr = models.TextField(
        _("narrative (French)"), blank=True, max_length=PROSE_MAX_LENGTH
    )
    narrative_es = models.TextField(
        _("narrative (Spanish)"), blank=True, max_length=PROSE_MAX_LENGTH
    )
    paragraphs = models.ManyToManyField(
        "Paragraph",
        blank=True,
        related_name="status_reports",
        help_text=_("Paragraphs of the session's document that report on the item."),
    )
    # Optimistic locking: an edit names the version it started from and is refused if another
    # edit has been saved since (see `record`).
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = StatusReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action_item", "session__held_in"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_item", "session"], name="one_status_report_per_item_and_session"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="status_report_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.action_item.number} at {self.session.code}: {self.wording}"

    def natural_key(self) -> tuple[str, int, str]:
        return (*self.action_item.natural_key(), *self.session.natural_key())

    natural_key.dependencies = ["actions.actionitem", "actions.governingbodysession"]

    @transaction.atomic
    def record(
        self,
        *,
        status: str,
        wording: str,
        reason: str,
        by,
        seen_version: int,
        translations: dict[str, str] | None = None,
    ) -> StatusReport:
        """Save an editor's change, unless another change was saved since they loaded the form
        (`claim_version`: then `StaleEdit`, and nothing is written, not even history)."""
        claim_version(self, seen_version, "updated_by")
        self.status = status
        self.wording = wording
        self.updated_at = timezone.now()
        self.updated_by = by
        translations = translations or {}
        for name, value in translations.items():
            setattr(self, name, value)
        self._change_reason = reason
        self._history_user = by  # also outside a request (commands, scripts)
        self.save(
            update_fields=[
                "status",
                "wording",
                "version",
                "updated_at",
                "updated_by",
                *translations,
            ]
        )
        return self


class SessionError(Exception):
    """A session cannot do what was asked (publish an empty one, edit a frozen one...)."""


class StaleEdit(Exception):
    """Another editor saved the same record (a status report, an engagement) first; `current`
    is what they saved."""

    def __init__(self, current: models.Model | None) -> None:
        super().__init__("The record was changed by someone else.")
        self.current = current


def claim_version(record: models.Model, seen_version: int, *related: str) -> None:
    """Optimistic locking for a record with a `version` (status reports, engagements): claim the
    version after `seen_version` with one conditional UPDATE, which the database serializes
    across processes. The loser gets `StaleEdit` with what the other saved (with `related`)."""
    model = type(record)
    claimed = model.objects.filter(pk=record.pk, version=seen_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEdit(model.objects.select_related(*related).get(pk=record.pk))
    record.version = seen_version + 1


class ProgressUpdateQuerySet(models.QuerySet):
    def visible_to(self, reader) -> ProgressUpdateQuerySet:
        """The updates for published sessions; for drafts too for editors (`is_editor`)."""
        return visible_rows(self, reader)

    def latest_first(self) -> ProgressUpdateQuerySet:
        return self.select_related("session", "created_by").order_by("-date", "-created_at")


@text_limits_held_by_the_database
class ProgressUpdate(models.Model):
    """A dated note by ILO staff on how an action item is progressing."""

    action_item = models.ForeignKey(
        "ActionItem", on_delete=models.CASCADE, related_name="progress_updates"
    )
    session = models.ForeignKey(
        GoverningBodySession,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        help_text=_("The Governing Body session this update reports to."),
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    narrative = models.TextField(_("narrative"), max_length=2000)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )

    objects = ProgressUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(narrative=""), name="progress_update_narrative_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.action_item.number}, {self.date:%d %B %Y}"
