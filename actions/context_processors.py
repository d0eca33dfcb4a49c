from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override

from .models import GoverningBodySession


def as_of(request: HttpRequest) -> dict[str, object]:
    """`as_of`: the session whose reports the site reflects, for the stamp on every page.

    Lazy: the query runs only on pages that show the stamp (not on admin pages, for instance).
    """
    return {"as_of": SimpleLazyObject(GoverningBodySession.objects.latest_reported)}


def language_links(request: HttpRequest) -> dict[str, object]:
    """`language_links`: the same page in each language, for the switcher on every page (the
    home page in each language where the address is not a page, as on the 404 page).

    Built per request from the URL (nothing kept between requests, so a page cache keyed by
    language stays right).
    """
    current = get_language()
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if url == path and code != current:
            with override(code):
                url = reverse("home")
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return {"language_links": links}
