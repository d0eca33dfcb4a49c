"""Countries and their constituents' engagements with UN Cooperation Framework processes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from actions.content import PROSE_MAX_LENGTH, text_limits_held_by_the_database
from actions.models import ActionItem, Paragraph
from actions.reporting import StatusReport, claim_version


class RegionQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> Region:
        return self.get(code=code)

    def with_engagement_counts(self) -> RegionQuerySet:
        """Every region with `country_count` (countries engaged) and `engagement_count`, by
        name, in one query."""
        engaged = Q(countries__engagements__isnull=False)
        return self.annotate(
            country_count=Count("countries", filter=engaged, distinct=True),
            engagement_count=Count("countries__engagements"),
        ).order_by("name")


# The ILO's regions are a fixed vocabulary, translated with the interface (names as stored).
REGION_NAMES = [
    gettext_noop("Africa"),
    gettext_noop("Americas"),
    gettext_noop("Arab States"),
    gettext_noop("Asia and the Pacific"),
    gettext_noop("Europe and Central Asia"),
]


class Region(models.Model):
    """One of the ILO's five regions."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        """The name in the page's language (a region not in REGION_NAMES keeps its own)."""
        return gettext(self.name)

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class CountryQuerySet(models.QuerySet):
    def get_by_natural_key(self, code: str) -> Country:
        return self.get(code=code)

    def engaged(self) -> CountryQuerySet:
        """Countries with at least one engagement, with `engagement_count`, by code."""
        # A correlated count, not a join with GROUP BY: grouping 20,000 engagements would also
        # compute the name order (`NameRank`, 250 cases) for every one of them.
        count = (
            Engagement.objects.filter(country=OuterRef("pk"))
            .order_by()
            .values("country")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.select_related("region")
            .annotate(engagement_count=Coalesce(Subquery(count), 0))
            .filter(engagement_count__gt=0)
            .order_by("code")
        )

    def for_list(self) -> CountryQuerySet:
        """Engaged countries with `engagement_count`; `Engagement.objects.summaries` gives
        what the table says of their engagements (a country may have hundreds)."""
        return self.engaged()

    def with_engagement(self, kind: str = "", constituent: str = "") -> CountryQuerySet:
        """Countries with an engagement of this kind in which this constituent took part.

        Both conditions hold for the same engagement ("workers took part in a CCA"), and an
        EXISTS subquery leaves `engagement_count` counting all of the country's engagements.
        """
        engagements = Engagement.objects.filter(country=OuterRef("pk"))
        if kind:
            engagements = engagements.filter(kind=kind)
        if constituent:
            engagements = engagements.filter(**{constituent: True})
        return self.filter(Exists(engagements))

    def order_by_name(self, *, descending: bool = False) -> CountryQuerySet:
        rank = NameRank("code")
        return self.order_by(rank.desc() if descending else rank.asc())


class NameRank(models.Func):
    """The rank, in the list of countries sorted by name, of the country code in `field`.

    Names are django-countries' (in the active language) and not stored, so the database cannot
    sort by them; it can sort by this rank, which keeps ordering and paging in SQL. It is one
    `CASE code WHEN 'AF' THEN 0 … END` with the codes as parameters: a `Case` of 250 `When`s
    does the same but takes a tenth of a second to compile.
    """

    output_field = models.IntegerField()

    def __init__(self, field: str) -> None:
        super().__init__(F(field))

    def as_sql(self, compiler, connection, **extra_context):
        code_sql, code_params = compiler.compile(self.source_expressions[0])
        codes = [country.code for country in countries]
        params = [*code_params]
        for rank, code in enumerate(codes):
            params += [code, rank]
        whens = " ".join(["WHEN %s THEN %s"] * len(codes))
        return f"CASE {code_sql} {whens} ELSE %s END", [*params, len(codes)]


class Country(models.Model):
    code = CountryField(unique=True, help_text=_("ISO 3166-1 alpha-2 code."))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.code.name)

    def get_absolute_url(self) -> str:
        return reverse("countries:detail", args=[self.code.code])

    def natural_key(self) -> tuple[str]:
        return (self.code.code,)

    @property
    def name(self) -> str:
        return str(self.code.name)


class Kind(models.TextChoices):
    """The step of the Cooperation Framework cycle (or the support around it) that was engaged."""

    CCA = "cca", _("Common country analysis")
    CF_PRIORITIES = "cf_priorities", _("Cooperation Framework priority-setting")
    CF_DESIGN = "cf_design", _("Cooperation Framework design")
    CF_VALIDATION = "cf_validation", _("Cooperation Framework validation")
    OUTCOME_GROUPS = "outcome_groups", _("Outcome groups")
    DWCP_ALIGNMENT = "dwcp_alignment", _("DWCP alignment")
    COVID_RESPONSE = "covid_response", _("COVID-19 assessment or response with the RC")
    JOINT_FUNDING = "joint_funding", _("Joint funding proposal")
    RC_OUTREACH = "rc_outreach", _("Work with the resident coordinator office")
    CAPACITY_REQUEST = "capacity_request", _("Capacity request")
    BRIEFING = "briefing", _("Briefing of constituents")


class EngagementQuerySet(models.QuerySet):
    def reported_for(self, item: ActionItem, reader) -> EngagementQuerySet:
        """Country engagements reported in the paragraphs that report on `item` (in the reports
        `reader` may see: `StatusReportQuerySet.visible_to`), by country, in one query (with
        country, region and source paragraph)."""
        reports = StatusReport.objects.filter(action_item=item).visible_to(reader)
        paragraphs = Paragraph.objects.filter(status_reports__in=reports)
        return (
            self.filter(source_paragraph__in=paragraphs)
            .select_related("country__region", "source_paragraph__session")
            .order_by("country__code", "source_paragraph__number", "kind")
        )

    def get_by_natural_key(
        self, country_code: str, kind: str, session_code: str, paragraph_number: int
    ) -> Engagement:
        return self.get(
            country__code=country_code,
            kind=kind,
            source_paragraph__session__code=session_code,
            source_paragraph__number=paragraph_number,
        )

    def summaries(self, countries) -> dict[int, EngagementSummary]:
        """What the countries table says of each country's engagements (kinds, constituents,
        paragraphs cited), by country id, from one query of distinct plain values: a country
        may have hundreds of engagements, which need not become objects."""
        rows = (
            self.filter(country__in=countries)
            .order_by("source_paragraph__session__held_in", "source_paragraph__number")
            .values_list(
                "country_id",
                "kind",
                "government",
                "workers",
                "employers",
                "source_paragraph__session__document_symbol",
                "source_paragraph__session__code",
                "source_paragraph__number",
                "source_paragraph__session__held_in",
            )
            .distinct()
        )
        found: dict[int, EngagementSummary] = {}
        for country, kind, government, workers, employers, symbol, code, number, _rank in rows:
            summary = found.setdefault(country, EngagementSummary())
            summary.kinds.add(kind)
            summary.government |= government
            summary.workers |= workers
            summary.employers |= employers
            if number is not None:
                summary.paragraphs.setdefault(symbol or code, set()).add(number)
        return found

    def timeline(self) -> EngagementQuerySet:
        """In time order (`when_year`: the date's year, else the year), undated ones last."""
        return (
            self.select_related("source_paragraph__session")
            .annotate(
                when_year=Coalesce(ExtractYear("date"), F("year"), output_field=IntegerField())
            )
            .order_by(
                F("when_year").asc(nulls_last=True),
                F("date").asc(nulls_last=True),
                "source_paragraph__number",
                "kind",
            )
        )

    def for_matrix(self, kinds: list[str]) -> EngagementQuerySet:
        """One row per country and kind (of these kinds), by country name: `country_id`,
        `country__code`, `kind`, and how many of those engagements each constituent took part
        in (`government_count`, `workers_count`, `employers_count`). Grouped in SQL: a country
        may have hundreds of engagements."""
        return (
            self.filter(kind__in=kinds)
            .values("country_id", "country__code", "kind")
            .annotate(
                government_count=Count("pk", filter=Q(government=True)),
                workers_count=Count("pk", filter=Q(workers=True)),
                employers_count=Count("pk", filter=Q(employers=True)),
            )
            .order_by(NameRank("country__code"), "kind")
        )


@dataclass
class EngagementSummary:
    kinds: set[str] = field(default_factory=set)
    government: bool = False
    workers: bool = False
    employers: bool = False
    # Paragraph numbers by document symbol, documents in the order of their sessions.
    paragraphs: dict[str, set[int]] = field(default_factory=dict)


@text_limits_held_by_the_database
class Engagement(models.Model):
    """One step of a Cooperation Framework process in which ILO constituents took part."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    government = models.BooleanField(default=False)
    workers = models.BooleanField(_("workers' organizations"), default=False)
    employers = models.BooleanField(_("employers' organizations"), default=False)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True, help_text=_("Where the source gives a date."))
    description = models.TextField(max_length=PROSE_MAX_LENGTH)
    source_paragraph = models.ForeignKey(
        Paragraph,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="engagements",
    )
    # Optimistic locking, as for status reports: an edit names the version it started from and
    # is refused if another edit has been saved since (see `record`).
    version = models.PositiveIntegerField(default=1)

    objects = EngagementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["country", "year", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="engagement_kind_valid"),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=1990) & Q(year__lte=2100)),
                name="engagement_year_range",
            ),
            models.UniqueConstraint(
                fields=["country", "kind", "source_paragraph"],
                condition=Q(source_paragraph__isnull=False),
                name="one_engagement_per_country_kind_and_paragraph",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.get_kind_display()}"

    def natural_key(self) -> tuple:
        paragraph = self.source_paragraph.natural_key() if self.source_paragraph else (None, None)
        return (self.country.code.code, self.kind, *paragraph)

    natural_key.dependencies = ["countries.country", "actions.paragraph"]

    @transaction.atomic
    def record(self, *, seen_version: int, reason: str, by) -> Engagement:
        """Save an editor's changes (already set on this instance), unless another change was
        saved since they loaded the form (`claim_version`: then `StaleEdit`, with what the other
        saved, and nothing is written)."""
        claim_version(self, seen_version, "country")
        self._change_reason = reason
        self._history_user = by  # also outside a request (commands, scripts)
        self.save()
        return self

    def latest_change(self):
        """The latest record of the engagement's history, with its user (one query)."""
        return self.history.select_related("history_user").order_by("-history_date").first()

    @property
    def constituents(self) -> list[str]:
        """Names of the constituent groups involved, in the ILO's tripartite order."""
        return [
            label
            for flag, label in [
                (self.government, gettext("Government")),
                (self.workers, gettext("Workers")),
                (self.employers, gettext("Employers")),
            ]
            if flag
        ]
