import django_filters
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ActionItemQuerySet, Component, Plan, Unit
from .reporting import Status
from .round import RoundState


class AppendixFilter(django_filters.FilterSet):
    """Filters of the Appendix; they work on `ActionItem.objects.for_appendix()`'s annotations.

    A value the form refuses (`?status=zzz`) is left out of the filtering and reported by the form.
    """

    component = django_filters.ModelChoiceFilter(
        queryset=Component.objects.none(), label=_("Component"), empty_label=_("All components")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        field_name="current_status",
        choices=Status.choices,
        empty_label=_("Any status"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("yes", _("Overdue")), ("no", _("Not overdue"))],
        empty_label=_("Overdue or not"),
        method="filter_overdue",
    )
    q = django_filters.CharFilter(label=_("Text contains"), method="filter_text")

    def __init__(self, data, queryset: ActionItemQuerySet, *, plan: Plan, request: HttpRequest):
        super().__init__(data, queryset, request=request)
        self.filters["component"].queryset = plan.components.all()
        self.form.fields["component"].label_from_instance = lambda c: (
            gettext("Component %(number)s") % {"number": c.number}
        )

    def filter_overdue(self, queryset: ActionItemQuerySet, name: str, value: str):
        return queryset.filter(overdue=value == "yes")

    def filter_text(self, queryset: ActionItemQuerySet, name: str, value: str):
        """Search the item's text, its "Due by" and its status as the document words them."""
        return queryset.filter(
            Q(text__icontains=value)
            | Q(text_fr__icontains=value)
            | Q(text_es__icontains=value)
            | Q(due_by__icontains=value)
            | Q(current_wording__icontains=value)
        )


class RoundFilter(django_filters.FilterSet):
    """Filters of a session's round page; they work on `ActionItem.objects.for_round()`."""

    state = django_filters.ChoiceFilter(
        label=_("State"),
        field_name="round_state",
        choices=RoundState.choices,
        empty_label=_("Any state"),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"),
        field_name="responsible_units",
        queryset=Unit.objects.all(),
        empty_label=_("All units"),
    )
