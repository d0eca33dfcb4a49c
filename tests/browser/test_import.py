"""An editor imports the Appendix that a colleague sent back in Word: from the session's page to
the upload, the preview, a tick, a reason and the applied change (issue 21); axe on each page."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from actions.docx import appendix_docx
from actions.models import Plan
from actions.reporting import StatusReport

from .axe import blocking_violations
from .conftest import sign_in

pytestmark = pytest.mark.browser


def returned_appendix(draft) -> bytes:
    """The draft's Word Appendix with item 3's status changed, as a colleague sends it back."""
    document = Document(io.BytesIO(appendix_docx(draft, Plan.objects.current())))
    row = next(r for r in document.tables[0].rows if r.cells[0].text.startswith("3. "))
    row.cells[2].text = "Ongoing"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_editor_uploads_previews_ticks_and_applies_an_appendix(
    page, context, site, draft, editor, capsys
):
    draft.carry_over(by=editor)
    sign_in(context, site, editor)
    page.goto(site.url + "/sessions/GB.341/")
    page.get_by_role("link", name="Import the Appendix from Word, Excel or CSV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import the Appendix into GB.341")
    failures = blocking_violations(page, "import", capsys)

    page.get_by_label("File").set_input_files(
        {
            "name": "GB341-appendix-ACTRAV.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": returned_appendix(draft),
        }
    )
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "What “GB341-appendix-ACTRAV.docx” would change"
    )
    expect(page.get_by_text("12 rows read: 1 to change, 11 unchanged")).to_be_visible()
    assert StatusReport.objects.get(session=draft, action_item__number=3).status == "completed"
    failures += blocking_violations(page, "import-preview", capsys)

    # Applying without a tick is refused, and says so (the reason the browser asks for itself).
    page.get_by_label("Reason").fill("ACTRAV's return")
    page.get_by_role("button", name="Apply the ticked rows to GB.341").click()
    expect(page.get_by_text("Tick at least one row to apply.")).to_be_visible()
    failures += blocking_violations(page, "import-preview-refused", capsys)

    page.get_by_label("Apply item 3 (row 6)").check()
    expect(page.get_by_label("Status to record for item 3")).to_have_value("ongoing")
    expect(page.get_by_label("Reason")).to_have_value("ACTRAV's return")
    page.get_by_role("button", name="Apply the ticked rows to GB.341").click()

    expect(page).to_have_url(f"{site.url}/sessions/GB.341/")
    expect(
        page.get_by_text("imported from “GB341-appendix-ACTRAV.docx” into GB.341")
    ).to_be_visible()
    report = StatusReport.objects.get(session=draft, action_item__number=3)
    assert (report.status, report.wording) == ("ongoing", "Ongoing")
    assert failures == []
