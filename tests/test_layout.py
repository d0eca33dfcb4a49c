"""Every page shares the layout: titles, navigation, skip link, the as-of stamp; no inline code."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings

from actions.models import ActionItem
from actions.reporting import GoverningBodySession, Status, StatusReport

pytestmark = pytest.mark.django_db

STAMP = "reflects progress reported to GB.340 (October 2020)"


@pytest.mark.parametrize(
    ("path", "title", "current"),
    [
        ("/", "Dashboard", ("Dashboard", "page")),
        ("/appendix/", "Appendix: status of the action items", ("Appendix", "page")),
        ("/actions/7/", "Action item 7", ("Appendix", "true")),
        ("/countries/", "Countries", ("Countries", "page")),
        ("/countries/UG/", None, ("Countries", "true")),
        ("/no-such-page/", "Page not found", None),
    ],
)
def test_every_page_names_itself_marks_its_place_and_shows_the_as_of_stamp(
    client, path, title, current
):
    page = client.get(path).content.decode()
    if title:
        assert f"<title>{title} · ILO Plan of Action on UN reform</title>" in page
    assert STAMP in page
    assert '<a class="skip-link" href="#content">' in page
    assert '<main id="content"' in page
    marked = re.findall(r'<a href="[^"]*" aria-current="(\w+)">([^<]+)</a>', page)
    assert marked == ([(current[1], current[0])] if current else [])


@pytest.mark.parametrize(
    ("path", "current"),
    [("/my-items/", ("My items", "page")), ("/actions/6/propose/", ("My items", "true"))],
)
def test_a_focal_points_pages_mark_my_items_alone(client, focal_point, gb341, path, current):
    client.force_login(focal_point)
    page = client.get(path).content.decode()
    marked = re.findall(r'<a href="[^"]*" aria-current="(\w+)">([^<]+)</a>', page)
    assert marked == [(current[1], current[0])]


def test_the_stamp_follows_the_latest_published_session_with_reports(client, editor):
    later = GoverningBodySession.objects.create(
        code="GB.341", held_in=datetime.date(2021, 3, 1), period="March 2021"
    )
    StatusReport.objects.create(
        action_item=ActionItem.objects.get(number=2),
        session=later,
        status=Status.ONGOING,
        wording="Ongoing",
    )
    assert STAMP in client.get("/").content.decode()  # a draft is not the public record
    later.publish(by=editor)
    page = client.get("/").content.decode()
    assert "reflects progress reported to GB.341 (March 2021)" in page
    assert STAMP not in page


def test_templates_have_no_inline_script_style_or_event_handlers():
    templates = [
        path
        for folder in (
            Path(settings.BASE_DIR) / "templates",
            *Path(settings.BASE_DIR).glob("*/templates"),
        )
        for path in folder.rglob("*.html")
    ]
    assert len(templates) >= 6
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
