from django import template

from actions.models import LocalText, localized

register = template.Library()


@register.filter
def local(obj: object, field: str) -> LocalText:
    """`{{ item|local:"text" }}`: the field in the page's language, or the English marked as
    "translation pending" (see `actions.models.localized`)."""
    return localized(obj, field)
