"""Content in three languages: the document's English, and French and Spanish that staff add in
`<field>_fr` and `<field>_es`; shown in the page's language, or in English marked "translation
pending"."""

from __future__ import annotations

from contextvars import ContextVar

from django.db import models
from django.db.models import CheckConstraint, Count, Q, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, gettext, override

# Content is written in English; staff add French and Spanish in `<field>_fr` and `<field>_es`.
CONTENT_LANGUAGES = ("fr", "es")

# The longest reason for a change that the history keeps (forms of statuses and engagements).
REASON_MAX_LENGTH = 300
# Prose that staff write (narratives, descriptions, notes): a few paragraphs at most.
PROSE_MAX_LENGTH = 4000


def text_limits_held_by_the_database(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: every free-text field's `max_length` becomes a check constraint too.

    Forms (the site's and admin's) refuse longer text beside the field, from `max_length`; the
    constraint holds the limit for every other write as well, on SQLite (which ignores
    `varchar` lengths) and for `TextField`s (which have no length in the database).
    """
    for field in model._meta.local_fields:
        if isinstance(field, models.CharField | models.TextField) and field.max_length:
            if field.choices:
                continue  # held by its own choices constraint
            model._meta.constraints.append(
                CheckConstraint(
                    condition=LessThanOrEqual(Length(field.name), field.max_length),
                    name=f"{model._meta.model_name}_{field.name}_max_length",
                )
            )
    return model


class LocalText(str):
    """Content in the active language, or the English with a "translation pending" mark.

    As a string it is the text alone (exports, Word); a template shows the mark too, with the
    English marked as English for screen readers (`__html__`: templates and format_html call it).
    """

    pending: bool

    def __new__(cls, text: str, pending: bool = False) -> LocalText:
        value = super().__new__(cls, text)
        value.pending = pending
        return value

    @property
    def text(self) -> str:
        return str(self)

    def __html__(self) -> str:
        if not self.pending:
            return conditional_escape(self.text)
        return format_html('<span lang="en">{}</span>{}', self.text, self.pending_mark())

    def pending_mark(self) -> str:
        """The "Translation pending" badge after an isolated English passage; none where the
        page's content is mostly English (one notice at the top says so instead)."""
        if not self.pending or content_mostly_english():
            return ""
        return format_html(
            ' <span class="translation-pending">{}</span>', gettext("Translation pending")
        )


# Per request (reset when one starts, see actions.apps): whether the plan's texts are mostly
# untranslated in a language.
_mostly_english: ContextVar[dict[str, bool] | None] = ContextVar("mostly_english", default=None)


def content_mostly_english(language: str | None = None) -> bool:
    """Whether most action items have no text in `language` (default: the active one) yet, so
    that pages say so once instead of marking every passage. One query, once per request."""
    language = language or get_language()
    if language not in CONTENT_LANGUAGES:
        return False
    memo = _mostly_english.get()
    if memo is None:
        memo = {}
        _mostly_english.set(memo)
    if language not in memo:
        from .models import ActionItem  # the models show their text with this module

        counts = ActionItem.objects.aggregate(
            items=Count("pk"), translated=Count("pk", filter=~Q(**{f"text_{language}": ""}))
        )
        memo[language] = counts["translated"] * 2 < counts["items"]
    return memo[language]


def forget_mostly_english(**kwargs) -> None:
    _mostly_english.set(None)


def in_one_language(text: LocalText, message) -> LocalText:
    """`message()` (a string built around `text`) wholly in one language: in the page's when
    `text` is translated, else wholly in English and marked pending ("Status of the Office Plan
    of Action…", not "État d'avancement du Office Plan of Action…")."""
    if not text.pending:
        return LocalText(message())
    with override("en"):
        return LocalText(message(), pending=True)


def localized(obj: object, field: str) -> LocalText:
    """`obj.<field>` in the active language: its `<field>_fr`/`<field>_es` when filled in, else
    the English marked as pending (never blank while the English has text)."""
    english = getattr(obj, field, None) or ""
    language = get_language()
    if language not in CONTENT_LANGUAGES or not english:
        return LocalText(english)
    translated = getattr(obj, f"{field}_{language}", None) or ""
    return LocalText(translated) if translated else LocalText(english, pending=True)


def translated_subqueries(name: str, reports: models.QuerySet) -> dict[str, Subquery]:
    """`<name>_fr` and `<name>_es` annotations: the report's wording in each language."""
    return {
        f"{name}_{language}": Subquery(reports.values(f"wording_{language}")[:1])
        for language in CONTENT_LANGUAGES
    }
