from django import template

from actions.models import LocalText, localized
from actions.models import staff_name as name_for_reader

register = template.Library()


@register.filter
def local(obj: object, field: str) -> LocalText:
    """`{{ item|local:"text" }}`: the field in the page's language, or the English marked as
    "translation pending" (see `actions.models.localized`)."""
    return localized(obj, field)


@register.filter
def staff_name(user: object, reader: object) -> str:
    """`{{ update.created_by|staff_name:request.user }}`: the username for editors, "ILO staff"
    for everyone else (see `actions.models.staff_name`)."""
    return name_for_reader(user, reader)
