"""The Appendix read back from Word, Excel or CSV: the file is read into rows, the rows compared
with the open draft session (the preview), and the rows the editor ticks applied in one go.

Nothing is written until `apply`. The file itself is never stored nor opened by anything but the
readers below: a .docx or .xlsx is a zip whose directory is checked (sizes, macros, encryption)
before python-docx or openpyxl parse it; a CSV is decoded as text. What the preview shows
travels to the apply step as the parsed rows, signed (see docs/editing.md, "Importing").
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import astuple, dataclass, field
from difflib import SequenceMatcher

from defusedxml import ElementTree
from django.core import signing
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, override
from docx import Document

from .content import CONTENT_LANGUAGES, localized
from .docx import CHANGE_SINCE, COLUMNS
from .models import ActionItem, Component, Plan
from .reporting import GoverningBodySession, StaleEdit, Status, StatusReport
from .tables import AppendixTable

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# A zip's parts, unpacked, all together: an Appendix of a few hundred rows is well under 5 MB;
# more is a zip bomb or not an Appendix.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
MAX_ROWS = 1000
# Longer than any cell of an Appendix; a longer one is not read (nor carried to the apply step).
MAX_CELL_LENGTH = 5000
# The preview can be applied within an hour of the upload.
PREVIEW_MAX_AGE = 60 * 60
LANGUAGES = ("en", *CONTENT_LANGUAGES)

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# File signatures of what is most often sent by mistake.
SIGNATURES = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF8": "GIF",
    b"\xd0\xcf\x11\xe0": "OLE",  # an encrypted Office file, or an old .doc/.xls
}


class ImportRefused(Exception):
    """The file cannot be imported; `messages` say why (each naming its row where it has one),
    `status` is the HTTP status to answer with."""

    def __init__(self, *messages: str, status: int = 422) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)
        self.status = status


def normalized(text: object) -> str:
    """Text compared forgivingly: case, accents, spacing, typographic quotes, a final full stop."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    text = re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text)).strip().rstrip(".").strip()
    return text.casefold()


def translations(message: str | Promise) -> dict[str, str]:
    """`message` (a msgid, or a lazy translation) in each language."""
    found = {}
    for language in LANGUAGES:
        with override(language):
            found[language] = gettext(message) if isinstance(message, str) else str(message)
    return found


def pending_suffixes() -> list[str]:
    """ " (Translation pending)" as the Word Appendix appends it, in each language."""
    return [f" ({text})" for text in translations("Translation pending").values()]


def without_pending_mark(text: str) -> str:
    for suffix in pending_suffixes():
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def status_vocabulary() -> list[tuple[str, str]]:
    """(normalized label, status) in every language, longest first, so that "Completed/ongoing"
    is tried before "Completed"."""
    labels = []
    for language in LANGUAGES:
        with override(language):
            labels += [(normalized(status.label), status.value) for status in Status]
    return sorted(set(labels), key=lambda pair: -len(pair[0]))


def status_of(wording: str, vocabulary: list[tuple[str, str]]) -> str | None:
    """The status a wording stands for: a label of the `vocabulary` in any language, or a wording
    that starts with one ("Starting 2020 following the revision…" is Starting); None if none."""
    text = normalized(wording)
    for label, status in vocabulary:
        if text == label or (text.startswith(label) and not text[len(label)].isalnum()):
            return status
    return None


def no_status_wordings() -> set[str]:
    return {normalized(text) for text in translations("No status reported").values()}


# --- Reading a file ----------------------------------------------------------------------------


@dataclass
class FileRow:
    """A row of the file's table as read: `row` counts the table's rows (header included) or
    the sheet's lines, as the editor sees them in Word or Excel."""

    row: int
    number: int | None
    text: str
    due_by: str
    status: str
    problem: str = ""


@dataclass
class ReadFile:
    language: str
    rows: list[FileRow]
    headings: list[tuple[int, str]] = field(default_factory=list)  # (row, component heading)


def read_upload(name: str, data: bytes) -> ReadFile:
    """The Appendix rows of an uploaded file, or `ImportRefused` saying why it cannot be read."""
    if not data:
        raise ImportRefused(gettext("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(too_large_message(), status=413)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in ("docm", "xlsm", "dotm", "xltm"):
        raise ImportRefused(macros_message(), status=415)
    readers = {"docx": read_docx, "xlsx": read_xlsx, "csv": read_csv}
    if extension not in readers:
        raise ImportRefused(wrong_type_message(), status=415)
    kind = next((kind for sig, kind in SIGNATURES.items() if data.startswith(sig)), None)
    if kind == "OLE":
        raise ImportRefused(
            gettext(
                "The file is password-protected, or in the old Word or Excel format (.doc, .xls): "
                "save it as .docx, .xlsx or .csv without a password, then import it."
            ),
            status=415,
        )
    if kind is not None:
        raise ImportRefused(
            gettext("The file is a %(kind)s file renamed, not a Word, Excel or CSV file.")
            % {"kind": kind},
            status=415,
        )
    read = readers[extension](data)
    if not read.rows:
        raise ImportRefused(gettext("The file’s table has no rows of action items."))
    if len(read.rows) > MAX_ROWS:
        raise ImportRefused(
            gettext("The file has more than %(count)s rows: it is not an Appendix.")
            % {"count": MAX_ROWS}
        )
    return read


def too_large_message() -> str:
    return gettext("The file is larger than 5 MB: an Appendix is far smaller.")


def wrong_type_message() -> str:
    return gettext("Choose a Word (.docx), Excel (.xlsx) or CSV (.csv) file.")


def macros_message() -> str:
    return gettext(
        "The file can contain macros (.docm, .xlsm), which are never opened here: save it as "
        ".docx or .xlsx, then import it."
    )


def damaged_message(what: str) -> str:
    return gettext("The file is damaged or is not a %(what)s file: it cannot be read.") % {
        "what": what
    }


def checked_zip(data: bytes, main_type: str, what: str) -> None:
    """Refuse a zip that is not a plain Word or Excel file before anything parses it: too many
    parts, parts that unpack past `MAX_UNPACKED_BYTES` (as the zip's directory declares them;
    reading never goes past a declared size, and a part that lies fails its checksum), encrypted
    parts, macros, or another main part than `main_type`."""
    corrupt = damaged_message(what)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(corrupt) from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise ImportRefused(
            gettext(
                "The file unpacks to more than 50 MB: it is not an Appendix, and is not opened."
            ),
            status=413,
        )
    if any(part.flag_bits & 0x1 for part in parts):
        raise ImportRefused(gettext("The file is encrypted: save it without a password."))
    names = {part.filename for part in parts}
    if any("vbaproject" in name.lower() for name in names):
        raise ImportRefused(macros_message(), status=415)
    try:
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except Exception:  # noqa: BLE001 - any failure to read the part means the same to the editor
        raise ImportRefused(corrupt) from None
    declared = {element.get("ContentType", "") for element in types}
    if any("macroenabled" in content.lower() for content in declared):
        raise ImportRefused(macros_message(), status=415)
    if main_type not in declared:
        raise ImportRefused(corrupt)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[ \t\r\n]+", " ", str(value)).strip()


def header_language(cells: list[str], headers: dict[str, list[str]]) -> str | None:
    """The language whose column names `cells` are, or None."""
    wanted = [normalized(cell) for cell in cells]
    for language, names in headers.items():
        if wanted == [normalized(name) for name in names]:
            return language
    return None


def export_headers() -> dict[str, list[str]]:
    """The Appendix export's header in each language (`AppendixTable`'s column names)."""
    columns = [AppendixTable.base_columns[name] for name in AppendixTable.Meta.sequence]
    names = [column.verbose_name for column in columns if not column.exclude_from_export]
    return {language: [translations(name)[language] for name in names] for language in LANGUAGES}


def parse_number(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{1,4}", text) else None


def table_row(row: int, number_text: str, text: str, due_by: str, status: str) -> FileRow:
    number = parse_number(number_text.rstrip("."))
    problem = ""
    if number is None:
        problem = gettext("“%(text)s” is not an item number.") % {"text": number_text[:40]}
    elif any(len(cell) > MAX_CELL_LENGTH for cell in (text, due_by, status)):
        problem = gettext("A cell is longer than %(count)s characters.") % {
            "count": MAX_CELL_LENGTH
        }
    if problem:
        text = due_by = status = ""
    return FileRow(row, number, without_pending_mark(text), due_by, without_pending_mark(status),
                   problem)  # fmt: skip


def check_columns(row: int, cells: list[str], header: list[str]) -> None:
    if len(cells) != len(header):
        raise ImportRefused(
            gettext(
                "Row %(row)s has %(found)s columns; the table’s header has %(expected)s "
                "(%(header)s)."
            )
            % {
                "row": row,
                "found": len(cells),
                "expected": len(header),
                "header": ", ".join(header),
            }
        )


def read_tabular(lines: list[list[object]], padded: bool = False) -> ReadFile:
    """Rows in the export's layout: `Component,No.,Action item,Due by,Status`, in any of the
    three languages, then one line per item. `padded`: a worksheet's lines, whose empty cells at
    either end are not columns (a CSV line says how many cells it has)."""
    headers = export_headers()
    lines = [[cell_text(value) for value in line] for line in lines]
    start = next((i for i, line in enumerate(lines) if any(line)), None)
    if start is None:
        raise ImportRefused(gettext("The file is empty."))
    header = lines[start]
    while not header[-1]:
        header.pop()
    language = header_language(header, headers)
    if language is None:
        raise ImportRefused(
            gettext(
                "Row %(row)s: the header is “%(found)s”; it must be the Appendix export’s: "
                "%(expected)s."
            )
            % {
                "row": start + 1,
                "found": ", ".join(header)[:300],
                "expected": ", ".join(headers["en"]),
            }  # fmt: skip
        )
    read = ReadFile(language, [])
    width = len(header)
    for index, line in enumerate(lines[start + 1 :], start=start + 2):
        if not any(line):
            continue
        if padded:
            line = line + [""] * (width - len(line))
        while len(line) > width and not line[-1]:
            line.pop()
        check_columns(index, line, header)
        component, number, text, due_by, status = line
        read.headings.append((index, component))
        read.rows.append(table_row(index, number, text, due_by, status))
        if len(read.rows) > MAX_ROWS:
            break
    return read


def read_csv(data: bytes) -> ReadFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in the system's code page.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportRefused(gettext("The file is not a CSV file: it holds binary data."))
    # Excel writes CSV with semicolons where the decimal separator is a comma (French,
    # Spanish): the header's first line says which.
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first.count)
    try:
        lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise ImportRefused(
            gettext(
                "The CSV file cannot be read: a quotation mark is not closed, or a cell is "
                "far too long."
            )  # fmt: skip
        ) from None
    return read_tabular(lines)


def read_xlsx(data: bytes) -> ReadFile:
    from openpyxl import load_workbook  # only when a workbook is imported

    checked_zip(data, EXCEL_MAIN, "Excel")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines = []
        for line in sheet.iter_rows(values_only=True, max_col=30):
            lines.append(list(line))
            if len(lines) > MAX_ROWS + 10:
                break
        workbook.close()
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged workbook
        raise ImportRefused(damaged_message("Excel")) from None
    return read_tabular(lines, padded=True)


def word_headers() -> dict[str, list[str]]:
    """The Word Appendix's header in each language (`actions.docx.COLUMNS`)."""
    return {language: [translations(name)[language] for name in COLUMNS] for language in LANGUAGES}


def change_since_prefixes() -> list[str]:
    return [normalized(text.split("%(code)s")[0]) for text in translations(CHANGE_SINCE).values()]


def read_docx(data: bytes) -> ReadFile:
    """The Appendix table of a Word file: a header "Action item | Due by | Status" (with or
    without a fourth "Change since …" column), component headings across the table, and rows
    "number. text | Due by | Status". A header repeated further down (a new page, a second
    table) is skipped."""
    checked_zip(data, WORD_MAIN, "Word")
    try:
        document = Document(io.BytesIO(data))
        tables = list(document.tables)
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a damaged document
        raise ImportRefused(damaged_message("Word")) from None
    headers = word_headers()
    read, row_count = None, 0
    for table in tables:
        columns = None
        for tr in table.rows:
            row_count += 1
            cells, seen = [], set()
            for cell in tr.cells:  # a merged cell comes once per column it spans
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    cells.append(cell_text(cell.text))
            language = header_language(cells[:3], headers)
            changes = len(cells) == 4 and any(
                normalized(cells[3]).startswith(p) for p in change_since_prefixes()
            )
            if language and (len(cells) == 3 or changes):
                read = read or ReadFile(language, [])
                columns = cells
                continue
            if columns is None:
                break  # not the Appendix's table
            if tr._tr.xpath(".//w:ins | .//w:del"):
                # python-docx reads neither insertions nor deletions: the row would be misread.
                raise ImportRefused(
                    gettext(
                        "Row %(row)s has tracked changes: accept or reject them in Word, save, "
                        "then import the file."
                    )
                    % {"row": row_count}
                )
            if len(cells) == 1 or len(set(cells)) == 1:
                read.headings.append((row_count, cells[0]))
                continue
            if len(cells) == len(columns) + 1 and re.fullmatch(r"\d{1,4}\.?", cells[0]):
                # The number in a column of its own, under a header "Action item" across both.
                cells = [f"{cells[0]} {cells[1]}", *cells[2:]]
            check_columns(row_count, cells, columns)
            match = re.fullmatch(r"(\S{1,8}?)\.?\s+(.*)", cells[0], flags=re.DOTALL)
            number, text = match.groups() if match else (cells[0], "")
            read.rows.append(table_row(row_count, number, text, cells[1], cells[2]))
            if len(read.rows) > MAX_ROWS:
                return read
    if read is None:
        expected = ", ".join(headers["en"])
        raise ImportRefused(
            gettext("The file has no Appendix table: its header must be %(expected)s.")
            % {"expected": expected}
        )
    return read


# --- The preview -------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    """What importing one row would do to its item's status for the session."""

    source: FileRow
    item: ActionItem | None = None
    status_now: str = ""
    wording_now: str = ""
    status: str | None = None  # the file's status in the vocabulary; None if not recognised
    version: int = 0
    changed: bool = False
    problem: str = ""
    due_by_differs: bool = False
    text_differs: bool = False

    @property
    def number(self) -> int | None:
        return self.source.number

    @property
    def status_now_note(self) -> str:
        """The status's name, where the wording does not say it already."""
        label = Status(self.status_now).label if self.status_now else ""
        return "" if normalized(label) == normalized(self.wording_now) else label


@dataclass
class Preview:
    session: GoverningBodySession
    name: str
    language: str
    rows: list[PreviewRow]

    @property
    def changes(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.changed]

    @property
    def unchanged(self) -> list[PreviewRow]:
        return [row for row in self.rows if not row.changed and not row.problem]

    @property
    def unreadable(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.problem]

    @property
    def to_decide(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.due_by_differs or row.text_differs]

    def signed(self) -> str:
        """The file's rows, the versions they were compared with, and the file's name, signed:
        what the apply step needs, tamper-proof, carried by the editor's form."""
        return signing.dumps(
            {
                "session": self.session.code,
                "name": self.name,
                "language": self.language,
                "rows": [astuple(r.source) for r in self.rows],  # `FileRow(*row)` again
                "versions": {str(r.number): r.version for r in self.rows if r.item},
            },
            salt=signing_salt(self.session),
            compress=True,
        )


def signing_salt(session: GoverningBodySession) -> str:
    return f"actions.imports:{session.code}"


def wording_in(report: StatusReport | None, language: str) -> str:
    """The report's wording as a file in `language` shows it (English where not translated)."""
    if report is None:
        return ""
    with override(language):
        return str(localized(report, "wording"))


def other_plan_problems(read: ReadFile, plan: Plan) -> list[str]:
    """Component headings that are none of the plan's, in any language: the file is another
    plan's (or its headings were changed, which the import cannot follow)."""
    known = set()
    for component in Component.objects.filter(plan=plan):
        known.add(normalized(component.title))
        for language in LANGUAGES:
            with override(language):
                known.add(normalized(component.heading))  # as the exports write it
    checked = set()
    for row, heading in read.headings:
        text = normalized(heading)
        if not text or text in checked:
            continue
        checked.add(text)
        if not resembles(text, known):
            # The first is enough to tell: a CSV repeats the heading on every row.
            return [
                gettext(
                    "Row %(row)s: “%(heading)s” is not a component of the plan “%(plan)s”: "
                    "is the file for another plan?"
                )
                % {"row": row, "heading": heading[:200], "plan": plan.title}
            ]
    return []


def resembles(text: str, known: set[str]) -> bool:
    """The same heading, give or take a typo or a word (a Governing Body paper's copy-editing)."""
    if text in known:
        return True
    matchers = (SequenceMatcher(None, text[:1000], heading) for heading in known)
    return any(m.real_quick_ratio() >= 0.9 and m.ratio() >= 0.9 for m in matchers)


def build_preview(
    session: GoverningBodySession,
    plan: Plan,
    name: str,
    read: ReadFile,
    versions: dict[str, int] | None = None,
) -> Preview:
    """Compare the file's rows with the session's reports. Refuses (`ImportRefused`) a file
    whose item numbers repeat or are not the plan's, or whose headings are another plan's.
    Three queries: the plan's components, its items and the session's reports."""
    problems = other_plan_problems(read, plan)
    items = {item.number: item for item in ActionItem.objects.filter(plan=plan)}
    seen: dict[int, int] = {}
    for source in read.rows:
        if source.number is None:
            continue
        if source.number in seen:
            problems.append(
                gettext("Row %(row)s: item %(number)s is also on row %(first)s.")
                % {"row": source.row, "number": source.number, "first": seen[source.number]}
            )
        seen.setdefault(source.number, source.row)
        if source.number not in items:
            problems.append(
                gettext("Row %(row)s: the plan has no item %(number)s.")
                % {"row": source.row, "number": source.number}
            )
    if problems:
        raise ImportRefused(*problems)
    reports = {
        report.action_item_id: report
        for report in StatusReport.objects.filter(session=session, action_item__plan=plan)
    }
    no_status = no_status_wordings()
    vocabulary = status_vocabulary()  # once, not once per row
    wording_limit = StatusReport._meta.get_field("wording").max_length
    rows = []
    for source in read.rows:
        row = PreviewRow(source, problem=source.problem)
        rows.append(row)
        if row.problem:
            continue
        item = row.item = items[source.number]
        report = reports.get(item.pk)
        row.version = report.version if report else 0
        row.status_now = report.status if report else ""
        row.wording_now = wording_in(report, read.language)
        row.due_by_differs = normalized(source.due_by) != normalized(item.due_by)
        texts = {normalized(item.text)} | {
            normalized(getattr(item, f"text_{code}")) for code in CONTENT_LANGUAGES
        }
        row.text_differs = normalized(source.text) not in texts
        if normalized(source.status) in no_status | {""}:
            if report is not None:
                row.problem = gettext(
                    "No status given: an import does not remove the item’s status."
                )
            continue
        if len(source.status) > wording_limit:
            row.problem = gettext("The status is longer than %(count)s characters.") % {
                "count": wording_limit
            }
            continue
        if normalized(source.status) == normalized(row.wording_now):
            continue
        row.status = status_of(source.status, vocabulary)
        row.changed = True
    if versions is not None:
        # The versions the preview was first made from, which the apply step claims. A row
        # saved by someone else since stays a candidate even if it now matches the file: ticked,
        # it is refused as a conflict, not silently dropped.
        for row in rows:
            if row.item and not row.problem:
                previewed = versions.get(str(row.number), row.version)
                if previewed != row.version and not row.changed:
                    row.changed, row.status = True, status_of(row.source.status, vocabulary)
                row.version = previewed
    return Preview(session, name, read.language, rows)


def unsigned(session: GoverningBodySession, plan: Plan, token: str) -> Preview:
    """The preview carried by the apply form, compared again with the session's reports but
    keeping the versions it was first made from. `signing.BadSignature` if it was altered, is
    another session's, or is more than an hour old."""
    payload = signing.loads(token, salt=signing_salt(session), max_age=PREVIEW_MAX_AGE)
    if payload["session"] != session.code:
        raise signing.BadSignature("Another session's preview.")
    read = ReadFile(payload["language"], [FileRow(*row) for row in payload["rows"]])
    return build_preview(session, plan, payload["name"], read, payload["versions"])


# --- Applying ----------------------------------------------------------------------------------


class Conflict(Exception):
    """Rows saved by someone else since the preview; nothing was written."""

    def __init__(self, rows: list[PreviewRow]) -> None:
        super().__init__("Changed since the preview.")
        self.rows = rows


def apply(preview: Preview, chosen: dict[int, str], reason: str, by) -> list[PreviewRow]:
    """Write the ticked rows (`chosen`: item number → status) in one transaction, each checked
    against the version the preview was made from; the history names the file. `Conflict` if
    any was saved by someone else since (then nothing is written)."""
    from .forms import StatusReportForm  # the form holds the wording rule for a new status

    rows = [row for row in preview.changes if row.number in chosen]
    conflicts = []
    with transaction.atomic():
        # One query for the rows' reports, not one per row (the form starts from each).
        reports = {
            report.action_item_id: report
            for report in StatusReport.objects.filter(
                session=preview.session, action_item__in=[row.item for row in rows]
            )
        }
        for row in rows:
            report = reports.get(row.item.pk) or StatusReport(
                action_item=row.item, session=preview.session
            )
            field = "wording" if preview.language == "en" else f"wording_{preview.language}"
            data = {
                "status": chosen[row.number],
                "wording": report.wording,
                **{
                    f"wording_{code}": getattr(report, f"wording_{code}")
                    for code in CONTENT_LANGUAGES
                },
                field: row.source.status,
                "reason": reason,
                "version": row.version,
            }
            form = StatusReportForm(data, instance=report)
            if not form.is_valid():
                raise ImportRefused(
                    *(
                        f"{gettext('Item %(number)s') % {'number': row.number}}: {error}"
                        for errors in form.errors.values()
                        for error in errors
                    )  # fmt: skip
                )
            values = form.cleaned_data
            try:
                row.item.report_status(
                    preview.session,
                    status=values["status"],
                    wording=values["wording"],
                    reason=imported_reason(preview.name, reason),
                    by=by,
                    seen_version=row.version,
                    translations=form.translations(),
                )
            except StaleEdit:
                conflicts.append(row)
        if conflicts:
            transaction.set_rollback(True)
    if conflicts:
        raise Conflict(conflicts)
    return rows


def imported_reason(name: str, reason: str) -> str:
    """The history's reason: the file first, as staff look for it ("Imported from …")."""
    return f"Imported from {name}: {reason}"
