import django_tables2 as tables

from .models import Country


class CountryTable(tables.Table):
    name = tables.Column(
        verbose_name="Country", accessor="code__name", linkify=True, orderable=False
    )
    region = tables.Column(order_by=("region__name", "code"))
    engagement_count = tables.Column(verbose_name="Engagements")

    class Meta:
        model = Country
        fields = ["name", "region", "engagement_count"]
        empty_text = "No country engagements recorded."
