"""The audit trail as pages show it: historical rows turned into who changed what, when, why,
before → after."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext

from .readers import staff_name


@dataclass
class Change:
    field: str
    before: str
    after: str
    english: bool = False  # the values are the document's English (text, wording…)


@dataclass
class HistoryEntry:
    """One recorded change, as the audit trail shows it."""

    when: datetime.datetime
    who: str
    what: str
    action: str
    reason: str
    changes: list[Change]


def history_entries(records, label, fields: list[str], reader, actions) -> list[HistoryEntry]:
    """Turn historical rows (oldest first) into entries with before → after per changed field,
    naming who made each change as `reader` may see it (`staff_name`); `actions()` gives
    "created", "changed" and "deleted" agreeing with the records' subject."""
    verbs = actions()
    previous: dict[int, Any] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = [
            Change(
                field=str(record.instance_type._meta.get_field(name).verbose_name),
                before=display_value(before, name) if before else "",
                after=display_value(record, name),
                english=is_english_text(record.instance_type._meta.get_field(name)),
            )
            for name in fields
            if before is None or getattr(before, name) != getattr(record, name)
        ]
        previous[record.id] = record
        if before is not None and not changes and not record.history_change_reason:
            continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(
                    staff_name(record.history_user, reader)
                    if record.history_user
                    else gettext("System")
                ),
                what=label(record),
                action=verbs[record.history_type],
                reason=display_reason(record.history_change_reason or "", reader),
                changes=changes,
            )
        )
    return entries


def display_reason(reason: str, reader=None) -> str:
    """A recorded reason in the page's language when the application wrote it (carrying a
    session over, loading the document, importing a file, accepting a unit's proposal: the
    proposer is named to editors only, as `staff_name` says); editors' reasons are shown as they
    wrote them."""
    if match := re.fullmatch(r"Proposed by (\S+) \((.+)\), accepted", reason):
        return gettext("Proposed by %(who)s (%(unit)s), accepted") % {
            "who": staff_name(match.group(1), reader),
            "unit": match.group(2),
        }
    if match := re.fullmatch(r"Imported from (.+?): (.*)", reason, flags=re.DOTALL):
        # The file first, as `actions.imports.imported_reason` writes it; the editor's reason
        # after it stays as they wrote it.
        return gettext("Imported from %(file)s: %(reason)s") % {
            "file": match.group(1),
            "reason": match.group(2),
        }
    if match := re.fullmatch(r"Carried over from (GB\.\d+)", reason):
        return gettext("Carried over from %(code)s") % {"code": match.group(1)}
    if match := re.fullmatch(r"From (\S+)", reason):
        return gettext("From %(source)s") % {"source": match.group(1)}
    if match := re.fullmatch(r"Loaded from (\S+)", reason):
        return gettext("Loaded from the document’s data (%(source)s)") % {"source": match.group(1)}
    if match := re.fullmatch(r"Updated from (\S+)", reason):
        return gettext("Updated from the document’s data (%(source)s)") % {"source": match.group(1)}
    return reason


def is_english_text(field) -> bool:
    """Whether a field holds the document's English words (not a status, a date or a link)."""
    return isinstance(field, models.CharField | models.TextField) and not (
        field.choices or isinstance(field, models.URLField)
    )


def display_value(record, name: str) -> str:
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    if isinstance(value, datetime.date):
        return date_format(value)
    return "" if value is None else str(value)
