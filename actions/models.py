"""The Office Plan of Action, its action items, and what each Governing Body session was told."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import (
    BooleanField,
    CheckConstraint,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import (
    gettext,
    pgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .content import LocalText, in_one_language, localized, translated_subqueries
from .dates import describe_months, months_between
from .history import HistoryEntry, history_entries
from .readers import is_editor, visible_rows

# The longest reason for a change that the history keeps (forms of statuses and engagements).
REASON_MAX_LENGTH = 300
# Prose that staff write (narratives, descriptions, notes): a few paragraphs at most.
PROSE_MAX_LENGTH = 4000


def text_limits_held_by_the_database(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: every free-text field's `max_length` becomes a check constraint too.

    Forms (the site's and admin's) refuse longer text beside the field, from `max_length`; the
    constraint holds the limit for every other write as well, on SQLite (which ignores
    `varchar` lengths) and for `TextField`s (which have no length in the database).
    """
    for field in model._meta.local_fields:
        if isinstance(field, models.CharField | models.TextField) and field.max_length:
            if field.choices:
                continue  # held by its own choices constraint
            model._meta.constraints.append(
                CheckConstraint(
                    condition=LessThanOrEqual(Length(field.name), field.max_length),
                    name=f"{model._meta.model_name}_{field.name}_max_length",
                )
            )
    return model


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
            reports, default_user=by, default_change_reason=f"Carried over from {previous.code}"
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


class PlanQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> Plan:
        return self.get(code=code)

    def current(self) -> Plan | None:
        """The plan the site is about: the one the Governing Body endorsed last."""
        return self.order_by(F("endorsed_at__held_in").desc(nulls_last=True), "-code").first()


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text=_("Short code, e.g. 2019-20."))
    title = models.CharField(max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300, blank=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=300, blank=True)
    endorsed_at = models.ForeignKey(
        GoverningBodySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans_endorsed",
        help_text=_("The session whose Governing Body endorsed the plan."),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan of action")
        verbose_name_plural = _("plans of action")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def status_heading(self) -> LocalText:
        """ "Status of the <title>", wholly in one language (see `in_one_language`)."""
        title = localized(self, "title")
        return in_one_language(
            title, lambda: gettext("Status of the %(title)s") % {"title": title.text}
        )


class ComponentQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code: str, number: int) -> Component:
        return self.get(plan__code=plan_code, number=number)


class Component(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_es = models.TextField(_("title (Spanish)"), blank=True)

    objects = ComponentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="component_number_per_plan"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=20), name="component_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Component {self.number}: {self.title}"

    def natural_key(self) -> tuple[str, int]:
        return (*self.plan.natural_key(), self.number)

    @property
    def heading(self) -> LocalText:
        """ "Component 1: title" wholly in the active language, or wholly in English while the
        title is not translated."""
        title = localized(self, "title")
        return in_one_language(
            title,
            lambda: (
                gettext("Component %(number)s: %(title)s")
                % {"number": self.number, "title": title.text}
            ),
        )

    natural_key.dependencies = ["actions.plan"]


class UnitQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> Unit:
        return self.get(code=code)


class Unit(models.Model):
    """An ILO department, bureau or centre that the document names as doing the work."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible unit")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Status(models.TextChoices):
    """The fixed vocabulary of statuses; the document's own wording is kept beside it."""

    NOT_STARTED = "not_started", pgettext_lazy("status", "Not started")
    STARTING = "starting", pgettext_lazy("status", "Starting")
    ONGOING = "ongoing", pgettext_lazy("status", "Ongoing")
    COMPLETED = "completed", pgettext_lazy("status", "Completed")
    COMPLETED_ONGOING = "completed_ongoing", pgettext_lazy("status", "Completed/ongoing")


# What counts as done for "overdue": "Completed/ongoing" means the deliverable was produced and
# the work goes on, so such an item is no longer late.
DONE_STATUSES = (Status.COMPLETED, Status.COMPLETED_ONGOING)


class ActionItemQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code: str, number: int) -> ActionItem:
        return self.get(plan__code=plan_code, number=number)

    def with_current_status(self, include_drafts: bool = False) -> ActionItemQuerySet:
        """Annotate `current_status`, `current_wording` and `current_session` (its code) from
        each item's latest published report, or latest report of all for editors' drafts."""
        latest = StatusReport.objects.filter(action_item=OuterRef("pk")).order_by(
            "-session__held_in"
        )
        if not include_drafts:
            latest = latest.filter(session__published_at__isnull=False)
        return self.annotate(
            current_status=Subquery(latest.values("status")[:1]),
            current_wording=Subquery(latest.values("wording")[:1]),
            current_session=Subquery(latest.values("session__code")[:1]),
            **translated_subqueries("current_wording", latest),
        )

    def with_draft(self, session: GoverningBodySession | None) -> ActionItemQuerySet:
        """For editors: annotate `draft_status` and `draft_wording` from the open draft session
        (None where the draft has no report for the item yet, or there is no draft)."""
        if session is None:
            return self.annotate(
                draft_status=models.Value(None, output_field=models.CharField()),
                draft_wording=models.Value(None, output_field=models.CharField()),
            )
        report = StatusReport.objects.filter(action_item=OuterRef("pk"), session=session)
        return self.annotate(
            draft_status=Subquery(report.values("status")[:1]),
            draft_wording=Subquery(report.values("wording")[:1]),
        )

    def as_reported_to(self, session: GoverningBodySession) -> ActionItemQuerySet:
        """Annotate `session_status` and `session_wording`: the item's report to that session
        exactly (None where it has none), in the order of the Appendix."""
        report = StatusReport.objects.filter(action_item=OuterRef("pk"), session=session)
        return (
            self.select_related("component")
            .annotate(
                session_status=Subquery(report.values("status")[:1]),
                session_wording=Subquery(report.values("wording")[:1]),
                **translated_subqueries("session_wording", report),
            )
            .order_by("component__number", "number")
        )

    def with_overdue(self, today: datetime.date | None = None) -> ActionItemQuerySet:
        """Annotate `overdue` and `checked_on` (the day it was judged on, default today).

        The one rule for "overdue": the due date has passed and the item's latest status is not
        completed (an item with no report at all is overdue too). Needs `with_current_status()`.
        """
        today = today or timezone.localdate()
        late = Q(due_date__lt=today) & (
            Q(current_status__isnull=True) | ~Q(current_status__in=DONE_STATUSES)
        )
        return self.annotate(
            overdue=ExpressionWrapper(late, output_field=BooleanField()),
            checked_on=Value(today, output_field=DateField()),
        )

    def for_appendix(self, today: datetime.date | None = None) -> ActionItemQuerySet:
        """The items in the order of the document's Appendix, with their current status and
        whether they are overdue on `today`."""
        return (
            self.select_related("component", "plan")
            .with_current_status()
            .with_overdue(today)
            .order_by("plan__code", "component__number", "number")
        )

    def for_detail(self, today: datetime.date | None = None) -> ActionItemQuerySet:
        """As `for_appendix`, with the session that endorsed the plan (for its timeline)."""
        return self.for_appendix(today).select_related("plan__endorsed_at")

    def overdue(self, today: datetime.date | None = None) -> ActionItemQuerySet:
        """The items overdue on `today`, the longest overdue first."""
        return self.for_appendix(today).filter(overdue=True).order_by("due_date", "number")

    def status_counts(self) -> ActionItemQuerySet:
        """One row per component and current status: `component__number`, `current_status`,
        `count`, in one query."""
        return (
            self.with_current_status()
            .order_by()
            .values("component__number", "current_status")
            .annotate(count=Count("pk"))
        )


class ActionItem(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="action_items")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="action_items")
    number = models.PositiveSmallIntegerField(_("No."))
    text = models.TextField(_("action item"))
    text_fr = models.TextField(_("action item (French)"), blank=True)
    text_es = models.TextField(_("action item (Spanish)"), blank=True)
    due_by = models.CharField(
        _("due by"), max_length=100, help_text=_("The “Due by” wording of the document, verbatim.")
    )
    due_date = models.DateField(
        _("due date"), help_text=_("The last day that the “Due by” wording allows.")
    )
    responsible_units = models.ManyToManyField(Unit, blank=True, related_name="action_items")

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="action_item_number_per_plan"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=200), name="action_item_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    def get_absolute_url(self) -> str:
        return reverse("actions:detail", args=[self.number])

    def natural_key(self) -> tuple[str, int]:
        """Causes a query for the plan unless it was selected with the item."""
        return (*self.plan.natural_key(), self.number)

    natural_key.dependencies = ["actions.plan", "actions.component"]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.component_id and self.plan_id and self.component.plan_id != self.plan_id:
            raise ValidationError({"component": gettext("The component belongs to another plan.")})

    def audit_trail(self, reader) -> list[HistoryEntry]:
        """Every recorded change to the item, its status reports and progress updates, newest
        first, with who, when, before → after and the reason, as `reader` may see it: nothing
        of a draft session, and "ILO staff" for who, unless they are an editor (`visible_rows`,
        `staff_name`). Makes three queries."""
        entries = [
            *history_entries(
                self.history.select_related("history_user").order_by("history_date"),
                lambda r: gettext("Action item"),
                ["text", "due_by", "due_date"],
                reader,
                actions=lambda: {
                    "+": pgettext("action item", "created"),
                    "~": pgettext("action item", "changed"),
                    "-": pgettext("action item", "deleted"),
                },
            ),
            *history_entries(
                visible_rows(StatusReport.history.filter(action_item_id=self.pk), reader)
                .select_related("history_user", "session")
                .order_by("history_date"),
                lambda r: gettext("Status for %(code)s") % {"code": r.session.code},
                ["status", "wording", "narrative"],
                reader,
                actions=lambda: {
                    "+": pgettext("status", "created"),
                    "~": pgettext("status", "changed"),
                    "-": pgettext("status", "deleted"),
                },
            ),
            *history_entries(
                visible_rows(ProgressUpdate.history.filter(action_item_id=self.pk), reader)
                .select_related("history_user")
                .order_by("history_date"),
                lambda r: gettext("Progress update of %(date)s") % {"date": date_format(r.date)},
                ["date", "narrative", "evidence_url"],
                reader,
                actions=lambda: {
                    "+": pgettext("progress update", "created"),
                    "~": pgettext("progress update", "changed"),
                    "-": pgettext("progress update", "deleted"),
                },
            ),
        ]
        return sorted(entries, key=lambda entry: entry.when, reverse=True)

    def report_status(
        self,
        session: GoverningBodySession,
        *,
        status: str,
        wording: str,
        reason: str,
        by,
        seen_version: int,
        translations: dict[str, str] | None = None,
    ) -> StatusReport:
        """Write the item's status for `session`; `seen_version` 0 means "there was none".
        `translations` ({"wording_fr": …}) are written too; left out, they stay as they are.

        Raises `StaleEdit` if someone else wrote it since the editor loaded it, and
        `SessionError` if the session is frozen for this user.
        """
        if not session.accepts_edits_by(by):
            raise SessionError(
                gettext(
                    "%(code)s is %(state)s: its statuses can no longer be changed (a superuser "
                    "can correct a published one)."
                )
                % {"code": session.code, "state": session.state_label.lower()}
            )
        report = self.status_reports.filter(session=session).first()
        if report is not None:
            return report.record(
                status=status,
                wording=wording,
                reason=reason,
                by=by,
                seen_version=seen_version,
                translations=translations,
            )
        if seen_version != 0:
            raise StaleEdit(None)
        report = StatusReport(
            action_item=self,
            session=session,
            status=status,
            wording=wording,
            updated_at=timezone.now(),
            updated_by=by,
            **(translations or {}),
        )
        report._change_reason = reason
        report._history_user = by
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            # Another editor created the session's report at the same moment.
            raise StaleEdit(self.status_reports.get(session=session)) from None
        return report

    def add_progress_update(
        self,
        session: GoverningBodySession,
        *,
        narrative: str,
        by,
        date: datetime.date | None = None,
        evidence_url: str = "",
    ) -> ProgressUpdate:
        """Add a note on the item's progress for the open draft `session`.

        Raises `SessionError` for a published or cancelled session: they are frozen.
        """
        if not session.is_draft:
            raise SessionError(
                f"{session.code} is {session.state.lower()}: progress updates go to the session "
                "open for reporting."
            )
        return ProgressUpdate.objects.create(
            action_item=self,
            session=session,
            narrative=narrative,
            date=date or timezone.localdate(),
            evidence_url=evidence_url,
            created_by=by,
        )

    @property
    def lateness(self) -> str | None:
        """How long the item has been overdue ("14 months"), or None if it is not.

        Needs the annotations of `ActionItem.objects.for_appendix(today)`.
        """
        if not self.overdue:
            return None
        return describe_months(months_between(self.due_date, self.checked_on))

    @property
    def standing(self) -> str:
        """Where the item stands against its due date: "14 months overdue", "due in 3 months",
        "completed". Needs the annotations of `ActionItem.objects.for_appendix(today)`."""
        if self.overdue:
            return gettext("%(lateness)s overdue") % {"lateness": self.lateness}
        if self.current_status in DONE_STATUSES:
            return gettext("completed")
        if self.due_date == self.checked_on:
            return gettext("due today")
        return gettext("due in %(months)s") % {
            "months": describe_months(months_between(self.checked_on, self.due_date))
        }


class ParagraphQuerySet(models.QuerySet):
    def get_by_natural_key(self, session_code: str, number: int) -> Paragraph:
        return self.get(session__code=session_code, number=number)


class Paragraph(models.Model):
    """A numbered paragraph of the document a session received, quoted as the source of a fact."""

    session = models.ForeignKey(
        GoverningBodySession, on_delete=models.CASCADE, related_name="paragraphs"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    objects = ParagraphQuerySet.as_manager()

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="paragraph_number_per_session"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="paragraph_number_positive"),
        ]

    def __str__(self) -> str:
        symbol = self.session.document_symbol or self.session.code
        return f"{symbol}, {gettext('para.')} {self.number}"

    def natural_key(self) -> tuple[str, int]:
        return (*self.session.natural_key(), self.number)

    natural_key.dependencies = ["actions.governingbodysession"]


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
        ActionItem, on_delete=models.CASCADE, related_name="status_reports"
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
        Paragraph,
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
        """Save an editor's change, unless another change was saved since they loaded the form.

        The version is claimed with one conditional UPDATE, which the database serializes across
        processes; the loser gets `StaleEdit` and nothing is written (not even history).
        """
        claimed = StatusReport.objects.filter(pk=self.pk, version=seen_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleEdit(StatusReport.objects.select_related("updated_by").get(pk=self.pk))
        self.version = seen_version + 1
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
        ActionItem, on_delete=models.CASCADE, related_name="progress_updates"
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


class KeyFigureQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> KeyFigure:
        return self.get(code=code)

    def for_dashboard(self) -> KeyFigureQuerySet:
        return self.select_related("paragraph__session").order_by("order", "code")


class KeyFigure(models.Model):
    """A figure the document states, shown with the paragraph (or footnote) that states it."""

    code = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(help_text=_("Position among the key figures."))
    value = models.CharField(
        max_length=40, help_text=_("The figure as the document writes it, e.g. “US$73 million”.")
    )
    value_fr = models.CharField(_("value (French)"), max_length=40, blank=True)
    value_es = models.CharField(_("value (Spanish)"), max_length=40, blank=True)
    label = models.CharField(
        max_length=300, help_text=_("What the figure counts, after the value.")
    )
    label_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    label_es = models.CharField(_("label (Spanish)"), max_length=300, blank=True)
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="key_figures")
    footnote = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The paragraph's footnote that states it, if any.")
    )
    quote = models.TextField(help_text=_("The sentence that states the figure, verbatim."))
    quote_fr = models.TextField(
        _("quote (French)"),
        blank=True,
        help_text=_("The sentence in the document's French version."),
    )
    quote_es = models.TextField(
        _("quote (Spanish)"),
        blank=True,
        help_text=_("The sentence in the document's Spanish version."),
    )

    objects = KeyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("key figure")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(footnote__isnull=True) | Q(footnote__gte=1),
                name="key_figure_footnote_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)
