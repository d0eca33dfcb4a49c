"""Every text that staff write has a limit, said beside the field, and held by the database too."""

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from actions.reporting import GoverningBodySession, ProgressUpdate, StatusReport
from countries.models import Engagement
from tests.snapshots import table_rows

pytestmark = pytest.mark.django_db

# Written on every valid request; a refused one leaves everything else as it was.
BOOKKEEPING = frozenset({"django_session"})


def status_form(**overrides) -> dict:
    data = {
        "status": "completed",
        "wording": "Completed",
        "reason": "Delivered",
        "note": "",
        "wording_fr": "",
        "wording_es": "",
        "version": 0,
    }
    return {**data, **overrides}


def engagement_form(engagement: Engagement, **overrides) -> dict:
    data = {
        "country": engagement.country_id,
        "kind": engagement.kind,
        "year": engagement.year or "",
        "description": engagement.description,
        "source_paragraph": engagement.source_paragraph_id or "",
        "version": engagement.version,
        "reason": "",
    }
    return {**data, **overrides}


def update_form(**overrides) -> dict:
    draft = GoverningBodySession.objects.get(code="GB.341")
    data = {"date": "2021-02-01", "narrative": "Piloted.", "evidence_url": "", "session": draft.pk}
    return {**data, **overrides}


def session_form(**overrides) -> dict:
    data = {
        "code": "GB.341",
        "held_in": "2021-03-01",
        "period": "March 2021",
        "document_symbol": "GB.341/INS/8",
        "document_title": "",
    }
    return {**data, **overrides}


def first_engagement() -> Engagement:
    return Engagement.objects.order_by("pk").first()


# (form, field, over-long value, limit); the draft session GB.341 is open for all but the last.
CASES = [
    ("status", "wording", "x" * 501, 500),
    ("status", "wording_fr", "x" * 501, 500),
    ("status", "wording_es", "x" * 501, 500),
    ("status", "reason", "x" * 301, 300),
    ("status", "note", "x" * 2001, 2000),
    ("update", "narrative", "x" * 2001, 2000),
    ("update", "evidence_url", "https://example.org/" + "x" * 490, 500),
    ("add-engagement", "description", "x" * 1_000_000, 4000),
    ("edit-engagement", "description", "x" * 4001, 4000),
    ("edit-engagement", "reason", "x" * 301, 300),
    ("session", "period", "x" * 101, 100),
    ("session", "document_symbol", "x" * 41, 40),
    ("session", "document_title", "x" * 301, 300),
]


def post(client, form: str, field: str, value: str):
    if form == "status":
        return client.post("/actions/6/status/", status_form(**{field: value}))
    if form == "update":
        return client.post("/actions/6/updates/add/", update_form(**{field: value}))
    if form == "add-engagement":
        return client.post(
            "/countries/ug/engagements/add/", engagement_form(first_engagement(), **{field: value})
        )
    if form == "edit-engagement":
        engagement = first_engagement()
        url = reverse("countries:edit-engagement", args=[engagement.pk])
        return client.post(url, engagement_form(engagement, **{field: value}))
    return client.post("/sessions/new/", session_form(**{field: value}))


@pytest.mark.parametrize(("form", "field", "value", "limit"), CASES)
def test_an_over_long_text_is_refused_beside_its_field_and_nothing_is_saved(
    editor_client, form, field, value, limit
):
    if form != "session":
        GoverningBodySession.objects.create(
            code="GB.341", held_in="2021-03-01", period="March 2021"
        )
    before = table_rows(exclude=BOOKKEEPING)
    response = post(editor_client, form, field, value)
    assert response.status_code == 422
    html = response.content.decode()
    assert f"Ensure this value has at most {limit} characters (it has {len(value)})." in html
    assert table_rows(exclude=BOOKKEEPING) == before


def test_a_reason_of_the_full_length_is_kept_whole_in_the_history(editor_client, gb341):
    reason = ("Confirmed by the regional office after the mission " * 6)[:299] + "."
    response = editor_client.post("/actions/6/status/", status_form(reason=reason))
    assert response.status_code == 302
    report = StatusReport.objects.get(session=gb341, action_item__number=6)
    assert report.history.latest().history_change_reason == reason


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Engagement, "description", 4000),
        (StatusReport, "wording", 500),
        (StatusReport, "narrative", 4000),
        (ProgressUpdate, "narrative", 2000),
        (GoverningBodySession, "notes", 4000),
    ],
)
def test_the_database_refuses_an_over_long_text_written_past_the_forms(editor, model, field, limit):
    if model is ProgressUpdate:
        ProgressUpdate.objects.create(
            action_item=StatusReport.objects.first().action_item,
            session=GoverningBodySession.objects.first(),
            narrative="Piloted.",
            created_by=editor,
        )
    row = model.objects.order_by("pk").first()
    setattr(row, field, "x" * (limit + 1))
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        row.save(update_fields=[field])


def test_admin_refuses_an_over_long_description_beside_the_field(admin_client):
    engagement = first_engagement()
    url = reverse("admin:countries_engagement_change", args=[engagement.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["description"] = "x" * 4001
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    engagement.refresh_from_db()
    assert len(engagement.description) < 4001
