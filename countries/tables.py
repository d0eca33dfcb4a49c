import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actions.typography import punctuated

from .models import Country, CountryQuerySet, Engagement, EngagementSummary, Kind, NameRank


class CountryTable(tables.Table):
    """The engaged countries; three columns summarize their engagements (see `summary`)."""

    name = tables.Column(verbose_name=_("Country"), accessor="code__name", linkify=True)
    code = tables.Column(verbose_name=_("ISO code"), visible=False)  # exported only
    region = tables.Column(verbose_name=_("Region"))
    kinds = tables.Column(verbose_name=_("Kinds of engagement"), empty_values=(), orderable=False)
    constituents = tables.Column(
        verbose_name=_("Constituents involved"), empty_values=(), orderable=False
    )
    paragraphs = tables.Column(verbose_name=_("Paragraphs"), empty_values=(), orderable=False)
    engagement_count = tables.Column(verbose_name=_("Engagements"))

    caption = _("Countries whose constituents engaged with Cooperation Framework processes")
    summaries: dict[int, EngagementSummary] | None = None

    class Meta:
        model = Country
        fields = ["name", "code", "region", "kinds", "constituents", "paragraphs"]
        sequence = [*fields, "engagement_count"]
        order_by = "name"
        template_name = "countries/_table.html"
        empty_text = _("No country matches these filters.")

    def order_name(self, queryset: CountryQuerySet, is_descending: bool):
        return queryset.order_by_name(descending=is_descending), True

    def order_region(self, queryset: CountryQuerySet, is_descending: bool):
        region = F("region__name")
        return queryset.order_by(
            region.desc() if is_descending else region.asc(), NameRank("code")
        ), True

    def order_engagement_count(self, queryset: CountryQuerySet, is_descending: bool):
        count = F("engagement_count")
        # Ties in name order, so that pages do not overlap.
        return queryset.order_by(
            count.desc() if is_descending else count.asc(), NameRank("code")
        ), True

    def render_code(self, record: Country) -> str:
        return record.code.code

    def summary(self, record: Country) -> EngagementSummary:
        """The record's summary, fetched for the whole page (or export) at its first row."""
        if self.summaries is None:
            if hasattr(self, "page"):
                countries = [row.record.pk for row in self.page.object_list]
            else:  # an export: every row the filters show
                countries = self.data.data.values("pk")
            self.summaries = Engagement.objects.summaries(countries)
        return self.summaries.get(record.pk, EngagementSummary())

    def render_kinds(self, record: Country) -> str:
        kinds = self.summary(record).kinds
        return punctuated(";").join(str(label) for kind, label in Kind.choices if kind in kinds)

    def render_constituents(self, record: Country) -> str:
        summary = self.summary(record)
        involved = [summary.government, summary.workers, summary.employers]
        # In the page's language.
        order = [gettext("Government"), gettext("Workers"), gettext("Employers")]
        named = [label for label, on in zip(order, involved, strict=True) if on]
        return ", ".join(named) or gettext("None named")

    def render_paragraphs(self, record: Country) -> str:
        """As the document cites itself: "GB.340/INS/6, paras 13, 35"."""
        cited = []
        for symbol, found in self.summary(record).paragraphs.items():
            label = gettext("para.") if len(found) == 1 else gettext("paras")
            cited.append(f"{symbol}, {label} {', '.join(str(n) for n in sorted(found))}")
        return punctuated(";").join(cited)
