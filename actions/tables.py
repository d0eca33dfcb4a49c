import django_tables2 as tables

from .models import ActionItem


class AppendixTable(tables.Table):
    """The Appendix of the document: one row per action item, in the document's order."""

    component = tables.Column(order_by=("component__number", "number"))
    number = tables.Column(verbose_name="No.", linkify=True)
    text = tables.Column(verbose_name="Action item")
    due_by = tables.Column(verbose_name="Due by", order_by=("due_date", "number"))
    current_wording = tables.TemplateColumn(
        template_name="actions/_status_cell.html",
        verbose_name="Status",
        order_by=("current_status", "number"),
    )

    class Meta:
        model = ActionItem
        fields = ["component", "number", "text", "due_by", "current_wording"]
        orderable = True
        empty_text = "No action items."
        row_attrs = {"id": lambda record: f"item-{record.number}"}

    def value_current_wording(self, record: ActionItem) -> str:
        return record.current_wording or ""
