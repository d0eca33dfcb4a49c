"""The first read-only pages: the Appendix with its CSV export, an item, the countries."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from actions.models import ActionItem
from countries.models import Country

pytestmark = pytest.mark.django_db


def test_the_appendix_csv_export_reads_as_the_document(client):
    response = client.get("/appendix/?_export=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["Component", "No.", "Action item", "Due by", "Status"]
    assert len(rows) == 13
    assert [row[1] for row in rows[1:]] == [str(n) for n in range(1, 13)]
    assert rows[6][0].startswith("Component 2: Maximizing the opportunities of UN reform")
    assert rows[6][1:] == [
        "6",
        "Preparation of training modules and information resources for resident coordinators "
        "in collaboration with the International Training Centre of the ILO",
        "By end 2019",
        "Starting 2020",
    ]


def test_the_appendix_page_lists_every_item_with_its_status(client, django_assert_max_num_queries):
    # The plan; the count for the paginator; the items with their component, plan and current
    # status in one query; the filter's component choices; the session of the as-of stamp; the
    # number of overdue items.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("actions:appendix"))
    assert response.status_code == 200
    page = response.content.decode()
    for item in ActionItem.objects.all():
        assert reverse("actions:detail", args=[item.number]) in page
    assert "Completed/ongoing" in page


def test_nonsense_sort_parameters_still_give_the_appendix(client):
    response = client.get("/appendix/?sort=;drop")
    assert response.status_code == 200
    assert response.content.decode().count('href="/actions/') == 12


def test_an_action_item_page_quotes_its_paragraphs(client):
    response = client.get("/actions/10/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Review and revision of ILO Country Director job descriptions" in page
    assert "GB.340/INS/6, para. 47" in page
    assert "In 2019, the Office revised the job descriptions" in page


@pytest.mark.parametrize(
    "path", ["/actions/13/", "/actions/0/", "/countries/zz/", "/countries/fr/"]
)
def test_unknown_items_and_countries_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_the_countries_page_lists_every_engaged_country(client, django_assert_max_num_queries):
    # The filter's regions; the count for the paginator; the countries with their region and
    # engagement count; their engagements (prefetch); the map's countries; the session of the
    # as-of stamp in the layout. See test_countries.py.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("countries:list"))
    page = response.content.decode()
    countries = list(Country.objects.all())
    assert len(countries) == 27
    for country in countries:
        assert country.get_absolute_url() in page
        assert escape(country.name) in page


def test_a_country_page_lists_its_engagements_with_their_source(client):
    response = client.get("/countries/ug/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cooperation Framework validation" in page
    assert "GB.340/INS/6, para. 13" in page
    assert "GB.340/INS/6, para. 35" in page
