"""The site in three languages: English without a prefix, French at /fr/…, Spanish at /es/….

Site-wide glue, not any app's: the switcher's links on every page, the /en/ redirect, and the
path as in English that the sign-in and two-factor gates compare with their open paths.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_from_path, override


def path_without_language(path: str) -> str:
    """The path as in English: /fr/accounts/login/ → /accounts/login/."""
    language = get_language_from_path(path)
    if language and path.startswith(f"/{language}/"):
        return path[len(language) + 1 :]
    return path


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


def english_without_prefix(request: HttpRequest, rest: str) -> HttpResponse:
    """/en/… is English, which lives without a prefix: send the reader there."""
    query = request.META.get("QUERY_STRING", "")
    # lstrip: "/en//example.org" must not become a redirect to another site.
    return redirect("/" + rest.lstrip("/") + (f"?{query}" if query else ""))
