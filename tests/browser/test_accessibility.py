"""WCAG 2.1 AA in a real browser: axe-core on every page type, and text alternatives for the
charts and the map. Each page is also saved as a screenshot, at desktop and phone width."""

import pytest
from django.test import Client

from ..page_types import FOCAL_POINT, FOCAL_POINT_NAME, editor_pages, prepare_editor
from .axe import blocking_violations, scan
from .conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

# (name, address): one of each page type that everyone can read.
PUBLIC_PAGES = [
    ("dashboard", "/"),
    ("appendix", "/appendix/"),
    ("action-item", "/actions/6/"),
    ("countries", "/countries/"),
    ("country", "/countries/UG/"),
    ("matrix", "/countries/matrix/"),
    ("sessions", "/sessions/"),
    ("session", "/sessions/GB.340/"),
    ("login", "/accounts/login/"),
    ("not-found", "/no-such-page/"),
]
# What only editors see: the Appendix with its Edit links, the form page, the session being drafted.
EDITOR_PAGES = [
    ("appendix-editor", "/appendix/"),
    ("status-form", "/actions/6/status/"),
    ("session-draft", "/sessions/GB.341/"),
    ("action-item-editor", "/actions/6/"),
    ("sessions-editor", "/sessions/"),
    ("session-publish", "/sessions/GB.341/publish/"),
    ("session-import", "/sessions/GB.341/import/"),
    ("progress-update-form", "/actions/6/updates/add/"),
]


def check_pages(page, site, pages, capsys) -> list[str]:
    """Scan each page at desktop and phone width (`blocking_violations`), and return the serious
    or critical violations."""
    failures = []
    with capsys.disabled():
        print()
    for name, path in pages:
        response = page.goto(site.url + path)
        assert response.status == (404 if name == "not-found" else 200), path
        failures += blocking_violations(page, name, capsys)
        screenshot(page, name)
    return failures


def test_public_pages_have_no_serious_or_critical_violations(page, site, capsys):
    assert check_pages(page, site, PUBLIC_PAGES, capsys) == []


def test_editor_pages_have_no_serious_or_critical_violations(
    page, context, site, draft, editor, capsys
):
    sign_in(context, site, editor)
    failures = check_pages(page, site, EDITOR_PAGES, capsys)

    # The in-place form, as htmx puts it in the Appendix row.
    page.goto(site.url + "/appendix/")
    page.locator("#status-6 .edit-link").click()
    page.locator("tr.status-form-row form#status-6").wait_for()
    result = scan(page, "appendix-editor-open-form")
    with capsys.disabled():
        print(result.summary())
    failures += [f"{result.name}: {v['id']}" for v in result.blocking]
    assert failures == []


def test_the_rounds_pages_have_no_serious_or_critical_violations(
    page, context, site, editor, django_user_model, capsys
):
    """The reporting round: the coordinator's pages (with a proposal awaiting review) and the
    focal point's."""
    client = Client()
    client.force_login(editor)
    prepare_editor(client)
    sign_in(context, site, editor)
    pages = [
        (name.replace(" ", "-"), path)
        for name, path in editor_pages().items()
        if name in ("round", "units", "unit form", "review")
    ]
    failures = check_pages(page, site, [("appendix-proposed", "/appendix/"), *pages], capsys)
    context.clear_cookies()
    sign_in(context, site, django_user_model.objects.get(username=FOCAL_POINT_NAME))
    pages = [(name.replace(" ", "-"), path) for name, path in FOCAL_POINT.items()]
    failures += check_pages(page, site, pages, capsys)
    assert failures == []


def test_the_check_fails_on_a_page_with_a_serious_violation(page):
    """An image without a text alternative is a critical violation: the check above can fail."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Broken</title></head>'
        '<body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        "</main></body></html>"
    )
    result = scan(page, "broken")
    assert [v["id"] for v in result.blocking] == ["image-alt"]
    assert result.passes > 0


def test_the_dashboard_charts_say_in_text_what_the_bars_draw(page, site):
    page.goto(site.url + "/")
    # Bars are hidden from assistive technology; each bar's label and number are text.
    assert page.locator("svg.bar:not([aria-hidden='true'])").count() == 0
    overall = page.locator("figure.chart").first
    drawn = {
        row.locator("dt").inner_text(): int(row.locator(".bar-count").inner_text())
        for row in overall.locator(".bar-row").all()
    }
    # The same counts, as a table with a caption.
    table = page.get_by_role("table", name="Action items by status and component")
    tabled = {
        row.locator("th").inner_text(): int(row.locator("td").last.inner_text())
        for row in table.locator("tbody tr").all()
    }
    assert drawn == tabled
    assert sum(drawn.values()) == 12


def test_every_country_on_the_map_has_a_name_and_is_in_the_list_beside_it(page, site):
    page.goto(site.url + "/countries/")
    map_ = page.get_by_role("group", name="World map of the countries")
    assert map_.count() == 1
    on_map = {
        link.get_attribute("href"): link.get_attribute("aria-label")
        for link in map_.locator("a").all()
    }
    listed = {
        link.get_attribute("href"): link.inner_text()
        for link in page.get_by_role("navigation", name="Countries on the map")
        .get_by_role("link")
        .all()
    }
    assert len(on_map) == 27
    assert on_map.keys() == listed.keys()
    for href, label in on_map.items():
        assert label.startswith(listed[href] + ": "), href
