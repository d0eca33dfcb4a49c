"""The Office Plan of Action, its action items, and what each Governing Body session was told."""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    BooleanField,
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
from django.urls import reverse
from django.utils import timezone

if TYPE_CHECKING:
    from countries.models import EngagementQuerySet


class SessionQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> GoverningBodySession:
        return self.get(code=code)

    def latest_reported(self) -> GoverningBodySession | None:
        """The last session that was told where the items stand: what the site's data reflects."""
        reported = StatusReport.objects.filter(session=OuterRef("pk"))
        return self.filter(Exists(reported)).order_by("-held_in").first()

    def timeline_for(self, item: ActionItem) -> SessionQuerySet:
        """The sessions since the item's plan was endorsed, oldest first, each with `item_reports`:
        the item's report to it (none for a session that was cancelled or not told), with the
        paragraphs that report on it. Three queries: sessions, reports, paragraphs."""
        reports = StatusReport.objects.filter(action_item=item).prefetch_related(
            Prefetch("paragraphs", queryset=Paragraph.objects.select_related("session"))
        )
        sessions = self.prefetch_related(
            Prefetch("status_reports", queryset=reports, to_attr="item_reports")
        ).order_by("held_in")
        endorsed_at = item.plan.endorsed_at
        if endorsed_at is not None:
            sessions = sessions.filter(held_in__gte=endorsed_at.held_in)
        return sessions


class GoverningBodySession(models.Model):
    """A session of the ILO Governing Body to which the Office reports on the plan."""

    code = models.CharField(
        max_length=20, unique=True, help_text="As the Office writes it, e.g. GB.340."
    )
    held_in = models.DateField(
        help_text="First day of the month in which the session met or was to meet; "
        "used to order sessions."
    )
    period = models.CharField(
        max_length=100, help_text="When the session met, as its documents say it."
    )
    document_symbol = models.CharField(
        max_length=40,
        blank=True,
        help_text="Symbol of the document that reports on the plan, e.g. GB.340/INS/6.",
    )
    document_title = models.CharField(max_length=300, blank=True)
    document_date = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "Governing Body session"
        ordering = ["held_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith="GB."), name="session_code_starts_with_gb"
            ),
        ]

    def __str__(self) -> str:
        suffix = " (cancelled)" if self.cancelled else ""
        return f"{self.code}, {self.period}{suffix}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class PlanQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> Plan:
        return self.get(code=code)

    def current(self) -> Plan | None:
        """The plan the site is about: the one the Governing Body endorsed last."""
        return self.order_by(F("endorsed_at__held_in").desc(nulls_last=True), "-code").first()


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. 2019-20.")
    title = models.CharField(max_length=300)
    endorsed_at = models.ForeignKey(
        GoverningBodySession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans_endorsed",
        help_text="The session whose Governing Body endorsed the plan.",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan of action"
        verbose_name_plural = "plans of action"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.title

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ComponentQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code: str, number: int) -> Component:
        return self.get(plan__code=plan_code, number=number)


class Component(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="components")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()

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
        verbose_name = "responsible unit"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Status(models.TextChoices):
    """The fixed vocabulary of statuses; the document's own wording is kept beside it."""

    NOT_STARTED = "not_started", "Not started"
    STARTING = "starting", "Starting"
    ONGOING = "ongoing", "Ongoing"
    COMPLETED = "completed", "Completed"
    COMPLETED_ONGOING = "completed_ongoing", "Completed/ongoing"


# What counts as done for "overdue": "Completed/ongoing" means the deliverable was produced and
# the work goes on, so such an item is no longer late.
DONE_STATUSES = (Status.COMPLETED, Status.COMPLETED_ONGOING)


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from `earlier` to `later` (0 if less than a month or if `later` is earlier).

    A month is complete on the same day of the month, or on the month's last day when it is
    shorter: 31 December to 30 November is eleven months.
    """
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    last_day = calendar.monthrange(later.year, later.month)[1]
    if later.day < min(earlier.day, last_day):
        months -= 1
    return max(months, 0)


def describe_months(months: int) -> str:
    """A span of whole months as a reader says it: "3 months", "14 months", "6 years 10 months"."""
    if months < 1:
        return "less than a month"
    if months < 24:
        return f"{months} month{'s' if months > 1 else ''}"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' if rest > 1 else ''}" if rest else "")


class ActionItemQuerySet(models.QuerySet):
    def get_by_natural_key(self, plan_code: str, number: int) -> ActionItem:
        return self.get(plan__code=plan_code, number=number)

    def with_current_status(self) -> ActionItemQuerySet:
        """Annotate `current_status` and `current_wording` from each item's latest report."""
        latest = StatusReport.objects.filter(action_item=OuterRef("pk")).order_by(
            "-session__held_in"
        )
        return self.annotate(
            current_status=Subquery(latest.values("status")[:1]),
            current_wording=Subquery(latest.values("wording")[:1]),
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
    number = models.PositiveSmallIntegerField("No.")
    text = models.TextField("action item")
    due_by = models.CharField(
        "due by", max_length=100, help_text="The “Due by” wording of the document, verbatim."
    )
    due_date = models.DateField(help_text="The last day that the “Due by” wording allows.")
    responsible_units = models.ManyToManyField(Unit, blank=True, related_name="action_items")

    objects = ActionItemQuerySet.as_manager()

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
            raise ValidationError({"component": "The component belongs to another plan."})

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
            return f"{self.lateness} overdue"
        if self.current_status in DONE_STATUSES:
            return "completed"
        if self.due_date == self.checked_on:
            return "due today"
        return f"due in {describe_months(months_between(self.checked_on, self.due_date))}"

    def related_engagements(self) -> EngagementQuerySet:
        """Country engagements reported in the paragraphs that report on this item, by country,
        in one query (with country, region and source paragraph)."""
        # Imported here: countries.models imports this module.
        from countries.models import Engagement

        paragraphs = Paragraph.objects.filter(status_reports__action_item=self)
        return (
            Engagement.objects.filter(source_paragraph__in=paragraphs)
            .select_related("country__region", "source_paragraph__session")
            .order_by("country__code", "source_paragraph__number", "kind")
        )


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
        return f"{self.session.document_symbol or self.session.code}, para. {self.number}"

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

    def latest_first(self) -> StatusReportQuerySet:
        """The most recent reports first, with their item and session."""
        return self.select_related("action_item", "session").order_by(
            "-session__held_in", "action_item__number"
        )


class StatusReport(models.Model):
    """Where an action item stood, as reported to one Governing Body session."""

    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, related_name="status_reports"
    )
    session = models.ForeignKey(
        GoverningBodySession, on_delete=models.PROTECT, related_name="status_reports"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    wording = models.CharField(
        max_length=500, help_text="The status as the document words it, verbatim."
    )
    narrative = models.TextField(blank=True)
    paragraphs = models.ManyToManyField(
        Paragraph,
        blank=True,
        related_name="status_reports",
        help_text="Paragraphs of the session's document that report on the item.",
    )

    objects = StatusReportQuerySet.as_manager()

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


class KeyFigureQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> KeyFigure:
        return self.get(code=code)

    def for_dashboard(self) -> KeyFigureQuerySet:
        return self.select_related("paragraph__session").order_by("order", "code")


class KeyFigure(models.Model):
    """A figure the document states, shown with the paragraph (or footnote) that states it."""

    code = models.SlugField(max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(help_text="Position among the key figures.")
    value = models.CharField(
        max_length=40, help_text="The figure as the document writes it, e.g. “US$73 million”."
    )
    label = models.CharField(max_length=300, help_text="What the figure counts, after the value.")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.PROTECT, related_name="key_figures")
    footnote = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The paragraph's footnote that states it, if any."
    )
    quote = models.TextField(help_text="The sentence that states the figure, verbatim.")

    objects = KeyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = "key figure"
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
