from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .reporting import GoverningBodySession


def as_of(request: HttpRequest) -> dict[str, object]:
    """`as_of`: the session whose reports the site reflects, for the stamp on every page.

    Lazy: the query runs only on pages that show the stamp (not on admin pages, for instance).
    """
    return {"as_of": SimpleLazyObject(GoverningBodySession.objects.latest_reported)}
