"""An editor finds the reporting sessions from the navigation, opens the next one, and is told
on the Appendix and the item page where statuses go (issue 16)."""

import pytest
from playwright.sync_api import expect

from actions.reporting import GoverningBodySession

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_an_editor_finds_the_sessions_from_the_navigation_and_opens_the_next_one(
    page, context, site, editor
):
    sign_in(context, site, editor)
    page.goto(site.url + "/")
    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Governing Body sessions")

    # Before a session is open, the Appendix says why nothing can be edited, and how to start.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Appendix").click()
    expect(page.locator(".reporting")).to_contain_text("No session is open for reporting")
    page.locator(".reporting").get_by_role("link", name="Open the next reporting session").click()

    page.get_by_label("Code").fill("GB.341")
    page.get_by_label("Month of the session").fill("2021-03")
    page.get_by_label("Period").fill("March 2021")
    page.get_by_label("Document symbol").fill("GB.341/INS/8")
    page.get_by_role("button", name="Open the session").click()
    expect(page).to_have_url(f"{site.url}/sessions/GB.341/")
    assert GoverningBodySession.objects.get(code="GB.341").held_in.isoformat() == "2021-03-01"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Appendix").click()
    expect(page.locator(".reporting")).to_contain_text(
        "Statuses you change are recorded for GB.341"
    )
    page.get_by_role("link", name="Item 6", exact=True).click()
    expect(page.locator(".reporting")).to_contain_text("recorded for GB.341")
    page.get_by_role("link", name="Edit status").click()
    expect(page).to_have_url(f"{site.url}/actions/6/status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Status of item 6 for GB.341")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="GB.341").click()
    page.get_by_role("link", name="Check and publish GB.341").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish GB.341")
    expect(page.get_by_text("A wording that names a year gone by (3)")).to_be_visible()
