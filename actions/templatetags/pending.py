from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from actions.content import LocalText, content_mostly_english

register = template.Library()


def pending_message() -> str:
    """What the notice says, in the page's language."""
    if get_language() == "fr":
        return gettext(
            "The texts of the Plan of Action are shown in English until their French version "
            "is entered."
        )
    return gettext(
        "The texts of the Plan of Action are shown in English until their Spanish version "
        "is entered."
    )


@register.simple_tag
def pending_notice() -> str:
    """Once, at the top of a page of the plan's texts, while most of them are not translated
    into the page's language (the passages themselves are then marked lang="en", not badged)."""
    if not content_mostly_english():
        return ""
    return format_html('<p class="pending-notice" role="note">{}</p>', pending_message())


@register.simple_tag
def pending_mark(text: LocalText) -> str:
    """The "Translation pending" badge after an isolated English passage (see LocalText)."""
    return text.pending_mark() if isinstance(text, LocalText) else ""
