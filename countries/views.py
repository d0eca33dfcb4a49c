from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig

from .models import Country
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
