from django import template

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
