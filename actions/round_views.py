"""The reporting round's pages (actions/round.py): focal points propose their items' statuses
(`propose`, `my_items`); coordinators review them (`review_proposal`), follow the round
(`session_round`) and name units' focal points and items (`units`, `edit_unit`).

Editors' and focal points' own pages: none is served from the page cache.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django_tables2 import RequestConfig

from reform_tracker.exports import EXPORT_FORMATS, export

from .filters import RoundFilter
from .forms import ProposalForm, ReviewForm, UnitForm
from .models import ActionItem, Unit
from .reporting import GoverningBodySession, SessionError, StaleEdit, StatusReport
from .round import (
    PROPOSE_PERMISSION,
    REVIEW_PERMISSION,
    SETTLED,
    ProposalError,
    RoundState,
    StatusProposal,
    asked_of,
)
from .tables import RoundTable
from .views import current_plan

UNITS_PERMISSION = "actions.change_unit"


# --- Focal points ------------------------------------------------------------------------------


@login_required
@permission_required(PROPOSE_PERMISSION, raise_exception=True)
def my_items(request: HttpRequest) -> HttpResponse:
    """A focal point's items for the open session, and what is asked of them for each."""
    session = GoverningBodySession.objects.reporting()
    units = list(Unit.objects.of_focal_point(request.user))
    items = (
        ActionItem.objects.filter(plan=current_plan())
        .of_units(units)
        .for_appendix()
        .prefetch_related("responsible_units")
    )
    rows = []
    if session is not None:
        items = items.with_round_state(session).prefetch_related(
            Prefetch(
                "proposals",
                queryset=StatusProposal.objects.filter(session=session, unit__in=units)
                .select_related("unit")
                .order_by("unit__code"),
                to_attr="my_proposals",
            )
        )
    for item in items:
        asked = asked_of(item.round_state, item.my_proposals) if session else None
        mine = [unit for unit in item.responsible_units.all() if unit in units]
        rows.append({"item": item, "units": mine, "asked": asked})
    return render(
        request,
        "actions/my_items.html",
        {"session": session, "units": units, "rows": rows},
    )


def proposal_context(item: ActionItem, session: GoverningBodySession, units) -> dict:
    """What the proposal page shows beside its form: the units' proposals so far."""
    proposals = StatusProposal.objects.filter(
        action_item=item, session=session, unit__in=units
    ).select_related("unit")
    state = item.round_state_in(session)
    return {
        "item": item,
        "session": session,
        "proposals": proposals,
        "settled": state in SETTLED,
        "round_state": RoundState(state),
    }


@login_required
@permission_required(PROPOSE_PERMISSION, raise_exception=True)
def propose(request: HttpRequest, number: int) -> HttpResponse:
    """A focal point proposes the status of one of their units' items for the open session."""
    item = get_object_or_404(
        ActionItem.objects.filter(plan=current_plan()).with_current_status(), number=number
    )
    units = Unit.objects.of_focal_point(request.user).filter(action_items=item)
    if not units.exists():
        raise PermissionDenied("Not an item of the user's units.")
    session = GoverningBodySession.objects.reporting()
    if session is None:
        return render(request, "actions/no_open_session.html", {"item": item}, status=409)
    # The unit asked for, if it is one of theirs (an address can say anything: "?unit=abc").
    asked = request.POST.get("unit") or request.GET.get("unit") or ""
    chosen = units.filter(pk=int(asked)).first() if asked.isdigit() else None
    unit = chosen or units.first()
    proposal = StatusProposal.objects.filter(action_item=item, session=session, unit=unit).first()
    if proposal is None:
        # A first proposal starts from the status last published (focal points see no draft).
        proposal = StatusProposal(
            action_item=item,
            session=session,
            unit=unit,
            status=item.current_status or "",
            wording=item.current_wording or "",
            version=0,
        )
    if request.method != "POST":
        form = ProposalForm(
            instance=proposal,
            units=units,
            initial={"session": session.code, "version": proposal.version},
        )
        context = proposal_context(item, session, units)
        return render(request, "actions/propose.html", {**context, "form": form})

    form = ProposalForm(request.POST, instance=proposal, units=units)
    if not form.is_valid():
        context = proposal_context(item, session, units)
        return render(request, "actions/propose.html", {**context, "form": form}, status=422)
    data = form.cleaned_data
    error = None
    if data["session"] != session.code:
        asked = GoverningBodySession.objects.filter(code=data["session"]).first()
        error = (
            gettext("%(code)s is %(state)s: proposals go to the session open for reporting.")
            % {"code": asked.code, "state": asked.state_label.lower()}
            if asked
            else gettext("This form is out of date or damaged: reload the page and try again.")
        )
    else:
        try:
            StatusProposal.propose(
                item,
                session,
                data["unit"],
                status=data["status"],
                wording=data["wording"],
                note=data["note"],
                by=request.user,
                seen_version=data["version"],
            )
        except (SessionError, ProposalError) as refusal:
            error = str(refusal)
        except StaleEdit:
            error = gettext(
                "Not sent: the proposal of %(unit)s for this item changed while you were writing "
                "(a colleague proposed, or a coordinator reviewed it). Read it below and send "
                "yours again if it still holds."
            ) % {"unit": data["unit"].code}
    if error:
        context = proposal_context(item, session, units)  # as it is now
        return render(
            request, "actions/propose.html", {**context, "form": form, "error": error}, status=409
        )
    messages.success(
        request,
        gettext(
            "Item %(number)s: your proposal for %(code)s is sent; a coordinator will review it."
        )
        % {"number": item.number, "code": session.code},
    )
    return redirect("actions:my-items")


# --- Coordinators -------------------------------------------------------------------------------


@login_required
@permission_required(REVIEW_PERMISSION, raise_exception=True)
def review_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator accepts a proposal (it becomes the draft's status) or sends it back."""
    proposal = get_object_or_404(
        StatusProposal.objects.select_related(
            "action_item", "session", "unit", "proposed_by", "reviewed_by"
        ),
        pk=pk,
    )
    item = proposal.action_item
    draft = StatusReport.objects.filter(action_item=item, session=proposal.session).first()
    context = {"proposal": proposal, "item": item, "session": proposal.session, "draft": draft}
    if request.method != "POST":
        form = ReviewForm(initial={"version": proposal.version})
        return render(request, "actions/review_proposal.html", {**context, "form": form})
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(
            request, "actions/review_proposal.html", {**context, "form": form}, status=422
        )
    data = form.cleaned_data
    try:
        if data["decision"] == ReviewForm.ACCEPT:
            proposal.accept(by=request.user, seen_version=data["version"])
            done = gettext(
                "Item %(number)s: the proposal of %(unit)s is accepted as its status for %(code)s."
            )
        else:
            proposal.send_back(
                by=request.user, comment=data["comment"], seen_version=data["version"]
            )
            done = gettext("Item %(number)s: the proposal of %(unit)s is sent back to the unit.")
    except StaleEdit:
        fresh = StatusProposal.objects.select_related(
            "action_item", "session", "unit", "proposed_by", "reviewed_by"
        ).get(pk=proposal.pk)
        error = gettext(
            "Not done: this proposal changed while you were reading it (the unit proposed "
            "again, or another coordinator reviewed it). Read it again below before deciding."
        )
        form = ReviewForm(initial={"version": fresh.version})
        context = {**context, "proposal": fresh, "form": form, "error": error}
        return render(request, "actions/review_proposal.html", context, status=409)
    except (SessionError, ProposalError) as refusal:
        context = {**context, "form": form, "error": str(refusal)}
        return render(request, "actions/review_proposal.html", context, status=409)
    messages.success(
        request,
        done % {"number": item.number, "unit": proposal.unit.code, "code": proposal.session.code},
    )
    return redirect(reverse("actions:session-round", args=[proposal.session.code]))


def last_reminders(session: GoverningBodySession) -> dict[int, datetime.datetime]:
    """The last reminder sent to each focal point (by user id) for `session`. The reminders
    build on the round, so they are imported here, at call time (tests/test_app_layers.py)."""
    from reminders.models import Reminder

    return Reminder.objects.last_sent_per_focal_point(session)


@login_required
@permission_required(REVIEW_PERMISSION, raise_exception=True)
def session_round(request: HttpRequest, code: str) -> HttpResponse:
    """Each item of the session's round with its units, focal points, state and proposals."""
    session = get_object_or_404(GoverningBodySession, code=code)
    plan = current_plan()
    items = ActionItem.objects.filter(plan=plan).for_round(session)
    filterset = RoundFilter(request.GET or None, items, request=request)
    table = RoundTable(filterset.qs, reminders=last_reminders(session))
    RequestConfig(request, paginate=False).configure(table)
    download, export_message = export(request, table, f"{session.code}-round")
    if download:
        return download
    counts = dict(
        ActionItem.objects.filter(plan=plan)
        .with_round_state(session)
        .order_by()
        .values_list("round_state")
        .annotate(count=Count("pk"))
    )
    return render(
        request,
        "actions/session_round.html",
        {
            "session": session,
            "table": table,
            "filter": filterset,
            "export_message": export_message,
            "export_formats": EXPORT_FORMATS,
            "counts": [(state.label, counts.get(state.value, 0)) for state in RoundState],
            "without_focal_points": Unit.objects.without_focal_points(),
        },
    )


@login_required
@permission_required(UNITS_PERMISSION, raise_exception=True)
def units(request: HttpRequest) -> HttpResponse:
    """The responsible units, their focal points and items."""
    rows = Unit.objects.for_round().prefetch_related("action_items").order_by("code")
    return render(request, "actions/units.html", {"units": rows})


@login_required
@permission_required(UNITS_PERMISSION, raise_exception=True)
def edit_unit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Name a unit's focal points and the items it is responsible for (or add a unit)."""
    if pk is None and not request.user.has_perm("actions.add_unit"):
        raise PermissionDenied("Adding units needs actions.add_unit.")
    unit = get_object_or_404(Unit, pk=pk) if pk is not None else Unit()
    form = UnitForm(request.POST or None, instance=unit, plan=current_plan())
    if request.method != "POST":
        return render(request, "actions/unit_form.html", {"unit": unit, "form": form})
    if not form.is_valid():
        return render(request, "actions/unit_form.html", {"unit": unit, "form": form}, status=422)
    with transaction.atomic():
        unit = form.save()
        unit.action_items.set(form.cleaned_data["items"])
    messages.success(request, gettext("%(code)s is saved.") % {"code": unit.code})
    return redirect("actions:units")
