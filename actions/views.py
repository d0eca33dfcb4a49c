import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.signing import BadSignature
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_tables2 import RequestConfig

from ops.pagecache import cached_read_page, deferred
from reform_tracker.exports import EXPORT_FORMATS, export, paginate

from .changes import changes_between, publication_warnings
from .docx import appendix_docx
from .filters import AppendixFilter
from .forms import (
    ApplyImportForm,
    ImportForm,
    ProgressUpdateForm,
    PublishForm,
    SessionForm,
    StatusReportForm,
)
from .imports import (
    MAX_UPLOAD_BYTES,
    Conflict,
    ImportRefused,
    Preview,
    ReadFile,
    apply,
    build_preview,
    read_upload,
    too_large_message,
    unsigned,
)
from .models import ActionItem, KeyFigure, Plan
from .readers import is_editor
from .reporting import (
    GoverningBodySession,
    ProgressUpdate,
    SessionError,
    StaleEdit,
    Status,
    StatusReport,
)
from .tables import AppendixTable

APPENDIX_PAGE_SIZE = 25
LATEST_UPDATES = 6
STATUS_ORDER = [
    Status.COMPLETED,
    Status.COMPLETED_ONGOING,
    Status.ONGOING,
    Status.STARTING,
    Status.NOT_STARTED,
]
# Status of an item that has no report yet, as the Appendix shows it.
NO_STATUS = _("No status reported")


def current_plan() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan of action has been loaded.")
    return plan


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


DASHBOARD_FIGURES = (
    "total",
    "overall_bars",
    "charts",
    "table_rows",
    "regions",
    "engaged_countries",
    "engagements",
)


@cached_read_page
def dashboard(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan)
    return render(
        request,
        "actions/dashboard.html",
        {
            "plan": plan,
            **deferred(lambda: dashboard_figures(plan, items), DASHBOARD_FIGURES),
            "overdue_items": items.overdue(),
            "latest_reports": (
                StatusReport.objects.filter(action_item__plan=plan).latest_changes()[
                    :LATEST_UPDATES
                ]
            ),
            "key_figures": KeyFigure.objects.for_dashboard(),
        },
    )


def dashboard_figures(plan: Plan, items: QuerySet[ActionItem]) -> dict[str, object]:
    """The dashboard's counts: items by status overall and per component, and engagements by
    region. Three queries (components, status counts, regions)."""
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
            "title": gettext("Component %(number)s") % {"number": c.number},
            "component": c,
            "total": sum(by_component[c.number].values()),
            "bars": status_bars(by_component[c.number], statuses),
        }
        for c in components
    ]
    overall_bars = status_bars(overall, statuses)
    # The same counts as a table: a row per status, a column per component, then the total; each
    # count with its column's title, which labels it when the table is stacked on a phone.
    table_rows = [
        {
            "label": bar.label,
            "counts": [
                {"label": chart["title"], "count": chart["bars"][i].count} for chart in charts
            ],
            "total": bar.count,
        }
        for i, bar in enumerate(overall_bars)
    ]
    # At call time: countries builds on actions (its engagements cite paragraphs), not the reverse.
    from countries.models import Region

    regions = list(Region.objects.with_engagement_counts())
    return {
        "total": sum(overall.values()),
        "overall_bars": overall_bars,
        "charts": charts,
        "table_rows": table_rows,
        "regions": regions,
        "engaged_countries": sum(r.country_count for r in regions),
        "engagements": sum(r.engagement_count for r in regions),
    }


@cached_read_page
def appendix(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan).for_appendix()
    draft = None
    if is_editor(request.user):
        # Editors see, beside the published status, what they have drafted for the next session.
        draft = GoverningBodySession.objects.reporting()
        items = items.with_draft(draft)
    filterset = AppendixFilter(request.GET or None, items, plan=plan, request=request)
    table = AppendixTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    download, export_message = export(request, table, "appendix")
    if download:
        return download
    page_message = paginate(table, request, APPENDIX_PAGE_SIZE)
    return render(
        request,
        "actions/appendix.html",
        {
            "plan": plan,
            "table": table,
            "filter": filterset,
            "page_message": page_message,
            "export_message": export_message,
            "export_formats": EXPORT_FORMATS,
            "draft": draft,
            "saved_item": saved_item(request),
            "overdue_count": ActionItem.objects.filter(plan=plan).overdue().count(),
        },
    )


def saved_item(request: HttpRequest) -> int | None:
    """The item whose status was just saved without JavaScript (`?saved=<number>`)."""
    number = request.GET.get("saved", "")
    return int(number) if number.isdigit() else None


@cached_read_page
def detail(request: HttpRequest, number: int) -> HttpResponse:
    # At call time: countries builds on actions (its engagements cite paragraphs), not the reverse.
    from countries.models import Engagement

    items = ActionItem.objects.filter(plan=current_plan()).for_detail()
    draft = None
    if is_editor(request.user):
        # As in the Appendix: the session their changes go to (actions/_reporting.html), what
        # it says of the item so far and the proposals awaiting review.
        draft = GoverningBodySession.objects.reporting()
        items = items.with_draft(draft)
    item = get_object_or_404(items, number=number)
    return render(
        request,
        "actions/detail.html",
        {
            "item": item,
            "sessions": GoverningBodySession.objects.timeline_for(item),
            "engagements": Engagement.objects.reported_for(item, request.user),
            "updates": item.progress_updates.visible_to(request.user).latest_first(),
            "history": SimpleLazyObject(lambda: item.audit_trail(request.user)),
            "draft": draft,
        },
    )


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
    draft = GoverningBodySession.objects.reporting() if is_editor(request.user) else None
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
    # Ids that name the item: in the Appendix the form sits beside the filters (which have a
    # Status too) and other rows' forms, and each label must point at its own control.
    auto_id = f"status-{item.number}-%s"
    if request.method != "POST":
        form = StatusReportForm(instance=report, auto_id=auto_id)
        return render(request, template, {**context, "form": form})

    form = StatusReportForm(request.POST, instance=report, auto_id=auto_id)
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
                translations=form.translations(),
            )
            if data["note"]:
                item.add_progress_update(session, narrative=data["note"], by=request.user)
    except SessionError as error:
        return render(request, template, {**context, "form": form, "error": str(error)}, status=409)
    except StaleEdit as conflict:
        # Keep what this editor typed, on top of the other editor's version, so that saving
        # again applies it knowingly.
        current = conflict.current
        form = StatusReportForm(
            {**request.POST.dict(), "version": current.version if current else 0},
            # A copy: validating writes this editor's entries onto the instance, and the
            # message must show what the other editor saved.
            instance=copy.copy(current) if current else report,
            auto_id=auto_id,
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
    messages.success(
        request,
        gettext("Item %(number)s: status saved for %(code)s.")
        % {"number": item.number, "code": session.code},
    )
    # The row says "Saved" too: the page opens there, where the message at the top is not seen.
    return redirect(reverse("actions:appendix") + f"?saved={item.number}#item-{item.number}")


@login_required
@permission_required("actions.add_progressupdate", raise_exception=True)
def add_progress_update(request: HttpRequest, number: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.filter(plan=current_plan()), number=number)
    # Published and cancelled sessions are frozen: updates go to the open draft.
    session = GoverningBodySession.objects.reporting()
    if session is None:
        return render(request, "actions/no_open_session.html", {"item": item}, status=409)
    update = ProgressUpdate(action_item=item, created_by=request.user)
    if request.method != "POST":
        # Dated as the session it reports to, which the editor is writing for.
        initial = {"session": session, "date": session.held_in}
        form = ProgressUpdateForm(instance=update, initial=initial)
        return render(request, "actions/add_progress_update.html", {"item": item, "form": form})
    form = ProgressUpdateForm(request.POST, instance=update)
    if not form.is_valid():
        return render(
            request, "actions/add_progress_update.html", {"item": item, "form": form}, status=422
        )
    data = form.cleaned_data
    try:
        item.add_progress_update(
            data["session"],
            narrative=data["narrative"],
            date=data["date"],
            evidence_url=data["evidence_url"],
            by=request.user,
        )
    except SessionError as error:
        form.add_error("session", str(error))
        return render(
            request, "actions/add_progress_update.html", {"item": item, "form": form}, status=409
        )
    messages.success(request, gettext("Progress update added."))
    return redirect(item)


# --- Reporting sessions ------------------------------------------------------------------------


def visible_session(request: HttpRequest, code: str) -> GoverningBodySession:
    """A session by code; drafts only for those who write them."""
    session = get_object_or_404(GoverningBodySession, code=code)
    if not session.is_visible_to(request.user):
        raise Http404("No such session.")
    return session


@cached_read_page
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = (
        GoverningBodySession.objects.visible_to(request.user)
        .with_report_counts()
        .order_by("-held_in")
    )
    return render(request, "actions/session_list.html", {"sessions": sessions})


@login_required
@permission_required("actions.change_statusreport", raise_exception=True)
def open_session(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method != "POST":
        return render(request, "actions/session_form.html", {"form": form})
    if not form.is_valid():
        return render(request, "actions/session_form.html", {"form": form}, status=422)
    with transaction.atomic():
        session = form.save()
        carried = session.carry_over(by=request.user)
    messages.success(
        request,
        gettext(
            "%(code)s is open with the %(carried)s statuses last published: change what moved. "
            "They are a draft, seen by editors only, until the session is published."
        )
        % {"code": session.code, "carried": carried},
    )
    return redirect(session)


@cached_read_page
def session_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The Appendix exactly as reported to the session; print-ready."""
    session = visible_session(request, code)
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan).as_reported_to(session)
    since = session.previous_published()
    context = {"session": session, "plan": plan, "items": items, "since": since}
    return render(request, "actions/session_detail.html", context)


def resolve_since(session: GoverningBodySession, code: str | None, reader):
    """The session to compare with: the one `code` names (`?since=`) if `reader` may see it,
    or the previous published one without a code; or an error."""
    if not code:
        return session.previous_published(), None
    since = GoverningBodySession.objects.filter(code=code).first()
    if since is None or not since.is_visible_to(reader):
        return None, gettext("There is no session “%(code)s” to compare with.") % {"code": code}
    if since.held_in >= session.held_in:
        return (
            None,
            gettext("%(since)s is not earlier than %(code)s: compare with an earlier one.")
            % {"since": since.code, "code": session.code},
        )
    return since, None


@cached_read_page
def session_changes(request: HttpRequest, code: str) -> HttpResponse:
    session = visible_session(request, code)
    since, error = resolve_since(session, request.GET.get("since"), request.user)
    earlier = GoverningBodySession.objects.visible_to(request.user).filter(
        held_in__lt=session.held_in, cancelled=False
    )
    context = {"session": session, "since": since, "error": error, "earlier": earlier}
    if error or since is None:
        status = 400 if error else 200
        return render(request, "actions/session_changes.html", context, status=status)
    context["changes"] = SimpleLazyObject(lambda: changes_between(session, since))
    return render(request, "actions/session_changes.html", context)


@cached_read_page
def session_docx(request: HttpRequest, code: str) -> HttpResponse:
    session = visible_session(request, code)
    asked = request.GET.get("since")
    since, error = resolve_since(session, asked, request.user) if asked else (None, None)
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
    form = PublishForm(request.POST if request.method == "POST" else None)
    context = {"session": session, "warnings": warnings, "form": form}
    if request.method != "POST":
        return render(request, "actions/session_publish.html", context)
    if warnings and not (form.is_valid() and form.cleaned_data["confirm"]):
        form.add_error(
            "confirm", gettext("Fix the warnings, or confirm that the session goes out as it is.")
        )
        return render(request, "actions/session_publish.html", context, status=422)
    try:
        session.publish(by=request.user)
    except SessionError as error:
        context["error"] = str(error)
        return render(request, "actions/session_publish.html", context, status=409)
    messages.success(
        request,
        gettext("%(code)s is published: its statuses are now the public record.")
        % {"code": session.code},
    )
    return redirect(session)


# --- Importing the Appendix --------------------------------------------------------------------

IMPORT_TEMPLATE = "actions/session_import.html"
# Room for the form's other fields around the file in a multipart body.
FORM_OVERHEAD_BYTES = 64 * 1024


# CSRF is checked by `import_into_session`, once the size is known: the middleware would read
# (and spool to disk) a body of any size to find the token.
@csrf_exempt
@login_required
@permission_required("actions.change_statusreport", raise_exception=True)
def import_appendix(request: HttpRequest, code: str) -> HttpResponse:
    """Upload the Appendix as Word, Excel or CSV, see what it would change, apply the rows
    ticked (see actions/imports.py)."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES:
        session = get_object_or_404(GoverningBodySession, code=code)
        context = {"session": session, "form": ImportForm(), "errors": [too_large_message()]}
        return render(request, IMPORT_TEMPLATE, context, status=413)
    return import_into_session(request, code)


@csrf_protect
def import_into_session(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(GoverningBodySession, code=code)
    context = {"session": session, "form": ImportForm()}
    if session != GoverningBodySession.objects.reporting():
        error = gettext(
            "%(code)s is %(state)s: the Appendix can be imported only into the session open "
            "for reporting."
        ) % {"code": session.code, "state": session.state_label.lower()}
        return render(request, IMPORT_TEMPLATE, {**context, "errors": [error]}, status=409)
    if request.method != "POST":
        return render(request, IMPORT_TEMPLATE, context)
    plan = current_plan()
    if "preview" in request.POST:
        return apply_import(request, session, plan)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, IMPORT_TEMPLATE, {**context, "form": form}, status=422)
    upload = form.cleaned_data["file"]
    # The name as the editor's computer gave it, without any folder; shown escaped.
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][-120:]
    try:
        preview = build_preview(session, plan, name, read_upload(name, upload.read()))
    except ImportRefused as refusal:
        context = {**context, "name": name, "errors": refusal.messages}
        return render(request, IMPORT_TEMPLATE, context, status=refusal.status)
    return render_preview(request, preview)


def render_preview(
    request: HttpRequest,
    preview: Preview,
    form: ApplyImportForm | None = None,
    status: int = 200,
    **extra,
) -> HttpResponse:
    form = form or ApplyImportForm(initial={"preview": preview.signed()}, changes=preview.changes)
    context = {"session": preview.session, "preview": preview, "apply_form": form, **extra}
    return render(request, IMPORT_TEMPLATE, {"form": ImportForm(), **context}, status=status)


def apply_import(request: HttpRequest, session: GoverningBodySession, plan) -> HttpResponse:
    try:
        preview = unsigned(session, plan, request.POST["preview"])
    except (BadSignature, ImportRefused, ValueError, KeyError, TypeError):
        error = gettext("The preview has expired or was altered: upload the file again.")
        context = {"session": session, "form": ImportForm(), "errors": [error]}
        return render(request, IMPORT_TEMPLATE, context, status=400)
    form = ApplyImportForm(request.POST, changes=preview.changes)
    if not form.is_valid():
        return render_preview(request, preview, form, status=422)
    try:
        applied = apply(preview, form.chosen(), form.cleaned_data["reason"], request.user)
    except ImportRefused as refusal:
        return render_preview(request, preview, form, status=422, errors=refusal.messages)
    except SessionError as error:  # published or cancelled since the check above
        context = {"session": session, "form": ImportForm(), "errors": [str(error)]}
        return render(request, IMPORT_TEMPLATE, context, status=409)
    except Conflict as conflict:
        # Offered again, compared with what is saved now.
        fresh = build_preview(
            session,
            plan,
            preview.name,
            ReadFile(preview.language, [r.source for r in preview.rows]),
        )
        numbers = ", ".join(str(row.number) for row in conflict.rows)
        error = gettext(
            "Someone else saved item %(numbers)s since the preview was made: nothing was "
            "applied. Here is the preview again, compared with what is saved now."
        ) % {"numbers": numbers}
        return render_preview(request, fresh, status=409, errors=[error])
    messages.success(
        request,
        gettext("Statuses imported from “%(name)s” into %(code)s: %(count)s.")
        % {"count": len(applied), "name": preview.name, "code": session.code},
    )
    return redirect(session)
