"""Several servers on one PostgreSQL and one Redis (docs/operations.md, "Several servers: one
PostgreSQL, one Redis"): two live gunicorn servers share edits, sessions and lock-outs at once,
and keep serving while Redis stops, losing nothing and caching again when it is back."""

import html
import shutil
import subprocess
import time

import pytest
import redis
from django.conf import settings

from tests.listeners import closed_port
from tests.servers import (
    ENGAGEMENT,
    PASSWORD,
    Browser,
    edit_engagement,
    gunicorn_servers,
    server_environment,
    shared_database,
    sql,
)
from tests.test_redis_cache import REDIS, redis_answers

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="several servers share one PostgreSQL database: run with DATABASE_URL=postgres://…",
    ),
    # For pytest-django to set up the test database, which the servers' copy is made from.
    pytest.mark.django_db,
]

FAILURE_LIMIT = 3
PAGES = {
    "/": "Where the Plan of Action stands",
    "/appendix/": "Status of the",
    "/countries/": "Argentina",
    "/actions/2/": "Action item 2",
}


@pytest.fixture(scope="module")
def database(tmp_path_factory, django_db_setup, django_db_blocker):
    with shared_database(tmp_path_factory.mktemp("servers"), django_db_blocker) as url:
        yield url


def forget_earlier_runs(url: str) -> None:
    """The copy's accounts have the ids of an earlier run's: its record of used second-factor
    codes, its rate limits and its stored users must not apply to this one, nor its pages
    (same ports, perhaps). Also run at the end, to leave nothing behind."""
    client = redis.Redis.from_url(url)
    for pattern in (":1:allauth*", ":1:pagecache:*", ":1:usercache:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def two_servers(database):
    """Two servers on the PostgreSQL copy and the shared Redis (TEST_REDIS_URL)."""
    if not redis_answers():
        pytest.skip(f"no Redis answers at {REDIS} (TEST_REDIS_URL)")
    forget_earlier_runs(REDIS)
    env = server_environment(
        database, DJANGO_CACHE_URL=REDIS, DJANGO_AXES_FAILURE_LIMIT=str(FAILURE_LIMIT)
    )
    with gunicorn_servers(env) as ports:
        yield ports
    forget_earlier_runs(REDIS)


def test_an_edit_through_one_server_is_seen_at_once_through_the_other(database, two_servers):
    port_a, port_b = two_servers
    editor = Browser(port_a)
    assert editor.sign_in("editor", two_factor=True) == 302
    readers = {"reader": Browser(port_b), "editor": editor.at(port_b)}
    row = sql(database, ENGAGEMENT)
    pk, description = row[0], row[-2]
    for who, browser in readers.items():
        assert html.escape(description) in browser.get("/countries/ar/"), who

    # Changed behind the application's back (no signal): B keeps serving what Redis holds,
    # which shows that the pages come from the cache.
    sql(database, "UPDATE countries_engagement SET description = 'Unseen' WHERE id = %s", (pk,))
    for who, browser in readers.items():
        assert html.escape(description) in browser.get("/countries/ar/"), who

    assert edit_engagement(editor, row, "Edited through server A.") == 302
    for who, browser in readers.items():
        page = browser.get("/countries/ar/")
        assert "Edited through server A." in page, who
        assert ("Sign out" in page) == (who == "editor")


def test_signed_in_through_one_server_is_signed_in_on_the_other(two_servers):
    port_a, port_b = two_servers
    through_a = Browser(port_a)
    assert through_a.sign_in("colleague", two_factor=True) == 302
    on_b = through_a.at(port_b)
    assert "Sign out" in on_b.get("/appendix/")
    assert on_b.request("GET", "/accounts/2fa/")[0] == 200
    # Signed out through B: the cookie that A gave no longer signs anyone in on A.
    cookie = dict(through_a.cookies)
    assert on_b.post("/accounts/logout/", {}, page="/appendix/") == 302
    again_on_a = Browser(port_a, cookie)
    assert "Sign out" not in again_on_a.get("/appendix/")
    assert again_on_a.request("GET", "/accounts/2fa/")[0] == 302


def test_failed_sign_ins_on_one_server_lock_the_account_out_on_the_other(two_servers):
    port_a, port_b = two_servers
    for _ in range(FAILURE_LIMIT - 1):
        status, _ = Browser(port_a).submit(
            "/accounts/login/", {"login": "viewer", "password": "a wrong password"}
        )
        assert status == 200
    Browser(port_a).submit("/accounts/login/", {"login": "viewer", "password": "wrong again"})
    status, page = Browser(port_b).submit(
        "/accounts/login/", {"login": "viewer", "password": PASSWORD}
    )
    assert status == 429
    assert "Sign-in locked" in page


# Redis stops mid-run.


class RedisServer:
    """A redis-server of this test's own, to stop and start again. It saves its data when
    stopped, as Debian's configuration does, so that it comes back with the pages it held."""

    def __init__(self, directory) -> None:
        self.port = closed_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--dir", str(self.directory), "--save", "3600 1", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        client.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def counts(self) -> tuple[int, int, int]:
        """Cache hits and misses so far, and the keys held."""
        client = redis.Redis.from_url(self.url)
        stats = client.info("stats")
        counts = stats["keyspace_hits"], stats["keyspace_misses"], client.dbsize()
        client.close()
        return counts


@pytest.fixture(scope="module")
def own_redis(tmp_path_factory):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers_on_own_redis(database, own_redis):
    with gunicorn_servers(server_environment(database, DJANGO_CACHE_URL=own_redis.url)) as ports:
        yield ports


def from_cache(browser: Browser, path: str, redis_server: RedisServer) -> tuple[bool, str]:
    """The page, and whether it came from the cache: a hit reads Redis and misses nothing."""
    hits, misses, _ = redis_server.counts()
    page = browser.get(path)
    now_hits, now_misses, _ = redis_server.counts()
    return now_hits > hits and now_misses == misses, page


def test_while_redis_stops_pages_are_served_nothing_is_lost_and_caching_resumes(
    database, own_redis, servers_on_own_redis
):
    port_a, port_b = servers_on_own_redis
    reader = Browser(port_b)
    editor = Browser(port_a)
    assert editor.sign_in("editor", two_factor=True) == 302
    reader.get("/countries/ar/")
    assert from_cache(reader, "/countries/ar/", own_redis)[0]

    own_redis.stop()
    for browser in (reader, reader.at(port_a)):
        for path, text in PAGES.items():
            assert text in browser.get(path), path
        assert browser.get("/healthz") == "ok; cache unavailable, pages served uncached"
    # An edit during the outage, through A, is seen through B at once.
    row = sql(database, ENGAGEMENT)
    assert edit_engagement(editor, row, "Edited while Redis was stopped.") == 302
    assert "Edited while Redis was stopped." in reader.get("/countries/ar/")
    assert "Edited while Redis was stopped." in editor.at(port_b).get("/countries/ar/")

    # Redis comes back with what it held, the page before the edit among it: each server finds
    # it again within ops.cache.PAUSE_SECONDS, and never serves that page.
    own_redis.start()
    deadline = time.monotonic() + 30
    while True:
        hit, page = from_cache(reader, "/countries/ar/", own_redis)
        assert "Edited while Redis was stopped." in page
        if hit:
            break
        assert time.monotonic() < deadline, "pages were not cached again"
        time.sleep(0.5)
    assert reader.get("/healthz") == "ok"
    assert "Edited while Redis was stopped." in editor.at(port_b).get("/countries/ar/")
    assert own_redis.counts()[2] > 0
