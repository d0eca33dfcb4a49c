from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .content import CONTENT_LANGUAGES
from .models import ActionItem, Component, KeyFigure, Paragraph, Plan, Unit
from .reporting import GoverningBodySession, ProgressUpdate, StatusReport
from .round import StatusProposal


def translations(*fields: str) -> tuple[str, dict]:
    """A fieldset with the French and Spanish versions of `fields`, shown open: where they are
    empty the pages show the English marked "translation pending"."""
    names = [f"{field}_{language}" for language in CONTENT_LANGUAGES for field in fields]
    return ("French and Spanish", {"fields": names})


@admin.register(GoverningBodySession)
class GoverningBodySessionAdmin(admin.ModelAdmin):
    list_display = ["code", "period", "document_symbol", "statuses_due", "cancelled"]
    list_filter = ["cancelled"]
    search_fields = ["code", "document_symbol", "document_title"]


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "endorsed_at"]
    search_fields = ["code", "title"]
    fieldsets = [(None, {"fields": ["code", "title", "endorsed_at"]}), translations("title")]
    inlines = [ComponentInline]


class ActionItemInline(admin.TabularInline):
    """The component's items, read-only: they are edited on their own page, which checks them."""

    model = ActionItem
    fields = ["number", "text", "due_by", "due_date"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title", "title_fr", "title_es"]
    fieldsets = [(None, {"fields": ["plan", "number", "title"]}), translations("title")]
    inlines = [ActionItemInline]


class ResponsibleForInline(admin.TabularInline):
    """The items a unit is responsible for (also chosen on each item's page)."""

    model = ActionItem.responsible_units.through
    extra = 0
    verbose_name = "action item"
    verbose_name_plural = "responsible for"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["focal_points"]
    inlines = [ResponsibleForInline]


@admin.register(StatusProposal)
class StatusProposalAdmin(SimpleHistoryAdmin):
    """Proposals are made and reviewed on the site (their verbs check who and when); here they
    are read, and corrected by a superuser if need be."""

    list_display = ["action_item", "session", "unit", "state", "status", "proposed_by"]
    list_filter = ["session", "state", "unit"]
    search_fields = ["wording", "note", "review_comment", "action_item__text"]
    list_select_related = ["action_item", "session", "unit", "proposed_by"]
    readonly_fields = ["version", "proposed_at", "reviewed_at"]


class StatusReportInline(admin.StackedInline):
    model = StatusReport
    fields = [
        "session",
        "status",
        "wording",
        "wording_fr",
        "wording_es",
        "narrative",
        "narrative_fr",
        "narrative_es",
        "paragraphs",
    ]
    autocomplete_fields = ["paragraphs"]
    extra = 0


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_text", "component_number", "due_by", "due_date", "plan"]
    list_display_links = ["number", "short_text"]
    list_filter = ["plan", "component", "status_reports__status", "responsible_units"]
    search_fields = ["text", "text_fr", "text_es", "due_by"]
    list_select_related = ["component", "plan"]
    filter_horizontal = ["responsible_units"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    "component",
                    "number",
                    "text",
                    "due_by",
                    "due_date",
                    "responsible_units",
                ]
            },
        ),
        translations("text"),
    ]
    inlines = [StatusReportInline]

    @admin.display(description="action item", ordering="text")
    def short_text(self, item: ActionItem) -> str:
        return item.text if len(item.text) <= 90 else item.text[:89] + "…"

    @admin.display(description="component", ordering="component__number")
    def component_number(self, item: ActionItem) -> int:
        return item.component.number


@admin.register(StatusReport)
class StatusReportAdmin(SimpleHistoryAdmin):
    list_display = ["action_item_number", "session", "status", "wording", "version", "updated_by"]
    list_filter = ["session", "status", "action_item__component"]
    search_fields = ["wording", "narrative", "action_item__text"]
    list_select_related = ["action_item", "session", "updated_by"]
    autocomplete_fields = ["paragraphs"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "action_item",
                    "session",
                    "status",
                    "wording",
                    "narrative",
                    "paragraphs",
                    "version",
                    "updated_at",
                    "updated_by",
                ]
            },
        ),
        translations("wording", "narrative"),
    ]

    @admin.display(description="item", ordering="action_item__number")
    def action_item_number(self, report: StatusReport) -> int:
        return report.action_item.number


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["number", "session", "opening"]
    list_filter = ["session"]
    search_fields = ["text", "=number"]
    list_select_related = ["session"]

    @admin.display(description="text")
    def opening(self, paragraph: Paragraph) -> str:
        return paragraph.text[:120] + ("…" if len(paragraph.text) > 120 else "")


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["action_item", "date", "session", "created_by"]
    list_filter = ["session", "action_item__component"]
    search_fields = ["narrative", "action_item__text"]
    list_select_related = ["action_item", "session", "created_by"]
    date_hierarchy = "date"


@admin.register(KeyFigure)
class KeyFigureAdmin(admin.ModelAdmin):
    list_display = ["order", "value", "label", "paragraph"]
    list_display_links = ["value", "label"]
    search_fields = ["value", "label", "quote"]
    list_select_related = ["paragraph__session"]
    autocomplete_fields = ["paragraph"]
    fieldsets = [
        (None, {"fields": ["code", "order", "value", "label", "paragraph", "footnote", "quote"]}),
        translations("value", "label", "quote"),
    ]
