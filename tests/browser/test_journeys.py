"""What people do on the site, end to end in Chromium: reading, downloading, editing in place,
conflicts, editing without JavaScript, and editing with the keyboard only."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from actions.models import ActionItem
from actions.reporting import Status, StatusReport

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser


def focused(page) -> str:
    """Describe the element that has the focus, e.g. `select#id_status in #status-6`."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const box = el.closest(".status-cell, .status-form");
          return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
            + (box ? ` in #${box.id}` : "");
        }"""
    )


def duplicate_ids(page) -> list[str]:
    return page.evaluate(
        """() => {
          const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
          return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
        }"""
    )


def test_a_governing_body_member_follows_an_overdue_item_and_downloads_a_component(page, site):
    page.goto(site.url + "/")
    overdue = page.get_by_role("region", name="Overdue: past their due date and not completed")
    first = overdue.get_by_role("link").first
    number = int(first.inner_text().removeprefix("Item "))
    first.click()
    expect(page).to_have_url(f"{site.url}/actions/{number}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Action item {number}")
    expect(page.locator(".facts .overdue-flag")).to_contain_text("overdue")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Appendix").click()
    page.get_by_label("Component").select_option(label="Component 2")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"component=\d+"))
    rows = page.locator("table.appendix tbody tr[id^=item-]")
    in_component_2 = list(
        ActionItem.objects.filter(component__number=2)
        .order_by("number")
        .values_list("number", flat=True)
    )
    expect(rows).to_have_count(len(in_component_2))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "appendix.csv"
    lines = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert lines[0] == ["Component", "No.", "Action item", "Due by", "Status"]
    assert [int(row[1]) for row in lines[1:]] == in_component_2
    assert {row[0] for row in lines[1:]} == {str(ActionItem.objects.get(number=4).component)}


def test_an_editor_signs_in_changes_a_status_in_place_and_finds_it_in_the_history(
    page, site, draft, editor
):
    page.goto(site.url + "/accounts/login/?next=/appendix/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}/appendix/")
    expect(page.locator(".account")).to_contain_text("editor")

    # A marker in the page's memory: it survives only if the page is never reloaded.
    page.evaluate("() => { window.notReloaded = true; }")
    cell = page.locator("#status-6")
    cell.get_by_role("link", name="Edit the status of item 6 for GB.341").click()
    form = page.get_by_role("form", name="Status of item 6 for GB.341")
    # Each label points at the form's own control, not at the filters' Status above the table.
    assert duplicate_ids(page) == []
    form.get_by_label("Status:", exact=True).select_option(label="Ongoing")
    form.get_by_label("Wording for the document").fill("Ongoing: two pilots under way")
    form.get_by_label("Reason:", exact=True).fill("Pilots started in March")
    form.get_by_role("button", name="Save status").click()

    expect(cell.locator(".status-saved")).to_have_text("Saved")
    expect(cell.locator(".status-draft")).to_have_text(
        "Draft for GB.341: Ongoing: two pilots under way"
    )
    assert page.evaluate("() => window.notReloaded") is True
    report = StatusReport.objects.get(action_item__number=6, session=draft)
    assert (report.status, report.updated_by) == (Status.ONGOING, editor)

    page.goto(site.url + "/actions/6/")
    history = page.get_by_role("region", name="History of changes")
    latest = history.locator("tbody tr").first
    expect(latest).to_contain_text("editor")
    expect(latest).to_contain_text("Ongoing: two pilots under way")
    expect(latest).to_contain_text("Pilots started in March")


def test_of_two_editors_saving_the_same_row_the_second_sees_the_conflict(
    browser, site, draft, editor, second_editor
):
    pages = []
    for user in (editor, second_editor):
        context = browser.new_context()
        sign_in(context, site, user)
        page = context.new_page()
        page.goto(site.url + "/appendix/")
        page.locator("#status-6 .edit-link").click()
        # In its own row: the page's script has run (tests/browser/test_status_form.py).
        page.locator("tr.status-form-row").get_by_role(
            "form", name="Status of item 6 for GB.341"
        ).wait_for()
        pages.append(page)
    first, second = pages

    for page, wording in ((first, "Completed in January"), (second, "Ongoing, late")):
        form = page.get_by_role("form", name="Status of item 6 for GB.341")
        form.get_by_label("Status:", exact=True).select_option(label="Ongoing")
        form.get_by_label("Wording for the document").fill(wording)
        form.get_by_label("Reason:", exact=True).fill(f"{wording}, says the unit")
        form.get_by_role("button", name="Save status").click()
        if page is first:
            expect(page.locator("#status-6 .status-saved")).to_be_visible()

    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("someone else changed this status")
    expect(alert).to_contain_text("editor saved “Completed in January”")
    # The second editor's entries are kept for a knowing second save.
    expect(second.get_by_label("Wording for the document")).to_have_value("Ongoing, late")
    assert StatusReport.objects.get(action_item__number=6, session=draft).wording == (
        "Completed in January"
    )
    for page in pages:
        page.context.close()


def test_without_javascript_an_editor_changes_a_status_through_the_form_page(
    browser, site, draft, editor
):
    context = browser.new_context(java_script_enabled=False)
    sign_in(context, site, editor)
    page = context.new_page()
    page.goto(site.url + "/appendix/")
    page.locator("#status-6 .edit-link").click()
    expect(page).to_have_url(f"{site.url}/actions/6/status/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Status of item 6 for GB.341")

    page.get_by_label("Status:", exact=True).select_option(label="Completed")
    page.get_by_label("Wording for the document").fill("Completed")
    page.get_by_label("Reason:", exact=True).fill("Report delivered")
    page.get_by_role("button", name="Save status").click()

    expect(page).to_have_url(f"{site.url}/appendix/?saved=6#item-6")
    expect(page.locator(".messages")).to_contain_text("Item 6: status saved for GB.341.")
    # The page opens at the row, out of sight of the message at the top: the row says it too.
    expect(page.locator("#status-6 .status-saved")).to_have_text("Saved")
    expect(page.locator("#status-6 .status-saved")).to_be_in_viewport()
    expect(page.locator("#status-6 .status-draft")).to_have_text("Draft for GB.341: Completed")
    assert StatusReport.objects.get(action_item__number=6, session=draft).status == (
        Status.COMPLETED
    )
    context.close()


def test_with_the_keyboard_only_an_editor_changes_a_status_and_never_loses_focus(
    page, context, site, draft, editor
):
    sign_in(context, site, editor)
    page.goto(site.url + "/appendix/")

    # Tab from the top of the page to the first Edit link, which is item 1's.
    for _ in range(60):
        page.keyboard.press("Tab")
        assert focused(page) != "body"
        if page.evaluate("() => document.activeElement.matches('.edit-link')"):
            break
    assert focused(page) == "a in #status-1"

    page.keyboard.press("Enter")
    # htmx swaps the form in; its first control has `autofocus`.
    page.locator("tr.status-form-row form#status-1").wait_for()
    expect(page.locator("form#status-1 select")).to_be_focused()
    before = page.locator("form#status-1 select").input_value()
    page.keyboard.press("ArrowUp")  # the status above in the list
    after = page.locator("form#status-1 select").input_value()
    assert after != before

    page.keyboard.press("Tab")
    assert focused(page) == "input#status-1-wording in #status-1"
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Changed from the keyboard")
    page.keyboard.press("Tab")
    assert focused(page) == "input#status-1-reason in #status-1"
    page.keyboard.type("Checked with the unit")
    # To the Save button: past the progress note.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type === 'submit'"):
            break
    assert page.evaluate("() => document.activeElement.textContent") == "Save status"
    page.keyboard.press("Enter")

    # The cell comes back; focus is on its Edit link, not lost to the page.
    expect(page.locator("#status-1 .status-saved")).to_be_visible()
    expect(page.locator("#status-1 .edit-link")).to_be_focused()
    assert focused(page) == "a in #status-1"
    report = StatusReport.objects.get(action_item__number=1, session=draft)
    assert (report.status, report.wording) == (after, "Changed from the keyboard")
