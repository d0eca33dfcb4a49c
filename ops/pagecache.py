"""A shared cache of the read pages (see docs/operations.md, "Page cache").

During a Governing Body week hundreds of readers open the same few pages, which change only when
an editor saves something. A page is stored in Django's cache (the database by default, Redis with
DJANGO_CACHE_URL) with the *data version* it was rendered at. Every save, delete or many-to-many
change of the tracked apps' models sets a new data version in that same shared cache, so an edit
made through any worker or server makes every stored page stale at once, everywhere.

Anonymous readers get whole pages, stored gzip-compressed once (they hold nothing secret, see
docs/security.md, "Compression"). After an edit, while one worker renders a page again, the
others keep serving its previous copy for a few seconds rather than all rendering it at once.

Signed-in readers get whole pages too, shared with those who have the same permissions (editors
see drafts), never stale and never compressed: the few parts that are theirs alone (their name,
their CSRF token) are holes in the stored page, filled in at each request (`{% per_reader %}`).
The view runs only when the page is not stored yet.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import pickle
import re
import secrets
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape

VERSION_KEY = "pagecache:data-version"
# Part of every entry's key: change it when the entries' layout changes, so that a new release
# never reads an old release's entries.
LAYOUT = "5"
# What the pages show; users, sessions and sign-in records are not shown to anonymous readers.
TRACKED_APPS = {"actions", "countries"}
# After an edit, how long anonymous readers may still get a page as it was while one worker
# renders it again (normally a fraction of a second: the time that rendering takes).
STALE_SECONDS = 30
# How long the worker that renders a stale page has before another one may try.
RENDER_SECONDS = 10


def new_version() -> str:
    """A data version: when it was set, and a random part that makes it unique."""
    return f"{time.time():.3f}:{uuid.uuid4().hex}"


def set_at(version: str) -> float | None:
    """When `version` was set (a timestamp), or None for a version that does not say."""
    try:
        return float(version.split(":", 1)[0])
    except ValueError:
        return None


def seconds_since(version: str) -> float:
    """How long ago `version` was set (as good as infinite for a version that does not say)."""
    when = set_at(version)
    return float("inf") if when is None else time.time() - when


def bump_data_version() -> None:
    """Make every stored page stale: the next request for it renders it again."""
    cache.set(VERSION_KEY, new_version(), timeout=None)


def now_and_at_commit(bump: Callable[[], None]) -> None:
    """Run `bump` at once, and again once the transaction commits: a page rendered by another
    process between the two (still seeing the data before the commit) is stored under the first
    version, which the second makes stale. At the commit once per transaction, however many rows
    it saves (a status saved is a report and its history row: each bump is a cache write)."""
    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        pending[1] is bump for pending in connection.run_on_commit
    ):
        transaction.on_commit(bump)


def data_changed(sender, **kwargs) -> None:
    """Signal receiver (see OpsConfig.ready) for the tracked apps' models."""
    if sender._meta.app_label in TRACKED_APPS:
        now_and_at_commit(bump_data_version)


def first_version(key: str) -> str | None:
    """The version under `key` when none was found there: never set, or evicted, any new value
    is as good, provided all processes agree on it (None if the cache answers nothing)."""
    cache.add(key, new_version(), timeout=None)
    return cache.get(key)


def data_version() -> str:
    return cache.get(VERSION_KEY) or first_version(VERSION_KEY) or new_version()


def page_key(request: HttpRequest, language: str = "") -> str:
    """The page's address with its query string, language and day (pages say "14 months
    overdue", which changes with the date), hashed to fit any cache's key length. `language`:
    the answer's, where the address does not say it (the API's `?lang=`, Accept-Language)."""
    language = language or getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{language} {timezone.localdate()} {address}".encode()).hexdigest()
    return f"pagecache:{LAYOUT}:page:{digest}"


def role(request: HttpRequest) -> str:
    """What a page's content may depend on about its reader: their permissions (no query for a
    user from accounts.usercache, which keeps them)."""
    user = request.user
    if not user.is_authenticated:
        return "anonymous"
    if user.is_superuser:
        return "superuser"
    return ",".join(sorted(user.get_all_permissions()))


def role_key(request: HttpRequest, kind: str) -> str:
    """Key of what is shared by every reader with the same permissions: the page's main content
    (templates/base.html, `{% cached_content %}`) or, with holes for its reader, the page."""
    digest = hashlib.sha256(f"{page_key(request)} {role(request)}".encode()).hexdigest()
    return f"pagecache:{LAYOUT}:{kind}:{digest}"


def content_key(request: HttpRequest) -> str:
    return role_key(request, "content")


@dataclass
class Found:
    version: str  # the current data version
    entry: Any  # what is stored under the key, at whatever version; None if nothing
    fresh: bool  # stored at the current version


def lookup(key: str) -> Found:
    """The current data version and what is stored under `key`. One cache read."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or first_version(VERSION_KEY) or new_version()
    if key not in found:
        return Found(version, None, False)
    stored_at, entry = found[key]
    return Found(version, entry, stored_at == version)


def store(key: str, version: str, entry: object) -> None:
    cache.set(key, (version, entry), timeout=settings.PAGE_CACHE_SECONDS)


def pack(value: object) -> bytes:
    # Compressed: pages are mostly markup, and every hit reads the whole entry from the cache.
    return zlib.compress(pickle.dumps(value), 1)


def unpack(packed: bytes) -> Any:
    return pickle.loads(zlib.decompress(packed))


def deferred(compute: Callable[[], dict[str, Any]], names: tuple[str, ...]) -> dict[str, Any]:
    """Context values that `compute()` makes, computed when the template first uses one: a
    page whose content comes from the cache (`{% cached_content %}`) never computes them."""
    once = functools.cache(compute)
    return {name: SimpleLazyObject(functools.partial(lambda n: once()[n], name)) for name in names}


def message_waiting(request: HttpRequest) -> bool:
    # A cookie emptied when its messages were shown counts for none.
    return bool(request.COOKIES.get(CookieStorage.cookie_name)) or (
        SessionStorage.session_key in request.session
    )


def is_page_get(request: HttpRequest) -> bool:
    """A GET of a full page (not an htmx fragment) with the page cache on."""
    return (
        bool(settings.PAGE_CACHE_SECONDS)
        and request.method == "GET"
        and not getattr(request, "htmx", False)
    )


def may_store(request: HttpRequest, response: HttpResponse) -> bool:
    """Only complete 200 answers that set no cookie and used no CSRF token (a signed-in
    reader's is a hole, `{% per_reader %}`): what one reader got must be right for every other
    who may see the same."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and (request.user.is_authenticated or not request.session.modified)
    )


# A signed-in reader's own parts of a page (templates/base.html, `{% per_reader %}`).
HOLES: dict[str, Callable[[HttpRequest], str]] = {
    "csrf_token": get_token,
    "username": lambda request: escape(request.user.get_username()),
}


def per_reader(request: HttpRequest | None, name: str) -> str:
    """The reader's own `name` (HOLES), or while their page is rendered to be stored, a hole
    for it, marked by a random value that no content can foresee."""
    marker = getattr(request, "page_holes", None)
    return f"{marker}{name}{marker}" if marker else HOLES[name](request)


def cut_holes(marker: str, content: bytes) -> list[bytes]:
    """The page in pieces: text, a hole's name, text, … (cut once, when the page is stored)."""
    return re.split(rf"{marker}(\w+){marker}".encode(), content)


def fill_holes(request: HttpRequest, pieces: list[bytes]) -> bytes:
    # Each value once, however many holes ask for it: masking a CSRF token draws 32 random
    # characters (one system call each).
    values: dict[bytes, bytes] = {}
    for name in pieces[1::2]:
        if name not in values:
            values[name] = HOLES[name.decode()](request).encode()
    filled = list(pieces)
    filled[1::2] = [values[name] for name in pieces[1::2]]
    return b"".join(filled)


def cached_read_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the view's page from the shared cache while the data has not changed: a hit costs
    one cache read (one query with the database cache) and runs no part of the view.

    Only for pages whose content depends on the address, the language, the day and the
    reader's permissions (`role`), never on who the reader is: a page that lists "my items" or
    what one unit may see is not for this decorator, or its key must say so."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_page_get(request):
            return view(request, *args, **kwargs)
        request.content_cache_key = content_key(request)
        if message_waiting(request):
            # Rendered for the message; the main content may still come from the cache.
            return view(request, *args, **kwargs)
        if request.user.is_authenticated:
            return signed_in_page(view, request, *args, **kwargs)
        return public_page(view, request, *args, **kwargs)

    return wrapper


def signed_in_page(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    """The page of every reader with the same permissions, their own parts filled in. Never a
    stale copy: an editor sees what they just saved."""
    key = role_key(request, "page")
    found = lookup(key)
    if found.fresh:
        status, headers, pieces = unpack(found.entry)
        return HttpResponse(fill_holes(request, pieces), status=status, headers=headers)
    request.page_holes = marker = secrets.token_hex(8)
    try:
        response = view(request, *args, **kwargs)
    finally:
        del request.page_holes
    if response.streaming:
        return response
    pieces = cut_holes(marker, response.content)
    if may_store(request, response):
        entry = (response.status_code, dict(response.items()), pieces)
        store(key, found.version, pack(entry))
    response.content = fill_holes(request, pieces)
    return response


def public_page(view: Callable[..., HttpResponse], request: HttpRequest, *args, **kwargs):
    """The anonymous readers' page. After an edit, one worker renders it again (it claims the
    page with `cache.add`, which only one can do) while the others serve the copy from before
    the edit, for up to STALE_SECONDS after it."""
    key = page_key(request)
    found = lookup(key)
    rendering = f"{key}:rendering"
    claimed = False
    if found.entry is not None:
        if found.fresh:
            return public_response(request, *found.entry)
        if seconds_since(found.version) < STALE_SECONDS:
            claimed = cache.add(rendering, 1, timeout=RENDER_SECONDS)
            if not claimed:
                return public_response(request, *found.entry)
    try:
        response = view(request, *args, **kwargs)
        if not may_store(request, response):
            return response
        # Compressed once here, not by every worker for every reader (ops.middleware); at zlib's
        # default level, as Django's GZipMiddleware: level 9 took 2.5 times as long on the
        # countries page (11 ms against 4.4) for 1% fewer bytes.
        body = gzip.compress(response.content, compresslevel=6)
        entry = (response.status_code, dict(response.items()), body)
        store(key, found.version, entry)
    finally:
        if claimed:
            cache.delete(rendering)
    return public_response(request, *entry)


def public_response(request: HttpRequest, status: int, headers: dict, body: bytes) -> HttpResponse:
    """A stored anonymous page, gzip-compressed if the reader's browser accepts it."""
    if re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response = HttpResponse(body, status=status, headers=headers)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(body), status=status, headers=headers)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
