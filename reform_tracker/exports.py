"""Downloads of a table (`?_export=csv`): one list of formats for every table of the site.

tablib knows more formats than these, but some need libraries that are not installed (ods,
xls) and others are no use to readers; a format not in the list is ignored with a message.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django_tables2 import Table
from django_tables2.export import TableExport

EXPORT_FORMATS = ("csv", "xlsx", "json")
EXPORT_PARAMETER = "_export"


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
