"""The shared page cache of anonymous readers' pages (ops/pagecache.py): fast, never stale,
never mixed up between readers."""

import datetime
import gzip
import html
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory

from actions.models import ActionItem
from actions.reporting import GoverningBodySession
from countries.models import Engagement
from ops import pagecache
from ops.pagecache import page_key
from tests.servers import (
    ENGAGEMENT,
    Browser,
    edit_engagement,
    gunicorn_servers,
    server_environment,
    shared_database,
    sql,
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
def test_an_editors_page_read_again_runs_no_part_of_the_view(
    two_factor_editor_client, page_cache, django_assert_max_num_queries
):
    two_factor_editor_client.get("/countries/ar/")
    # Session; the user with permissions and second factor (one cache read); the page (one
    # cache read). Not the country, its engagements nor the as-of stamp.
    with django_assert_max_num_queries(3):
        page = two_factor_editor_client.get("/countries/ar/").content.decode()
    assert "Argentina" in page and "Sign out" in page


@pytest.mark.django_db
def test_editors_share_a_stored_page_but_each_gets_their_own_name_and_token(
    client, editor, second_editor, page_cache
):
    client.force_login(editor)
    client.get("/appendix/")
    colleague = Client(enforce_csrf_checks=True)
    colleague.force_login(second_editor)
    page = colleague.get("/appendix/").content.decode()
    assert "<span>colleague</span>" in page
    assert "<span>editor</span>" not in page
    assert re.search(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', page)
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # The token is the colleague's: the sign-out form, posted with it, is accepted.
    assert (
        colleague.post("/accounts/logout/", {"csrfmiddlewaretoken": form_token}).status_code == 302
    )
    assert "_auth_user_id" not in colleague.session


def engagement_form(engagement: Engagement, description: str) -> dict:
    form = {
        name: value if value is not None else ""
        for name, value in vars(engagement).items()
        if name in {"kind", "year", "date", "description", "version"}
    }
    flags = {
        name: "on" for name in ("government", "workers", "employers") if getattr(engagement, name)
    }
    return {
        **form,
        **flags,
        "country": engagement.country_id,
        "source_paragraph": engagement.source_paragraph_id or "",
        "description": description,
        "reason": "A test of the page cache",
    }


@pytest.mark.django_db
def test_after_an_edit_readers_get_the_page_from_before_while_another_worker_renders_it(
    client, editor, page_cache
):
    """No stampede: one worker renders the page again; meanwhile anonymous readers get the copy
    from before the edit. The editor sees their change at once."""
    engagement = Engagement.objects.filter(country__code="AR").order_by("pk").first()
    before = engagement.description
    assert html.escape(before) in client.get("/countries/ar/").content.decode()

    editor_client = Client()
    editor_client.force_login(editor)
    saved = editor_client.post(
        f"/countries/engagements/{engagement.pk}/edit/",
        engagement_form(engagement, "Saved a moment ago."),
    )
    assert saved.status_code == 302
    assert "Saved a moment ago." in editor_client.get("/countries/ar/").content.decode()

    # Another worker is rendering the page.
    rendering = page_key(RequestFactory().get("/countries/ar/")) + ":rendering"
    assert cache.add(rendering, 1)
    page = client.get("/countries/ar/").content.decode()
    assert html.escape(before) in page and "Saved a moment ago." not in page
    assert "Saved a moment ago." in editor_client.get("/countries/ar/").content.decode()

    # It has stored the new page, or taken too long: readers get the new one.
    cache.delete(rendering)
    assert "Saved a moment ago." in client.get("/countries/ar/").content.decode()


@pytest.mark.django_db
def test_readers_never_get_a_page_from_before_an_edit_older_than_a_few_seconds(
    client, page_cache, monkeypatch
):
    client.get("/countries/ar/")
    engagement = Engagement.objects.filter(country__code="AR").order_by("pk").first()
    engagement.description = "Edited long ago."
    engagement.save()
    cache.add(page_key(RequestFactory().get("/countries/ar/")) + ":rendering", 1)
    monkeypatch.setattr(pagecache, "STALE_SECONDS", 0)
    assert "Edited long ago." in client.get("/countries/ar/").content.decode()


@pytest.mark.django_db
def test_an_anonymous_page_is_sent_compressed_as_it_was_stored(client, page_cache):
    plain = client.get("/countries/").content
    first = client.get("/countries/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    second = client.get("/countries/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first["Vary"]
    assert gzip.decompress(first.content) == plain
    # The same bytes: compressed once when stored, not again for each reader.
    assert second.content == first.content


@pytest.mark.django_db
def test_an_uncached_anonymous_page_is_compressed_too(client):
    response = client.get("/countries/?q=Arg", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert b"Argentina" in gzip.decompress(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [True, False])
def test_a_page_with_a_csrf_token_is_never_compressed(client, editor, settings, cached):
    """BREACH (docs/security.md, "Compression"): a signed-in page carries a CSRF token and
    drafts, and reflects the filters' text; the sign-in page a token and `?next=`."""
    settings.PAGE_CACHE_SECONDS = 600 if cached else 0
    sign_in = client.get("/accounts/login/?next=/appendix/", HTTP_ACCEPT_ENCODING="gzip")
    assert b"csrfmiddlewaretoken" in sign_in.content
    assert not sign_in.has_header("Content-Encoding")
    client.force_login(editor)
    for _ in range(2):
        page = client.get("/appendix/?q=reflected", HTTP_ACCEPT_ENCODING="gzip")
        assert b"X-CSRFToken" in page.content and b"reflected" in page.content
        assert not page.has_header("Content-Encoding")


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
    assert editor.sign_in("editor", two_factor=True) == 302
    assert edit_engagement(editor, row, "Edited through server A.") == 302

    page = reader.get("/countries/ar/")
    assert "Edited through server A." in page
    assert "Sign out" not in page


@pytest.mark.django_db
def test_a_transaction_that_saves_several_rows_writes_the_data_version_once_at_its_commit(
    editor, django_capture_on_commit_callbacks
):
    """Opening a session and reporting a status in it: three rows (session, report, history)."""
    item = ActionItem.objects.get(plan__code="2019-20", number=2)
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        session = GoverningBodySession.objects.create(
            code="GB.341", held_in=datetime.date(2021, 3, 1), period="March 2021"
        )
        item.report_status(
            session, status="ongoing", wording="Ongoing", reason="", by=editor, seen_version=0
        )
    assert callbacks.count(pagecache.bump_data_version) == 1
