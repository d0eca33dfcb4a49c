"""The countries pages: the table with its filters and exports, the map, a country, the matrix."""

import csv
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils.html import escape
from django_countries import countries

from actions.models import Paragraph
from countries import worldmap
from countries.models import Country, Engagement, Kind, Region

pytestmark = pytest.mark.django_db

LIST = reverse("countries:list")
MATRIX = reverse("countries:matrix")
MAP_LINK = re.compile(
    r'<a href="(?P<href>/countries/\w\w/)" aria-label="(?P<label>[^"]+)">'
    r'<title>(?P<title>[^<]+)</title><path class="level-(?P<level>\d)"'
)


def add_engaged_countries(number: int) -> list[Country]:
    """`number` more countries, each with three engagements, in the document's regions."""
    taken = set(Country.objects.values_list("code", flat=True))
    codes = [country.code for country in countries if country.code not in taken][:number]
    assert len(codes) == number
    regions = list(Region.objects.all())
    paragraphs = list(Paragraph.objects.filter(number__in=[13, 14, 15]))
    added = Country.objects.bulk_create(
        Country(code=code, region=regions[i % len(regions)]) for i, code in enumerate(codes)
    )
    Engagement.objects.bulk_create(
        Engagement(
            country=country,
            kind=kind,
            government=True,
            workers=i % 2 == 0,
            description="An engagement added by a test.",
            source_paragraph=paragraphs[j],
        )
        for i, country in enumerate(added)
        for j, kind in enumerate([Kind.CCA, Kind.CF_DESIGN, Kind.COVID_RESPONSE])
    )
    return added


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def names_in_table(page: str) -> list[str]:
    table = page[page.index("<table") :]
    return re.findall(r'<td ?[^>]*><a href="/countries/\w\w/">([^<]+)</a></td>', table)


# The list page: the document's data


def test_the_countries_page_shows_the_documents_countries_regions_and_engagements(client):
    page = client.get(LIST).content.decode()
    assert "27 countries in 5 regions, 48 engagements" in page
    assert len(names_in_table(page)) == 27
    for country in Country.objects.all():
        assert escape(country.name) in page
        assert country.get_absolute_url() in page
    # Uganda's row: its kinds, constituents and paragraphs.
    assert "Common country analysis; Cooperation Framework validation" in page
    assert "GB.340/INS/6, paras 13, 35, 42" in page


def test_the_table_is_sorted_by_country_name_in_the_database(client):
    # Names are not stored: the order comes from django-countries, yet pages are cut in SQL.
    add_engaged_countries(120)
    expected = [country.name for country in Country.objects.order_by_name()]
    first = names_in_table(client.get(LIST).content.decode())
    second = names_in_table(client.get(LIST, {"page": 2}).content.decode())
    assert [escape(name) for name in expected[:100]] == first + second
    descending = names_in_table(client.get(LIST, {"sort": "-name"}).content.decode())
    assert [escape(name) for name in expected[::-1][:50]] == descending


def test_the_table_sorts_by_region_then_name_and_by_engagement_count(client):
    page = client.get(LIST, {"sort": "region"}).content.decode()
    by_region = sorted(Country.objects.all(), key=lambda c: (c.region.name, c.name))
    assert names_in_table(page) == [escape(country.name) for country in by_region]
    page = client.get(LIST, {"sort": "-engagement_count"}).content.decode()
    assert names_in_table(page)[:3] == [escape("Côte d'Ivoire"), "Uganda", "Uzbekistan"]


# Filters and exports


def test_the_region_filter_shows_only_that_regions_countries(client):
    page = client.get(LIST, {"region": "africa"}).content.decode()
    africa = Country.objects.filter(region__code="africa")
    assert sorted(names_in_table(page)) == sorted(escape(c.name) for c in africa)
    assert len(africa) == 8


def test_kind_and_constituent_must_hold_for_the_same_engagement(client):
    # Argentina's workers took part in the CCA and its government in the design, not in the CCA.
    page = client.get(LIST, {"kind": "cca", "constituent": "government"}).content.decode()
    assert names_in_table(page) == [escape("Côte d'Ivoire"), "Uganda", "Uzbekistan"]
    page = client.get(LIST, {"kind": "cca", "constituent": "workers"}).content.decode()
    assert "Argentina" in names_in_table(page)


def test_the_csv_export_contains_exactly_the_filtered_rows(client):
    rows = csv_rows(client.get(LIST, {"kind": "covid_response", "_export": "csv"}))
    assert rows[0] == [
        "Country",
        "ISO code",
        "Region",
        "Kinds of engagement",
        "Constituents involved",
        "Paragraphs",
        "Engagements",
    ]
    expected = Country.objects.filter(engagements__kind="covid_response").distinct()
    assert sorted(row[1] for row in rows[1:]) == sorted(c.code.code for c in expected)
    assert len(rows) == 1 + 8
    uganda = next(row for row in rows if row[1] == "UG")
    assert uganda == [
        "Uganda",
        "UG",
        "Africa",
        "Common country analysis; Cooperation Framework validation; "
        "COVID-19 assessment or response with the RC; Briefing of constituents",
        "Government, Workers, Employers",
        "GB.340/INS/6, paras 13, 35, 42",
        "4",
    ]


def test_the_json_and_xlsx_exports_match_the_filtered_table(client):
    filters = {"region": "arab-states", "constituent": "workers"}
    shown = names_in_table(client.get(LIST, filters).content.decode())
    assert shown == ["Iraq", "Kuwait"]  # Jordan and Lebanon: no constituent named

    records = json.loads(client.get(LIST, {**filters, "_export": "json"}).content)
    assert [record["Country"] for record in records] == shown

    response = client.get(LIST, {**filters, "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == shown


def test_an_export_has_every_filtered_row_not_only_the_page(client):
    add_engaged_countries(120)
    rows = csv_rows(client.get(LIST, {"_export": "csv", "page": 2}))
    assert len(rows) == 1 + 27 + 120


# The map


def test_the_map_links_every_engaged_country_with_its_level(client):
    page = client.get(LIST).content.decode()
    links = {m["href"]: m for m in MAP_LINK.finditer(page)}
    engaged = list(Country.objects.engaged())
    assert len(engaged) == 27
    assert set(links) == {country.get_absolute_url() for country in engaged}
    for country in engaged:
        link = links[country.get_absolute_url()]
        assert int(link["level"]) == min(country.engagement_count, 4)
        label = f"{country.name}: {country.engagement_count} engagement"
        assert link["title"].startswith(escape(label))
        assert link["label"] == link["title"]
    levels = {
        country.code.code: int(links[country.get_absolute_url()]["level"]) for country in engaged
    }
    assert (levels["ZM"], levels["IN"], levels["IQ"], levels["UG"]) == (1, 2, 3, 4)


def test_countries_without_engagements_are_drawn_but_not_linked(client):
    page = client.get(LIST).content.decode()
    svg = page[page.index("<svg viewBox") : page.index("</svg>")]
    assert svg.count('class="level-0"') > 150
    assert svg.count("<a href") == 27
    assert '<a href="/countries/FR/"' not in svg


def test_the_map_has_a_legend_in_words_a_list_and_the_disclaimer(client):
    page = client.get(LIST).content.decode()
    for words in ["None reported", "1 engagement", "3 engagements", "4 engagements or more"]:
        assert words in page
    countries_list = page[page.index('id="map-list-heading"') :]
    assert countries_list.count('<li><a href="/countries/') == 27
    assert (
        "The boundaries and names shown and the designations used on this map do not imply "
        "official endorsement or acceptance by the International Labour Organization." in page
    )


def test_a_small_engaged_country_gets_a_dot_to_click(client):
    malta = Country.objects.create(code="MT", region=Region.objects.get(code="europe-central-asia"))
    Engagement.objects.create(country=malta, kind=Kind.CCA, description="A test engagement.")
    page = client.get(LIST).content.decode()
    link = page[page.index('<a href="/countries/MT/" aria-label') :]  # the map's, not the list's
    link = link[: link.index("</a>")]
    assert '<circle class="level-1 dot"' in link
    assert 'class="level-1 dot"' not in page.replace(link, "")


def test_every_world_atlas_country_maps_to_an_iso_code_and_no_line_crosses_the_map():
    world = worldmap.world_map()
    coded = [shape.code for shape in world.shapes if shape.code]
    assert len(coded) == len(set(coded)) > 200
    assert all(code in dict(countries) for code in coded)
    assert {"UG", "IQ", "LB", "KW", "FJ", "RU", "NR", "TV"} - set(coded) == {"TV"}
    # Natural Earth cuts Russia and Fiji at ±180°: their parts sit at both edges of the map,
    # joined by no line across it.
    for shape in world.shapes:
        for _x, *steps in re.findall(r"M(-?\d+) -?\d+l([^z]*)z", shape.path):
            dxs = [int(dx) for dx in steps[0].split()[::2]] if steps else []
            assert all(abs(dx) < world.width / 2 for dx in dxs), shape.code
    russia = next(shape for shape in world.shapes if shape.code == "RU")
    starts = [int(x) for x in re.findall(r"M(\d+) ", russia.path)]
    # Chukotka, east of 180°, at the western edge (curved, so not at 0); the rest in the east.
    assert min(starts) < world.width * 0.15 and max(starts) > world.width * 0.8


def test_the_map_geometry_is_decoded_once_per_process(client):
    client.get(LIST)
    misses = worldmap.world_map.cache_info().misses
    client.get(LIST)
    client.get(LIST, {"region": "africa"})
    assert worldmap.world_map.cache_info().misses == misses == 1


def test_the_pages_have_no_inline_style_or_script(client):
    for url in [LIST, MATRIX, "/countries/ug/", LIST + "?region=zzz"]:
        page = client.get(url).content.decode()
        assert "style=" not in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # script files only
        assert not re.search(r"<[^>]+\son[a-z]+=", page)


# Query budgets


def list_page_queries_hold(client, django_assert_max_num_queries) -> str:
    # The regions of the filter; the count for the paginator; the page's countries with their
    # region and engagement count; their engagements with paragraph and session (prefetch);
    # every engaged country with its count for the map; the session of the layout's as-of stamp.
    with django_assert_max_num_queries(6):
        response = client.get(LIST, {"kind": "cca", "page": 1})
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_page_makes_six_queries_for_the_fixtures(client, django_assert_max_num_queries):
    page = list_page_queries_hold(client, django_assert_max_num_queries)
    assert len(names_in_table(page)) == 7


def test_the_list_page_makes_six_queries_for_six_times_more_countries(
    client, django_assert_max_num_queries
):
    add_engaged_countries(150)
    page = list_page_queries_hold(client, django_assert_max_num_queries)
    assert len(names_in_table(page)) == 50
    assert len(MAP_LINK.findall(page)) > 150


@pytest.mark.parametrize("extra", [0, 150])
def test_an_export_makes_two_queries_at_any_size(client, django_assert_max_num_queries, extra):
    add_engaged_countries(extra)
    # The filtered countries; their engagements (prefetch).
    with django_assert_max_num_queries(2):
        rows = csv_rows(client.get(LIST, {"_export": "csv"}))
    assert len(rows) == 1 + 27 + extra


@pytest.mark.parametrize("extra", [0, 150])
def test_the_matrix_makes_two_queries_at_any_size(client, django_assert_max_num_queries, extra):
    add_engaged_countries(extra)
    # The engagements of the matrix's steps with their country; the as-of stamp's session.
    with django_assert_max_num_queries(2):
        response = client.get(MATRIX)
    assert response.content.decode().count('<th scope="row">') == 17 + extra


@pytest.mark.parametrize("extra", [0, 150])
def test_a_country_page_makes_three_queries_at_any_size(
    client, django_assert_max_num_queries, extra
):
    add_engaged_countries(extra)
    # The country with its region and count; its engagements with paragraph and session; the
    # as-of stamp's session.
    with django_assert_max_num_queries(3):
        response = client.get("/countries/ar/")
    assert response.status_code == 200


# A country


def test_a_country_page_is_a_timeline_with_undated_engagements_last(client):
    page = client.get("/countries/ar/").content.decode()
    assert "<title>Argentina" in page
    dated, undated = page.index("<h3>2020</h3>"), page.index("<h3>Date not stated</h3>")
    design, cca = page.index("Cooperation Framework design"), page.index("Common country analysis")
    assert dated < design < undated < cca


def test_a_country_page_quotes_each_engagements_source_paragraph(client):
    page = client.get("/countries/ug/").content.decode()
    assert "<summary>GB.340/INS/6, para. 13</summary>" in page
    assert "<strong>13.</strong> In Africa, for example, ILO advocacy in" in page
    assert "<summary>GB.340/INS/6, para. 35</summary>" in page
    assert "Government, Workers, Employers" in page


@pytest.mark.parametrize("code", ["ug", "UG", "Ug"])
def test_country_codes_are_case_insensitive(client, code):
    assert client.get(f"/countries/{code}/").status_code == 200


def test_a_country_without_engagements_has_no_page(client):
    Country.objects.create(code="FR", region=Region.objects.get(code="europe-central-asia"))
    assert client.get("/countries/fr/").status_code == 404


@pytest.mark.parametrize("code", ["zz", "xyz", "u", "%20", "12"])
def test_unknown_country_codes_are_not_found(client, code):
    assert client.get(f"/countries/{code}/").status_code == 404


# The tripartite matrix


def test_the_matrix_shows_who_took_part_in_each_step(client):
    page = client.get(MATRIX).content.decode()
    assert "<caption>" in page
    assert page.count('<th scope="col">') == 5
    rows = dict(
        re.findall(
            r'<th scope="row"><a href="/countries/(\w\w)/">[^<]+</a></th>(.*?)</tr>', page, re.S
        )
    )
    cells = {code: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for code, row in rows.items()}

    def words(cell: str) -> str:
        return (
            " ".join(re.findall(r'class="visually-hidden">([^<]+)<', cell))
            or re.sub(r"<[^>]+>|\s+", " ", cell).strip()
        )

    # Uganda: CCA and validation by all three; its COVID-19 assessment named all three too.
    assert [words(cell) for cell in cells["UG"]] == [
        "Government Workers’ organizations Employers’ organizations",
        "Government Workers’ organizations Employers’ organizations",
        "Not reported",
        "Government Workers’ organizations Employers’ organizations",
    ]
    # Iraq: the social partners in the CCA and priority-setting; a COVID-19 response naming no one.
    assert [words(cell) for cell in cells["IQ"]] == [
        "Workers’ organizations Employers’ organizations",
        "Workers’ organizations Employers’ organizations",
        "Not reported",
        "none named",
    ]
    assert ">G</abbr>" in page
    # Armenia's only engagement is a capacity request: not a step of the matrix.
    assert "AM" not in cells
    assert len(cells) == 17


def test_the_countries_page_links_to_the_matrix(client):
    assert f'href="{MATRIX}"' in client.get(LIST).content.decode()


# Bad input


@pytest.mark.parametrize(
    "params",
    [{"region": "zzz"}, {"kind": "zzz"}, {"constituent": "zzz"}, {"region": "zzz", "kind": "cca"}],
)
def test_nonsense_filters_are_ignored_with_a_message(client, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters were not understood and are not applied" in page
    assert "Select a valid choice" in page
    # The message is tied to its control for screen readers.
    described = re.search(r'aria-describedby="(id_\w+_error)"', page)
    assert described and f'id="{described[1]}"' in page
    expected = 7 if params.get("kind") == "cca" else 27
    assert len(names_in_table(page)) == expected


@pytest.mark.parametrize("sort", [";drop", "zzz", "-", "kinds"])
def test_nonsense_sort_gives_the_table_by_name_with_a_message(client, sort):
    response = client.get(LIST, {"sort": sort})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"cannot be sorted by “{escape(sort)}”" in page
    names = names_in_table(page)
    assert len(names) == 27 and names[0] == "Argentina"


@pytest.mark.parametrize(
    ("page_asked", "page_shown", "message"),
    [
        ("-1", 1, "There is no page -1; showing page 1 of 4."),
        ("0", 1, "There is no page 0; showing page 1 of 4."),
        ("99999", 4, "There is no page 99999; showing page 4 of 4."),
        ("abc", 1, "“abc” is not a page number; showing page 1 of 4."),
    ],
)
def test_nonsense_pages_give_the_nearest_page_with_a_message(
    client, page_asked, page_shown, message
):
    add_engaged_countries(150)  # 177 countries: 4 pages of 50
    response = client.get(LIST, {"page": page_asked})
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(message) in page
    expected = list(Country.objects.order_by_name())[(page_shown - 1) * 50 :][:50]
    assert names_in_table(page) == [escape(country.name) for country in expected]


def test_nonsense_export_formats_give_the_page(client):
    response = client.get(LIST, {"_export": "exe"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
