"""The reporting round's pages make a fixed number of queries whatever the number of items,
units, focal points and proposals."""

import datetime

import pytest
from django.contrib.auth.models import Group

from actions.models import ActionItem, Unit
from actions.reporting import GoverningBodySession
from actions.round import StatusProposal

from .bulk import grow_the_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["document", "grown"])
def round_data(request, django_user_model):
    """GB.341 open with statuses due; each unit has two focal points; every item of ACTRAV's
    has a proposal. Grown: 60 more items, all ACTRAV's and the Turin Centre's."""
    if request.param == "grown":
        grow_the_data()
        extra = ActionItem.objects.filter(number__gt=12)
        for code in ("ACTRAV", "Turin Centre"):
            Unit.objects.get(code=code).action_items.add(*extra)
    session = GoverningBodySession.objects.create(
        code="GB.399", held_in=datetime.date(2031, 3, 1), period="March 2031",
        statuses_due=datetime.date(2031, 2, 1),
    )  # fmt: skip
    group = Group.objects.get(name="Focal points")
    for unit in Unit.objects.all():
        for n in range(2):
            user = django_user_model.objects.create_user(f"fp-{unit.pk}-{n}")
            user.groups.add(group)
            unit.focal_points.add(user)
    actrav = Unit.objects.get(code="ACTRAV")
    StatusProposal.objects.bulk_create(
        StatusProposal(
            action_item=item,
            session=session,
            unit=actrav,
            status="ongoing",
            wording="Ongoing",
            proposed_by=actrav.focal_points.first(),
        )  # fmt: skip
        for item in actrav.action_items.all()
    )
    return request.param


@pytest.mark.parametrize("query", ["", "?state=proposed", "?_export=csv"])
def test_round_page_budget(editor_client, round_data, query, django_assert_max_num_queries):
    # Session (auth); the user with their permissions (one cache read); the session; the plan;
    # the items with their round state; their units; the units' focal points; the proposals;
    # the counts by state; the units without focal points; the unit filter's choices; the
    # last reminder to each focal point; the as-of stamp. (The CSV leaves out what only the
    # page shows.)
    editor_client.get("/")  # the signed-in user is in the cache from now on (accounts.usercache)
    with django_assert_max_num_queries(13):
        response = editor_client.get(f"/sessions/GB.399/round/{query}")
    assert response.status_code == 200


def test_my_items_budget(client, round_data, django_assert_max_num_queries):
    client.force_login(Unit.objects.get(code="ACTRAV").focal_points.first())
    client.get("/")  # the signed-in user is in the cache from now on (accounts.usercache)
    # Session (auth); the user with their permissions (one cache read); the open session; the
    # user's units; the plan; the items with status and round state; their units; their
    # proposals; the as-of stamp.
    with django_assert_max_num_queries(9):
        response = client.get("/my-items/")
    assert response.status_code == 200
    assert response.content.decode().count("Change the proposal") == (
        61 if round_data == "grown" else 1
    )


def test_publish_page_budget(editor_client, round_data, django_assert_max_num_queries):
    # As before the round, and the round's checks: proposals awaiting review; items with their
    # round state, units, focal points and proposals.
    editor_client.get("/")  # the signed-in user is in the cache from now on (accounts.usercache)
    with django_assert_max_num_queries(14):
        response = editor_client.get("/sessions/GB.399/publish/")
    assert response.status_code == 200
