"""The document's data, loaded by `load_document`: complete, verbatim, idempotent, checked."""

import datetime
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actions.models import ActionItem, Component, Paragraph, Unit
from actions.reporting import GoverningBodySession, Status, StatusReport
from countries.models import Country, Engagement, Kind, Region

pytestmark = pytest.mark.django_db

SOURCE = Path(settings.BASE_DIR) / "docs" / "source" / "GB.340-INS-6.txt"

# The Appendix of GB.340/INS/6: number -> (component, "Due by", due date, Status wording, status).
APPENDIX = {
    1: (1, "By end 2019", "2019-12-31", "Completed/ongoing", Status.COMPLETED_ONGOING),
    2: (1, "2019–20", "2020-12-31", "Ongoing", Status.ONGOING),
    3: (2, "By end 2019", "2019-12-31", "Completed", Status.COMPLETED),
    4: (2, "By end 2019", "2019-12-31", "Ongoing", Status.ONGOING),
    5: (2, "2019–20", "2020-12-31", "Ongoing", Status.ONGOING),
    6: (2, "By end 2019", "2019-12-31", "Starting 2020", Status.STARTING),
    7: (2, "By mid-2020", "2020-06-30", "Starting 2020", Status.STARTING),
    8: (2, "By October 2019", "2019-10-31", "Ongoing", Status.ONGOING),
    9: (3, "By end 2019", "2019-12-31", "Ongoing", Status.ONGOING),
    10: (3, "By end March 2019", "2019-03-31", "Completed", Status.COMPLETED),
    11: (
        3,
        "By end 2019",
        "2019-12-31",
        "Starting 2020 following the revision and UNSDG endorsement of the Management and "
        "Accountability Framework",
        Status.STARTING,
    ),
    12: (3, "By mid-2019", "2019-06-30", "Ongoing", Status.ONGOING),
}

# Paragraph -> the countries it reports engagements of.
ENGAGED = {
    13: {"CI", "UG"},
    14: {"IQ", "KW"},
    15: {"IN", "PK", "PH"},
    16: {"UZ", "MK", "RS", "TJ"},
    17: {"AR"},
    32: {"NA", "ZM", "TR", "LB", "ID"},
    33: {"IQ", "JO", "LB"},
    34: {"KG", "TJ", "UZ", "MK", "TR", "UA"},
    35: {"ZW", "UG"},
    41: {"AM", "AZ", "CO", "CI", "NA", "PH", "SO", "ZW"},
    42: {"KE", "TZ", "UG"},
}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_text() -> str:
    return normalise(SOURCE.read_text(encoding="utf-8"))


def test_the_plan_has_three_components_and_twelve_items_as_in_the_appendix():
    assert Component.objects.count() == 3
    items = ActionItem.objects.for_appendix()
    assert [item.number for item in items] == list(range(1, 13))
    for item in items:
        component, due_by, due_date, wording, status = APPENDIX[item.number]
        assert item.component.number == component, item.number
        assert item.due_by == due_by, item.number
        assert item.due_date == datetime.date.fromisoformat(due_date), item.number
        assert item.current_wording == wording, item.number
        assert item.current_status == status, item.number


def test_item_and_status_texts_are_verbatim_from_the_document():
    source = source_text()
    for item in ActionItem.objects.all():
        assert normalise(item.text) in source, item.number
    for report in StatusReport.objects.all():
        assert normalise(report.wording) in source, report


def test_component_titles_are_the_documents_including_the_garbled_one():
    titles = dict(Component.objects.values_list("number", "title"))
    source = source_text()
    assert f"Component 1: {titles[1]}" in source
    assert f"Component 3: {titles[3]}" in source
    # Component 2's row is garbled in the extraction; its title is the heading of section B.
    assert titles[2] == (
        "Maximizing the opportunities of UN reform to promote tripartism and support Member "
        "States in achieving decent work"
    )
    assert f"B. {titles[2]}" in source


def test_paragraphs_are_quoted_verbatim():
    # The fixture drops footnote marks ("reform ¹ was"), and so does this comparison.
    source = re.sub(r" ?[⁰¹²³⁴⁵⁶⁷⁸⁹]+", "", source_text()).replace("US\\$", "US$")
    assert Paragraph.objects.filter(session__code="GB.340").count() == 47
    for paragraph in Paragraph.objects.all():
        for sentence in normalise(paragraph.text).split(". "):
            assert in_source_across_a_page_break(sentence, source), (paragraph.number, sentence)


def in_source_across_a_page_break(sentence: str, source: str) -> bool:
    """True if the sentence is in the source whole, or in two parts (a page break between)."""
    if sentence in source:
        return True
    words = sentence.split(" ")
    return any(
        " ".join(words[:cut]) in source and " ".join(words[cut:]) in source
        for cut in range(1, len(words))
    )


def test_status_reports_cite_the_paragraphs_that_report_on_them():
    def cited(number: int) -> set[int]:
        report = StatusReport.objects.get(action_item__number=number, session__code="GB.340")
        return set(report.paragraphs.values_list("number", flat=True))

    assert cited(1) >= {40, 41}
    assert cited(2) >= {42, 43}
    assert cited(10) == {47}


def test_responsible_units_are_those_the_document_names():
    item_1 = ActionItem.objects.get(number=1)
    assert {"ACT/EMP", "ACTRAV"} <= set(item_1.responsible_units.values_list("code", flat=True))
    item_6 = ActionItem.objects.get(number=6)
    assert list(item_6.responsible_units.values_list("code", flat=True)) == ["Turin Centre"]


def test_sessions_record_the_endorsement_the_cancellation_and_the_report():
    sessions = {session.code: session for session in GoverningBodySession.objects.all()}
    assert list(sessions) == ["GB.335", "GB.338", "GB.340"]
    assert sessions["GB.338"].cancelled
    assert sessions["GB.340"].document_symbol == "GB.340/INS/6"
    assert ActionItem.objects.first().plan.endorsed_at == sessions["GB.335"]
    # The document reports statuses to GB.340 only; none is invented for the others.
    assert set(StatusReport.objects.values_list("session__code", flat=True)) == {"GB.340"}


def test_every_country_the_document_reports_is_engaged_with_its_paragraph():
    for number, codes in ENGAGED.items():
        found = set(
            Engagement.objects.filter(source_paragraph__number=number).values_list(
                "country__code", flat=True
            )
        )
        assert found == codes, number
    assert Region.objects.count() == 5
    for country in Country.objects.select_related("region"):
        assert country.engagements.exists(), country


def test_engagements_name_the_constituents_and_step():
    uganda = Engagement.objects.get(
        country__code="UG", kind=Kind.CF_VALIDATION, source_paragraph__number=13
    )
    assert uganda.constituents == ["Government", "Workers", "Employers"]
    india = Engagement.objects.get(
        country__code="IN", kind=Kind.CF_PRIORITIES, source_paragraph__number=15
    )
    assert india.constituents == ["Workers", "Employers"]
    argentina_cca = Engagement.objects.get(country__code="AR", kind=Kind.CCA)
    assert argentina_cca.constituents == ["Workers"]
    # Para. 32: resident coordinators opened doors for the ILO to ministries of finance and
    # planning, which are not the ILO's constituents.
    for code in ("NA", "ZM"):
        outreach = Engagement.objects.get(country__code=code, source_paragraph__number=32)
        assert outreach.constituents == [], code


def test_an_engagement_has_a_year_only_where_its_paragraph_states_it():
    dated = Engagement.objects.exclude(year=None).select_related("source_paragraph")
    for engagement in dated:
        assert str(engagement.year) in engagement.description, engagement
        assert str(engagement.year) in engagement.source_paragraph.text, engagement
    assert sorted(dated.values_list("country__code", "year")) == [
        ("AR", 2020),
        ("MK", 2019),
        ("RS", 2019),
    ]


def snapshot() -> dict:
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (ActionItem, Component, StatusReport, Paragraph, Unit, Country, Engagement)
    }


def test_loading_twice_changes_nothing():
    before = snapshot()
    out = StringIO()
    call_command("load_document", stdout=out)
    assert snapshot() == before
    assert "plan_2019_20.yaml: 32 records, 0 new" in out.getvalue()
    assert all(line.endswith(", 0 new") for line in out.getvalue().splitlines())


def test_loading_again_keeps_what_staff_edited_unless_asked_to_update(django_user_model):
    # GB.340 is published: only a superuser's correction can change it.
    editor = django_user_model.objects.create_user("root", is_superuser=True)
    item = ActionItem.objects.get(number=6)
    report = item.status_reports.get()
    item.report_status(
        report.session,
        status=Status.COMPLETED,
        wording="Completed",
        reason="Done",
        by=editor,
        seen_version=report.version,
    )
    call_command("load_document", verbosity=0)
    report.refresh_from_db()
    assert (report.wording, report.version) == ("Completed", 2)

    out = StringIO()
    call_command("load_document", "--update", stdout=out)
    report.refresh_from_db()
    assert report.wording == "Starting 2020"
    assert "plan_2019_20.yaml: 32 records, 0 new, 1 updated" in out.getvalue()
    assert report.history.latest().history_change_reason == "Updated from plan_2019_20.yaml"


def test_an_update_keeps_the_units_coordinators_assigned():
    """The document names the units of a few items; coordinators assign the rest at /units/."""
    named = ActionItem.objects.get(number=1)  # ACT/EMP, ACTRAV and the Turin Centre
    unnamed = ActionItem.objects.get(number=12)
    pardev, _ = Unit.objects.get_or_create(code="PARDEV", defaults={"name": "PARDEV"})
    named.responsible_units.add(pardev)
    named.responsible_units.remove(named.responsible_units.get(code="ACTRAV"))
    unnamed.responsible_units.add(pardev)

    call_command("load_document", "--update", verbosity=0)

    assert set(named.responsible_units.values_list("code", flat=True)) == {
        "ACT/EMP",
        "ACTRAV",
        "Turin Centre",
        "PARDEV",
    }
    assert list(unnamed.responsible_units.values_list("code", flat=True)) == ["PARDEV"]
