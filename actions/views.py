from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from .models import ActionItem, Plan
from .tables import AppendixTable


def current_plan() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan of action has been loaded.")
    return plan


def appendix(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    table = AppendixTable(ActionItem.objects.filter(plan=plan).for_appendix())
    RequestConfig(request, paginate=False).configure(table)
    export_format = request.GET.get("_export")
    if TableExport.is_valid_format(export_format):
        return TableExport(export_format, table).response(f"appendix.{export_format}")
    return render(request, "actions/appendix.html", {"plan": plan, "table": table})


def detail(request: HttpRequest, number: int) -> HttpResponse:
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).select_related("component", "plan"),
        number=number,
    )
    reports = item.status_reports.select_related("session").prefetch_related("paragraphs__session")
    return render(request, "actions/detail.html", {"item": item, "reports": reports})
