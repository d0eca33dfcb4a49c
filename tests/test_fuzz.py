"""Arbitrary input never breaks the site: every read page and the sign-in form, as anonymous.

Derandomized, so CI always runs the same examples; for a larger, random local run:
    FUZZ_MAX_EXAMPLES=2000 FUZZ_RANDOM=1 make test PYTEST_ARGS=tests/test_fuzz.py
"""

import os
from urllib.parse import quote

import pytest
import tablib.formats
from django.test import Client, override_settings
from django_tables2.export import TableExport
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reform_tracker.exports import EXPORT_FORMATS
from tests.snapshots import table_rows

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_MAX_EXAMPLES", "40")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    deadline=None,
)
# Failed sign-ins are recorded by design (django-axes, the security log); nothing else may change.
SIGN_IN_RECORDS = frozenset(
    {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "accounts_securityevent"}
)

# The names the pages read, and anything else.
PARAMETER_NAMES = st.sampled_from(["sort", "page", "per_page", "_export", "q", "status"]) | st.text(
    max_size=20
)
VALUES = (
    st.text()
    | st.integers().map(str)
    | st.floats().map(str)
    | st.text(min_size=2000, max_size=5000)
    | st.sampled_from(["csv", "xlsx", "json", "latex", "ods", "xls", "-", "0", "-1", "9" * 30])
)
QUERIES = st.dictionaries(PARAMETER_NAMES, VALUES, max_size=5)
PATHS = (
    st.sampled_from(["/", "/appendix/", "/countries/", "/accounts/login/"])
    | st.integers(min_value=0, max_value=10**40).map(lambda n: f"/actions/{n}/")
    | st.text(min_size=1, max_size=300).map(lambda code: f"/countries/{quote(code, safe='')}/")
    | st.integers(min_value=0, max_value=10**40).map(lambda n: f"/actions/{n}/feed/")
)


def anonymous() -> Client:
    return Client(HTTP_USER_AGENT="fuzz")


@FUZZ
@given(path=PATHS, query=QUERIES)
@example(path="/countries/%00/", query={})
@example(path=f"/actions/{10**30}/", query={})
@example(path="/appendix/", query={"_export": "csv", "sort": "\x00"})
def test_any_query_to_any_page_is_answered_without_a_server_error(path, query):
    before = table_rows()
    response = anonymous().get(path, query)
    assert response.status_code < 500
    assert table_rows() == before


API_PATHS = st.sampled_from(
    [
        "/api/v1/plans/2019-20/items/",
        "/api/v1/sessions/",
        "/api/v1/sessions/GB.340/changes/",
        "/api/v1/countries/",
        "/api/v1/engagements/",
    ]
) | st.text(min_size=1, max_size=100).map(lambda code: f"/api/v1/sessions/{quote(code, safe='')}/")
API_NAMES = st.sampled_from(["page", "page_size", "lang", "since", "country", "region", "kind"])
API_QUERIES = st.dictionaries(API_NAMES | PARAMETER_NAMES, VALUES, max_size=4)


@FUZZ
@given(path=API_PATHS, query=API_QUERIES)
@example(path="/api/v1/engagements/", query={"country": "\x00"})
@example(path="/api/v1/countries/", query={"page": "9" * 30})
def test_any_query_to_the_api_is_answered_in_json(path, query):
    """Never a 5xx, never an HTML page: data, or a problem saying what was wrong."""
    before = table_rows()
    with override_settings(API_RATE_LIMIT=0):
        response = anonymous().get(path, query)
    assert response.status_code < 500
    assert response["Content-Type"] in ("application/json", "application/problem+json")
    assert table_rows() == before


# Every format tablib knows here, those django-tables2 offers (ods, xls: not installed here), and
# tablib's optional ones.
TABLIB_FORMATS = sorted(
    {fmt.title for fmt in tablib.formats.registry.formats()}
    | set(TableExport.FORMATS)
    | {"xls", "ods", "df", "cli", "yaml"}
)


@pytest.mark.parametrize("table", ["/appendix/", "/countries/"])
@pytest.mark.parametrize("name", TABLIB_FORMATS)
def test_every_tablib_format_name_is_a_download_or_the_page_with_a_message(table, name):
    response = anonymous().get(table, {"_export": name, "status": "ongoing"})
    assert response.status_code == 200
    if name in EXPORT_FORMATS:
        assert response["Content-Disposition"].endswith(f'.{name}"')
    else:
        assert response["Content-Type"].startswith("text/html")
        assert f"“{name}” is not a download format" in response.content.decode()
        assert "CSV, XLSX, JSON" in response.content.decode()


LOGIN_FIELDS = st.dictionaries(
    st.sampled_from(["login", "password", "next", "csrfmiddlewaretoken"]) | st.text(max_size=20),
    VALUES,
    max_size=6,
)


@FUZZ
@given(fields=LOGIN_FIELDS)
@example(fields={})
@example(fields={"login": "admin", "password": "\x00"})
@example(fields={"login": "a" * 5000, "password": "x", "next": "//attacker.example/"})
def test_any_sign_in_form_is_answered_without_a_server_error_or_a_change(fields):
    before = table_rows(exclude=SIGN_IN_RECORDS)
    response = anonymous().post("/accounts/login/", fields)
    assert response.status_code < 500
    assert not response.wsgi_request.user.is_authenticated
    assert table_rows(exclude=SIGN_IN_RECORDS) == before
