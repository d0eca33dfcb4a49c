"""Who sees what: drafts and staff's names are for editors and superusers; the public and
viewers see what was published, written by "ILO staff". The one rule, for every read."""

from django.db import models
from django.utils.translation import gettext

# Editors have it, superusers have every permission: they write drafts, so they see them.
DRAFTS_PERMISSION = "actions.change_statusreport"


def is_editor(reader) -> bool:
    """Whether `reader` (a user, or None for the public) sees drafts and staff's names: editors
    and superusers do; anonymous readers and viewers see only what was published, written by
    "ILO staff"."""
    return reader is not None and reader.has_perm(DRAFTS_PERMISSION)


def visible_rows(rows: models.QuerySet, reader, session: str = "session") -> models.QuerySet:
    """The one rule of who sees drafts: `rows` (sessions, or rows that belong to one through
    the foreign key `session`; "" for sessions themselves) as `reader` may see them: all of
    them for editors and superusers, else without those of a draft session (neither published
    nor cancelled). Adds no query."""
    if is_editor(reader):
        return rows
    prefix = f"{session}__" if session else ""
    return rows.exclude(**{f"{prefix}cancelled": False, f"{prefix}published_at__isnull": True})


def staff_name(user, reader) -> str:
    """Who wrote something, as `reader` may see it: their username for editors and
    superusers, "ILO staff" for everyone else."""
    return str(user) if is_editor(reader) else gettext("ILO staff")
