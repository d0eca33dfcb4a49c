import django_filters
from django.utils.translation import gettext_lazy as _

from .models import CountryQuerySet, Kind, Region

CONSTITUENTS = [
    ("government", _("Government")),
    ("workers", _("Workers’ organizations")),
    ("employers", _("Employers’ organizations")),
]
# Also the names of their fields on Engagement and EngagementSummary (and the API's values).
CONSTITUENT_CODES = [code for code, _label in CONSTITUENTS]


class CountryFilter(django_filters.FilterSet):
    """The filters of /countries/: a country shows when one of its engagements matches."""

    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="code",
        label=_("Region"),
        empty_label=_("All regions"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of engagement"), choices=Kind.choices, empty_label=_("All kinds")
    )
    constituent = django_filters.ChoiceFilter(
        label=_("Constituent involved"), choices=CONSTITUENTS, empty_label=_("Any constituent")
    )

    def filter_queryset(self, queryset: CountryQuerySet) -> CountryQuerySet:
        # Kind and constituent are one condition on the same engagement, not one filter each.
        # A value that is not valid is not in cleaned_data: the form shows its error instead.
        data = self.form.cleaned_data
        if data.get("region"):
            queryset = queryset.filter(region=data["region"])
        if data.get("kind") or data.get("constituent"):
            queryset = queryset.with_engagement(
                kind=data.get("kind", ""), constituent=data.get("constituent", "")
            )
        return queryset
