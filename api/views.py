"""The open-data API, /api/v1/: what the pages show, as JSON (docs/development.md, "Open data").

Each view returns data; `api_view` (api/http.py) answers with it. Identifiers are the ones the
document uses: a plan's slug, an item's number within it, a session's code, an ISO country code.
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.csrf import csrf_exempt

from actions.changes import ItemChange, changes_between
from actions.content import CONTENT_LANGUAGES, localized
from actions.models import ActionItem, KeyFigure, Plan
from actions.reporting import GoverningBodySession, Status
from actions.views import resolve_since
from countries.filters import CONSTITUENT_CODES, CountryFilter
from countries.models import Country, Engagement, EngagementSummary, Kind, Region

from .http import ApiError, api_view, bad_parameter, choice, page_of, problem
from .schema import openapi_schema


def texts(obj: object, **fields: str) -> dict[str, Any]:
    """`name: obj.<field>` in the request's language, and `untranslated`: the names of those
    shown in English because their translation is missing."""
    found: dict[str, Any] = {}
    untranslated = []
    for name, field in fields.items():
        text = localized(obj, field)
        found[name] = str(text)
        if text.pending:
            untranslated.append(name)
    return {**found, "untranslated": untranslated}


def english_only(**values: str | None) -> dict[str, Any]:
    """Texts that exist in English only (the document's wordings, descriptions): marked
    untranslated in French and Spanish."""
    pending = get_language() in CONTENT_LANGUAGES
    return {**values, "untranslated": [name for name, value in values.items() if value and pending]}


def status_label(status: str | None) -> str | None:
    return str(Status(status).label) if status else None


def link(name: str, *args: Any) -> str:
    return reverse(name, args=args)


# --- The index, the schema, the documentation ----------------------------------------------------


@api_view(describes_only=True)
def index(request: HttpRequest, reader) -> dict:
    return {
        "version": "1",
        "schema": link("api:schema"),
        "documentation": link("api:docs"),
        "resources": {
            "plans": link("api:plans"),
            "sessions": link("api:sessions"),
            "regions": link("api:regions"),
            "countries": link("api:countries"),
            "engagements": link("api:engagements"),
            "key_figures": link("api:key-figures"),
        },
    }


@api_view(describes_only=True)
def schema(request: HttpRequest, reader) -> dict:
    return openapi_schema()


@csrf_exempt
@login_not_required  # documentation, no data: the schema it reads is open too
# Swagger UI's stylesheet draws its icons as data: images.
@csp_update({"img-src": ["'self'", "data:"]})
def docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI (vendored, static/vendor/swagger-ui/) reading /api/v1/schema/."""
    if request.method not in ("GET", "HEAD"):
        return problem(405, gettext("The API only reads: use GET."), headers={"Allow": "GET, HEAD"})
    return render(request, "api/docs.html")


# --- The plan and its action items ---------------------------------------------------------------


def plan_data(plan: Plan) -> dict:
    return {
        "slug": plan.code,
        **texts(plan, title="title"),
        "endorsed_at": plan.endorsed_at.code if plan.endorsed_at else None,
        "components": [
            {"number": component.number, **texts(component, title="title")}
            for component in plan.components.all()
        ],
        "items": link("api:items", plan.code),
    }


def plans_queryset():
    return Plan.objects.select_related("endorsed_at").prefetch_related("components")


@api_view(paged=True)
def plans(request: HttpRequest, reader) -> dict:
    return page_of(request, plans_queryset().order_by("code"), plan_data)


@api_view()
def plan(request: HttpRequest, reader, slug: str) -> dict:
    return plan_data(get_object_or_404(plans_queryset(), code=slug))


def item_data(item: ActionItem) -> dict:
    """An item as the Appendix shows it (`ActionItem.objects.for_appendix`)."""
    wording = localized(item, "current_wording")
    text = localized(item, "text")
    untranslated = [
        name for name, value in (("text", text), ("status_wording", wording)) if value.pending
    ]
    return {
        "plan": item.plan.code,
        "number": item.number,
        "component": item.component.number,
        "text": str(text),
        "due_by": item.due_by,
        "due_date": item.due_date,
        "status": item.current_status,
        "status_label": status_label(item.current_status),
        "status_wording": str(wording) if item.current_wording is not None else None,
        "status_session": item.current_session,
        "overdue": item.overdue,
        "responsible_units": [unit.code for unit in item.responsible_units.all()],
        "untranslated": untranslated,
        "url": link("api:item", item.plan.code, item.number),
    }


def items_of(slug: str):
    plan = get_object_or_404(Plan, code=slug)
    return ActionItem.objects.filter(plan=plan).for_appendix().prefetch_related("responsible_units")


@api_view(paged=True)
def items(request: HttpRequest, reader, slug: str) -> dict:
    return page_of(request, items_of(slug), item_data)


@api_view()
def item(request: HttpRequest, reader, slug: str, number: int) -> dict:
    return item_data(get_object_or_404(items_of(slug), number=number))


# --- Sessions, their statuses, what changed ------------------------------------------------------


def session_data(session: GoverningBodySession) -> dict:
    return {
        "code": session.code,
        "held_in": session.held_in.strftime("%Y-%m"),
        "period": session.local_period,
        "state": session.state.lower(),
        "published_at": session.published_at,
        "document_symbol": session.document_symbol,
        "document_title": session.document_title,
        "statuses": link("api:statuses", session.code),
        "changes": link("api:changes", session.code),
    }


def visible_session(reader, code: str) -> GoverningBodySession:
    """A session by code; a draft only for editors (the one visibility rule)."""
    return get_object_or_404(GoverningBodySession.objects.visible_to(reader), code=code)


@api_view(paged=True)
def sessions(request: HttpRequest, reader) -> dict:
    rows = GoverningBodySession.objects.visible_to(reader).order_by("-held_in")
    return page_of(request, rows, session_data)


@api_view()
def session(request: HttpRequest, reader, code: str) -> dict:
    return session_data(visible_session(reader, code))


@api_view(paged=True)
def statuses(request: HttpRequest, reader, code: str) -> dict:
    """The Appendix as reported to the session (the session's page)."""
    found = visible_session(reader, code)
    current = Plan.objects.current()
    rows = ActionItem.objects.filter(plan=current).as_reported_to(found).select_related("plan")

    def data(item: ActionItem) -> dict:
        wording = localized(item, "session_wording")
        return {
            "plan": item.plan.code,
            "number": item.number,
            "component": item.component.number,
            "status": item.session_status,
            "status_label": status_label(item.session_status),
            "wording": str(wording) if item.session_wording is not None else None,
            "untranslated": ["wording"] if wording.pending else [],
        }

    return {"session": found.code, **page_of(request, rows, data)}


def change_data(change: ItemChange) -> dict:
    return {
        "number": change.item.number,
        "component": change.item.component.number,
        "before": {
            "status": change.before_status,
            "status_label": status_label(change.before_status),
            **english_only(wording=change.before_wording),
        },
        "after": {
            "status": change.after_status,
            "status_label": status_label(change.after_status),
            **english_only(wording=change.after_wording),
        },
        "changed": change.changed,
        "status_changed": change.status_changed,
        "wording_changed": change.wording_changed,
        "completed": change.completed,
        "started": change.started,
        "overdue": change.overdue,
        "became_overdue": change.became_overdue,
        "still_overdue": change.still_overdue,
    }


@api_view(params=["since"])
def changes(request: HttpRequest, reader, code: str) -> dict:
    """What moved between `?since=` (default: the previous published session) and the session,
    as its changes page says it."""
    found = visible_session(reader, code)
    asked = request.GET.get("since")
    # Judged as the token's user sees it, never as a signed-in browser session would.
    since, error = resolve_since(found, asked, reader)
    if error:
        if not GoverningBodySession.objects.visible_to(reader).filter(code=asked).exists():
            raise ApiError(404, error)  # a session that does not exist, as a path would be
        raise bad_parameter("since", error)
    if since is None:
        return {
            "session": found.code,
            "since": None,
            "summary": None,
            "items": [],
            "new_engagements": [],
        }
    moved = changes_between(found, since)
    return {
        "session": found.code,
        "since": since.code,
        "summary": moved.summary(),
        "items": [change_data(change) for change in moved.items],
        "new_engagements": [engagement_data(e) for e in moved.new_engagements],
    }


# --- Regions, countries, engagements -------------------------------------------------------------


@api_view()
def regions(request: HttpRequest, reader) -> dict:
    return {
        "results": [
            {
                "code": region.code,
                "name": str(region),
                "engaged_countries": region.country_count,
                "engagements": region.engagement_count,
            }
            for region in Region.objects.with_engagement_counts()
        ]
    }


def country_data(country: Country, summary) -> dict:
    paragraphs = [
        {"document": document, "paragraphs": sorted(numbers)}
        for document, numbers in summary.paragraphs.items()
    ]
    return {
        "iso": country.code.code,
        "name": country.name,
        "region": country.region.code,
        "engagement_count": country.engagement_count,
        "kinds": [kind for kind in Kind.values if kind in summary.kinds],
        "constituents": [code for code in CONSTITUENT_CODES if getattr(summary, code)],
        "sources": paragraphs,
        "engagements": link("api:engagements") + f"?country={country.code.code}",
    }


@api_view(params=["region", "kind", "constituent"], paged=True)
def countries(request: HttpRequest, reader) -> dict:
    """The countries table: engaged countries by ISO code, filtered as on /countries/."""
    filterset = CountryFilter(request.GET, queryset=Country.objects.for_list())
    if not filterset.is_valid():
        invalid = [(name, " ".join(errors)) for name, errors in filterset.errors.items()]
        raise bad_parameter(*invalid[0])
    found = page_of(request, filterset.qs.order_by("code"), lambda country: country)
    summaries = Engagement.objects.summaries([country.pk for country in found["results"]])
    found["results"] = [
        country_data(country, summaries.get(country.pk, EngagementSummary()))
        for country in found["results"]
    ]
    return found


@api_view()
def country(request: HttpRequest, reader, iso: str) -> dict:
    found = get_object_or_404(Country.objects.for_list(), code=iso.upper())
    summary = Engagement.objects.summaries([found.pk]).get(found.pk, EngagementSummary())
    return country_data(found, summary)


def engagement_data(engagement: Engagement) -> dict:
    paragraph = engagement.source_paragraph
    return {
        "id": engagement.pk,
        "country": engagement.country.code.code,
        "kind": engagement.kind,
        "kind_label": engagement.get_kind_display(),
        "constituents": [code for code in CONSTITUENT_CODES if getattr(engagement, code)],
        "year": engagement.year,
        "date": engagement.date,
        "source": (
            {
                "document": paragraph.session.document_symbol or paragraph.session.code,
                "session": paragraph.session.code,
                "paragraph": paragraph.number,
            }
            if paragraph
            else None
        ),
        **english_only(description=engagement.description),
    }


@api_view(params=["country", "region", "kind", "constituent"], paged=True)
def engagements(request: HttpRequest, reader) -> dict:
    rows = Engagement.objects.select_related("country", "source_paragraph__session")
    iso = request.GET.get("country", "")
    if iso:
        if not (len(iso) == 2 and iso.isascii() and iso.isalpha()):
            raise bad_parameter("country", gettext("an ISO 3166-1 alpha-2 code, e.g. AR"))
        rows = rows.filter(country__code=iso.upper())
    region = choice(request, "region", Region.objects.values_list("code", flat=True))
    if region:
        rows = rows.filter(country__region__code=region)
    kind = choice(request, "kind", Kind.values)
    if kind:
        rows = rows.filter(kind=kind)
    constituent = choice(request, "constituent", CONSTITUENT_CODES)
    if constituent:
        rows = rows.filter(**{constituent: True})
    return page_of(request, rows.order_by("country__code", "pk"), engagement_data)


# --- Key figures ---------------------------------------------------------------------------------


@api_view()
def key_figures(request: HttpRequest, reader) -> dict:
    return {
        "results": [
            {
                "code": figure.code,
                **texts(figure, value="value", label="label", quote="quote"),
                "source": {
                    "document": figure.paragraph.session.document_symbol,
                    "paragraph": figure.paragraph.number,
                    "footnote": figure.footnote,
                },
            }
            for figure in KeyFigure.objects.for_dashboard()
        ]
    }
