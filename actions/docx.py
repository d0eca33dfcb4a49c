"""The Appendix as a Word document, laid out as in the Governing Body papers."""

from __future__ import annotations

import io

from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Mm, Pt

from .changes import SessionChanges
from .content import LocalText, content_mostly_english, localized
from .models import ActionItem, Plan
from .reporting import GoverningBodySession
from .templatetags.pending import pending_message
from .typography import punctuated

# A4 portrait with 25 mm margins, as the Governing Body's papers; the table fills the width
# between the margins, the action item taking most of it as in the Office's own Appendix.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(25)
COLUMNS_MM = [106, 22, 32]  # Action item, Due by, Status
COLUMNS_WITH_CHANGE_MM = [84, 20, 28, 28]  # and "Change since …"
# The table's header, which the import reads back (actions/imports.py).
COLUMNS = (_("Action item"), _("Due by"), _("Status"))
CHANGE_SINCE = _("Change since %(code)s")


def appendix_docx(
    session: GoverningBodySession, plan: Plan, changes: SessionChanges | None = None
) -> bytes:
    """One table: component headings across the row, then each item's text, due date, status;
    in the active language, with English where a translation is missing."""
    items = list(ActionItem.objects.filter(plan=plan).as_reported_to(session))
    change_of = {change.item.pk: change.label for change in changes.items} if changes else {}

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    heading = document.add_paragraph()
    heading.add_run(gettext("Appendix")).bold = True
    heading.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = document.add_paragraph()
    plan_title = plan.status_heading
    title.add_run(plan_title).bold = True
    mark_pending(title, plan_title)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.core_properties.language = get_language()
    document.add_paragraph(
        gettext("As reported to the %(code)s session (%(period)s)")
        % {"code": session.code, "period": session.local_period}
        + (f", {session.document_symbol}" if session.document_symbol else "")
        + (
            punctuated(";") + gettext("changes since %(code)s") % {"code": changes.since.code}
            if changes
            else ""
        )
    )

    if content_mostly_english():
        document.add_paragraph().add_run(pending_message()).italic = True

    headers = [str(name) for name in COLUMNS]
    if changes:
        headers.append(CHANGE_SINCE % {"code": changes.since.code})
    widths = [Mm(mm) for mm in (COLUMNS_WITH_CHANGE_MM if changes else COLUMNS_MM)]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = layout_row(table.rows[0], widths)
    # The header row repeats at the top of each page.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True

    component = None
    for item in items:
        if item.component_id != component:
            component = item.component_id
            row = layout_row(table.add_row(), widths).cells
            merged = row[0].merge(row[-1])
            merged.text = ""
            heading = item.component.heading
            merged.paragraphs[0].add_run(heading).bold = True
            mark_pending(merged.paragraphs[0], heading)
        row = layout_row(table.add_row(), widths).cells
        text, wording = localized(item, "text"), localized(item, "session_wording")
        row[0].text = f"{item.number}. {text}"
        mark_pending(row[0].paragraphs[0], text)
        row[1].text = item.due_by
        row[2].text = wording or gettext("No status reported")
        mark_pending(row[2].paragraphs[0], wording)
        if changes:
            row[3].text = change_of.get(item.pk, "")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def layout_row(row, widths: list[int]):
    """Give the row's cells their column's width (Word reads the cells', LibreOffice the grid's)
    and keep the row whole on one page."""
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return row


def mark_pending(paragraph, text: LocalText) -> None:
    """Say, as the pages do, that English stands in for a missing translation (where most texts
    are translated: otherwise the notice at the top says it once)."""
    if text.pending and not content_mostly_english():
        paragraph.add_run(f" ({gettext('Translation pending')})").italic = True
