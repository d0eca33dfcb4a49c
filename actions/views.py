from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from .forms import ProgressUpdateForm, StatusReportForm
from .models import (
    ActionItem,
    GoverningBodySession,
    Plan,
    ProgressUpdate,
    StaleEdit,
    StatusReport,
)
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
    context = {
        "item": item,
        "reports": reports,
        "updates": item.progress_updates.latest_first(),
        "history": item.audit_trail(),
    }
    return render(request, "actions/detail.html", context)


def editable_item(number: int) -> tuple[ActionItem, GoverningBodySession, StatusReport]:
    """The item, the session statuses are written for, and its report there (maybe unsaved)."""
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).with_current_status(), number=number
    )
    session = GoverningBodySession.objects.reporting()
    if session is None:
        raise Http404("No Governing Body session is open for reporting.")
    report = item.status_reports.filter(session=session).first()
    return item, session, report or StatusReport(action_item=item, session=session)


def status_cell(request: HttpRequest, number: int) -> HttpResponse:
    """The Status cell of the Appendix row, for htmx to put back after an edit or a cancel."""
    if not request.htmx:
        return redirect(reverse("actions:appendix") + f"#item-{number}")
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).with_current_status(), number=number
    )
    return render(request, "actions/_status_cell.html", {"record": item, "focus": True})


@login_required
@permission_required(
    ["actions.add_statusreport", "actions.change_statusreport"], raise_exception=True
)
def edit_status(request: HttpRequest, number: int) -> HttpResponse:
    item, session, report = editable_item(number)
    template = "actions/_status_form.html" if request.htmx else "actions/edit_status.html"
    context = {"item": item, "session": session, "report": report}
    if request.method != "POST":
        form = StatusReportForm(instance=report)
        return render(request, template, {**context, "form": form})

    form = StatusReportForm(request.POST, instance=report)
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            item.report_status(
                session,
                status=data["status"],
                wording=data["wording"],
                reason=data["reason"],
                by=request.user,
                seen_version=data["version"],
            )
            if data["note"]:
                ProgressUpdate.objects.create(
                    action_item=item,
                    session=session,
                    narrative=data["note"],
                    created_by=request.user,
                )
    except StaleEdit as conflict:
        # Keep what this editor typed, on top of the other editor's version, so that saving
        # again applies it knowingly.
        current = conflict.current
        form = StatusReportForm(
            {**request.POST.dict(), "version": current.version if current else 0},
            instance=current or report,
        )
        form.is_valid()
        return render(request, template, {**context, "form": form, "conflict": current}, status=409)
    if request.htmx:
        fresh = ActionItem.objects.with_current_status().get(pk=item.pk)
        return render(
            request, "actions/_status_cell.html", {"record": fresh, "focus": True, "saved": True}
        )
    messages.success(request, f"Item {item.number}: status saved for {session.code}.")
    return redirect(reverse("actions:appendix") + f"#item-{item.number}")


@login_required
@permission_required("actions.add_progressupdate", raise_exception=True)
def add_progress_update(request: HttpRequest, number: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.filter(plan=current_plan()), number=number)
    update = ProgressUpdate(action_item=item, created_by=request.user)
    if request.method != "POST":
        form = ProgressUpdateForm(
            instance=update, initial={"session": GoverningBodySession.objects.reporting()}
        )
        return render(request, "actions/add_progress_update.html", {"item": item, "form": form})
    form = ProgressUpdateForm(request.POST, instance=update)
    if not form.is_valid():
        return render(
            request, "actions/add_progress_update.html", {"item": item, "form": form}, status=422
        )
    form.save()
    messages.success(request, "Progress update added.")
    return redirect(item)
