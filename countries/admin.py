from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Country, Engagement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


class EngagementInline(admin.StackedInline):
    model = Engagement
    fields = [
        "kind",
        ("government", "workers", "employers"),
        ("year", "date"),
        "description",
        "source_paragraph",
    ]
    autocomplete_fields = ["source_paragraph"]
    extra = 0


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["code"]
    list_select_related = ["region"]
    inlines = [EngagementInline]


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ["country", "kind", "government", "workers", "employers", "year", "source"]
    list_filter = ["kind", "country__region", "government", "workers", "employers", "year"]
    search_fields = ["description", "country__code"]
    list_select_related = ["country", "source_paragraph__session"]
    autocomplete_fields = ["source_paragraph"]
    readonly_fields = ["version"]

    @admin.display(description="source", ordering="source_paragraph__number")
    def source(self, engagement: Engagement) -> str:
        return str(engagement.source_paragraph or "")
