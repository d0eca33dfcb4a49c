"""The API's documentation page: Swagger UI, served from the site's own static files under its
Content-Security-Policy, reads the schema and lists every operation; nothing logs an error and
no request leaves the site."""

import pytest
from playwright.sync_api import expect

from api.schema import openapi_schema

from .test_console import watch

pytestmark = pytest.mark.browser


def test_the_documentation_shows_every_operation_under_the_csp(page, site):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    problems = watch(page, {})
    response = page.goto(site.url + "/api/v1/docs/")
    assert "script-src" not in response.headers["content-security-policy"]
    operations = page.locator(".opblock-summary-path")
    expect(operations.first).to_be_visible()
    paths = set(operations.evaluate_all("nodes => nodes.map(n => n.dataset.path)"))
    assert paths == set(openapi_schema()["paths"])
    # Try one: the API answers the page's own request.
    page.locator(".opblock-summary-control").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "200"
    )
    page.wait_for_load_state("networkidle")
    assert not problems, "\n".join(problems)
    assert all(url.startswith((site.url, "data:")) for url in requested), requested
