"""No page logs an error in the browser's console: every page type, read anonymously and by an
editor with a draft open, and the Appendix after a status is changed in place with htmx (where
the Content-Security-Policy would refuse htmx's inline styles). The site's icons answer 200."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ..page_types import ANONYMOUS, editor_pages, expected_status, prepare_editor

pytestmark = pytest.mark.browser


def watch(page, meant: dict[str, int]) -> list[str]:
    """Collect what the page logs as an error, uncaught exceptions, and failed requests, except
    the answers `meant` (address: status), which Chromium logs as failed resources."""
    problems: list[str] = []

    def on_console(message) -> None:
        url = message.location.get("url")
        logged_answer = (
            f"Failed to load resource: the server responded with a status of {meant.get(url)} "
        )
        if message.type == "error" and not message.text.startswith(logged_answer):
            problems.append(f"console error: {message.text} ({url})")

    def on_response(response) -> None:
        if response.status >= 400 and meant.get(response.url) != response.status:
            problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("response", on_response)
    return problems


def visit(page, site, who: str, pages: dict[str, str]) -> list[str]:
    """Open each page; return its problems, each named by reader and page."""
    found = []
    problems = watch(page, {site.url + ANONYMOUS["404"]: 404})
    for name, path in pages.items():
        response = page.goto(site.url + path)
        assert response.status == expected_status(name), f"{who} {name} {path}"
        page.wait_for_load_state("networkidle")
        icons = page.locator("link[rel=icon]").evaluate_all("links => links.map(l => l.href)")
        # Browsers ask for /favicon.ico whether a page links it or not.
        for href in {*icons, site.url + "/favicon.ico"}:
            icon = page.request.get(href)
            if icon.status != 200 or not icon.headers["content-type"].startswith("image/"):
                problems.append(f"icon {href}: {icon.status} {icon.headers['content-type']}")
        found += [f"{who} {name}: {problem}" for problem in problems]
        problems.clear()
    return found


def test_no_page_logs_an_error_for_an_anonymous_reader(page, site):
    found = visit(page, site, "anonymous", ANONYMOUS)
    assert not found, "\n".join(found)


def test_no_page_logs_an_error_for_an_editor_nor_does_editing_in_place(browser, site, editor):
    client = Client()
    client.force_login(editor)
    prepare_editor(client)
    context = browser.new_context()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.url}])
    page = context.new_page()
    found = visit(page, site, "editor", editor_pages())

    # A new status without a reason is answered 422, the form with its message, swapped in.
    page = context.new_page()
    problems = watch(page, {site.url + "/actions/7/status/": 422})
    page.goto(site.url + "/appendix/")
    page.locator("#status-7 .edit-link").click()
    page.locator("tr.status-form-row form#status-7").wait_for()  # the page's script has run
    form = page.get_by_role("form", name="Status of item 7 for GB.341")
    form.get_by_label("Status:", exact=True).select_option(label="Completed")
    form.get_by_label("Wording for the document").fill("Completed")
    form.get_by_role("button", name="Save status").click()
    expect(form.get_by_role("alert")).to_be_visible()
    form.get_by_label("Reason:", exact=True).fill("Pilots completed")
    form.get_by_role("button", name="Save status").click()
    expect(page.locator("#status-7 .status-saved")).to_have_text("Saved")
    page.locator("#status-8 .edit-link").click()
    page.get_by_role("form", name="Status of item 8 for GB.341").get_by_role(
        "link", name="Cancel"
    ).click()
    expect(page.locator("#status-8 .edit-link")).to_be_visible()
    found += [f"editor appendix, editing in place: {problem}" for problem in problems]
    context.close()
    assert not found, "\n".join(found)
