"""Paging and downloading a table: one way for every table and paged list of the site.

`nearest_page` turns `?page=` into a page that exists (with a message when it had to);
`export` answers `?_export=csv` from one list of formats.
tablib knows more formats than these, but some need libraries that are not installed (ods, xls)
and others are no use to readers; a format not in the list is ignored with a message.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django_tables2 import Table
from django_tables2.export import TableExport

EXPORT_FORMATS = ("csv", "xlsx", "json")
EXPORT_PARAMETER = "_export"


def nearest_page(request: HttpRequest, page_count: int, field: str = "page") -> tuple[int, str]:
    """The page `?<field>=` asks for, or the nearest that exists, with a message saying so
    ("" when the page asked for exists)."""
    requested = request.GET.get(field, "1")
    try:
        number = int(requested)
    except ValueError:
        return 1, gettext("“%(requested)s” is not a page number; showing page 1 of %(last)s.") % {
            "requested": requested,
            "last": page_count,
        }
    nearest = min(max(number, 1), page_count)
    if nearest != number:
        return nearest, gettext(
            "There is no page %(number)s; showing page %(nearest)s of %(last)s."
        ) % {"number": number, "nearest": nearest, "last": page_count}
    return number, ""


def paginate(table: Table, request: HttpRequest, per_page: int) -> str:
    """Show the page of `table` that the request asks for, or the nearest one; the message says
    when it is not the one asked for ("" otherwise)."""
    table.paginate(per_page=per_page, page=1)  # counts the rows; page 1 until the number is checked
    number, message = nearest_page(request, table.paginator.num_pages, table.prefixed_page_field)
    table.page = table.paginator.page(number)
    return message


def export(request: HttpRequest, table: Table, name: str) -> tuple[HttpResponse | None, str]:
    """The file `?_export=` asks for, named `<name>.<format>`, with every row of `table`; or no
    file and a message for the page when the format is not one offered ("" if none was asked)."""
    asked = request.GET.get(EXPORT_PARAMETER, "")
    if asked in EXPORT_FORMATS:
        return TableExport(asked, table).response(f"{name}.{asked}"), ""
    if not asked:
        return None, ""
    return None, gettext(
        "“%(format)s” is not a download format; the table can be downloaded as %(formats)s."
    ) % {"format": asked, "formats": ", ".join(f.upper() for f in EXPORT_FORMATS)}
