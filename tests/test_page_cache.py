"""The shared page cache of anonymous readers' pages (ops/pagecache.py): fast, never stale,
never mixed up between readers."""

import html

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory

from actions.models import ActionItem
from countries.models import Engagement
from ops.pagecache import page_key
from tests.servers import (
    ENGAGEMENT,
    Browser,
    edit_engagement,
    gunicorn_servers,
    server_environment,
    shared_database,
    sql,
    totp,
)

PAGES = ["/", "/appendix/", "/actions/2/", "/countries/", "/countries/ar/", "/sessions/GB.340/"]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_a_page_read_again_costs_one_cache_query(
    client, page_cache, path, django_assert_num_queries
):
    first = client.get(path)
    # The data version and the page, in one read of the cache table.
    with django_assert_num_queries(1):
        again = client.get(path)
    assert again.status_code == 200
    assert again.content == first.content
    assert "Content-Security-Policy" in again


@pytest.mark.django_db
def test_an_edit_shows_at_once(client, page_cache):
    assert "Argentina" in client.get("/countries/ar/").content.decode()
    engagement = Engagement.objects.filter(country__code="AR").first()
    engagement.description = "A freshly edited description."
    engagement.save()
    assert "A freshly edited description." in client.get("/countries/ar/").content.decode()


@pytest.mark.django_db
def test_an_editors_page_is_never_served_to_anonymous_readers(client, editor, page_cache):
    client.force_login(editor)
    assert "Sign out" in client.get("/appendix/").content.decode()
    client.logout()
    page = client.get("/appendix/").content.decode()
    assert "Sign out" not in page
    assert "X-CSRFToken" not in page


@pytest.mark.django_db
def test_an_editor_never_gets_the_anonymous_page(client, editor, page_cache):
    client.get("/appendix/")
    client.get("/appendix/")
    client.force_login(editor)
    page = client.get("/appendix/").content.decode()
    assert "Sign out" in page
    assert "X-CSRFToken" in page


@pytest.mark.django_db
def test_anonymous_pages_set_no_cookie(client, page_cache):
    for path in PAGES:
        assert not client.get(path).cookies, path


@pytest.mark.django_db
def test_the_sign_in_page_is_not_cached(client, page_cache):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")
    assert "csrftoken" in first.cookies
    assert first.content != second.content  # each carries its own masked token


@pytest.mark.django_db
def test_a_message_waiting_for_the_reader_is_shown_not_a_cached_page(client, page_cache):
    client.get("/countries/")
    client.get("/countries/")
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(messages.INFO, "You are signed out.")])
    assert "You are signed out." in client.get("/countries/").content.decode()


@pytest.mark.django_db
def test_an_editors_draft_stays_with_editors_whoever_reads_first(
    client, editor, viewer, gb341, page_cache
):
    """The main content is cached for signed-in readers too, by what they may see."""
    item = ActionItem.objects.get(plan__code="2019-20", number=2)
    item.report_status(
        gb341, status="ongoing", wording="Drafted wording", reason="", by=editor, seen_version=0
    )
    for reader in [editor, viewer, None, editor]:
        client.logout()
        if reader:
            client.force_login(reader)
        page = client.get("/appendix/").content.decode()
        assert ("Drafted wording" in page) == (reader == editor), reader
        assert ("Sign out" in page) == (reader is not None)


@pytest.mark.django_db
def test_an_editors_cached_content_costs_no_query_of_its_own(
    client, editor, page_cache, django_assert_max_num_queries
):
    client.force_login(editor)
    client.get("/countries/ar/")
    # Session; user; permissions (user's, groups'); the country (the view looks it up, for a
    # 404); the cached content (the engagements are not read); the as-of stamp.
    with django_assert_max_num_queries(7):
        page = client.get("/countries/ar/").content.decode()
    assert "Argentina" in page and "Sign out" in page


def test_the_key_holds_the_query_string_and_the_language():
    factory = RequestFactory()
    plain, paged = factory.get("/appendix/"), factory.get("/appendix/?page=2")
    french = factory.get("/appendix/")
    french.LANGUAGE_CODE = "fr"
    assert len({page_key(plain), page_key(paged), page_key(french)}) == 3
    assert page_key(plain) == page_key(factory.get("/appendix/"))


# Two servers, one database: an edit through one is seen at once through the other.


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory, django_db_setup, django_db_blocker):
    """Two gunicorn servers on one database, with the database cache in it, as two
    application servers share one database in production (with Redis:
    tests/test_several_servers.py)."""
    directory = tmp_path_factory.mktemp("two-servers")
    with (
        shared_database(directory, django_db_blocker) as url,
        gunicorn_servers(server_environment(url)) as ports,
    ):
        yield url, ports


@pytest.mark.django_db  # for pytest-django to set up the test database that the servers copy
def test_an_edit_through_one_server_shows_at_once_through_the_other(two_servers):
    database, (port_a, port_b) = two_servers
    reader = Browser(port_b)
    row = sql(database, ENGAGEMENT)
    pk, description = row[0], row[-2]
    assert html.escape(description) in reader.get("/countries/ar/")

    # Changed behind the application's back (no signal): B keeps serving what it stored, which
    # shows that the page comes from the cache.
    sql(database, "UPDATE countries_engagement SET description = 'Unseen' WHERE id = %s", (pk,))
    assert html.escape(description) in reader.get("/countries/ar/")

    editor = Browser(port_a)
    assert editor.sign_in("editor", code=totp()) == 302
    assert edit_engagement(editor, row, "Edited through server A.") == 302

    page = reader.get("/countries/ar/")
    assert "Edited through server A." in page
    assert "Sign out" not in page
