"""How every answer of the API is made, whatever the resource: who asks (a token, or no one),
in which language, whether the client already has it (ETag, 304), paging, and errors as
`application/problem+json` (RFC 9457). Views return plain data; `api_view` does the rest."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from functools import wraps
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

from accounts.clients import client_ip
from actions.readers import is_editor
from ops import pagecache

from .models import ApiToken

JSON = "application/json"
PROBLEM = "application/problem+json"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Part of every cached answer's key: change it when the answers' layout changes.
LAYOUT = "1"
# How long a shared cache or a browser may reuse a public answer without asking again; an
# edit shows after that at the latest, and asking again costs a 304 at most.
PUBLIC_MAX_AGE = 60


class ApiError(Exception):
    """An answer other than 200: `status`, what was wrong (`detail`, in the request's language)
    and, for bad query parameters, each one named with the reason."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        invalid: Iterable[tuple[str, str]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.invalid, self.headers = list(invalid), headers or {}


def bad_parameter(name: str, reason: str) -> ApiError:
    return ApiError(
        400,
        gettext("The query parameter “%(name)s” is not valid: %(reason)s")
        % {"name": name, "reason": reason},
        invalid=[(name, reason)],
    )


def problem(
    status: int,
    detail: str,
    *,
    instance: str = "",
    invalid: Iterable[tuple[str, str]] = (),
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An error as `application/problem+json`, never an HTML page."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    invalid = list(invalid)
    if invalid:
        body["invalid_params"] = [{"name": name, "reason": reason} for name, reason in invalid]
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM, headers=headers
    )


def request_language(request: HttpRequest) -> str:
    """`?lang=`, else the first of Accept-Language's languages that the site has, else English.
    (The site's pages take theirs from the URL, /fr/…; the API has one URL per resource.)"""
    asked = request.GET.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise bad_parameter(
                "lang", gettext("one of %(codes)s") % {"codes": ", ".join(LANGUAGES)}
            )
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return settings.LANGUAGE_CODE


def token_user(request: HttpRequest):
    """The user whose token the request carries (`Authorization: Bearer <token>`), or None
    without one; a token that is not (or no longer) valid is refused, not ignored."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _space, token = header.partition(" ")
    user = ApiToken.objects.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise ApiError(
            401,
            gettext(
                "The token is not valid: it may have been revoked. Create one on your account page."
            ),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return user


def throttle(request: HttpRequest) -> None:
    """At most API_RATE_LIMIT requests a minute from one client address without a token (the
    address the reverse proxy reports: accounts.clients.client_ip); 429 beyond.

    A count per address and minute in the shared cache, read and written back: not atomic (two
    workers at the same instant may count one request), which a limit against abuse can afford;
    in exchange, a cache that is down (ops.cache.TolerantRedisCache) lets requests through
    instead of failing them.
    """
    limit = settings.API_RATE_LIMIT
    if not limit:
        return
    now = time.time()
    key = f"api:rate:{client_ip(request)}:{int(now // 60)}"
    count = (cache.get(key) or 0) + 1
    if count > limit:
        raise ApiError(
            429,
            gettext(
                "Too many requests from this address: at most %(limit)s a minute without a token."
            )
            % {"limit": limit},
            headers={"Retry-After": str(60 - int(now) % 60)},
        )
    cache.set(key, count, timeout=120)


def version_time(version: str) -> float:
    """When the data version was set: the answers' Last-Modified, the same for every worker and
    server that shares the cache (now, for a version from before versions said when)."""
    return pagecache.set_at(version) or time.time()


def is_public(request: HttpRequest) -> bool:
    """Public data: reading needs no sign-in and the request carries no token. Only then may
    shared caches keep the answer and other sites' pages read it (CORS)."""
    return not settings.REQUIRE_LOGIN_TO_VIEW and "Authorization" not in request.headers


def api_view(
    *, params: Iterable[str] = (), paged: bool = False, describes_only: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., HttpResponse]]:
    """Make `view(request, reader, *args)`, which returns data (or raises ApiError / Http404),
    an API endpoint. `params`: the query parameters it takes besides `lang` (and `page`,
    `page_size` when `paged`); any other is refused with 400. `describes_only`: it shows no
    data (the index, the schema), so it needs no token even where reading needs signing in."""
    allowed = {"lang", *params, *(("page", "page_size") if paged else ())}

    def decorate(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
        @csrf_exempt  # nothing is written: other methods get 405, not a CSRF page
        @login_not_required  # the API checks tokens itself and answers 401, not a redirect
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            language = settings.LANGUAGE_CODE
            try:
                language = request_language(request)
                with translation.override(language):
                    return answer(request, view, allowed, describes_only, language, args, kwargs)
            except ApiError as error:
                return problem(
                    error.status,
                    error.detail,
                    instance=request.get_full_path(),
                    invalid=error.invalid,
                    headers={**error.headers, "Content-Language": language},
                )

        return wrapper

    return decorate


def answer(
    request: HttpRequest,
    view: Callable[..., Any],
    allowed: set[str],
    describes_only: bool,
    language: str,
    args: tuple,
    kwargs: dict,
) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        raise ApiError(
            405,
            gettext("The API only reads: use GET."),
            headers={"Allow": "GET, HEAD, OPTIONS"},
        )
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            gettext("Unknown query parameter: %(names)s. This resource takes %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(sorted(allowed))},
            invalid=[(name, gettext("unknown parameter")) for name in unknown],
        )
    user = token_user(request)
    if user is None:
        if settings.REQUIRE_LOGIN_TO_VIEW and not describes_only:
            raise ApiError(
                401,
                gettext("Reading needs signing in: send a token (%(header)s).")
                % {"header": "Authorization: Bearer <token>"},
                headers={"WWW-Authenticate": "Bearer"},
            )
        throttle(request)
    editor = is_editor(user)
    # Who may see what: editors see drafts; everyone else, token or none, sees the same.
    seen_as = "editor" if editor else "public"
    key = f"api:{LAYOUT}:{seen_as}:{pagecache.page_key(request, language)}"
    caching = bool(settings.PAGE_CACHE_SECONDS)
    found = pagecache.lookup(key) if caching else None
    version = found.version if found else pagecache.data_version()
    stored = found.entry if found and found.fresh else None
    etag = '"' + hashlib.sha256(f"{version} {key}".encode()).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": (
            f"public, max-age={PUBLIC_MAX_AGE}" if is_public(request) else "private, no-cache"
        ),
        "Content-Language": language,
    }
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304, headers=headers)
    else:
        if stored is None:
            try:
                data = view(request, user if editor else None, *args, **kwargs)
            except Http404:
                raise ApiError(404, gettext("There is nothing at this address.")) from None
            body = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
            stored = (version_time(version), body)
            if caching:
                pagecache.store(key, version, stored)
        modified, body = stored
        headers["Last-Modified"] = http_date(modified)
        response = HttpResponse(
            b"" if request.method == "HEAD" else body, content_type=JSON, headers=headers
        )
        if request.method == "HEAD":
            response["Content-Length"] = str(len(body))
    patch_vary_headers(response, ["Accept-Language", "Authorization"])
    return response


# --- Reading query parameters ------------------------------------------------------------------


def integer(
    request: HttpRequest, name: str, default: int, *, least: int = 1, most: int | None = None
) -> int:
    """`?<name>=` as a whole number within its bounds, or 400 naming it."""
    value = request.GET.get(name)
    if value is None:
        return default
    if (
        not value.isascii()
        or not value.isdigit()
        or not least <= int(value) <= (most or int(value))
    ):
        bounds = (
            gettext("a whole number from %(least)s to %(most)s") % {"least": least, "most": most}
            if most
            else gettext("a whole number, %(least)s or more") % {"least": least}
        )
        raise bad_parameter(name, bounds)
    return int(value)


def choice(request: HttpRequest, name: str, choices: Iterable[str]) -> str:
    """`?<name>=` as one of `choices` ("" when absent), or 400 listing them."""
    value = request.GET.get(name, "")
    if not value:
        return ""
    choices = list(choices)
    if value not in choices:
        raise bad_parameter(name, gettext("one of %(choices)s") % {"choices": ", ".join(choices)})
    return value


def page_of(request: HttpRequest, rows: QuerySet, serialize: Callable[[Any], dict]) -> dict:
    """A page of `rows` (`?page=`, `?page_size=` up to MAX_PAGE_SIZE) with the total and the
    addresses of the next and previous pages. Two queries: the count and the page.

    Not reform_tracker.exports.nearest_page: a page asks for the nearest page that exists and
    says so in a message; a program that asks for a page that does not exist gets a 404.
    """
    size = integer(request, "page_size", DEFAULT_PAGE_SIZE, most=MAX_PAGE_SIZE)
    number = integer(request, "page", 1)
    paginator = Paginator(rows, size)
    if number > paginator.num_pages:
        raise ApiError(
            404,
            gettext("There is no page %(number)s: the last is %(last)s.")
            % {"number": number, "last": paginator.num_pages},
        )
    page = paginator.page(number)

    def address(number: int) -> str:
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "next": address(number + 1) if page.has_next() else None,
        "previous": address(number - 1) if page.has_previous() else None,
        "results": [serialize(row) for row in page.object_list],
    }
