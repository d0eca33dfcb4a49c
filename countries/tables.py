import django_tables2 as tables
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Country, CountryQuerySet, Kind, NameRank


class CountryTable(tables.Table):
    """The engaged countries; the last three columns summarize the prefetched engagements."""

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

    def render_kinds(self, record: Country) -> str:
        kinds = {engagement.kind for engagement in record.engagements.all()}
        return "; ".join(str(label) for kind, label in Kind.choices if kind in kinds)

    def render_constituents(self, record: Country) -> str:
        involved = {label for e in record.engagements.all() for label in e.constituents}
        # Engagement.constituents names them in the page's language.
        order = [gettext("Government"), gettext("Workers"), gettext("Employers")]
        return ", ".join(label for label in order if label in involved) or gettext("None named")

    def render_paragraphs(self, record: Country) -> str:
        """As the document cites itself: "GB.340/INS/6, paras 13, 35"."""
        numbers: dict[str, set[int]] = {}
        for engagement in record.engagements.all():  # ordered by session and paragraph
            if paragraph := engagement.source_paragraph:
                symbol = paragraph.session.document_symbol or paragraph.session.code
                numbers.setdefault(symbol, set()).add(paragraph.number)
        cited = []
        for symbol, found in numbers.items():
            label = gettext("para.") if len(found) == 1 else gettext("paras")
            cited.append(f"{symbol}, {label} {', '.join(str(n) for n in sorted(found))}")
        return "; ".join(cited)
