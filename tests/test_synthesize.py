"""`manage.py synthesize`: deterministic synthetic data beside the document's, never in
production. At a tiny scale here; scale 1 (the benchmark's) takes tens of seconds."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from actions.models import ActionItem, Plan
from actions.reporting import GoverningBodySession, StatusReport
from countries.management.commands.synthesize import UN_MEMBERS_CODES
from countries.models import Country, Engagement

pytestmark = pytest.mark.django_db
TINY = 0.05


@pytest.fixture
def development(settings):
    settings.DEBUG = True


def synthesize(**options) -> None:
    call_command("synthesize", scale=TINY, verbosity=0, **options)


def snapshot() -> dict:
    """Counts, and sample rows named by what they are rather than by their ids."""
    engagements = Engagement.objects.order_by("country__code", "kind", "source_paragraph__number")
    return {
        "counts": [
            model.objects.count()
            for model in (Plan, ActionItem, GoverningBodySession, StatusReport, Engagement)
        ]
        + [
            model.history.count()
            for model in (ActionItem, GoverningBodySession, StatusReport, Engagement)
        ],
        "items": list(
            ActionItem.objects.filter(plan__code__startswith="synthetic-")
            .order_by("plan__code", "number")
            .values_list("plan__code", "number", "text", "due_date", "component__number")
        ),
        "reports": list(
            StatusReport.objects.order_by(
                "action_item__plan__code", "action_item__number", "id"
            ).values_list("action_item__number", "session__code", "status", "version")[:50]
        ),
        "engagements": list(
            engagements.values_list(
                "country__code", "kind", "year", "date", "government", "workers", "description"
            )[::37]
        ),
    }


def run_and_roll_back(**options) -> dict:
    with transaction.atomic():
        synthesize(**options)
        taken = snapshot()
        transaction.set_rollback(True)
    return taken


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(development):
    first = run_and_roll_back(seed=7)
    assert first == run_and_roll_back(seed=7)
    other = run_and_roll_back(seed=8)
    assert other["engagements"] != first["engagements"]


def test_every_un_member_state_is_engaged(development):
    synthesize()
    assert len(UN_MEMBERS_CODES) == 193
    assert Country.objects.engaged().filter(code__in=UN_MEMBERS_CODES).count() == 193
    # Every item is reported to every session since its plan was endorsed.
    for item in ActionItem.objects.filter(plan__code__startswith="synthetic-"):
        since = GoverningBodySession.objects.filter(
            held_in__gte=item.plan.endorsed_at.held_in, code__startswith="GB.4"
        )
        assert item.status_reports.count() == since.count()
    # The history ends where the data is: the last version of each row is the row.
    engagement = Engagement.objects.filter(country__code="FR").first()
    last = engagement.history.order_by("-history_date").first()
    assert last.description == engagement.description


def test_the_documents_data_is_left_as_it_is_and_stays_the_sites_subject(client, development):
    def documents_data():
        return (
            list(ActionItem.objects.filter(plan__code="2019-20").values()),
            list(StatusReport.objects.filter(action_item__plan__code="2019-20").values()),
            list(Engagement.objects.filter(source_paragraph__session__code="GB.340").values()),
            list(GoverningBodySession.objects.filter(code__lt="GB.4").values()),
        )

    before = documents_data()
    synthesize()
    assert documents_data() == before
    assert Plan.objects.current().code == "2019-20"
    assert GoverningBodySession.objects.latest_reported().code == "GB.340"
    assert GoverningBodySession.objects.reporting() is None
    dashboard = client.get("/")
    assert sum(chart["total"] for chart in dashboard.context["charts"]) == 12


def test_it_refuses_a_database_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="looks like production"):
        synthesize()
    assert not Plan.objects.filter(code__startswith="synthetic-").exists()


def test_it_refuses_a_database_that_people_have_edited(development, editor):
    engagement = Engagement.objects.first()
    engagement._history_user = editor
    engagement.description = "Corrected by an editor."
    engagement.save()
    with pytest.raises(CommandError, match="people have edited"):
        synthesize()
    assert not Plan.objects.filter(code__startswith="synthetic-").exists()
    synthesize(force=True)
    assert Plan.objects.filter(code__startswith="synthetic-").exists()


def test_running_it_twice_is_refused_and_changes_nothing(development):
    synthesize()
    counts = snapshot()["counts"]
    with pytest.raises(CommandError, match="already holds synthetic data"):
        synthesize()
    assert snapshot()["counts"] == counts


@pytest.mark.parametrize("scale", [0, -1, 11])
def test_a_scale_out_of_range_is_refused(development, scale):
    with pytest.raises(CommandError, match="--scale"):
        call_command("synthesize", scale=scale, verbosity=0)
