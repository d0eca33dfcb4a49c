from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from actions.typography import punctuated

register = template.Library()


@register.simple_tag
def colon() -> str:
    """ ": " between a label and what follows, with French's no-break space before the colon."""
    return punctuated(":")


@register.simple_tag
def semicolon() -> str:
    """ "; " between items, with French's narrow no-break space before the semicolon."""
    return punctuated(";")


@register.filter
def english(text: str) -> str:
    """The document's English words that have no translation fields ("By end 2019"), marked as
    English for screen readers on French and Spanish pages."""
    if get_language() not in ("fr", "es"):
        return text
    return format_html('<span lang="en">{}</span>', text)


@register.filter
def quoted(text: str) -> str:
    """Quotation marks as the page's language sets them: “…”, « … » (with no-break spaces)."""
    marks = {"fr": ("«\u00a0", "\u00a0»"), "es": ("«", "»")}.get(get_language(), ("“", "”"))
    return format_html("{}{}{}", marks[0], text, marks[1])
