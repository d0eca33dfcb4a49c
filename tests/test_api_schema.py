"""The API keeps to its OpenAPI schema: the schema is valid OpenAPI 3 (openapi-spec-validator),
and schemathesis sends generated requests, valid and not, to every operation of the live API
and checks each answer against it (status, content type, headers, body; never a 5xx; bad input
refused with a 4xx). A few examples per operation in CI; more with API_FUZZ_EXAMPLES=500."""

import os

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.generation.modes import GenerationMode

from api.schema import openapi_schema

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))


def test_the_schema_is_valid_openapi(client, db):
    served = client.get("/api/v1/schema/")
    assert served.status_code == 200
    validate(served.json())
    assert served.json() == openapi_schema()


def test_every_route_is_described(db):
    from django.urls import get_resolver

    from api import urls

    described = set(openapi_schema()["paths"])
    for pattern in urls.urlpatterns:
        route = "/api/v1/" + str(pattern.pattern)
        route = route.replace("<slug:slug>", "{slug}").replace("<int:number>", "{number}")
        route = route.replace("<str:code>", "{code}").replace("<str:iso>", "{iso}")
        if pattern.name in {"schema", "docs"}:
            continue
        assert route in described, route
    assert get_resolver()  # the URLconf loads


@pytest.fixture(scope="module", autouse=True)
def _reload_after_the_live_server(django_db_blocker):
    """Leave the database as tests/conftest.py sets it up (the live server's test flushes it)."""
    yield
    with django_db_blocker.unblock():
        call_command("load_document", verbosity=0)


@pytest.fixture
def live_api(live_server, transactional_db, settings):
    settings.API_RATE_LIMIT = 0  # schemathesis sends hundreds of requests from one address
    call_command("load_document", verbosity=0)
    return live_server.url


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_live_api_keeps_to_its_schema(live_api, mode):
    """Every operation, with data that fits the schema (answered 2xx, or 404 for an identifier
    that does not exist) and data that does not (refused with a 4xx)."""
    schema = schemathesis.openapi.from_url(f"{live_api}/api/v1/schema/")
    for path in openapi_schema()["paths"]:
        operation = schema[path]["GET"]

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=not os.environ.get("API_FUZZ_RANDOM"),
            database=None,
        )
        def check(case):
            case.call_and_validate(base_url=live_api)

        check()
