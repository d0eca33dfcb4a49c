import copy
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from actions.reporting import StaleEdit
from ops.pagecache import cached_read_page, deferred
from reform_tracker.exports import EXPORT_FORMATS, export, nearest_page, paginate

from . import worldmap
from .filters import CountryFilter
from .forms import EngagementForm
from .models import Country, Engagement, Kind
from .tables import CountryTable

PER_PAGE = 50
TIMELINE_PER_PAGE = 50


@cached_read_page
def country_list(request: HttpRequest) -> HttpResponse:
    filterset = CountryFilter(request.GET, queryset=Country.objects.for_list())
    table = CountryTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)

    download, export_message = export(request, table, "countries")
    if download:
        return download

    notices = [export_message] if export_message else []
    if filterset.errors:
        notices.append(gettext("Some filters were not understood and are not applied; see below."))
    asked_sort = request.GET.get("sort")
    if asked_sort and not table.order_by:
        notices.append(
            gettext("The table cannot be sorted by “%(sort)s”; it is sorted by country.")
            % {"sort": asked_sort}
        )
        table.order_by = "name"
    notice = paginate(table, request, PER_PAGE)
    if notice:
        notices.append(notice)

    return render(
        request,
        "countries/list.html",
        {
            "filterset": filterset,
            "table": table,
            "notices": notices,
            "export_formats": EXPORT_FORMATS,
            **deferred(map_figures, ("engaged", "areas", "engagement_total", "region_total")),
            "world": worldmap.world_map(),
            "levels": legend(),
        },
    )


def map_figures() -> dict[str, object]:
    """Every engaged country, shaded on the map, and the totals above it (one query)."""
    engaged = list(Country.objects.engaged().order_by_name())
    return {
        "engaged": engaged,
        "areas": worldmap.areas(engaged),
        "engagement_total": sum(country.engagement_count for country in engaged),
        "region_total": len({country.region_id for country in engaged}),
    }


def legend() -> list[tuple[int, str]]:
    labels = [
        (n, ngettext("%(count)d engagement", "%(count)d engagements", n) % {"count": n})
        for n in range(1, worldmap.TOP_LEVEL)
    ]
    top = gettext("%(count)d engagements or more") % {"count": worldmap.TOP_LEVEL}
    return [*labels, (worldmap.TOP_LEVEL, top)]


@cached_read_page
def detail(request: HttpRequest, code: str) -> HttpResponse:
    # Only engaged countries have a page: a country without engagements has nothing to show.
    country = get_object_or_404(Country.objects.engaged(), code=code.upper())
    # Paged: with years of reports a country has hundreds of engagements. The count is known.
    paginator = Paginator(country.engagements.timeline(), TIMELINE_PER_PAGE)
    paginator.count = country.engagement_count
    number, notice = nearest_page(request, paginator.num_pages)
    page = paginator.page(number)
    return render(
        request,
        "countries/detail.html",
        {"country": country, "engagements": page.object_list, "page": page, "notice": notice},
    )


@dataclass
class Step:
    """A column of the tripartite matrix: one step of the Cooperation Framework cycle."""

    label: str
    kinds: list[str]


MATRIX_STEPS = [
    Step(_("Common country analysis (CCA)"), [Kind.CCA]),
    Step(
        _("Cooperation Framework"),
        [Kind.CF_PRIORITIES, Kind.CF_DESIGN, Kind.CF_VALIDATION, Kind.OUTCOME_GROUPS],
    ),
    Step(_("DWCP alignment"), [Kind.DWCP_ALIGNMENT]),
    Step(_("COVID-19 response"), [Kind.COVID_RESPONSE]),
]


@dataclass
class Cell:
    """Who took part in one step in one country; `reported` even if the document names no one."""

    step: Step | None = None  # its column, which labels it when the table is stacked on a phone
    reported: bool = False
    government: bool = False
    workers: bool = False
    employers: bool = False

    def add(self, counts: dict) -> None:
        """Add a row of `Engagement.objects.for_matrix`."""
        self.reported = True
        self.government |= counts["government_count"] > 0
        self.workers |= counts["workers_count"] > 0
        self.employers |= counts["employers_count"] > 0


@dataclass
class MatrixRow:
    country: Country
    cells: list[Cell] = field(default_factory=lambda: [Cell(step) for step in MATRIX_STEPS])


@cached_read_page
def matrix(request: HttpRequest) -> HttpResponse:
    rows = SimpleLazyObject(matrix_rows)
    return render(request, "countries/matrix.html", {"steps": MATRIX_STEPS, "rows": rows})


def matrix_rows() -> list[MatrixRow]:
    step_of = {kind: index for index, step in enumerate(MATRIX_STEPS) for kind in step.kinds}
    rows: dict[int, MatrixRow] = {}
    for counts in Engagement.objects.for_matrix(list(step_of)):
        country = Country(pk=counts["country_id"], code=counts["country__code"])
        row = rows.setdefault(country.pk, MatrixRow(country))
        row.cells[step_of[counts["kind"]]].add(counts)
    return list(rows.values())


@login_required
@permission_required("countries.add_engagement", raise_exception=True)
def add_engagement(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(Country, code=code.upper())
    if request.method != "POST":
        form = EngagementForm(initial={"country": country})
        return render(request, "countries/engagement_form.html", {"form": form, "country": country})
    form = EngagementForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "countries/engagement_form.html",
            {"form": form, "country": country},
            status=422,
        )
    engagement = form.save()
    messages.success(
        request, gettext("Engagement added: %(engagement)s.") % {"engagement": engagement}
    )
    return redirect(engagement.country)


@login_required
@permission_required("countries.change_engagement", raise_exception=True)
def edit_engagement(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement.objects.select_related("country"), pk=pk)
    context = {"country": engagement.country, "engagement": engagement}
    if request.method != "POST":
        form = EngagementForm(instance=engagement)
        return render(request, "countries/engagement_form.html", {**context, "form": form})
    form = EngagementForm(request.POST, instance=engagement)
    if not form.is_valid():
        return render(
            request, "countries/engagement_form.html", {**context, "form": form}, status=422
        )
    data = form.cleaned_data
    try:
        engagement = form.instance.record(
            seen_version=data["version"], reason=data["reason"], by=request.user
        )
    except StaleEdit as conflict:
        # Keep what this editor typed, on top of the other editor's version, so that saving
        # again applies it knowingly.
        current = conflict.current
        form = EngagementForm(
            {**request.POST.dict(), "version": current.version},
            # A copy: validating writes this editor's entries onto the instance, and the
            # message must show what the other editor saved.
            instance=copy.copy(current),
        )
        form.is_valid()
        context = {
            **context,
            "engagement": current,
            "conflict": current,
            "conflict_change": current.latest_change(),
        }
        return render(
            request, "countries/engagement_form.html", {**context, "form": form}, status=409
        )
    messages.success(
        request, gettext("Engagement saved: %(engagement)s.") % {"engagement": engagement}
    )
    return redirect(engagement.country)
