"""A Governing Body member on a phone, and a keyboard-only editor: no page scrolls sideways, the
overdue items are reached from the top, the map's targets are large enough to touch, printing
keeps the as-of line, and the Appendix is quick to reach with the keyboard."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser

NARROWEST = {"width": 320, "height": 640}
WIDTHS = [NARROWEST, PHONE, DESKTOP]

# One of each page type, as anyone and as an editor.
PUBLIC_PAGES = [
    "/",
    "/appendix/",
    "/appendix/?sort=due_by",
    "/actions/6/",
    "/countries/",
    "/countries/UG/",
    "/countries/matrix/",
    "/sessions/",
    "/sessions/GB.340/",
    "/accounts/login/",
    "/no-such-page/",
    "/fr/",
    "/fr/appendix/",
]
EDITOR_PAGES = [
    "/appendix/",
    "/appendix/?sort=overdue",
    "/actions/6/",
    "/actions/6/status/",
    "/actions/6/updates/add/",
    "/sessions/new/",
    "/sessions/GB.341/",
    "/sessions/GB.341/changes/?since=GB.340",
    "/sessions/GB.341/publish/",
]


def sideways(page) -> int:
    """How many pixels the document is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def too_wide(page, paths, site) -> list[str]:
    failures = []
    for viewport in WIDTHS:
        page.set_viewport_size(viewport)
        for path in paths:
            page.goto(site.url + path)
            if (extra := sideways(page)) > 0:
                failures.append(f"{path} at {viewport['width']} px: {extra} px too wide")
    return failures


def change_status(user, number: int) -> None:
    """An edit through the status form, so that the item's history has a row with a reason."""
    client = Client()
    client.force_login(user)
    form = client.get(f"/actions/{number}/status/").context["form"]
    response = client.post(
        f"/actions/{number}/status/",
        {
            "status": "ongoing",
            "wording": "Ongoing: a long wording that an editor wrote for the document, as they do",
            "reason": "Checked with the unit in charge, which confirmed the pilots had started",
            "version": form["version"].value(),
        },
    )
    assert response.status_code == 302, response.content


def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(page, site):
    assert not (failures := too_wide(page, PUBLIC_PAGES, site)), "\n".join(failures)


def test_no_editor_page_scrolls_sideways_on_a_phone_or_a_desktop(
    page, context, site, draft, editor
):
    change_status(editor, 6)
    sign_in(context, site, editor)
    assert not (failures := too_wide(page, EDITOR_PAGES, site)), "\n".join(failures)


def test_the_check_fails_on_a_page_wider_than_the_window(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/")
    page.evaluate("() => { document.querySelector('main').style.minWidth = '600px'; }")
    assert sideways(page) > 0


def test_on_a_phone_the_overdue_column_and_the_history_reason_are_on_screen(
    page, site, draft, editor
):
    change_status(editor, 6)
    # The editor reads their own draft's history (readers see nothing of a draft).
    sign_in(page.context, site, editor)
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/appendix/")
    overdue = page.locator("#item-1 td.overdue-column")
    expect(overdue).to_be_visible()
    box = overdue.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Stacked, each cell says which column it is.
    label = overdue.evaluate("(el) => getComputedStyle(el, '::before').content")
    assert "Overdue" in label

    page.goto(site.url + "/actions/6/")
    reason = page.get_by_role("region", name="History of changes").locator("tbody tr").first
    reason = reason.locator("td").last
    expect(reason).to_contain_text("Checked with the unit")
    box = reason.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def tab_until(page, selector: str, limit: int = 40) -> int:
    """Press Tab until the focus is on `selector`; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} Tab presses")


def test_with_the_keyboard_the_first_edit_link_is_a_few_tab_stops_away(
    page, context, site, draft, editor
):
    sign_in(context, site, editor)
    page.goto(site.url + "/appendix/")
    presses = tab_until(page, ".skip-link")
    page.keyboard.press("Enter")
    presses += tab_until(page, "a[href='#appendix-table']")
    page.keyboard.press("Enter")
    expect(page.locator("#appendix-table")).to_be_focused()
    presses += tab_until(page, ".edit-link")
    expect(page.locator("#status-1 .edit-link")).to_be_focused()
    # Skip link; "Go to the table" after the overdue count; five sort links, item 1, its Edit.
    assert presses <= 10


def test_links_in_the_appendix_have_names_that_stand_alone_and_sort_says_its_direction(page, site):
    page.goto(site.url + "/appendix/?sort=-due_by")
    table = page.get_by_role("table", name="Action items of the plan")
    # The item's number heads its row and is a link named for the item.
    row = table.locator("#item-7")
    expect(row.get_by_role("rowheader")).to_have_text("7")
    expect(row.get_by_role("link", name="Item 7", exact=True)).to_have_attribute(
        "href", "/actions/7/"
    )
    # The direction is the header's aria-sort; the arrow is not read as part of the link.
    due_by = table.get_by_role("columnheader", name="Due by")
    expect(due_by).to_have_attribute("aria-sort", "descending")
    expect(due_by.get_by_role("link", name="Due by (sort)", exact=True)).to_have_count(1)


@pytest.mark.parametrize("path", ["/appendix/", "/sessions/GB.340/"])
def test_printing_keeps_the_whole_as_of_line_and_the_table(page, site, path):
    # About as wide as A4 between its margins: tables stacked on a phone are tables on paper.
    page.set_viewport_size({"width": 600, "height": 800})
    page.goto(site.url + path)
    page.emulate_media(media="print")
    expect(page.locator("thead").first).to_be_visible()
    assert page.locator("tbody tr").first.evaluate("(el) => getComputedStyle(el).display") == (
        "table-row"
    )
    as_of = page.locator(".as-of")
    box = as_of.bounding_box()
    assert box["x"] >= 0
    # Its text starts inside its box: nothing cut off at the left edge.
    text_left = as_of.evaluate(
        """(el) => { const r = document.createRange(); r.selectNodeContents(el);
                     return r.getClientRects()[0].left; }"""
    )
    assert text_left >= 0
    expect(as_of).to_contain_text("This site reflects progress reported to GB.340")


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
def test_no_bar_label_runs_over_its_bar(page, site, language):
    for viewport in (DESKTOP, PHONE, NARROWEST):
        page.set_viewport_size(viewport)
        page.goto(f"{site.url}{language}/")
        overlaps = page.evaluate(
            """() => [...document.querySelectorAll('.bar-row')].filter((row) => {
                 const range = document.createRange();
                 range.selectNodeContents(row.querySelector('dt'));
                 const text = Math.max(...[...range.getClientRects()].map((r) => r.right));
                 return text > row.querySelector('dd').getBoundingClientRect().left;
               }).map((row) => row.querySelector('dt').textContent)"""
        )
        assert overlaps == [], viewport


def test_on_a_phone_the_countries_list_leads_the_map_with_targets_large_enough_to_touch(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/countries/")
    listed = page.get_by_role("navigation", name="Countries on the map")
    map_ = page.get_by_role("group", name="World map of the countries")
    assert listed.bounding_box()["y"] < map_.bounding_box()["y"]
    links = listed.get_by_role("link").all()
    assert len(links) == 27
    for link in links:
        box = link.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, link.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # On a desktop the list stands beside the map.
    page.set_viewport_size(DESKTOP)
    assert listed.bounding_box()["x"] > map_.bounding_box()["x"] + map_.bounding_box()["width"] / 2
