"""Each page makes the same, fixed number of queries on the document's data and on data several
times larger (60 more items, 4 more sessions reporting on every item, 80 more countries)."""

import pytest

from .bulk import grow_the_data

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["document", "grown"])
def data(request) -> str:
    if request.param == "grown":
        grow_the_data()
    return request.param


def test_dashboard_budget(client, data, django_assert_max_num_queries):
    # Plan; components; status counts (one GROUP BY); regions with counts; overdue items;
    # latest reports; key figures; the session of the as-of stamp.
    with django_assert_max_num_queries(8):
        response = client.get("/")
    assert response.status_code == 200
    assert sum(chart["total"] for chart in response.context["charts"]) == (
        72 if data == "grown" else 12
    )


@pytest.mark.parametrize("query", ["", "?sort=due_by&page=2", "?status=ongoing&q=e&overdue=yes"])
def test_appendix_budget(client, data, query, django_assert_max_num_queries):
    # Plan; count for the paginator; the page of items (component, plan and status joined or
    # subqueried); the component choices of the filter; the session of the as-of stamp; the
    # number of overdue items.
    with django_assert_max_num_queries(6):
        response = client.get(f"/appendix/{query}")
    assert response.status_code == 200


def test_appendix_budget_with_a_component_filter(client, data, django_assert_max_num_queries):
    # As above, and the component chosen, looked up when the form checks it.
    with django_assert_max_num_queries(7):
        response = client.get("/appendix/?component=1")
    assert response.status_code == 200


@pytest.mark.parametrize("export", ["csv", "xlsx", "json"])
def test_appendix_export_budget(client, data, export, django_assert_max_num_queries):
    # Plan; every filtered item with its component and status.
    with django_assert_max_num_queries(2):
        response = client.get(f"/appendix/?status=ongoing&_export={export}")
    assert response.status_code == 200


def test_action_page_budget(client, data, django_assert_max_num_queries):
    # Plan; the item with component, plan, endorsing session and status; the sessions of the
    # timeline; the item's reports; their paragraphs with sessions; the related engagements with
    # country, region and paragraph; the session of the as-of stamp; the progress updates; the
    # history of the item, of its reports (with session) and of its progress updates.
    with django_assert_max_num_queries(11):
        response = client.get("/actions/2/")
    page = response.content.decode()
    assert page.count("<blockquote>") == (4 + 4 * 3 if data == "grown" else 4)
    assert page.count('href="/countries/') - page.count('href="/countries/"') == (
        11 + 80 if data == "grown" else 11
    )
