"""The Appendix's in-place status form, as an editor uses it: it opens under the row with room,
the wording follows the status until the editor types one, a refused save puts the focus on the
field in error, Escape cancels, and saves and refusals are announced by a live region that is on
the page from the start."""

import pytest
from playwright.sync_api import expect

from actions.reporting import Status, StatusReport

from .conftest import PHONE, sign_in

pytestmark = pytest.mark.browser


def open_form(page, number: int):
    page.locator(f"#status-{number} .edit-link").click()
    # Once in its own row: the page's script has then made the wording follow the status (htmx
    # runs it a moment after the form appears; a choice made before would not be followed).
    form = page.locator(f"tr.status-form-row form#status-{number}")
    form.wait_for()
    return form


@pytest.mark.parametrize("viewport", [None, PHONE])
def test_the_in_place_form_opens_under_the_row_across_the_table(
    page, context, site, draft, editor, viewport
):
    sign_in(context, site, editor)
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(site.url + "/appendix/")
    form = open_form(page, 6)
    # In a row of its own, right under item 6's, as wide as the table (not the Status column).
    assert form.evaluate("(f) => f.closest('tr').previousElementSibling.id") == "item-6"
    table = page.locator("table.appendix").bounding_box()
    assert form.bounding_box()["width"] > 0.6 * table["width"]
    expect(form.get_by_label("Status:", exact=True)).to_be_focused()
    assert (
        page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]
    )


def test_the_wording_follows_the_status_until_the_editor_types_one(
    page, context, site, draft, editor
):
    sign_in(context, site, editor)
    page.goto(site.url + "/appendix/")
    form = open_form(page, 6)
    status = form.get_by_label("Status:", exact=True)
    wording = form.get_by_label("Wording for the document")
    started = wording.input_value()
    status.select_option(label="Completed")
    expect(wording).to_have_value("Completed")
    status.select_option(label="Ongoing")
    expect(wording).to_have_value("Ongoing")
    status.select_option(value=StatusReport.objects.get(action_item__number=6).status)
    expect(wording).to_have_value(started)
    # Once the editor has typed a wording, it stays.
    wording.fill("Two pilots under way")
    status.select_option(label="Completed")
    expect(wording).to_have_value("Two pilots under way")


def test_a_refused_save_focuses_the_field_in_error_escape_cancels_and_saves_are_announced(
    page, context, site, draft, editor
):
    sign_in(context, site, editor)
    page.goto(site.url + "/appendix/")
    announcer = page.locator("#status-announcer")
    # A live region from page load: assistive technology hears what is later written into it.
    expect(announcer).to_have_attribute("role", "status")
    expect(announcer).to_have_text("")

    form = open_form(page, 6)
    form.get_by_label("Status:", exact=True).select_option(label="Completed")
    form.get_by_role("button", name="Save status").click()
    # No reason for a change of status: refused, and the focus is on Reason, not on Status.
    expect(announcer).to_have_text(
        "The status was not saved: please correct the fields marked below."
    )
    expect(page.locator("form#status-6").get_by_label("Reason:", exact=True)).to_be_focused()

    page.keyboard.press("Escape")
    expect(page.locator("form#status-6")).to_have_count(0)
    expect(page.locator("tr.status-form-row")).to_have_count(0)
    expect(page.locator("#item-6 #status-6 .edit-link")).to_be_focused()
    assert not StatusReport.objects.filter(action_item__number=6, session=draft).exists()

    form = open_form(page, 6)
    form.get_by_label("Status:", exact=True).select_option(label="Completed")
    form.get_by_label("Reason:", exact=True).fill("Modules delivered")
    form.get_by_role("button", name="Save status").click()
    expect(announcer).to_have_text("Item 6: status saved for GB.341.")
    expect(page.locator("#item-6 #status-6 .status-saved")).to_have_text("Saved")
    expect(page.locator("tr.status-form-row")).to_have_count(0)
    expect(page.locator("#item-6 #status-6 .edit-link")).to_be_focused()
    report = StatusReport.objects.get(action_item__number=6, session=draft)
    assert (report.status, report.wording) == (Status.COMPLETED, "Completed")


def test_from_the_page_cache_the_appendix_carries_this_editors_token_and_saves(
    page, context, site, draft, editor, second_editor, settings
):
    """As in production: the Appendix stored for every editor, its CSRF token a hole filled in
    for each (ops/pagecache.py). A colleague's visit stores it; this editor's save through htmx
    sends their own token, and the next load shows the change at once."""
    settings.PAGE_CACHE_SECONDS = 600
    sign_in(context, site, second_editor)
    page.goto(site.url + "/appendix/")
    context.clear_cookies()
    sign_in(context, site, editor)
    page.goto(site.url + "/appendix/")
    expect(page.locator(".account span")).to_have_text("editor")
    form = open_form(page, 6)
    form.get_by_label("Status:", exact=True).select_option(label="Completed")
    form.get_by_label("Reason:", exact=True).fill("Modules delivered")
    form.get_by_role("button", name="Save status").click()
    expect(page.locator("#status-announcer")).to_have_text("Item 6: status saved for GB.341.")
    page.reload()
    expect(page.locator("#item-6")).to_contain_text("Completed")
