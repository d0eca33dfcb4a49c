"""Importing the Appendix from Word, Excel or CSV into the open session: a preview row by row,
then the ticked rows applied in one go; every bad file refused with its reason, nothing changed."""

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook, load_workbook

from actions.models import ActionItem
from actions.reporting import GoverningBodySession, SessionError, StatusReport

from .page_types import open_gb341
from .test_valid_html import html_errors

pytestmark = pytest.mark.django_db

URL = "/sessions/GB.341/import/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def draft(editor_client) -> GoverningBodySession:
    open_gb341(editor_client)
    return GoverningBodySession.objects.get(code="GB.341")


def snapshot() -> list[tuple]:
    """Everything an import could write: every report of every session, with its version."""
    return list(
        StatusReport.objects.order_by("pk").values_list(
            "pk", "status", "wording", "wording_fr", "wording_es", "version"
        )
    ) + [("history", StatusReport.history.count())]


def upload(client, name: str, content: bytes, url: str = URL):
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def page_text(response) -> str:
    html = response.content.decode()
    main = html.split("<main", 1)[-1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def token(response) -> str:
    return re.search(r'name="preview" value="([^"]+)"', response.content.decode()).group(1)


def applied(client, preview, statuses: dict[int, str], reason: str = "R", ticked=None):
    """Apply a preview (its page, or its token): the rows `ticked` (by default those given a
    status), each with its status from `statuses`."""
    return client.post(
        URL,
        {
            "preview": preview if isinstance(preview, str) else token(preview),
            "apply": [str(number) for number in ticked or statuses],
            **{f"status-{number}": status for number, status in statuses.items()},
            "reason": reason,
        },
    )


def change_rows(response) -> list[int]:
    """The item numbers that the preview offers to apply."""
    return [int(n) for n in re.findall(r'name="apply" value="(\d+)"', response.content.decode())]


def word_appendix(client, language: str = "") -> Document:
    prefix = f"/{language}" if language else ""
    response = client.get(f"{prefix}/sessions/GB.341/appendix.docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def saved(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def item_row(document: Document, number: int):
    table = document.tables[0]
    return next(row for row in table.rows if row.cells[0].text.startswith(f"{number}. "))


def set_cell(cell, text: str) -> None:
    cell.text = text


def exported(client, fmt: str) -> bytes:
    response = client.get(f"/appendix/?_export={fmt}")
    assert response.status_code == 200
    return response.content


def test_the_word_round_trip_previews_exactly_the_three_edits_and_applies_them(
    editor_client, draft
):
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "Ongoing")  # was Completed
    set_cell(item_row(document, 7).cells[2], "Completed")  # was Starting 2020
    set_cell(item_row(document, 9).cells[2], "Ongoing, with two pilots")  # a new wording
    before = snapshot()

    response = upload(editor_client, "GB341-appendix-ACTRAV.docx", saved(document))

    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == [3, 7, 9]
    text = page_text(response)
    assert "12 rows read: 3 to change, 9 unchanged, 0 that cannot be read." in text
    assert snapshot() == before  # nothing written on upload

    response = applied(
        editor_client, response, {3: "ongoing", 7: "completed", 9: "ongoing"}, "ACTRAV's return"
    )
    assert response.status_code == 302, page_text(response)
    reports = {
        r.action_item.number: r
        for r in StatusReport.objects.filter(session=draft).select_related("action_item")
    }
    assert (reports[3].status, reports[3].wording) == ("ongoing", "Ongoing")
    assert (reports[7].status, reports[7].wording) == ("completed", "Completed")
    assert (reports[9].status, reports[9].wording) == ("ongoing", "Ongoing, with two pilots")
    reason = reports[3].history.latest().history_change_reason
    assert reason == "Imported from GB341-appendix-ACTRAV.docx: ACTRAV's return"

    # Published, the public Appendix shows them, and the item's history names the file.
    assert editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"}).status_code == 302
    reader = Client()
    public = page_text(reader.get("/sessions/GB.341/"))
    assert "7. " in public and "Ongoing, with two pilots" in public
    appendix = reader.get("/appendix/?_export=csv").content.decode()
    lines = {row[1]: row[4] for row in csv.reader(io.StringIO(appendix))}
    assert (lines["3"], lines["7"], lines["9"]) == (
        "Ongoing",
        "Completed",
        "Ongoing, with two pilots",
    )
    assert "Imported from GB341-appendix-ACTRAV.docx" in page_text(editor_client.get("/actions/7/"))
    # In the page's language, as the history's other reasons that the application writes.
    french = page_text(editor_client.get("/fr/actions/7/"))
    assert "Importé de GB341-appendix-ACTRAV.docx : ACTRAV" in french


def edited_export(client, fmt: str, statuses: dict[int, str]) -> bytes:
    """The Appendix downloaded as Excel or CSV with some statuses changed, as colleagues do."""
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(exported(client, "xlsx")))
        for row in workbook.active.iter_rows(min_row=2):
            if row[1].value in statuses:
                row[4].value = statuses[row[1].value]
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    lines = list(csv.reader(io.StringIO(exported(client, "csv").decode())))
    for line in lines[1:]:
        line[4] = statuses.get(int(line[1]), line[4])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_excel_and_csv_round_trips_preview_exactly_the_three_edits_and_apply_them(
    editor_client, draft, fmt
):
    edits = {2: "Completed", 5: "Completed/ongoing", 12: "Completed"}
    content = edited_export(editor_client, fmt, edits)
    response = upload(editor_client, f"appendix-ACT-EMP.{fmt}", content)
    assert change_rows(response) == [2, 5, 12]
    response = applied(
        editor_client,
        response,
        {2: "completed", 5: "completed_ongoing", 12: "completed"},
        "ACT/EMP",
    )
    assert response.status_code == 302
    assert editor_client.post("/sessions/GB.341/publish/", {"confirm": "on"}).status_code == 302
    public = Client().get("/appendix/?_export=csv").content.decode()
    lines = {row[1]: row[4] for row in csv.reader(io.StringIO(public))}
    assert {n: lines[str(n)] for n in edits} == edits
    assert f"Imported from appendix-ACT-EMP.{fmt}: ACT/EMP" in page_text(
        editor_client.get("/actions/5/")
    )


def test_a_preview_costs_the_same_queries_whatever_the_rows(
    editor_client, draft, django_assert_max_num_queries
):
    content = edited_export(editor_client, "csv", {3: "Ongoing", 4: "Done", 9: "Completed"})
    # Sign-in session, user, its permissions (2), the session asked for, the open draft, the plan,
    # then the preview's components, items and the draft's reports, and the as-of stamp.
    with django_assert_max_num_queries(11):
        response = upload(editor_client, "a.csv", content)
    assert change_rows(response) == [3, 4, 9]


def test_applying_reads_each_ticked_row_s_report_once(editor_client, draft):
    content = edited_export(editor_client, "csv", {3: "Ongoing", 4: "Done", 9: "Completed"})
    response = upload(editor_client, "a.csv", content)
    with CaptureQueriesContext(connection) as queries:
        response = applied(editor_client, response, {3: "ongoing", 4: "completed", 9: "completed"})
    assert response.status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "actions_statusreport"')]
    # The preview compared again, the ticked rows' reports, then each row as it is saved.
    assert len(reads) == 2 + 3


def test_importing_the_same_file_twice_changes_nothing_the_second_time(editor_client, draft):
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "Ongoing")
    content = saved(document)
    response = upload(editor_client, "a.docx", content)
    applied(editor_client, response, {3: "ongoing"}, "Back")
    before = snapshot()

    response = upload(editor_client, "a.docx", content)

    assert change_rows(response) == []
    assert "No changes" in page_text(response)
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
def test_an_export_imported_unchanged_is_no_changes(editor_client, draft, fmt):
    content = saved(word_appendix(editor_client)) if fmt == "docx" else exported(editor_client, fmt)
    response = upload(editor_client, f"appendix.{fmt}", content)
    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == []
    assert "No changes" in page_text(response)
    assert "12 rows read: 0 to change, 12 unchanged" in page_text(response)


def test_the_word_appendix_with_its_change_since_column_reads_back_unchanged(editor_client, draft):
    response = editor_client.get("/sessions/GB.341/appendix.docx?since=GB.340")
    assert len(Document(io.BytesIO(response.content)).tables[0].columns) == 4
    response = upload(editor_client, "since.docx", response.content)
    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == []


def test_a_row_without_a_status_is_shown_as_unreadable_and_the_rest_still_applies(
    editor_client, draft
):
    lines = exported(editor_client, "csv").decode().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ","  # item 1's status left empty
    lines[2] = lines[2].rsplit(",", 1)[0] + ",Completed"
    response = upload(editor_client, "a.csv", "\r\n".join(lines).encode())
    assert response.status_code == 200, page_text(response)
    assert "Row 2 (item 1): No status given: an import does not remove the item’s status." in (
        page_text(response)
    )
    assert change_rows(response) == [2]


def test_the_french_exports_read_back_too(editor_client, draft):
    for name, content in [
        ("annexe.docx", saved(word_appendix(editor_client, "fr"))),
        ("annexe.csv", editor_client.get("/fr/appendix/?_export=csv").content),
    ]:
        response = upload(editor_client, name, content)
        assert response.status_code == 200, page_text(response)
        assert change_rows(response) == [], name


def test_a_csv_saved_by_a_french_excel_with_semicolons_is_read(editor_client, draft):
    lines = list(
        csv.reader(io.StringIO(editor_client.get("/fr/appendix/?_export=csv").content.decode()))
    )
    lines[3][4] = "Achevée"  # item 3 is Completed: the same status, in French
    lines[4][4] = "En cours"  # item 4 is Ongoing
    lines[5][4] = "Achevée"  # item 5 is Ongoing
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(lines)
    response = upload(editor_client, "annexe.csv", buffer.getvalue().encode("cp1252"))
    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == [3, 4, 5]  # new French wordings; item 5 a new status


def test_an_excel_round_trip_and_the_status_vocabulary_forgiven(editor_client, draft):
    workbook = load_workbook(io.BytesIO(exported(editor_client, "xlsx")))
    sheet = workbook.active
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    rows[1][4].value = "  completed /  ONGOING "  # already Completed/ongoing: case and spacing
    rows[2][4].value = "en cours"  # French, the same status, another wording
    rows[4][4].value = "Stalled"  # not in the vocabulary
    rows[6][4].value = "Starting 2021 following the pilots"
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(editor_client, "appendix.xlsx", buffer.getvalue())

    assert change_rows(response) == [2, 4, 6]
    html = response.content.decode()
    assert "Not a status of the vocabulary: choose one." in page_text(response)
    assert re.search(r'<option value="starting" selected>', html.split('name="status-6"')[1])
    assert re.search(r'<option value="" selected>', html.split('name="status-4"')[1])
    # Ticked without a status chosen: refused, nothing applied.
    before = snapshot()
    response = applied(editor_client, response, {6: "starting"}, ticked=[4, 6])
    assert response.status_code == 422
    assert "Item 4: choose its status, or untick it." in page_text(response)
    assert snapshot() == before
    response = applied(editor_client, response, {4: "not_started", 6: "starting"})
    assert response.status_code == 302
    report = StatusReport.objects.get(session=draft, action_item__number=6)
    assert (report.status, report.wording) == ("starting", "Starting 2021 following the pilots")
    report = StatusReport.objects.get(session=draft, action_item__number=4)
    assert (report.status, report.wording) == ("not_started", "Stalled")


def test_a_french_word_file_s_statuses_are_recognised(editor_client, draft):
    document = word_appendix(editor_client, "fr")
    set_cell(item_row(document, 3).cells[2], "En cours")
    set_cell(item_row(document, 5).cells[2], "Achevée")
    set_cell(item_row(document, 8).cells[2], "NON COMMENCÉE")
    response = upload(editor_client, "annexe-fr.docx", saved(document))
    assert change_rows(response) == [3, 5, 8]
    html = response.content.decode()
    for number, status in [(3, "ongoing"), (5, "completed"), (8, "not_started")]:
        select = html.split(f'name="status-{number}"')[1].split("</select>")[0]
        assert f'<option value="{status}" selected>' in select
    response = applied(editor_client, response, {5: "completed"}, "Fini")
    assert response.status_code == 302
    report = StatusReport.objects.get(session=draft, action_item__number=5)
    # The French wording is the file's; the English follows the new status.
    assert (report.status, report.wording_fr, report.wording) == (
        "completed",
        "Achevée",
        "Completed",
    )


def test_a_governing_body_appendix_with_its_own_layout_is_read(editor_client, draft):
    """As GB.340/INS/6 prints it: the title, a header, component headings across the table, the
    header repeated on a second table, and "Starting 2020 following …" as a status."""
    document = Document()
    document.add_paragraph("Appendix")
    document.add_paragraph("Status of the Office Plan of Action 2019–20 …")
    first = document.add_table(rows=0, cols=3)
    second = document.add_table(rows=0, cols=3)
    current = {
        r.action_item.number: r
        for r in StatusReport.objects.filter(session=draft).select_related("action_item__component")
    }
    for table, numbers in [(first, range(1, 7)), (second, range(7, 13))]:
        header = table.add_row().cells
        for cell, text in zip(header, ["Action item", "Due by", "Status"], strict=True):
            cell.text = text
        component = None
        for number in numbers:
            report = current[number]
            item = report.action_item
            if item.component.number != component:
                component = item.component.number
                row = table.add_row().cells
                row[0].merge(row[2]).text = f"Component {component}: {item.component.title}"
            cells = table.add_row().cells
            cells[0].text = f"{number}.\t{item.text}"
            cells[1].text = item.due_by
            cells[2].text = report.wording
    response = upload(editor_client, "GB340-INS-6.docx", saved(document))
    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == []
    assert StatusReport.objects.get(session=draft, action_item__number=11).wording.startswith(
        "Starting 2020 following"
    )


def test_an_appendix_with_the_number_in_a_column_of_its_own_is_read(editor_client, draft):
    document = Document()
    table = document.add_table(rows=0, cols=4)
    header = table.add_row().cells
    header[0].merge(header[1]).text = "Action item"
    header[2].text, header[3].text = "Due by", "Status"
    for report in StatusReport.objects.filter(session=draft).select_related("action_item"):
        cells = table.add_row().cells
        cells[0].text = f"{report.action_item.number}."
        cells[1].text = report.action_item.text
        cells[2].text = report.action_item.due_by
        cells[3].text = "Completed" if report.action_item.number == 8 else report.wording
    response = upload(editor_client, "gb.docx", saved(document))
    assert response.status_code == 200, page_text(response)
    assert change_rows(response) == [8]
    assert "Differences to decide" not in page_text(response)


def test_a_word_file_with_tracked_changes_is_refused(editor_client, draft):
    document = word_appendix(editor_client)
    run = item_row(document, 3).cells[2].paragraphs[0].runs[0]._r
    inserted = OxmlElement("w:ins")
    for name, value in [("w:id", "1"), ("w:author", "ACTRAV"), ("w:date", "2021-02-01T00:00:00Z")]:
        inserted.set(qn(name), value)
    run.addprevious(inserted)
    inserted.append(run)
    before = snapshot()
    response = upload(editor_client, "tracked.docx", saved(document))
    assert response.status_code == 422
    assert "Row 6 has tracked changes: accept or reject them in Word" in page_text(response)
    assert snapshot() == before


def test_due_by_and_text_differences_are_flagged_never_applied(editor_client, draft):
    document = word_appendix(editor_client)
    row = item_row(document, 2)
    set_cell(row.cells[1], "By end 2022")
    set_cell(row.cells[0], "2. A shorter text")
    set_cell(row.cells[2], "Completed")
    response = upload(editor_client, "a.docx", saved(document))
    text = page_text(response)
    assert "Differences to decide" in text
    assert "the file’s Due by is “By end 2022”, the plan’s “2019–20”" in text
    assert change_rows(response) == [2]
    applied(editor_client, response, {2: "completed"})
    item = draft.status_reports.get(action_item__number=2).action_item
    assert item.due_by == "2019–20" and item.text.startswith("Continued targeted")


def test_someone_else_s_save_between_preview_and_apply_refuses_all_and_offers_it_again(
    editor_client, draft, second_editor
):
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "Ongoing")
    set_cell(item_row(document, 4).cells[2], "Completed")
    response = upload(editor_client, "a.docx", saved(document))
    preview = token(response)
    # A colleague saves item 4 in between.
    client = Client()
    client.force_login(second_editor)
    report = StatusReport.objects.get(session=draft, action_item__number=4)
    # What the file says: the row would now be unchanged, but it was previewed as a change.
    saved_by_other = client.post(
        "/actions/4/status/",
        {"status": "completed", "wording": "Completed", "reason": "Met",
         "version": report.version},
    )  # fmt: skip
    assert saved_by_other.status_code == 302
    before = snapshot()

    response = applied(editor_client, preview, {3: "ongoing", 4: "completed"})

    assert response.status_code == 409
    assert "Someone else saved item 4 since the preview was made: nothing was applied." in (
        page_text(response)
    )
    assert snapshot() == before
    # Offered again against what is saved now: item 4 is now as the file says.
    assert change_rows(response) == [3]
    response = applied(editor_client, response, {3: "ongoing"})
    assert response.status_code == 302


def test_an_altered_preview_is_refused(editor_client, draft):
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "Ongoing")
    response = upload(editor_client, "a.docx", saved(document))
    before = snapshot()
    response = applied(editor_client, token(response) + "x", {3: "ongoing"})
    assert response.status_code == 400
    assert "The preview has expired or was altered" in page_text(response)
    assert snapshot() == before


def zipped(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_with(extra: dict[str, bytes], content_type: str | None = None) -> bytes:
    """The tracker's Word Appendix with parts added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(saved(Document())))
    parts = {name: source.read(name) for name in source.namelist()}
    if content_type:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            content_type.encode(),
        )
    return zipped({**parts, **extra})


def bad_files(client) -> list[tuple[str, str, bytes, int, str]]:
    """(case, file name, content, status, message) for each kind of bad file."""
    appendix_csv = exported(client, "csv").decode()
    lines = appendix_csv.splitlines()
    workbook = Workbook()
    workbook.active.append(["Component", "No.", "Action item", "Due by"])
    workbook.active.append(["Component 1", 1, "Text", "2019"])
    missing_column = io.BytesIO()
    workbook.save(missing_column)
    bomb = docx_with({"word/bomb.xml": b"\0" * (60 * 1024 * 1024)})
    return [
        ("renamed PDF", "appendix.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 415,
         "The file is a PDF file renamed, not a Word, Excel or CSV file."),
        ("image", "appendix.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, 415,
         "Choose a Word (.docx), Excel (.xlsx) or CSV (.csv) file."),
        ("image as CSV", "appendix.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, 415,
         "The file is a PNG file renamed"),
        ("corrupt", "appendix.docx", b"PK\x03\x04" + b"\x13" * 300, 422,
         "The file is damaged or is not a Word file: it cannot be read."),
        ("truncated", "appendix.docx", saved(word_appendix(client))[:4000], 422,
         "The file is damaged or is not a Word file"),
        ("encrypted", "appendix.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, 415,
         "The file is password-protected"),
        ("macros by name", "appendix.docm", saved(word_appendix(client)), 415,
         "The file can contain macros"),
        ("macros inside", "appendix.docx",
         docx_with({"word/vbaProject.bin": b"\0" * 10},
                   "application/vnd.ms-word.document.macroEnabled.main+xml"), 415,
         "The file can contain macros"),
        ("over 5 MB", "appendix.csv", lines[0].encode() + b"\r\n" + b"x" * (5 * 1024 * 1024 + 1),
         413, "The file is larger than 5 MB"),
        ("zip bomb", "appendix.docx", bomb, 413, "The file unpacks to more than 50 MB"),
        ("extra column", "appendix.csv",
         "\r\n".join([lines[0] + ",Owner", *(line + ",ACTRAV" for line in lines[1:])]).encode(),
         422, "the header is “Component, No., Action item, Due by, Status, Owner”"),
        ("missing column", "appendix.xlsx", missing_column.getvalue(), 422,
         "the header is “Component, No., Action item, Due by”"),
        ("short row", "appendix.csv",
         "\r\n".join([lines[0], lines[1], "Component 1,2,Text"]).encode(), 422,
         "Row 3 has 3 columns; the table’s header has 5"),
        ("duplicate number", "appendix.csv",
         "\r\n".join([lines[0], lines[1], lines[2], lines[1]]).encode(), 422,
         "Row 4: item 1 is also on row 2."),
        ("unknown number", "appendix.csv",
         "\r\n".join([lines[0], lines[1], lines[2].replace(",2,", ",99,", 1)]).encode(), 422,
         "Row 3: the plan has no item 99."),
        ("another plan", "appendix.csv",
         "\r\n".join([lines[0], "Component 1: Better harvests,1,Seeds,2019,Ongoing"]).encode(),
         422, "Row 2: “Component 1: Better harvests” is not a component of the plan"),
        ("empty", "appendix.csv", b"", 422, "The file is empty."),
        ("header only", "appendix.csv", lines[0].encode(), 422, "has no rows of action items"),
        ("no table", "appendix.docx", saved(Document()), 422, "The file has no Appendix table"),
    ]  # fmt: skip


def test_each_bad_file_is_refused_with_its_reason_and_nothing_changes(editor_client, draft):
    before = snapshot()
    for case, name, content, status, message in bad_files(editor_client):
        response = upload(editor_client, name, content)
        assert response.status_code == status, (case, page_text(response)[:600])
        assert message in page_text(response), (case, page_text(response)[:600])
        assert f"“{name}” was not imported; nothing was changed" in page_text(response), case
    assert snapshot() == before


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("The body was read.")

    readline = read


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def with_part(content: bytes, name: str, xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped({**{n: source.read(n) for n in source.namelist()}, name: xml})


def test_an_xml_entity_bomb_is_not_expanded(editor_client, draft):
    """ "Billion laughs" in a workbook's sheet and a Word document's body: refused, at once."""
    sheet = LAUGHS + b'<worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c>'
    sheet += b"</row></sheetData></worksheet>"
    body = LAUGHS + b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml"
    body += b"/2006/main'><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    before = snapshot()
    for name, content in [
        (
            "bomb.xlsx",
            with_part(exported(editor_client, "xlsx"), "xl/worksheets/sheet1.xml", sheet),
        ),
        ("bomb.docx", with_part(saved(word_appendix(editor_client)), "word/document.xml", body)),
    ]:
        response = upload(editor_client, name, content)
        assert response.status_code == 422, page_text(response)[:500]
    assert snapshot() == before


def test_a_body_over_the_limit_is_refused_before_it_is_read(editor_client, draft):
    response = editor_client.generic(
        "POST",
        URL,
        CONTENT_TYPE="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(6 * 1024 * 1024),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "The file is larger than 5 MB" in page_text(response)


def test_the_file_s_name_is_escaped(editor_client, draft):
    name = '<img src=x onerror="alert(1)">.docx'
    response = upload(editor_client, name, b"%PDF-1.4")
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;.docx" in html
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "<b>Ongoing</b>")
    response = upload(editor_client, name, saved(document))
    assert "<b>Ongoing</b>" not in response.content.decode()
    assert "<img src=x" not in response.content.decode()


def test_a_session_published_while_applying_is_refused_not_a_server_error(
    editor_client, draft, monkeypatch
):
    """Published by a colleague in the instant between the page's check and the writes."""
    response = upload(
        editor_client,
        "a.csv",
        exported(editor_client, "csv").replace(b"Starting 2020", b"Completed", 1),
    )
    before = snapshot()

    def published_meanwhile(*args, **kwargs):
        raise SessionError("GB.341 is published: statuses go to the session open for reporting.")

    monkeypatch.setattr(ActionItem, "report_status", published_meanwhile)
    response = applied(editor_client, response, dict.fromkeys(change_rows(response), "completed"))
    assert response.status_code == 409
    assert "GB.341 is published" in page_text(response)
    assert snapshot() == before


def test_only_the_open_draft_takes_an_import(editor_client, draft, editor):
    content = exported(editor_client, "csv")
    before = snapshot()
    for code in ["GB.340", "GB.338"]:  # published, cancelled
        response = upload(editor_client, "a.csv", content, f"/sessions/{code}/import/")
        assert response.status_code == 409
        assert "can be imported only into the session open for reporting" in page_text(response)
        assert editor_client.get(f"/sessions/{code}/import/").status_code == 409
    assert snapshot() == before


def test_an_upload_without_the_csrf_token_is_refused(editor, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = upload(client, "a.csv", b"Component,No.,Action item,Due by,Status")
    assert response.status_code == 403


def test_only_editors_import(viewer, draft):
    client = Client()
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(viewer)
    before = snapshot()
    assert upload(client, "a.csv", b"x").status_code == 403
    assert snapshot() == before


def test_the_session_page_links_editors_to_the_import(editor_client, draft):
    assert URL in editor_client.get("/sessions/GB.341/").content.decode()
    assert "/import/" not in editor_client.get("/sessions/GB.340/").content.decode()
    assert "/import/" not in Client().get("/sessions/GB.340/").content.decode()


def test_the_import_page_speaks_french(editor_client, draft):
    response = editor_client.get("/fr" + URL)
    assert response.status_code == 200
    assert "Importer l’annexe dans GB.341" in response.content.decode()


def test_the_preview_and_the_refusals_are_valid_html(editor_client, draft, tmp_path):
    """The import's GET page is in tests/page_types.py; its answers to a POST are checked here:
    a preview with every kind of row, a refused apply, a refused file."""
    document = word_appendix(editor_client)
    set_cell(item_row(document, 3).cells[2], "Ongoing")
    set_cell(item_row(document, 4).cells[2], "Stalled")
    set_cell(item_row(document, 5).cells[0], "5a. Text")
    set_cell(item_row(document, 6).cells[1], "By end 2030")
    preview = upload(editor_client, "a <b>.docx", saved(document))
    refused_apply = editor_client.post(URL, {"preview": token(preview), "apply": ["4"]})
    refused_file = upload(editor_client, "a.pdf", b"%PDF")
    no_changes = upload(editor_client, "a.csv", exported(editor_client, "csv"))
    files = []
    for name, response in [("preview", preview), ("refused-apply", refused_apply),
                           ("refused-file", refused_file), ("no-changes", no_changes)]:  # fmt: skip
        file = tmp_path / f"import-{name}.html"
        file.write_bytes(response.content)
        files.append(file)
    assert "Rows that cannot be read" in page_text(preview)
    assert "Differences to decide" in page_text(preview)
    errors = html_errors(files)
    assert not errors, "Invalid HTML:\n" + "\n".join(errors)
