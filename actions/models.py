"""The Office Plan of Action: its components, units, action items, the paragraphs of the
Governing Body's documents, and the key figures they state.

What each session was told (sessions, status reports, progress updates) is in
actions/reporting.py: importing it here is what registers those models with Django, and the
items' verbs write them. Content in three languages is in actions/content.py, dates in
actions/dates.py, the audit trail's presentation in actions/history.py, who sees drafts in
actions/readers.py.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import (
    gettext,
    pgettext,
)
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .content import (
    LocalText,
    in_one_language,
    localized,
    translated_subqueries,
)
from .dates import describe_months, months_between
from .history import HistoryEntry, history_entries
from .readers import visible_rows
from .reporting import (
    GoverningBodySession,
    ProgressUpdate,
    SessionError,
    StaleEdit,
    Status,
    StatusReport,
)
from .round import SETTLED, ProposalState, StatusProposal, round_state


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

    def of_focal_point(self, user) -> UnitQuerySet:
        """The units `user` serves as a focal point."""
        return self.filter(focal_points=user)

    def without_focal_points(self) -> UnitQuerySet:
        """Units responsible for some item that have nobody to propose its status."""
        return self.filter(action_items__isnull=False, focal_points__isnull=True).distinct()

    def for_round(self) -> UnitQuerySet:
        """Units with their focal points, for the round's pages (two queries)."""
        return self.prefetch_related(
            models.Prefetch(
                "focal_points",
                queryset=get_user_model().objects.order_by("username"),
            )
        )


class Unit(models.Model):
    """An ILO department, bureau or centre that the document names as doing the work."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    focal_points = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="focal_point_units",
        verbose_name=_("focal points"),
        help_text=_(
            "Staff who propose the status of the unit's items; they need the group Focal points."
        ),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("responsible unit")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)


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
        (None where the draft has no report for the item yet, or there is no draft), and
        `awaiting_unit` and `awaiting_count`: the first unit (by code) whose proposal awaits
        review, and how many do (None when none does)."""
        if session is None:
            return self.annotate(
                draft_status=models.Value(None, output_field=models.CharField()),
                draft_wording=models.Value(None, output_field=models.CharField()),
                awaiting_unit=models.Value(None, output_field=models.CharField()),
                awaiting_count=models.Value(None, output_field=models.IntegerField()),
            )
        report = StatusReport.objects.filter(action_item=OuterRef("pk"), session=session)
        return self.annotate(
            draft_status=Subquery(report.values("status")[:1]),
            draft_wording=Subquery(report.values("wording")[:1]),
        ).with_awaiting_review(session)

    def with_awaiting_review(self, session: GoverningBodySession) -> ActionItemQuerySet:
        """For editors, the round (actions/round.py): annotate `awaiting_unit` and
        `awaiting_count`, the first unit (by code) whose proposal for `session` awaits review
        and how many do (None when none does), for "proposed by ACTRAV, awaiting review".
        Adds no query."""
        awaiting = StatusProposal.objects.filter(
            action_item=OuterRef("pk"), session=session, state=ProposalState.PROPOSED
        )
        return self.annotate(
            awaiting_unit=Subquery(awaiting.order_by("unit__code").values("unit__code")[:1]),
            awaiting_count=Subquery(
                awaiting.order_by().values("action_item").annotate(n=Count("pk")).values("n")
            ),
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

    # --- The reporting round (actions/round.py) ---

    def of_units(self, units) -> ActionItemQuerySet:
        """The items that any of `units` (a queryset or list of units) is responsible for."""
        through = ActionItem.responsible_units.through.objects.filter(unit__in=units)
        return self.filter(pk__in=through.values("actionitem_id"))

    def with_round_state(self, session: GoverningBodySession) -> ActionItemQuerySet:
        """Annotate `round_state`, a `RoundState` value: where each item stands in the round
        for `session` (nothing yet / proposed / sent back / accepted / recorded by a
        coordinator). Adds no query."""
        return self.annotate(round_state=round_state(OuterRef("pk"), session))

    def for_round(self, session: GoverningBodySession) -> ActionItemQuerySet:
        """The round page's rows for `session`: items in the Appendix's order with `round_state`,
        their units with focal points, and `round_proposals` (the session's proposals for the
        item). Four queries: items, units, focal points, proposals."""
        return (
            self.select_related("component")
            .with_round_state(session)
            .prefetch_related(
                models.Prefetch("responsible_units", queryset=Unit.objects.for_round()),
                models.Prefetch(
                    "proposals",
                    queryset=StatusProposal.objects.for_session(session).order_by("unit__code"),
                    to_attr="round_proposals",
                ),
            )
            .order_by("component__number", "number")
        )

    def lacking_proposal(self, session: GoverningBodySession, units) -> ActionItemQuerySet:
        """The items of `units` still asked of them in `session`: not settled by a coordinator
        (accepted or recorded), and with no proposal of theirs awaiting review or accepted (none,
        or one sent back to propose again). Annotated with `round_state`."""
        live = StatusProposal.objects.filter(
            action_item=OuterRef("pk"), session=session, unit__in=units
        ).exclude(state=ProposalState.SENT_BACK)
        return (
            self.of_units(units)
            .with_round_state(session)
            .exclude(round_state__in=SETTLED)
            .exclude(Exists(live))
        )

    def lacking_proposal_by_focal_point(
        self, session: GoverningBodySession
    ) -> dict[models.Model, list[ActionItem]]:
        """For each focal point (a user), the items of their units still lacking a proposal in
        `session`, as `lacking_proposal(session, their units)` says, in the Appendix's order;
        focal points with none are left out. Four queries, whatever the number of people."""
        items = list(
            self.with_round_state(session)
            .exclude(round_state__in=SETTLED)
            .select_related("component")
            .prefetch_related("responsible_units")
            .order_by("component__number", "number")
        )
        live = set(
            StatusProposal.objects.filter(session=session)
            .exclude(state=ProposalState.SENT_BACK)
            .values_list("action_item_id", "unit_id")
        )
        units_of: dict[models.Model, set[int]] = {}
        serving = Unit.focal_points.through.objects.select_related("user").order_by(
            "user__username"
        )
        for row in serving:
            units_of.setdefault(row.user, set()).add(row.unit_id)
        result = {}
        for user, units in units_of.items():
            asked = [
                item
                for item in items
                if units & {unit.pk for unit in item.responsible_units.all()}
                and not any((item.pk, unit) in live for unit in units)
            ]
            if asked:
                result[user] = asked
        return result

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

    def round_state_in(self, session: GoverningBodySession) -> str:
        """Where the item stands in the round for `session` now (a `RoundState` value), as
        `ActionItemQuerySet.with_round_state` says; one query."""
        return type(self).objects.filter(pk=self.pk).with_round_state(session).get().round_state

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
