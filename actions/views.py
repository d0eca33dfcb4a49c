from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig, Table
from django_tables2.export import TableExport

from countries.models import Region

from .filters import AppendixFilter
from .models import (
    ActionItem,
    GoverningBodySession,
    KeyFigure,
    Plan,
    Status,
    StatusReport,
)
from .tables import AppendixTable

APPENDIX_PAGE_SIZE = 25
LATEST_UPDATES = 6
# The formats offered; tablib knows more, but some need libraries that are not installed.
EXPORT_FORMATS = ("csv", "xlsx", "json")
STATUS_ORDER = [
    Status.COMPLETED,
    Status.COMPLETED_ONGOING,
    Status.ONGOING,
    Status.STARTING,
    Status.NOT_STARTED,
]
# Status of an item that has no report yet, as the Appendix shows it.
NO_STATUS = "No status reported"


def current_plan() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan of action has been loaded.")
    return plan


def paginate(table: Table, request: HttpRequest, per_page: int) -> str:
    """Show the requested page of `table`, or the nearest one with a message saying so.

    Returns the message, or "" when the requested page exists.
    """
    requested = request.GET.get(table.prefixed_page_field, "1")
    table.paginate(per_page=per_page, page=1)
    last = table.paginator.num_pages
    try:
        number = int(requested)
    except ValueError:
        table.page = table.paginator.page(1)
        return f"“{requested}” is not a page number; showing page 1 of {last}."
    nearest = min(max(number, 1), last)
    table.page = table.paginator.page(nearest)
    if nearest != number:
        return f"There is no page {number}; showing page {nearest} of {last}."
    return ""


@dataclass
class Bar:
    label: str
    count: int
    percent: int


def status_bars(counts: dict[str | None, int], statuses: list[tuple[str | None, str]]) -> list[Bar]:
    """A bar per status, sized as a share of all the items counted (at most 85% of the width,
    leaving room for the number written beside it)."""
    total = sum(counts.values()) or 1
    return [
        Bar(label, counts.get(value, 0), round(85 * counts.get(value, 0) / total))
        for value, label in statuses
    ]


def engagements_by_region() -> QuerySet[Region]:
    """Every region with `country_count` (countries engaged) and `engagement_count`, one query.

    Belongs on the countries app's RegionQuerySet; kept here until that app offers it.
    """
    engaged = Q(countries__engagements__isnull=False)
    return Region.objects.annotate(
        country_count=Count("countries", filter=engaged, distinct=True),
        engagement_count=Count("countries__engagements"),
    ).order_by("name")


def dashboard(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan)
    components = list(plan.components.all())
    overall: dict[str | None, int] = {}
    by_component: dict[int, dict[str | None, int]] = {c.number: {} for c in components}
    for row in items.status_counts():
        status, count = row["current_status"], row["count"]
        overall[status] = overall.get(status, 0) + count
        by_component[row["component__number"]][status] = count
    # The whole vocabulary, most advanced first, so that a zero shows as a zero.
    statuses: list[tuple[str | None, str]] = [(s.value, s.label) for s in STATUS_ORDER]
    if None in overall:
        statuses.append((None, NO_STATUS))
    charts = [
        {
            "title": f"Component {c.number}",
            "component": c,
            "total": sum(by_component[c.number].values()),
            "bars": status_bars(by_component[c.number], statuses),
        }
        for c in components
    ]
    overall_bars = status_bars(overall, statuses)
    # The same counts as a table: a row per status, a column per component, then the total.
    table_rows = [
        {
            "label": bar.label,
            "counts": [chart["bars"][i].count for chart in charts],
            "total": bar.count,
        }
        for i, bar in enumerate(overall_bars)
    ]
    regions = list(engagements_by_region())
    return render(
        request,
        "actions/dashboard.html",
        {
            "plan": plan,
            "total": sum(overall.values()),
            "overall_bars": overall_bars,
            "charts": charts,
            "table_rows": table_rows,
            "overdue_items": items.overdue(),
            "latest_reports": (
                StatusReport.objects.filter(action_item__plan=plan).latest_first()[:LATEST_UPDATES]
            ),
            "key_figures": KeyFigure.objects.for_dashboard(),
            "regions": regions,
            "engaged_countries": sum(r.country_count for r in regions),
            "engagements": sum(r.engagement_count for r in regions),
        },
    )


def appendix(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    filterset = AppendixFilter(
        request.GET or None,
        ActionItem.objects.filter(plan=plan).for_appendix(),
        plan=plan,
        request=request,
    )
    table = AppendixTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return TableExport(export_format, table).response(f"appendix.{export_format}")
    page_message = paginate(table, request, APPENDIX_PAGE_SIZE)
    return render(
        request,
        "actions/appendix.html",
        {
            "plan": plan,
            "table": table,
            "filter": filterset,
            "page_message": page_message,
            "export_formats": EXPORT_FORMATS,
        },
    )


def detail(request: HttpRequest, number: int) -> HttpResponse:
    plan = current_plan()
    item = get_object_or_404(ActionItem.objects.filter(plan=plan).for_detail(), number=number)
    return render(
        request,
        "actions/detail.html",
        {
            "item": item,
            "sessions": GoverningBodySession.objects.timeline_for(item),
            "engagements": item.related_engagements(),
        },
    )
