import datetime

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .content import LocalText, localized
from .models import ActionItem, Component
from .round import RoundState


class ItemTable(tables.Table):
    """The columns every table of action items starts from: each number is its row's header and
    a link named so as to stand alone ("Item 7"), and the item's text in the reader's language."""

    number = tables.Column(
        verbose_name=_("No."),
        linkify=True,
        attrs={
            "a": {
                "aria-label": lambda record: gettext("Item %(number)s") % {"number": record.number}
            }
        },
    )
    text = tables.Column(verbose_name=_("Action item"), attrs={"td": {"class": "item-text"}})

    def render_text(self, record: ActionItem) -> LocalText:
        return localized(record, "text")

    def value_text(self, record: ActionItem) -> str:
        return str(localized(record, "text"))


class AppendixTable(ItemTable):
    """The Appendix of the document: one row per action item, in the document's order.

    In the document's order the page shows each component as a heading row inside the table (see
    `actions/appendix_table.html`); sorted by another column, it shows a component column instead.
    Exports always have the component column and never the overdue flag.
    """

    component = tables.Column(verbose_name=_("Component"), order_by=("component__number", "number"))
    due_by = tables.Column(
        verbose_name=_("Due by"), order_by=("due_date", "number"), attrs={"td": {"lang": "en"}}
    )
    current_wording = tables.TemplateColumn(
        template_name="actions/_status_cell.html",
        verbose_name=_("Status"),
        order_by=("current_status", "number"),
        attrs={"td": {"class": "status-column"}},
    )
    overdue = tables.Column(
        verbose_name=_("Overdue"),
        order_by=("overdue", "due_date", "number"),
        exclude_from_export=True,
        attrs={"th": {"class": "overdue-column"}, "td": {"class": "overdue-column"}},
    )

    caption = _("Action items of the plan by component, when each is due, and its latest status")

    class Meta:
        model = ActionItem
        fields = ["component", "number", "text", "due_by", "current_wording", "overdue"]
        sequence = fields  # the component first, before ItemTable's columns
        orderable = True
        empty_text = _("No action item matches these filters.")
        template_name = "actions/appendix_table.html"
        row_attrs = {"id": lambda record: f"item-{record.number}"}

    def value_current_wording(self, record: ActionItem) -> str:
        return str(localized(record, "current_wording"))

    @property
    def grouped_by_component(self) -> bool:
        """True when rows come component by component, so that heading rows make sense."""
        return not self.order_by or self.order_by[0].bare == "component"

    def before_render(self, request) -> None:
        if self.grouped_by_component:
            self.columns.hide("component")
        else:
            self.columns.show("component")

    def render_component(self, value: Component) -> str:
        return gettext("Component %(number)s") % {"number": value.number}

    def value_component(self, value: Component) -> str:
        return value.heading

    def render_overdue(self, value: bool, record: ActionItem) -> str:
        return (
            gettext("Yes, %(lateness)s") % {"lateness": record.lateness} if value else gettext("No")
        )


class RoundTable(ItemTable):
    """A session's reporting round: each item with its units, their focal points, where it stands
    and the units' proposals (`ActionItem.objects.for_round(session)`). The same as CSV."""

    units = tables.Column(verbose_name=_("Responsible units"), empty_values=(), orderable=False)
    focal_points = tables.Column(verbose_name=_("Focal points"), empty_values=(), orderable=False)
    round_state = tables.Column(verbose_name=_("State"))
    proposals = tables.TemplateColumn(
        template_name="actions/_round_proposals.html",
        verbose_name=_("Proposals"),
        empty_values=(),
        orderable=False,
    )
    # When any of the item's focal points was last reminded (`round_views.last_reminders`).
    last_reminder = tables.Column(verbose_name=_("Last reminder"), empty_values=(), orderable=False)

    caption = _("The items of the round, their units and focal points, and what each unit sent")

    class Meta:
        model = ActionItem
        fields = ["number", "text"]
        sequence = [
            "number",
            "text",
            "units",
            "focal_points",
            "round_state",
            "proposals",
            "last_reminder",
        ]
        orderable = False
        empty_text = _("No action item matches these filters.")
        template_name = "actions/_round_table.html"
        row_attrs = {"id": lambda record: f"item-{record.number}"}

    def __init__(self, *args, reminders: dict[int, datetime.datetime], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reminders = reminders

    def render_units(self, record: ActionItem) -> str:
        return ", ".join(unit.code for unit in record.responsible_units.all()) or gettext(
            "None assigned"
        )

    def render_focal_points(self, record: ActionItem) -> str:
        names = sorted(
            {
                user.get_username()
                for unit in record.responsible_units.all()
                for user in unit.focal_points.all()
            }
        )
        return ", ".join(names) or gettext("None named")

    def render_round_state(self, value: str) -> str:
        return str(RoundState(value).label)

    def value_proposals(self, record: ActionItem) -> str:
        return "; ".join(
            f"{proposal.unit.code}: {proposal.get_state_display()}, "
            f"{proposal.wording} ({proposal.proposed_by})"
            for proposal in record.round_proposals
        )

    def render_last_reminder(self, record: ActionItem) -> str:
        sent = [
            self.reminders[user.pk]
            for unit in record.responsible_units.all()
            for user in unit.focal_points.all()
            if user.pk in self.reminders
        ]
        return date_format(localtime(max(sent)), "DATETIME_FORMAT") if sent else "—"
