"""An action item's page: its text, how it stands today, its timeline and related countries."""

import datetime
import re

import pytest
from django.utils import timezone

from .test_load_document import ENGAGED

pytestmark = pytest.mark.django_db


def country_links(page: str) -> set[str]:
    return set(re.findall(r'href="/countries/([A-Z]{2})/"', page))


@pytest.fixture
def on_document_date(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2020, 11, 30))


def test_the_page_says_how_the_item_stands_against_today(client, on_document_date):
    page = client.get("/actions/4/").content.decode()
    assert "By end 2019: due 31 December 2019 — " in page
    assert '<span class="overdue-flag">11 months overdue</span>' in page
    page = client.get("/actions/2/").content.decode()
    assert "2019–20: due 31 December 2020 — <span>due in 1 month</span>" in page


def test_the_timeline_runs_from_endorsement_to_the_last_report_with_the_cancelled_session(client):
    page = client.get("/actions/2/").content.decode()
    timeline = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    assert re.findall(r"<h3>(GB\.\d+)", timeline) == ["GB.335", "GB.338", "GB.340"]
    assert "GB.338, March 2020 (cancelled)" in timeline
    assert "The session was cancelled." in timeline
    assert "The Governing Body endorsed the plan at this session." in timeline
    gb340 = timeline.split("GB.340, ")[1]
    assert "<strong>Ongoing</strong>" in gb340
    assert re.findall(r"<strong>(\d+)\.</strong>", gb340) == ["40", "41", "42", "43"]
    assert "At the global level, the course Decent Work and the 2030 Agenda" in gb340


def test_related_countries_are_those_engaged_in_the_items_paragraphs(client):
    # Item 1 is reported in paras 40-41, item 2 in paras 40-43; 40 and 43 name no country.
    assert country_links(client.get("/actions/1/").content.decode()) == ENGAGED[41]
    assert country_links(client.get("/actions/2/").content.decode()) == ENGAGED[41] | ENGAGED[42]


def test_an_item_whose_paragraphs_name_no_country_says_so(client):
    page = client.get("/actions/10/").content.decode()
    assert country_links(page) == set()
    assert "The paragraphs that report on this item name no country." in page


@pytest.mark.parametrize("path", ["/actions/13/", "/actions/0/", "/actions/-1/", "/actions/x/"])
def test_unknown_items_get_the_not_found_page_in_the_sites_layout(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found · " in page
    assert 'class="skip-link"' in page
    assert 'href="/appendix/"' in page
