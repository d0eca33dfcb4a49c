"""English, French and Spanish: the interface from the catalogues, the content from the
`*_fr`/`*_es` fields with English marked "translation pending" where they are empty."""

import csv
import io
import re
import subprocess
from pathlib import Path

import docx
import pytest
from django.conf import settings
from django.utils.html import escape

from actions.models import ActionItem, Component, KeyFigure
from actions.reporting import StatusReport

LOCALE = Path(settings.BASE_DIR) / "locale"

# Every kind of page, with a string of its interface in each language.
PAGES = [
    ("/", {"en": "Where the Plan of Action stands", "fr": "Où en est le plan d’action",
           "es": "Situación del plan de acción"}),
    ("/appendix/", {"en": "Apply filters", "fr": "Appliquer les filtres",
                    "es": "Aplicar los filtros"}),
    ("/actions/1/", {"en": "Related countries", "fr": "Pays concernés",
                     "es": "Países relacionados"}),
    ("/sessions/", {"en": "Governing Body sessions", "fr": "Sessions du Conseil d’administration",
                    "es": "Reuniones del Consejo de Administración"}),
    ("/sessions/GB.340/", {"en": "Download as a Word document",
                           "fr": "Télécharger en document Word",
                           "es": "Descargar como documento Word"}),
    ("/sessions/GB.340/changes/", {"en": "Compare with", "fr": "Comparer avec",
                                   "es": "Comparar con"}),
    ("/countries/", {"en": "Countries on the map", "fr": "Pays sur la carte",
                     "es": "Países en el mapa"}),
    ("/countries/UZ/", {"en": "Timeline", "fr": "Chronologie", "es": "Cronología"}),
    ("/countries/matrix/", {"en": "Tripartite matrix", "fr": "Matrice tripartite",
                            "es": "Matriz tripartita"}),
    ("/accounts/login/", {"en": "Sign-in is for ILO staff", "fr": "La connexion est réservée",
                          "es": "El inicio de sesión está reservado"}),
]  # fmt: skip
PREFIX = {"en": "", "fr": "/fr", "es": "/es"}


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize(("path", "strings"), PAGES, ids=[path for path, _ in PAGES])
def test_every_page_speaks_the_language_of_its_address(client, path, strings, language):
    html = page(client, PREFIX[language] + path)
    assert f'<html lang="{language}">' in html
    assert strings[language] in html
    # Nothing of the other languages' interface leaks in.
    for other, text in strings.items():
        if other != language:
            assert text not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
def test_an_editors_form_is_translated(editor_client, gb341, language):
    html = page(editor_client, f"/{language}/actions/1/status/")
    expected = {"fr": "Enregistrer l’état", "es": "Guardar el estado"}[language]
    assert expected in html
    assert {"fr": "Libellé en français", "es": "Redacción en francés"}[language] in html


@pytest.mark.django_db
def test_the_switcher_links_to_the_same_page_in_each_language(client):
    html = page(client, "/fr/actions/3/?x=1")
    nav = html[html.index('<nav class="languages"') :]
    nav = nav[: nav.index("</nav>")]
    assert 'href="/actions/3/?x=1" lang="en"' in nav
    assert 'href="/es/actions/3/?x=1" lang="es"' in nav
    # The current language is marked, and only it.
    assert re.findall(r'href="([^"]+)"[^>]*aria-current="true"', nav) == ["/fr/actions/3/?x=1"]


@pytest.mark.django_db
def test_english_under_en_goes_to_the_address_without_a_prefix(client):
    response = client.get("/en/countries/?region=africa")
    assert response.status_code == 302
    assert response["Location"] == "/countries/?region=africa"
    # Not a way out of the site.
    assert client.get("/en//example.org")["Location"] == "/example.org"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/de/", "/xx/appendix/", "/de/countries/"])
def test_an_unknown_language_prefix_gives_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    # Its switcher offers the home page in the other languages.
    assert 'href="/fr/" lang="fr"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["xx", "fr-nonsense-\u00e9", "'; DROP", ""])
def test_a_nonsense_language_cookie_gives_english(client, cookie):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    html = page(client, "/appendix/")
    assert '<html lang="en">' in html
    assert "Apply filters" in html


@pytest.mark.django_db
def test_an_address_without_a_prefix_is_english_whatever_the_browser_asks(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert '<html lang="en">' in html


NOTICE = {
    "fr": "Les textes du plan d’action sont affichés en anglais jusqu’à la saisie de leur version "
    "française.",
    "es": "Los textos del plan de acción se muestran en inglés hasta que se introduzca su versión "
    "española.",
}


@pytest.mark.django_db
def test_content_shows_in_french_or_in_english_marked_as_english(client):
    item = ActionItem.objects.get(number=1)
    item.text_fr = "Texte français de la mesure 1, saisi par le personnel."
    item.save()
    component = Component.objects.get(number=1)
    component.title_fr = "Titre français du volet 1"
    component.save()

    french = page(client, "/fr/actions/1/")
    assert "Texte français de la mesure 1, saisi par le personnel." in french
    assert "Titre français du volet 1" in french

    # The plan's texts are mostly English yet: one notice says so at the top of the page, and
    # each English passage is marked as English for screen readers, without a badge.
    other = ActionItem.objects.get(number=2)
    french = page(client, "/fr/actions/2/")
    assert f'<span lang="en">{escape(other.text)}</span>' in french
    assert french.count(NOTICE["fr"]) == 1
    assert "translation-pending" not in french

    spanish = page(client, "/es/actions/1/")
    assert "Texte français" not in spanish
    assert f'<span lang="en">{escape(item.text)}</span>' in spanish
    assert spanish.count(NOTICE["es"]) == 1

    # In an attribute, the text alone: markup there would break the page.
    dashboard = page(client, "/es/")
    assert f'<abbr title="{escape(Component.objects.get(number=2).title)}">' in dashboard

    english = page(client, "/actions/1/")
    assert escape(item.text) in english
    assert "translation-pending" not in english
    assert "pending-notice" not in english


@pytest.mark.django_db
def test_the_pending_notice_is_shown_once_instead_of_a_badge_per_cell(client):
    appendix = page(client, "/fr/appendix/")
    assert appendix.count(NOTICE["fr"]) == 1
    assert "Traduction en attente" not in appendix
    assert appendix.count('lang="en"') > 10

    # Once most texts are translated, the few English passages left are badged, and the notice
    # goes.
    ActionItem.objects.exclude(number=2).update(text_fr="Texte traduit")
    appendix = page(client, "/fr/appendix/")
    assert NOTICE["fr"] not in appendix
    other = ActionItem.objects.get(number=2)
    assert (
        f'<span lang="en">{escape(other.text)}</span> <span class="translation-pending">'
        "Traduction en attente</span>"
    ) in appendix
    # Not in Spanish, where nothing is translated.
    assert "Traducción pendiente" not in page(client, "/es/appendix/")


@pytest.mark.django_db
def test_a_title_is_wholly_in_one_language(client):
    plan = ActionItem.objects.get(number=1).plan
    appendix = page(client, "/fr/appendix/")
    assert (
        f'<h1 class="long-title"><span lang="en">Status of the {escape(plan.title)}</span></h1>'
        in appendix
    )
    assert "État d’avancement du" not in appendix
    component = Component.objects.get(number=1)
    assert f'<span lang="en">Component 1: {escape(component.title)}</span>' in appendix

    plan.title_fr = "Plan d’action du Bureau sur la réforme du système des Nations Unies"
    plan.save()
    appendix = page(client, "/fr/appendix/")
    assert (
        '<h1 class="long-title">État d’avancement du Plan d’action du Bureau sur la réforme du '
        "système des Nations Unies</h1>"
    ) in appendix


@pytest.mark.django_db
def test_status_wording_and_key_figures_follow_the_language(client):
    report = StatusReport.objects.get(action_item__number=1, session__code="GB.340")
    report.wording_es = "Redacción del estado en español"
    report.save()
    figure = KeyFigure.objects.for_dashboard().first()
    figure.label_fr = "libellé français du chiffre clé"
    figure.save()

    assert "Redacción del estado en español" in page(client, "/es/appendix/")
    appendix = page(client, "/fr/appendix/")
    assert f'<span lang="en">{escape(report.wording)}</span>' in appendix
    assert "libellé français du chiffre clé" in page(client, "/fr/")
    assert "libellé français du chiffre clé" not in page(client, "/")


@pytest.mark.django_db
def test_an_editor_writes_the_french_wording_with_the_status(editor_client, gb341):
    item = ActionItem.objects.with_current_status().get(number=1)
    response = editor_client.post(
        "/fr/actions/1/status/",
        {
            "status": item.current_status,
            "wording": item.current_wording,
            "wording_fr": "Libellé saisi en français",
            "wording_es": "",
            "reason": "",
            "note": "",
            "version": 0,
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/appendix/")
    report = StatusReport.objects.get(action_item=item, session=gb341)
    assert (report.wording, report.wording_fr, report.wording_es) == (
        item.current_wording,
        "Libellé saisi en français",
        "",
    )
    # The audit trail has it too.
    assert report.history.first().wording_fr == "Libellé saisi en français"


@pytest.mark.django_db
def test_a_new_status_without_new_wording_is_worded_in_each_language(editor_client, gb341):
    item = ActionItem.objects.with_current_status().get(number=1)
    editor_client.post(
        "/es/actions/1/status/",
        {
            "status": "completed",
            "wording": item.current_wording,
            "wording_fr": "",
            "wording_es": "",
            "reason": "Terminado",
            "note": "",
            "version": 0,
        },
    )
    report = StatusReport.objects.get(action_item=item, session=gb341)
    # The English stays the document's language, whatever the editor's page language.
    assert (report.wording, report.wording_fr, report.wording_es) == (
        "Completed",
        "Achevée",
        "Completada",
    )


@pytest.mark.django_db
def test_country_names_come_in_each_language(client):
    assert "<h1>Ouzbékistan</h1>" in page(client, "/fr/countries/UZ/")
    assert "<h1>Uzbekistán</h1>" in page(client, "/es/countries/UZ/")
    assert "<h1>Uzbekistan</h1>" in page(client, "/countries/UZ/")
    # The list is sorted by the names of the language.
    assert "Ouzbékistan" in page(client, "/fr/countries/")


@pytest.mark.django_db
def test_region_names_follow_the_language(client):
    assert "Afrique" in page(client, "/fr/")
    assert "Región: Europa y Asia Central." in page(client, "/es/countries/UZ/")


@pytest.mark.django_db
def test_dates_are_written_in_the_language(client):
    assert "(octobre 2020)" in page(client, "/fr/")
    assert "(octubre de 2020)" in page(client, "/es/")
    assert "31 de diciembre de 2019" in page(client, "/es/actions/1/")
    assert "31 décembre 2019" in page(client, "/fr/actions/1/")
    assert "31 December 2019" in page(client, "/actions/1/")
    assert "(October 2020)" in page(client, "/")


def header(response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_export_headers_stay_english_in_english_and_follow_french(client):
    assert header(client.get("/appendix/?_export=csv")) == [
        "Component",
        "No.",
        "Action item",
        "Due by",
        "Status",
    ]
    assert header(client.get("/fr/appendix/?_export=csv")) == [
        "Volet",
        "Nº",
        "Mesure",
        "Échéance",
        "État d’avancement",
    ]
    english = header(client.get("/countries/?_export=csv"))
    assert english[:3] == ["Country", "ISO code", "Region"]
    assert header(client.get("/es/countries/?_export=csv"))[:3] == ["País", "Código ISO", "Región"]


@pytest.mark.django_db
def test_the_word_appendix_in_french_has_french_headings(client):
    response = client.get("/fr/sessions/GB.340/appendix.docx")
    document = docx.Document(io.BytesIO(response.content))
    text = [paragraph.text for paragraph in document.paragraphs]
    assert "Annexe" in text
    (table,) = document.tables
    assert [cell.text for cell in table.rows[0].cells] == [
        "Mesure",
        "Échéance",
        "État d’avancement",
    ]
    # No French was entered: the English text stands in, headings wholly in English, and a
    # notice says so once.
    assert table.rows[1].cells[0].text.startswith("Component 1: ")
    assert "(Traduction en attente)" not in table.rows[2].cells[0].text
    assert NOTICE["fr"] in text
    english = docx.Document(io.BytesIO(client.get("/sessions/GB.340/appendix.docx").content))
    assert [cell.text for cell in english.tables[0].rows[0].cells] == [
        "Action item",
        "Due by",
        "Status",
    ]


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_catalogue_is_complete(language):
    """No untranslated or fuzzy message, and msgfmt's checks pass (placeholders, header)."""
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


@pytest.mark.django_db
def test_staff_enter_translations_in_admin(client, superuser):
    client.force_login(superuser)
    item = ActionItem.objects.get(number=1)
    for model, pk, fields in [
        ("actionitem", item.pk, ["text_fr", "text_es"]),
        ("component", item.component_id, ["title_fr", "title_es"]),
        ("plan", item.plan_id, ["title_fr", "title_es"]),
        (
            "statusreport",
            StatusReport.objects.get(action_item=item, session__code="GB.340").pk,
            ["wording_fr", "wording_es", "narrative_fr", "narrative_es"],
        ),
        ("keyfigure", KeyFigure.objects.first().pk, ["label_fr", "value_es", "quote_fr"]),
    ]:
        html = page(client, f"/admin/actions/{model}/{pk}/change/")
        assert "French and Spanish" in html
        for field in fields:
            assert f'name="{field}"' in html


@pytest.mark.django_db
def test_sign_in_stays_open_in_every_language_when_reading_needs_it(client, settings):
    settings.REQUIRE_LOGIN_TO_VIEW = True
    assert client.get("/fr/accounts/login/").status_code == 200
    assert client.get("/es/accounts/login/").status_code == 200
    response = client.get("/fr/appendix/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/fr/appendix/")


@pytest.mark.django_db
def test_wordings_made_from_the_old_status_labels_take_the_new_ones():
    """Statuses agree with "mesure"/"medida": the data migration renames the stored wordings that
    were the old labels ("Achevé", "Por iniciar"), and leaves the others alone."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("actions.migrations.0008_status_labels_agree_with_mesure")
    reports = list(StatusReport.objects.filter(session__code="GB.340").order_by("pk")[:4])
    old = [("Achevé", "Completado"), ("Démarrage", "Por iniciar"), ("Achevé/en cours", ""),
           ("Achevé en 2020", "Completado en 2020")]  # fmt: skip
    for report, (french, spanish) in zip(reports, old, strict=True):
        report.wording_fr, report.wording_es = french, spanish
        report.save()

    migration.rename(apps, None)

    renamed = [
        StatusReport.objects.values_list("wording_fr", "wording_es").get(pk=report.pk)
        for report in reports
    ]
    assert renamed == [
        ("Achevée", "Completada"),
        ("En démarrage", "En fase inicial"),
        ("Achevée/en cours", ""),
        ("Achevé en 2020", "Completado en 2020"),
    ]
    migration.rename_back(apps, None)
    assert StatusReport.objects.get(pk=reports[1].pk).wording_es == "Por iniciar"
