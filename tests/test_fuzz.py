"""Arbitrary input never breaks the site: every read page and the sign-in form, as anonymous.

Derandomized, so CI always runs the same examples; for a larger, random local run:
    FUZZ_MAX_EXAMPLES=2000 FUZZ_RANDOM=1 make test PYTEST_ARGS=tests/test_fuzz.py
"""

import os
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import example, given, settings
from hypothesis import strategies as st

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
    | st.sampled_from(["csv", "xlsx", "json", "latex", "-", "0", "-1", "9" * 30])
)
QUERIES = st.dictionaries(PARAMETER_NAMES, VALUES, max_size=5)
PATHS = (
    st.sampled_from(["/", "/appendix/", "/countries/", "/accounts/login/"])
    | st.integers(min_value=0, max_value=10**40).map(lambda n: f"/actions/{n}/")
    | st.text(min_size=1, max_size=300).map(lambda code: f"/countries/{quote(code, safe='')}/")
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
