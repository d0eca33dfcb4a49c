from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_tables2 import RequestConfig

from .forms import EngagementForm
from .models import Country, Engagement
from .tables import CountryTable


def country_list(request: HttpRequest) -> HttpResponse:
    table = CountryTable(Country.objects.engaged())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "countries/list.html", {"table": table})


def detail(request: HttpRequest, code: str) -> HttpResponse:
    country = get_object_or_404(Country.objects.select_related("region"), code=code.upper())
    engagements = country.engagements.select_related("source_paragraph__session")
    return render(
        request, "countries/detail.html", {"country": country, "engagements": engagements}
    )


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
    messages.success(request, f"Engagement added: {engagement}.")
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
    engagement = form.save()
    messages.success(request, f"Engagement saved: {engagement}.")
    return redirect(engagement.country)
