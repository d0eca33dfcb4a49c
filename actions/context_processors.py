from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from .models import GoverningBodySession


def as_of(request: HttpRequest) -> dict[str, object]:
    """`as_of`: the session whose reports the site reflects, for the stamp on every page.

    Lazy: the query runs only on pages that show the stamp (not on admin pages, for instance).
    """
    return {"as_of": SimpleLazyObject(GoverningBodySession.objects.latest_reported)}


def language_links(request: HttpRequest) -> dict[str, object]:
    """`language_links`: the same page in each language, for the switcher on every page.

    Built per request from the URL (nothing kept between requests, so a page cache keyed by
    language stays right); a page outside the language prefix links to itself.
    """
    current = get_language()
    path = request.get_full_path()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ]
    }
