"""A shared cache of the read pages (see docs/operations.md, "Page cache").

During a Governing Body week hundreds of readers open the same few pages, which change only when
an editor saves something. A page is stored in Django's cache (the database by default, Redis with
DJANGO_CACHE_URL) with the *data version* it was rendered at. Every save, delete or many-to-many
change of the tracked apps' models sets a new data version in that same shared cache, so an edit
made through any worker or server makes every stored page stale at once, everywhere.

Anonymous readers get whole pages. Signed-in readers get only the main content from the cache,
shared with those who have the same permissions (editors see drafts): the rest of their page
carries their name and CSRF token.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import uuid
import zlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

VERSION_KEY = "pagecache:data-version"
# Part of every entry's key: change it when the entries' layout changes, so that a new release
# never reads an old release's entries.
LAYOUT = "3"
# What the pages show; users, sessions and sign-in records are not shown to anonymous readers.
TRACKED_APPS = {"actions", "countries"}


def bump_data_version() -> None:
    """Make every stored page stale: the next request for it renders it again."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def data_changed(sender, **kwargs) -> None:
    """Signal receiver (see OpsConfig.ready) for the tracked apps' models.

    Bumps at once, and again once the transaction commits: a page rendered by another process
    between the two (still seeing the data before the commit) is stored under the first version,
    which the second makes stale.
    """
    if sender._meta.app_label not in TRACKED_APPS:
        return
    bump_data_version()
    transaction.on_commit(bump_data_version)


def data_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Never set, or evicted: any new value is as good, provided all processes agree on it.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def page_key(request: HttpRequest) -> str:
    """The page's address with its query string, language and day (pages say "14 months
    overdue", which changes with the date), hashed to fit any cache's key length."""
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{language} {timezone.localdate()} {address}".encode()).hexdigest()
    return f"pagecache:{LAYOUT}:page:{digest}"


def role(request: HttpRequest) -> str:
    """What a page's content may depend on about its reader: their permissions."""
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "superuser"
    return ",".join(sorted(user.get_all_permissions()))


def content_key(request: HttpRequest) -> str:
    """Key of the page's main content (templates/base.html, `{% cached_content %}`), the same
    for every reader with the same permissions."""
    digest = hashlib.sha256(f"{page_key(request)} {role(request)}".encode()).hexdigest()
    return f"pagecache:{LAYOUT}:content:{digest}"


def lookup(key: str) -> tuple[str, object | None]:
    """The current data version, and what is stored under `key` if it was stored at that
    version (else None). One cache read."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or data_version()
    if key in found and found[key][0] == version:
        return version, pickle.loads(zlib.decompress(found[key][1]))
    return version, None


def store(key: str, version: str, value: object) -> None:
    # Compressed: pages are mostly markup (the countries page, 194 KB, takes 55 KB
    # compressed), and every hit reads the whole entry from the cache.
    packed = zlib.compress(pickle.dumps(value), 1)
    cache.set(key, (version, packed), timeout=settings.PAGE_CACHE_SECONDS)


def deferred(compute: Callable[[], dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """Context values that `compute()` makes, computed when the template first uses one: a
    page whose content comes from the cache (`{% cached_content %}`) never computes them."""
    once = functools.cache(compute)
    return {name: SimpleLazyObject(functools.partial(lambda n: once()[n], name)) for name in names}


def may_use_cache(request: HttpRequest) -> bool:
    """Anonymous GETs of full pages, with no message waiting to be shown."""
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET":
        return False
    if getattr(request, "htmx", False) or request.user.is_authenticated:
        return False
    if CookieStorage.cookie_name in request.COOKIES:
        return False
    return SessionStorage.session_key not in request.session


def may_store(request: HttpRequest, response: HttpResponse) -> bool:
    """Only complete 200 answers that set no cookie and used no CSRF token: what one anonymous
    reader got must be right for every other."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
    )


def cached_read_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page to anonymous readers from the shared cache while the data has not
    changed; a hit costs one cache read (one query with the database cache). For signed-in
    readers, the page's main content is cached instead, by permissions (see `content_key`)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        enabled = settings.PAGE_CACHE_SECONDS and request.method == "GET"
        if enabled and not getattr(request, "htmx", False):
            request.content_cache_key = content_key(request)
        if not may_use_cache(request):
            return view(request, *args, **kwargs)
        key = page_key(request)
        version, page = lookup(key)
        if page is not None:
            status, headers, content = page
            return HttpResponse(content, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if may_store(request, response):
            store(key, version, (response.status_code, dict(response.items()), response.content))
        return response

    return wrapper
