"""Under /fr/ and /es/, none of the interface's English shows outside passages marked
lang="en" (the document's texts that have not been translated yet)."""

import re
from html.parser import HTMLParser

import pytest

from tests.test_translations import catalogue

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class VisibleText(HTMLParser):
    """The text a reader sees, leaving out script, style and anything inside lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        hidden = bool(self.stack and self.stack[-1][1])
        english = dict(attrs).get("lang") == "en"
        self.stack.append((tag, hidden or english or tag in ("script", "style")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not (self.stack and self.stack[-1][1]):
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"[ \t\r\n]+", " ", " ".join(self.parts))


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


# Words that English shares with French or Spanish, or that are names.
SHARED = {"Document", "Code", "Date", "Description", "Source", "Session", "Total", "Sessions",
          "Format", "Type", "Action", "Page", "Office", "Plan", "Region", "para"}  # fmt: skip
SPLIT = re.compile(r"%\([a-z_]+\)[sd]|<[^>]*>|&[a-z]+;|[“”\"()]")


def english_fragments(language: str) -> list[str]:
    """The literal pieces of every msgid, where they differ from their translation."""
    fragments = set()
    for msgid, translations in catalogue(language).items():
        for piece in SPLIT.split(msgid):
            piece = piece.strip(" .,:;")
            if len(piece) < 4 or piece in SHARED:
                continue
            if any(piece.lower() in translation.lower() for translation in translations):
                continue
            fragments.add(piece)
    return sorted(fragments)


def english_on(text: str, language: str) -> list[str]:
    """Each English fragment found, with what surrounds it."""
    found = []
    for fragment in english_fragments(language):
        if match := re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text):
            found.append(text[max(0, match.start() - 30) : match.end() + 30])
    return found


PUBLIC = ["/", "/appendix/", "/actions/1/", "/actions/3/", "/sessions/", "/sessions/GB.340/",
          "/sessions/GB.340/changes/", "/countries/", "/countries/UZ/", "/countries/matrix/",
          "/accounts/login/"]  # fmt: skip
EDITORS = ["/actions/1/status/", "/actions/1/updates/add/", "/sessions/new/",
           "/sessions/GB.341/publish/", "/countries/UZ/engagements/add/",
           "/sessions/GB.341/import/",
           "/sessions/GB.341/round/", "/units/", "/units/new/"]  # fmt: skip
# A focal point's pages (the Turin Centre's: item 6 is theirs).
FOCAL_POINT = ["/my-items/", "/actions/6/propose/"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_show_no_english_of_the_interface(client, path, language):
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200
    assert english_on(visible_text(response.content.decode()), language) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC)
def test_french_pages_set_french_punctuation(client, path):
    """What the templates and code put together follows French typography too: no ordinary
    space (or none) before : ; ! ? where French wants a no-break one."""
    text = visible_text(client.get(f"/fr{path}").content.decode())
    # django-allauth's own French catalogue, not ours, words its password-reset link.
    text = text.replace("Mot de passe oublié ?", "")
    assert re.findall(r".{0,20}(?: [:;!?»]|« |\w[;!?])", text) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("path", EDITORS)
def test_editors_pages_show_no_english_of_the_interface(editor_client, gb341, path, language):
    response = editor_client.get(f"/{language}{path}")
    assert response.status_code == 200, path
    assert english_on(visible_text(response.content.decode()), language) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_not_found_page_shows_no_english(client, language):
    response = client.get(f"/{language}/actions/999/")
    assert response.status_code == 404
    assert english_on(visible_text(response.content.decode()), language) == []


def test_the_check_sees_english_but_not_what_is_marked_english():
    text = visible_text('<p>Tableau <span lang="en">Apply filters</span></p><p>Apply filters</p>')
    assert text.strip() == "Tableau Apply filters"
    assert english_on("Pays : Apply filters", "fr") == ["Pays : Apply filters"]
    assert english_on("Appliquer les filtres", "fr") == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", EDITORS)
def test_french_editors_pages_set_french_punctuation(editor_client, gb341, path):
    text = visible_text(editor_client.get(f"/fr{path}").content.decode())
    assert re.findall(r".{0,20}(?: [:;!?»]|« |\w[;!?])", text) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("path", FOCAL_POINT)
def test_focal_points_pages_show_no_english_and_french_punctuation(
    client, focal_point, gb341, path, language
):
    client.force_login(focal_point)
    response = client.get(f"/{language}{path}")
    assert response.status_code == 200, path
    text = visible_text(response.content.decode())
    assert english_on(text, language) == []
    if language == "fr":
        assert re.findall(r".{0,20}(?: [:;!?»]|« |\w[;!?])", text) == []


@pytest.mark.django_db
def test_the_documents_due_by_wording_is_marked_english(client):
    from django.utils.html import escape

    from actions.models import ActionItem

    item = ActionItem.objects.get(number=1)
    due_by = f'<span lang="en">{escape(item.due_by)}</span>'
    assert due_by in client.get("/fr/actions/1/").content.decode()
    assert due_by in client.get("/es/sessions/GB.340/").content.decode()
    assert f"<dd>{escape(item.due_by)}" in client.get("/actions/1/").content.decode()
