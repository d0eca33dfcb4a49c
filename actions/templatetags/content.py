from django import template

from actions.content import LocalText, localized
from actions.readers import staff_name as name_for_reader

register = template.Library()


@register.filter
def local(obj: object, field: str) -> LocalText:
    """`{{ item|local:"text" }}`: the field in the page's language, or the English marked as
    "translation pending" (see `actions.content.localized`)."""
    return localized(obj, field)


@register.filter
def staff_name(user: object, reader: object) -> str:
    """`{{ update.created_by|staff_name:request.user }}`: the username for editors, "ILO staff"
    for everyone else (see `actions.readers.staff_name`)."""
    return name_for_reader(user, reader)
