"""The Appendix: grouped as in the document, filtered, sorted, paged, exported, and robust."""

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape

from actions.models import ActionItem, Component

from .bulk import grow_the_data

pytestmark = pytest.mark.django_db

HEADER = ["Component", "No.", "Action item", "Due by", "Status"]


def numbers_on_page(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/actions/(\d+)/"', page)]


def csv_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/appendix/?{query}&_export=csv")
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_components_head_their_items_inside_the_table_as_in_the_document(client):
    page = client.get("/appendix/").content.decode()
    headings = re.findall(r'<th scope="colgroup" colspan="5">([^<]+)</th>', page)
    assert headings == [escape(str(c)) for c in Component.objects.order_by("number")]
    # Each heading comes right before its component's items: 1-2, 3-8, 9-12.
    sections = page.split('<tr class="component-row">')[1:]
    assert [numbers_on_page(section) for section in sections] == [
        [1, 2],
        [3, 4, 5, 6, 7, 8],
        [9, 10, 11, 12],
    ]


def test_the_table_shows_the_documents_columns_and_an_overdue_flag(client):
    page = client.get("/appendix/").content.decode()
    headers = re.findall(r'<th scope="col"[^>]*>\s*<a [^>]*>([^<]+)<', page)
    assert headers == ["No.", "Action item", "Due by", "Status", "Overdue"]
    assert "<caption>" in page
    assert "Starting 2020 following the revision and UNSDG endorsement" in page


def test_sorted_by_another_column_the_table_shows_a_component_column_instead(client):
    page = client.get("/appendix/?sort=due_by").content.decode()
    assert 'class="component-row"' not in page
    assert numbers_on_page(page)[:3] == [10, 12, 8]  # end March 2019, mid-2019, October 2019
    assert '<td  data-label="Component">Component 3</td>' in page


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        ("status=ongoing", [2, 4, 5, 8, 9, 12]),
        ("status=completed", [3, 10]),
        ("component=COMPONENT_1", [1, 2]),
        ("q=TRAINING", [1, 2, 4, 5, 6]),
        ("q=starting 2020 following", [11]),
        ("overdue=no", [1, 3, 10]),
        ("overdue=yes&status=starting", [6, 7, 11]),
    ],
)
def test_filters_choose_the_rows_and_the_export_has_exactly_those(client, query, numbers):
    component = Component.objects.get(number=1)
    query = query.replace("COMPONENT_1", str(component.pk))
    page = client.get(f"/appendix/?{query}").content.decode()
    # Today is the real date: every item due in 2019-20 and not completed is overdue.
    assert numbers_on_page(page) == numbers
    rows = csv_rows(client, query)
    assert rows[0] == HEADER
    assert [int(row[1]) for row in rows[1:]] == numbers


def test_the_export_follows_the_sort_and_ignores_the_page(client):
    rows = csv_rows(client, "sort=-due_by&page=-5")
    assert [int(row[1]) for row in rows[1:]][:2] == [5, 2]  # due end 2020, latest number first
    assert len(rows) == 13


def test_the_json_export_has_the_documents_columns_and_no_overdue_flag(client):
    response = client.get("/appendix/?status=completed&_export=json")
    records = json.loads(response.content)
    assert [list(record) for record in records] == [HEADER, HEADER]
    assert [record["No."] for record in records] == [3, 10]
    assert records[1]["Status"] == "Completed"


def test_the_xlsx_export_is_a_workbook_of_the_filtered_rows(client):
    response = client.get("/appendix/?status=starting&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
    assert [row[1] for row in rows[1:]] == [6, 7, 11]


@pytest.mark.parametrize("value", ["xls", "pdf", "", "csv;drop"])
def test_an_unknown_export_format_gives_the_page(client, value):
    response = client.get("/appendix/", {"_export": value})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert len(numbers_on_page(response.content.decode())) == 12


def test_a_nonsense_filter_is_reported_and_the_rest_still_applies(client):
    response = client.get("/appendix/?status=zzz&overdue=maybe&q=training")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not understood" in page
    assert "Status: Select a valid choice. zzz is not one of the available choices." in page
    assert "Overdue: Select a valid choice." in page
    assert numbers_on_page(page) == [1, 2, 4, 5, 6]


@pytest.mark.parametrize(
    ("page_number", "message"),
    [
        ("-1", "There is no page -1; showing page 1 of 1."),
        ("0", "There is no page 0; showing page 1 of 1."),
        ("99999", "There is no page 99999; showing page 1 of 1."),
        ("abc", "“abc” is not a page number; showing page 1 of 1."),
    ],
)
def test_a_page_that_does_not_exist_shows_the_nearest_with_a_message(client, page_number, message):
    response = client.get("/appendix/", {"page": page_number})
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(message) in page
    assert len(numbers_on_page(page)) == 12


def test_nonsense_sort_gives_the_documents_order(client):
    response = client.get("/appendix/", {"sort": ";drop table actions_actionitem"})
    assert response.status_code == 200
    assert numbers_on_page(response.content.decode()) == list(range(1, 13))
    assert ActionItem.objects.count() == 12


def test_long_tables_are_paged_and_each_page_starts_with_its_component(client):
    grow_the_data(items=60)
    first = client.get("/appendix/").content.decode()
    assert len(numbers_on_page(first)) == 25
    assert "Page 1 of 3" in first
    last = client.get("/appendix/?page=99999").content.decode()
    assert "There is no page 99999; showing page 3 of 3." in last
    assert len(numbers_on_page(last)) == 72 - 50
    # Page 3 begins inside component 3, whose heading is repeated there.
    assert last.count('class="component-row"') == 1
    assert escape(str(Component.objects.get(number=3))) in last
    assert len(csv_rows(client, "page=2")) == 73


def test_the_print_stylesheet_hides_navigation_and_filters(client):
    page = client.get("/appendix/").content.decode()
    assert 'href="/static/css/print.css"' in page
    css = Path(finders.find("css/print.css")).read_text(encoding="utf-8")
    assert "@media print" in css
    hidden = css.split("display: none")[0]
    for selector in (".site-header nav", ".filters", ".exports", ".pagination", ".overdue-column"):
        assert selector in hidden


@pytest.mark.parametrize("column", ["number", "text", "due_by", "current_wording", "overdue"])
@pytest.mark.parametrize("direction", ["", "-"])
def test_every_column_sorts_both_ways(client, column, direction):
    response = client.get("/appendix/", {"sort": direction + column})
    assert response.status_code == 200
    page = response.content.decode()
    assert sorted(numbers_on_page(page)) == list(range(1, 13))
    assert f'aria-sort="{"descending" if direction else "ascending"}"' in page


def test_sorted_by_component_backwards_the_groups_come_last_first(client):
    page = client.get("/appendix/", {"sort": "-component"}).content.decode()
    sections = page.split('<tr class="component-row">')[1:]
    assert [numbers_on_page(section) for section in sections] == [
        [12, 11, 10, 9],
        [8, 7, 6, 5, 4, 3],
        [2, 1],
    ]


def test_the_number_of_overdue_items_comes_before_the_filters_and_filters_the_table(client):
    page = client.get("/appendix/?status=completed").content.decode()
    overdue = ActionItem.objects.overdue().count()
    # The whole plan's count, whatever the filters show.
    link = f'<a href="/appendix/?overdue=yes">{overdue} action items overdue</a>'
    assert link in page
    assert page.index(link) < page.index('class="filters"')
    shown = numbers_on_page(client.get("/appendix/?overdue=yes").content.decode())
    assert len(shown) == overdue


def test_each_row_is_headed_by_its_number_a_link_that_names_the_item(client):
    page = client.get("/appendix/").content.decode()
    assert (
        '<th scope="row" class="item-number"><a aria-label="Item 7" href="/actions/7/">7</a></th>'
        in page
    )
    # A way past the filters and exports, for the keyboard.
    assert '<a href="#appendix-table">Go to the table</a>' in page
    assert 'id="appendix-table" tabindex="-1"' in page
