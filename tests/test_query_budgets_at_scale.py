"""Every main page makes the same number of queries on the document's data and with synthetic
data beside it (`synthesize`: more plans, sessions, 193 countries, history), anonymous and as
an editor. The page cache is off here (tests/conftest.py): these are the pages' own queries."""

import pytest
from django.core.management import call_command

from countries.models import Engagement

pytestmark = pytest.mark.django_db

# Path: (anonymous, editor) budgets. An editor's request adds their session and one cache read
# for their user with their permissions and two-factor standing (accounts/usercache.py; the
# two-factor rule asks nothing more of a session signed in with a code).
BUDGETS = {
    # Plan; components; status counts; regions with counts; overdue items; latest reports; key
    # figures; the as-of stamp's session.
    "/": (8, 10),
    # Plan; (editor: the open draft); count; page of items; the as-of stamp; component choices;
    # the number of overdue items.
    "/appendix/": (6, 9),
    # Plan; item; its history (item, reports, progress updates); sessions of the timeline;
    # reports; their paragraphs; related engagements; progress updates; as-of stamp.
    # (editor: the open draft.)
    "/actions/2/": (11, 14),
    # Sessions (the page's and the one compared with); plan; items with both statuses; new
    # engagements; the sessions to compare with; as-of stamp.
    "/sessions/GB.340/changes/?since=GB.335": (7, 9),
    # Session; plan; the previous published one; items as reported; as-of stamp.
    "/sessions/GB.340/": (5, 7),
    # Sessions with report counts; as-of stamp.
    "/sessions/": (2, 4),
    # Regions of the filter; count; page of countries; their engagements' summaries; every
    # engaged country for the map; as-of stamp.
    "/countries/": (6, 8),
    # The country with its count; one page of its engagements; as-of stamp.
    "/countries/ar/": (3, 5),
    # Engagements of the matrix's steps with their countries; as-of stamp.
    "/countries/matrix/": (2, 4),
}
# With the page cache on, an editor's page read again: their session, their user (one cache
# read), the page (one cache read). No part of the view runs.
CACHED_EDITOR_BUDGET = 3


@pytest.fixture(params=["document", "synthetic"])
def data(request, settings) -> str:
    if request.param == "synthetic":
        settings.DEBUG = True  # synthesize refuses a production-looking database
        call_command("synthesize", scale=0.02, verbosity=0)
        settings.DEBUG = False
    return request.param


@pytest.mark.parametrize("path", BUDGETS)
def test_a_page_makes_as_many_queries_at_any_size(
    client, data, path, django_assert_max_num_queries, request
):
    anonymous, signed_in = BUDGETS[path]
    with django_assert_max_num_queries(anonymous):
        assert client.get(path).status_code == 200
    editor = request.getfixturevalue("two_factor_editor_client")
    with django_assert_max_num_queries(signed_in):
        assert editor.get(path).status_code == 200


@pytest.mark.parametrize("path", BUDGETS)
def test_an_editors_cached_page_costs_three_queries_at_any_size(
    two_factor_editor_client, data, path, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    two_factor_editor_client.get(path)
    with django_assert_max_num_queries(CACHED_EDITOR_BUDGET):
        page = two_factor_editor_client.get(path).content.decode()
    assert "Sign out" in page


def test_a_country_with_hundreds_of_engagements_is_paged(client, django_assert_max_num_queries):
    argentina = Engagement.objects.filter(country__code="AR").first()
    Engagement.objects.bulk_create(
        Engagement(
            country=argentina.country,
            kind=argentina.kind,
            year=2000 + n % 20,
            description=f"Engagement {n}",
        )
        for n in range(120)
    )
    total = Engagement.objects.filter(country__code="AR").count()
    with django_assert_max_num_queries(BUDGETS["/countries/ar/"][0]):
        first = client.get("/countries/ar/").content.decode()
    assert first.count('class="engagement"') == 50
    assert f"of {total}" in first
    last = client.get("/countries/ar/", {"page": 99}).content.decode()
    assert "There is no page 99" in last
    assert last.count('class="engagement"') == total - 100


# The API's list endpoints (/api/v1/): each resource's own queries, the same at any size.
API_BUDGETS = {
    # Count; page of plans; their components.
    "/api/v1/plans/": 3,
    # The plan; count; page of items with their current status; their units.
    "/api/v1/plans/2019-20/items/": 4,
    # Count; page of sessions.
    "/api/v1/sessions/": 2,
    # The session; the current plan; count; page of items as reported to it.
    "/api/v1/sessions/GB.340/statuses/": 4,
    # Both sessions; the current plan; items with both statuses; new engagements.
    "/api/v1/sessions/GB.340/changes/?since=GB.335": 5,
    # Regions with their counts.
    "/api/v1/regions/": 1,
    # Count; page of countries with their counts; their engagements' summaries.
    "/api/v1/countries/": 3,
    # Count; page of engagements with country and source.
    "/api/v1/engagements/": 2,
    # Key figures with their paragraphs.
    "/api/v1/key-figures/": 1,
}
# Around each answer, without a token: this address's request count (read, then written back:
# with the database cache, the table's size, a savepoint, the row, its update, the release), the
# data version, the time it was first seen. With a token: the token and its user, the user's and
# their groups' permissions (drafts or not), the data version and its time.
API_ANONYMOUS, API_TOKEN = 8, 5


@pytest.mark.parametrize("path", API_BUDGETS)
def test_an_api_list_makes_as_many_queries_at_any_size(
    client, editor, data, path, django_assert_max_num_queries
):
    from api.models import ApiToken

    token = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(editor, 'budget')[1]}"}
    client.get(path)  # this address's count and the data version's time exist from now on
    with django_assert_max_num_queries(API_ANONYMOUS + API_BUDGETS[path]):
        assert client.get(path).status_code == 200
    with django_assert_max_num_queries(API_TOKEN + API_BUDGETS[path]):
        assert client.get(path, **token).status_code == 200


def test_an_editors_save_makes_as_many_queries_at_any_size(
    two_factor_editor_client, data, gb341, settings, django_assert_max_num_queries
):
    """The status form's save through htmx, with the page cache and two factors on."""
    settings.PAGE_CACHE_SECONDS = 600
    htmx = {"HTTP_HX_REQUEST": "true"}
    two_factor_editor_client.get("/actions/6/status/", **htmx)
    form = {"status": "ongoing", "wording": "Ongoing", "reason": "Budget", "note": "", "version": 0}
    # Session, user; plan, item, the open draft, its report; the form's checks of the status and
    # the three wordings (each in a savepoint within the test's transaction); the save: the
    # report read again, saved, its history row, and for each of the two the data version (a
    # cache write: four queries with the database cache); the cell: the item with its statuses,
    # the as-of stamp. Once committed, the data version is written once more (not once per row).
    with django_assert_max_num_queries(36):
        response = two_factor_editor_client.post("/actions/6/status/", form, **htmx)
    assert response.status_code == 200
