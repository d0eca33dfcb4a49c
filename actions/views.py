from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django_tables2 import RequestConfig
from django_tables2.export import TableExport

from .changes import changes_between, publication_warnings
from .docx import appendix_docx
from .forms import ProgressUpdateForm, PublishForm, SessionForm, StatusReportForm
from .models import (
    ActionItem,
    GoverningBodySession,
    Plan,
    ProgressUpdate,
    SessionError,
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
    items = ActionItem.objects.filter(plan=plan).for_appendix()
    draft = None
    if request.user.has_perm("actions.change_statusreport"):
        draft = GoverningBodySession.objects.reporting()
        items = items.with_draft(draft)
    table = AppendixTable(items)
    RequestConfig(request, paginate=False).configure(table)
    export_format = request.GET.get("_export")
    if TableExport.is_valid_format(export_format):
        return TableExport(export_format, table).response(f"appendix.{export_format}")
    return render(request, "actions/appendix.html", {"plan": plan, "table": table, "draft": draft})


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


def editable_item(number: int) -> tuple[ActionItem, GoverningBodySession | None, StatusReport]:
    """The item, the open draft session, and the item's report there; an unsaved one that
    starts from the latest known status if the draft has none yet."""
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).with_current_status(include_drafts=True),
        number=number,
    )
    session = GoverningBodySession.objects.reporting()
    report = item.status_reports.filter(session=session).first() if session else None
    if report is None:
        report = StatusReport(
            action_item=item,
            session=session,
            status=item.current_status or "",
            wording=item.current_wording or "",
        )
    return item, session, report


def status_cell(request: HttpRequest, number: int) -> HttpResponse:
    """The Status cell of the Appendix row, for htmx to put back after an edit or a cancel."""
    if not request.htmx:
        return redirect(reverse("actions:appendix") + f"#item-{number}")
    draft = GoverningBodySession.objects.reporting()
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).with_current_status().with_draft(draft),
        number=number,
    )
    return render(
        request, "actions/_status_cell.html", {"record": item, "draft": draft, "focus": True}
    )


@login_required
@permission_required(
    ["actions.add_statusreport", "actions.change_statusreport"], raise_exception=True
)
def edit_status(request: HttpRequest, number: int) -> HttpResponse:
    item, session, report = editable_item(number)
    if session is None:
        return render(request, "actions/no_open_session.html", {"item": item}, status=409)
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
    except SessionError as error:
        return render(request, template, {**context, "form": form, "error": str(error)}, status=409)
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
        fresh = ActionItem.objects.with_current_status().with_draft(session).get(pk=item.pk)
        return render(
            request,
            "actions/_status_cell.html",
            {"record": fresh, "draft": session, "focus": True, "saved": True},
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


# --- Reporting sessions ------------------------------------------------------------------------


def visible_session(request: HttpRequest, code: str) -> GoverningBodySession:
    """A session by code; drafts only for those who write them."""
    session = get_object_or_404(GoverningBodySession, code=code)
    if session.is_draft and not request.user.has_perm("actions.change_statusreport"):
        raise Http404("No such session.")
    return session


def session_list(request: HttpRequest) -> HttpResponse:
    sessions = GoverningBodySession.objects.with_report_counts().order_by("-held_in")
    if not request.user.has_perm("actions.change_statusreport"):
        sessions = sessions.exclude(cancelled=False, published_at__isnull=True)
    return render(request, "actions/session_list.html", {"sessions": sessions})


@login_required
@permission_required("actions.change_statusreport", raise_exception=True)
def open_session(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method != "POST":
        return render(request, "actions/session_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "actions/session_form.html", {"form": form}, status=422)
    session = form.save()
    messages.success(
        request, f"{session.code} is open: statuses written now are a draft until it is published."
    )
    return redirect(session)


def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The Appendix exactly as reported to the session; print-ready."""
    session = visible_session(request, code)
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan).as_reported_to(session)
    since = session.previous_published()
    context = {"session": session, "plan": plan, "items": items, "since": since}
    return render(request, "actions/session_detail.html", context)


def resolve_since(request: HttpRequest, session: GoverningBodySession):
    """The session to compare with: `?since=` or the previous published one; or an error."""
    code = request.GET.get("since")
    if not code:
        return session.previous_published(), None
    since = GoverningBodySession.objects.filter(code=code).first()
    if since is None or (since.is_draft and not request.user.has_perm("actions.view_statusreport")):
        return None, f"There is no session {code!r} to compare with."
    if since.held_in >= session.held_in:
        return (
            None,
            f"{since.code} is not earlier than {session.code}: compare with an earlier one.",
        )
    return since, None


def session_changes(request: HttpRequest, code: str) -> HttpResponse:
    session = visible_session(request, code)
    since, error = resolve_since(request, session)
    earlier = GoverningBodySession.objects.filter(held_in__lt=session.held_in, cancelled=False)
    context = {"session": session, "since": since, "error": error, "earlier": earlier}
    if error or since is None:
        status = 400 if error else 200
        return render(request, "actions/session_changes.html", context, status=status)
    context["changes"] = changes_between(session, since)
    return render(request, "actions/session_changes.html", context)


def session_docx(request: HttpRequest, code: str) -> HttpResponse:
    session = visible_session(request, code)
    since, error = resolve_since(request, session) if request.GET.get("since") else (None, None)
    if error:
        return render(
            request,
            "actions/session_changes.html",
            {"session": session, "error": error, "earlier": []},
            status=400,
        )
    changes = changes_between(session, since) if since else None
    content = appendix_docx(session, current_plan(), changes)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"{session.code}-appendix" + (f"-since-{since.code}" if since else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


@login_required
@permission_required("actions.change_statusreport", raise_exception=True)
def publish_session(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(GoverningBodySession, code=code)
    warnings = publication_warnings(session) if session.is_draft else []
    form = PublishForm(request.POST or None)
    context = {"session": session, "warnings": warnings, "form": form}
    if request.method != "POST":
        return render(request, "actions/session_publish.html", context)
    if warnings and not (form.is_valid() and form.cleaned_data["confirm"]):
        form.add_error(
            "confirm", "Fix the warnings, or confirm that the session goes out as it is."
        )
        return render(request, "actions/session_publish.html", context, status=422)
    try:
        session.publish(by=request.user)
    except SessionError as error:
        context["error"] = str(error)
        return render(request, "actions/session_publish.html", context, status=409)
    messages.success(
        request, f"{session.code} is published: its statuses are now the public record."
    )
    return redirect(session)
