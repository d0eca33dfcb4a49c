"""Atom feeds (/sessions/feed/, /actions/<n>/feed/) in each language: they parse (feedparser),
hold Atom's required elements, summarise each session's changes as its page does, and carry
nothing unpublished."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from actions.changes import changes_between
from actions.models import ActionItem
from actions.reporting import GoverningBodySession, Status

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["/sessions/feed/", "/actions/4/feed/"]


def assert_valid_atom(content: bytes) -> ET.Element:
    """RFC 4287: the feed has id, title, updated and an author (or every entry has one); each
    entry has id, title, updated and a link; ids are absolute and unique."""
    feed = ET.fromstring(content)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}") is not None, name
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None or all(
        entry.find(f"{ATOM}author") is not None for entry in entries
    )
    ids = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(("http://", "https://", "tag:", "urn:")) for i in ids)
    return feed


@pytest.mark.parametrize("language", ["", "/fr", "/es"])
@pytest.mark.parametrize("path", FEEDS)
def test_feeds_parse_and_are_valid_atom_in_each_language(client, path, language):
    response = client.get(language + path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.language == (language.strip("/") or "en")
    assert parsed.entries
    assert_valid_atom(response.content)


def test_each_session_entry_summarises_its_changes(client, gb341, editor):
    item = ActionItem.objects.get(plan__code="2019-20", number=4)
    item.report_status(
        gb341, status=Status.COMPLETED, wording="Done", reason="r", by=editor, seen_version=0
    )
    gb341.publish(by=editor)
    entries = feedparser.parse(client.get("/sessions/feed/").content).entries
    assert [entry.title.split(",")[0] for entry in entries] == ["GB.341", "GB.340", "GB.335"]
    gb340 = GoverningBodySession.objects.get(code="GB.340")
    assert entries[0].summary == changes_between(gb341, gb340).summary()
    assert entries[0].summary.startswith("Since GB.340: 1 item completed")
    page = client.get(entries[0].link.removeprefix("http://testserver")).content.decode()
    assert entries[0].summary in page
    french = feedparser.parse(client.get("/fr/sessions/feed/").content).entries
    assert french[0].summary.startswith("Depuis la session GB.340\u00a0: 1 mesure achevée")


def test_an_items_feed_has_its_published_statuses(client, gb341, editor):
    item = ActionItem.objects.get(plan__code="2019-20", number=4)
    item.report_status(
        gb341, status=Status.COMPLETED, wording="Draft only", reason="r", by=editor, seen_version=0
    )
    entries = feedparser.parse(client.get("/actions/4/feed/").content).entries
    assert [(e.title, e.summary) for e in entries] == [("GB.340: Ongoing", "Ongoing")]
    assert client.get("/actions/99/feed/").status_code == 404
