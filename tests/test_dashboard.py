"""The dashboard: where the plan stands, what is late, key figures and engagements by region."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from actions.models import ActionItem, KeyFigure
from countries.models import Engagement, Region

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "docs" / "source" / "GB.340-INS-6.txt"


def row_cells(page: str, header: str) -> list[str]:
    """The cells of the dashboard table row headed `header`."""
    match = re.search(rf'<th scope="row">{re.escape(header)}</th>(.*?)</tr>', page, flags=re.DOTALL)
    assert match, f"no row {header!r}"
    return re.findall(r'<td class="number"[^>]*>(\d+)</td>', match.group(1))


def test_the_dashboard_is_the_home_page_and_counts_items_by_status_as_reported_to_gb340(client):
    response = client.get("/")
    assert response.status_code == 200
    counts = {bar.label: bar.count for bar in response.context["overall_bars"]}
    assert counts == {
        "Completed": 2,
        "Completed/ongoing": 1,
        "Ongoing": 6,
        "Starting": 3,
        "Not started": 0,
    }
    assert [chart["total"] for chart in response.context["charts"]] == [2, 6, 4]


def test_the_table_alternative_gives_every_count_by_component(client):
    page = client.get("/").content.decode()
    # Columns: component 1, 2, 3, all.
    assert row_cells(page, "Completed") == ["0", "1", "1", "2"]
    assert row_cells(page, "Completed/ongoing") == ["1", "0", "0", "1"]
    assert row_cells(page, "Ongoing") == ["1", "3", "2", "6"]
    assert row_cells(page, "Starting") == ["0", "2", "1", "3"]
    assert row_cells(page, "Items") == ["2", "6", "4", "12"]


def test_the_chart_writes_each_number_beside_its_bar(client):
    page = client.get("/").content.decode()
    bars = re.findall(
        r'<dt>([^<]+)</dt>\s*<dd><svg[^>]*width="(\d+)%".*?<span class="bar-count">(\d+)</span>',
        page,
        flags=re.DOTALL,
    )
    # The overall chart comes first: 6 of 12 items ongoing is half of the 85% scale.
    assert bars[:4] == [
        ("Completed", "14", "2"),
        ("Completed/ongoing", "7", "1"),
        ("Ongoing", "42", "6"),
        ("Starting", "21", "3"),
    ]


def test_the_overdue_list_says_how_late_against_today(client, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2020, 10, 12))
    response = client.get("/")
    assert [item.number for item in response.context["overdue_items"]] == [12, 8, 4, 6, 9, 11, 7]
    page = response.content.decode()
    assert "15 months overdue" in page  # item 12, due by mid-2019
    assert 'href="/actions/2/"' not in page.split('id="overdue"')[1].split("</section>")[0]


def test_key_figures_are_shown_with_their_paragraph(client):
    page = client.get("/").content.decode()
    figures = list(KeyFigure.objects.for_dashboard())
    assert [figure.value for figure in figures] == [
        "16",
        "35",
        "104",
        "20",
        "39",
        "approximately US$73 million",
        "41",
        "50 per cent",
    ]
    for figure in figures:
        assert escape(figure.label) in page
    assert "GB.340/INS/6, para. 4, footnote 8" in page
    assert "GB.340/INS/6, para. 29" in page


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_each_key_figure_quotes_its_paragraph_verbatim():
    source = normalise(SOURCE.read_text(encoding="utf-8"))
    for figure in KeyFigure.objects.for_dashboard():
        quoted_in = source if figure.footnote else figure.paragraph.text
        assert normalise(figure.quote) in normalise(quoted_in), figure.code
        # The figure as the document writes it, "approximately" included.
        assert figure.value in figure.quote, figure.code
    budget = KeyFigure.objects.get(code="rc-budget-gap")
    assert (budget.paragraph.number, "US$281 million" in budget.label) == (29, True)


def test_engagements_by_region_count_countries_and_engagements(client):
    page = client.get("/").content.decode()
    engagements = list(Engagement.objects.select_related("country"))
    for region in Region.objects.all():
        in_region = [e for e in engagements if e.country.region_id == region.pk]
        expected = [str(len({e.country_id for e in in_region})), str(len(in_region))]
        assert row_cells(page, escape(region.name)) == expected
    assert row_cells(page, "All regions") == ["27", str(len(engagements))]


def test_latest_updates_link_to_the_items(client):
    page = client.get("/").content.decode()
    latest = page.split('id="latest"')[1].split("</section>")[0]
    assert 'GB.340: <a href="/actions/1/">item 1</a>, Completed/ongoing' in latest


def test_the_number_of_overdue_items_comes_first_and_leads_to_their_list(client):
    page = client.get("/").content.decode()
    overdue = ActionItem.objects.overdue().count()
    assert overdue > 1
    link = f'<a href="#overdue">{overdue} action items overdue</a>'
    assert link in page
    assert page.index(link) < page.index('id="by-status"')
    assert 'id="overdue"' in page
