"""Redis as the shared cache (DJANGO_CACHE_URL, ops/cache.py): the page cache works on it, and
when Redis is down or silent the site serves pages uncached and /healthz says so
(docs/operations.md, "Page cache")."""

import logging
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings

from actions.models import ActionItem
from ops import cache as ops_cache
from tests.listeners import closed_port, silent_listener
from tests.servers import sqlite_copy

PAGES = {
    "/": "Where the Plan of Action stands",
    "/appendix/": "Status of the",
    "/countries/": "Argentina",
}
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_cache(settings, url: str, prefix: str = "") -> None:
    """The cache that DJANGO_CACHE_URL=url sets, with the page cache on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.TolerantRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    # Each test starts with Redis not known to be down.
    ops_cache._down_until.clear()


@pytest.fixture
def dead_redis(settings):
    redis_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    yield
    ops_cache._down_until.clear()


@pytest.mark.django_db
def test_with_redis_down_pages_are_served_uncached_and_one_warning_is_logged(
    client, dead_redis, caplog
):
    caplog.set_level(logging.WARNING, logger="ops.cache")
    for _ in range(3):
        for path, text in PAGES.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert text in response.content.decode(), path
    warnings = [r for r in caplog.records if r.name == "ops.cache"]
    assert len(warnings) == 1
    assert "pages are served uncached" in warnings[0].getMessage()


@pytest.mark.django_db
def test_with_redis_down_an_edit_shows_at_once(client, dead_redis):
    client.get("/actions/2/")
    item = ActionItem.objects.get(number=2)
    item.text = "A title edited while Redis is down"
    item.save()
    assert "A title edited while Redis is down" in client.get("/actions/2/").content.decode()


@pytest.mark.django_db
def test_with_redis_down_staff_sign_in_and_stay_signed_in(client, viewer, dead_redis):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"login": "viewer", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    # The session is in the database, not in the cache.
    assert "Sign out" in client.get("/appendix/").content.decode()


@pytest.mark.django_db
def test_with_redis_down_healthz_answers_200_and_says_pages_are_uncached(client, dead_redis):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok; cache unavailable, pages served uncached"


@pytest.mark.django_db
def test_a_redis_that_never_answers_costs_pages_at_most_half_a_second(client, settings):
    with silent_listener() as port:
        redis_cache(settings, f"redis://127.0.0.1:{port}/0")
        started = time.monotonic()
        for path, text in PAGES.items():
            assert text in client.get(path).content.decode()
        # The first cache operation waits for its answer half a second; the next pages do not
        # ask Redis at all for a while.
        assert time.monotonic() - started < 0.5 + 3
    ops_cache._down_until.clear()


@pytest.fixture
def database_url(tmp_path) -> str:
    """The test database's data, for a process started by the test."""
    from django.db import connection

    if connection.vendor == "postgresql":
        db = connection.settings_dict
        user = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
        return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return sqlite_copy(tmp_path / "copy.sqlite3")


@pytest.mark.django_db
def test_the_site_keeps_serving_with_the_cache_url_of_a_dead_redis(database_url):
    """Configured as in production, through DJANGO_CACHE_URL."""
    probe = (
        "from django.test import Client; c = Client(raise_request_exception=False); "
        "print(*(c.get(p).status_code for p in ['/', '/appendix/', '/countries/', "
        "'/accounts/login/', '/healthz']))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=django_settings.BASE_DIR,
        env={
            **clean,
            # Debug on only so that static files need no collectstatic; the cache behaves the same.
            "DJANGO_DEBUG": "true",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_CACHE_URL": f"redis://127.0.0.1:{closed_port()}/0",
            "DATABASE_URL": database_url,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1:] == ["200 200 200 200 200"], result.stderr


def redis_answers() -> bool:
    try:
        import redis

        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except Exception:
        return False


@pytest.fixture
def real_redis(settings):
    """The page cache on a real Redis, under a key prefix of its own, removed afterwards."""
    if not redis_answers():
        pytest.skip(f"no Redis answers at {REDIS} (TEST_REDIS_URL)")
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    redis_cache(settings, REDIS, prefix)
    yield
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.mark.django_db
def test_on_redis_a_page_comes_from_the_cache_until_an_edit(client, real_redis):
    first = client.get("/actions/2/").content.decode()
    item = ActionItem.objects.get(number=2)
    # Behind the application's back (no signal): the cached page is served.
    ActionItem.objects.filter(pk=item.pk).update(text="Changed unseen")
    assert client.get("/actions/2/").content.decode() == first
    # Through the application: every cached page is stale at once.
    item.refresh_from_db()
    item.text = "Changed and seen"
    item.save()
    assert "Changed and seen" in client.get("/actions/2/").content.decode()


@pytest.mark.django_db
def test_an_edit_saved_while_redis_was_away_shows_when_it_answers_again(client, real_redis):
    assert "Edited while away" not in client.get("/actions/2/").content.decode()
    # This process found Redis down (the edit's signal could not reach it), and the pause is over.
    ops_cache._down_until[REDIS] = 0
    ActionItem.objects.filter(number=2).update(text="Edited while away")
    assert "Edited while away" in client.get("/actions/2/").content.decode()


@pytest.mark.django_db
def test_on_redis_healthz_says_ok(client, real_redis):
    assert client.get("/healthz").content == b"ok"
