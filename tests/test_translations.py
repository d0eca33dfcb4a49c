"""The French and Spanish catalogues say things as the ILO does: the glossary's terms
(docs/translating.md) and French typography."""

import gettext
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def catalogue(language: str) -> dict[str, list[str]]:
    """msgid -> its msgstr (both plural forms for a plural message), from the compiled catalogue;
    a message with a context is keyed by its msgid alone."""
    path = BASE / "locale" / language / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as file:
        raw = gettext.GNUTranslations(file)._catalog
    messages: dict[str, list[str]] = {}
    for key, text in raw.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if msgid:
            messages.setdefault(msgid.split("\x04")[-1], []).append(text)
    return messages


def glossary() -> list[tuple[str, str, str]]:
    text = (BASE / "docs" / "translating.md").read_text()
    table = text[text.index("| English |") :].split("\n\n")[0].splitlines()[2:]
    return [tuple(cell.strip() for cell in row.strip("|").split("|")) for row in table]


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]*>")


def words(text: str) -> list[str]:
    """Lower-case words without accents, singular (final -s, then -e, dropped), so that
    "mandantes" matches "mandante" and "participaciones" matches "participación"."""
    plain = unicodedata.normalize("NFD", PLACEHOLDER.sub(" ", text))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return [re.sub(r"e$", "", re.sub(r"s$", "", w)) for w in re.findall(r"[a-z0-9]+", plain)]


def says(text: str, term: str) -> bool:
    text_words, term_words = words(text), words(term)
    size = len(term_words)
    return any(text_words[i : i + size] == term_words for i in range(len(text_words)))


def test_the_glossary_has_the_ilo_terms():
    terms = {english: (french, spanish) for english, french, spanish in glossary()}
    assert terms["Governing Body"] == ("Conseil d’administration", "Consejo de Administración")
    assert terms["constituent"] == ("mandant", "mandante")
    assert len(terms) >= 10


@pytest.mark.parametrize(("language", "column"), [("fr", 1), ("es", 2)])
def test_the_glossarys_english_terms_are_always_said_with_its_terms(language, column):
    messages = catalogue(language)
    wrong = []
    for row in glossary():
        english, term = row[0], row[column]
        for msgid, translations in messages.items():
            if says(msgid, english):
                wrong += [(english, msgid, t) for t in translations if not says(t, term)]
    assert wrong == []
    # The matching allows for plural and case, not for another word.
    assert says("Les plans-cadres de coopération", "plan-cadre de coopération")
    assert not says("Engagements des pays", "participation")


# A character that French typography puts a space before, and what the space must be.
BEFORE = {";": "\u202f", "!": "\u202f", "?": "\u202f", ":": "\u00a0", "»": "\u00a0"}
# Where the rule does not apply: placeholders, addresses, times, markup.
EXEMPT = re.compile(r"%\([a-z_]+\)[sd]|https?://\S*|\b\d{1,2}:\d{2}\b|<[^>]*>|&[a-z]+;")


def typography_errors(text: str) -> list[str]:
    text = EXEMPT.sub("x", text)
    errors = []
    for index, char in enumerate(text):
        if char in BEFORE and (index == 0 or text[index - 1] != BEFORE[char]):
            errors.append(text[max(0, index - 15) : index + 1])
        if char == "«" and text[index + 1 : index + 2] != "\u00a0":
            errors.append(text[index : index + 15])
    return errors


def test_every_french_message_follows_french_typography():
    wrong = {
        msgid: errors
        for msgid, translations in catalogue("fr").items()
        if (errors := [e for t in translations for e in typography_errors(t)])
    }
    assert wrong == {}


def test_the_typography_check_finds_what_it_should():
    assert typography_errors("Légende\u00a0: clé\u202f; «\u00a0mot\u00a0»\u202f?") == []
    assert len(typography_errors("Légende : clé ; « mot » ?")) == 5
    assert len(typography_errors("Légende: clé;")) == 2
    assert typography_errors("Voir https://www.ilo.org/x?a=1 à 10:00 pour %(code)s") == []


def visible(html: str) -> str:
    """The page's text as read, without markup (entities kept as typed)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_the_history_is_written_in_the_pages_language(client, editor):
    from actions.models import ActionItem
    from actions.reporting import GoverningBodySession

    item = ActionItem.objects.get(number=1)
    item.due_by = "End of 2020"
    item._change_reason = "Typo"
    item.save()
    session = GoverningBodySession.objects.create(
        code="GB.341", held_in="2021-03-01", period="March 2021"
    )
    session.carry_over(by=editor)

    french = visible(client.get("/fr/actions/1/").content.decode())
    assert "Mesure modifiée" in french  # the verb agrees with "mesure"
    assert "Échéance" in french or "date d’échéance" in french.lower()
    assert "D’après GB.340/INS/6" in french
    assert "From GB" not in french
    spanish = visible(client.get("/es/actions/1/").content.decode())
    assert "Medida modificada" in spanish
    assert "Según GB.340/INS/6" in spanish
    english = visible(client.get("/actions/1/").content.decode())
    assert "Action item changed" in english
    assert "From GB.340/INS/6" in english


@pytest.mark.django_db
def test_a_carried_over_status_says_so_in_the_pages_language(editor):
    from django.utils import translation

    from actions.history import display_reason
    from actions.models import ActionItem
    from actions.reporting import GoverningBodySession

    GoverningBodySession.objects.create(
        code="GB.341", held_in="2021-03-01", period="March 2021"
    ).carry_over(by=editor)
    report = ActionItem.objects.get(number=1).status_reports.get(session__code="GB.341")
    reason = report.history.get().history_change_reason
    assert reason == "Carried over from GB.340"
    with translation.override("fr"):
        assert display_reason(reason) == "Repris de la session GB.340"
    with translation.override("es"):
        assert display_reason(reason) == "Trasladado de la reunión GB.340"
    # What an editor wrote stays as written.
    assert display_reason("Loaded from the minutes, see note") == (
        "Loaded from the minutes, see note"
    )


@pytest.mark.django_db
def test_session_periods_are_written_in_the_pages_language(client):
    assert "octobre-novembre 2020" in client.get("/fr/sessions/").content.decode()
    assert "octubre-noviembre de 2020" in client.get("/es/sessions/").content.decode()
    assert "October-November 2020" in client.get("/sessions/").content.decode()
    french = visible(client.get("/fr/actions/1/").content.decode())
    assert "GB.340, octobre-novembre 2020" in french
    assert "October" not in french
    # Paragraphs are cited as the French documents cite them.
    assert "GB.340/INS/6, paragr. 40" in french
    assert "para. 40" in client.get("/actions/1/").content.decode()


@pytest.mark.django_db
def test_a_sessions_refusal_is_written_in_the_pages_language():
    from django.utils import translation

    from actions.reporting import GoverningBodySession, SessionError

    published = GoverningBodySession.objects.get(code="GB.340")
    with translation.override("fr"), pytest.raises(SessionError) as refusal:
        published.publish(by=None)
    assert str(refusal.value) == (
        "La session GB.340 est dans l’état «\u00a0publiée\u00a0»\u00a0: elle ne peut pas être "
        "publiée."
    )
