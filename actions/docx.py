"""The Appendix as a Word document, laid out as in the Governing Body papers."""

from __future__ import annotations

import io

from django.utils.translation import get_language, gettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .changes import SessionChanges
from .models import (
    ActionItem,
    GoverningBodySession,
    LocalText,
    Plan,
    content_mostly_english,
    localized,
)
from .templatetags.pending import pending_message
from .typography import punctuated


def appendix_docx(
    session: GoverningBodySession, plan: Plan, changes: SessionChanges | None = None
) -> bytes:
    """One table: component headings across the row, then each item's text, due date, status;
    in the active language, with English where a translation is missing."""
    items = list(ActionItem.objects.filter(plan=plan).as_reported_to(session))
    change_of = {change.item.pk: change.label for change in changes.items} if changes else {}

    document = Document()
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

    headers = [gettext("Action item"), gettext("Due by"), gettext("Status")]
    if changes:
        headers.append(gettext("Change since %(code)s") % {"code": changes.since.code})
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True

    component = None
    for item in items:
        if item.component_id != component:
            component = item.component_id
            row = table.add_row().cells
            merged = row[0].merge(row[-1])
            merged.text = ""
            heading = item.component.heading
            merged.paragraphs[0].add_run(heading).bold = True
            mark_pending(merged.paragraphs[0], heading)
        row = table.add_row().cells
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


def mark_pending(paragraph, text: LocalText) -> None:
    """Say, as the pages do, that English stands in for a missing translation (where most texts
    are translated: otherwise the notice at the top says it once)."""
    if text.pending and not content_mostly_english():
        paragraph.add_run(f" ({gettext('Translation pending')})").italic = True
