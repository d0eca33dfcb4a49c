"""The open-data API (/api/v1/): the same answers as the pages, nothing unpublished without an
editor's token, HTTP as clients expect it (ETag and 304, problem+json errors, CORS, languages,
a rate limit), and tokens made and revoked on the account page."""

import html
import json
import re

import pytest
from django.urls import reverse

from actions.models import ActionItem
from actions.reporting import Status
from api.models import ApiToken, digest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PLAN_ITEMS = "/api/v1/plans/2019-20/items/"


def get(client, path, token: str | None = None, **meta):
    if token:
        meta["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(path, **meta)


def data(response) -> dict:
    assert response["Content-Type"] == "application/json", response.content[:300]
    return json.loads(response.content)


def every(client, path, token=None, **meta) -> list[dict]:
    """All results of a paged list, following `next`."""
    found, address = [], path
    while address:
        page = data(get(client, address, token, **meta))
        found += page["results"]
        address = page["next"]
    return found


@pytest.fixture
def draft_report(gb341, editor):
    """A status drafted for GB.341 by a named editor: nothing of it may reach the public."""
    item = ActionItem.objects.get(plan__code="2019-20", number=4)
    item.report_status(
        gb341,
        status=Status.COMPLETED,
        wording="Secret draft wording",
        reason="draft",
        by=editor,
        seen_version=0,
    )
    return gb341


@pytest.fixture
def editor_token(editor) -> str:
    return ApiToken.issue(editor, "scripts")[1]


@pytest.fixture
def viewer_token(viewer) -> str:
    return ApiToken.issue(viewer, "dashboard")[1]


# --- The same answers as the pages ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_action_items_are_the_appendix(client, language):
    prefix = "" if language == "en" else f"/{language}"
    rows = json.loads(client.get(f"{prefix}/appendix/?_export=json").content)
    items = every(client, f"{PLAN_ITEMS}?lang={language}")
    as_page = [list(row.values())[1:] for row in rows]  # No., Action item, Due by, Status
    as_api = [[i["number"], i["text"], i["due_by"], i["status_wording"]] for i in items]
    assert as_api == as_page
    # The overdue flag: the Appendix's Overdue column, by the one rule.
    page = client.get(f"{prefix}/appendix/").content.decode()
    overdue_on_page = {
        int(number)
        for number, cell in re.findall(
            r'<tr id="item-(\d+)".*?<td class="overdue-column"[^>]*>([^<]*)</td>', page, re.S
        )
        if cell.strip() != {"en": "No", "fr": "Non", "es": "No"}[language]
    }
    assert {i["number"] for i in items if i["overdue"]} == overdue_on_page != set()


def test_an_item_has_its_due_date_status_and_units(client):
    item = data(get(client, f"{PLAN_ITEMS}4/"))
    assert item["due_by"] == "By end 2019" and item["due_date"] == "2019-12-31"
    assert item["status"] == "ongoing" and item["status_session"] == "GB.340"
    assert item["overdue"] is True
    assert isinstance(item["responsible_units"], list)


def test_french_says_which_fields_are_english(client):
    by_header = data(get(client, f"{PLAN_ITEMS}4/", HTTP_ACCEPT_LANGUAGE="fr-CH, en;q=0.5"))
    by_parameter = data(get(client, f"{PLAN_ITEMS}4/?lang=fr"))
    assert by_header == by_parameter
    assert by_parameter["status_label"] == "En cours"
    assert by_parameter["untranslated"] == ["text", "status_wording"]
    assert data(get(client, f"{PLAN_ITEMS}4/"))["untranslated"] == []
    item = ActionItem.objects.get(plan__code="2019-20", number=4)
    item.text_fr = "Élaboration de ressources"
    item.save()
    translated = data(get(client, f"{PLAN_ITEMS}4/?lang=fr"))
    assert translated["text"] == "Élaboration de ressources"
    assert translated["untranslated"] == ["status_wording"]


def test_a_sessions_changes_are_its_changes_page(client):
    page = client.get("/sessions/GB.340/changes/?since=GB.335").content.decode()
    changes = data(get(client, "/api/v1/sessions/GB.340/changes/?since=GB.335"))
    summary = re.search(r'<p class="summary">(.*?)</p>', page, re.S).group(1)
    assert changes["summary"] == summary.strip()
    changed = [c["number"] for c in changes["items"] if c["changed"]]
    for number in changed:
        assert f'href="/actions/{number}/"' in page
    assert len(changes["new_engagements"]) == 48
    # Without ?since=, the previous published session, as on the page: GB.340 has none.
    default = data(get(client, "/api/v1/sessions/GB.340/changes/"))
    assert default["since"] is None and default["items"] == []
    assert 'class="summary"' not in client.get("/sessions/GB.340/changes/").content.decode()


def test_a_sessions_statuses_are_its_page(client):
    page = client.get("/sessions/GB.340/").content.decode()
    statuses = every(client, "/api/v1/sessions/GB.340/statuses/")
    assert len(statuses) == 12
    for status in statuses:
        assert status["wording"] in page


def test_countries_are_the_countries_table(client):
    rows = json.loads(client.get("/countries/?_export=json").content)
    countries = every(client, "/api/v1/countries/")
    table = {row["ISO code"]: row for row in rows}
    assert [c["iso"] for c in countries] == sorted(table)
    for country in countries:
        row = table[country["iso"]]
        assert (country["name"], country["engagement_count"]) == (
            row["Country"],
            row["Engagements"],
        )
        cited = "; ".join(
            f"{s['document']}, {'para.' if len(s['paragraphs']) == 1 else 'paras'} "
            + ", ".join(map(str, s["paragraphs"]))
            for s in country["sources"]
        )
        assert cited == row["Paragraphs"]
    regions = data(get(client, "/api/v1/regions/"))["results"]
    assert sum(r["engagements"] for r in regions) == sum(c["engagement_count"] for c in countries)


@pytest.mark.parametrize(
    "query",
    ["region=africa", "kind=cca", "constituent=workers", "kind=cca&constituent=employers"],
)
def test_filtered_countries_are_the_filtered_table(client, query):
    rows = json.loads(client.get(f"/countries/?_export=json&{query}").content)
    countries = every(client, f"/api/v1/countries/?{query}")
    assert sorted(c["iso"] for c in countries) == sorted(row["ISO code"] for row in rows)


def test_engagements_filter_by_country_region_kind_and_constituent(client):
    argentina = every(client, "/api/v1/engagements/?country=ar")
    assert len(argentina) == 2 and {e["country"] for e in argentina} == {"AR"}
    africa = every(client, "/api/v1/engagements/?region=africa")
    assert len(africa) == 16
    workers_cca = every(client, "/api/v1/engagements/?kind=cca&constituent=workers")
    assert workers_cca and all(
        e["kind"] == "cca" and "workers" in e["constituents"] for e in workers_cca
    )
    assert all(e["source"]["document"] == "GB.340/INS/6" for e in argentina)


def test_key_figures_are_the_dashboards(client):
    figures = data(get(client, "/api/v1/key-figures/"))["results"]
    page = client.get("/").content.decode()
    shown = re.findall(r'<strong class="figure-value">(.*?)</strong> (.*?)</p>', page)
    assert (
        [(f["value"], f["label"]) for f in figures]
        == [(html.unescape(value), html.unescape(label)) for value, label in shown]
        != []
    )


# --- Nothing unpublished without an editor's token -----------------------------------------------


def api_text(client, token=None) -> str:
    paths = [
        "/api/v1/sessions/",
        "/api/v1/plans/",
        PLAN_ITEMS,
        f"{PLAN_ITEMS}4/",
        "/api/v1/sessions/GB.340/statuses/",
        "/api/v1/sessions/GB.340/changes/",
        "/api/v1/countries/",
        "/api/v1/engagements/?page_size=100",
    ]
    return " ".join(get(client, path, token).content.decode() for path in paths)


def feeds_text(client) -> str:
    return " ".join(
        client.get(path).content.decode()
        for path in ["/sessions/feed/", "/actions/4/feed/", "/fr/sessions/feed/"]
    )


def test_no_draft_or_staff_name_without_an_editors_token(client, draft_report, viewer_token):
    for token in (None, viewer_token):
        text = api_text(client, token)
        assert "GB.341" not in text and "Secret draft" not in text
        assert "editor" not in text.replace("editor's", "")
        for path in ["/api/v1/sessions/GB.341/", "/api/v1/sessions/GB.341/statuses/"]:
            response = get(client, path, token)
            assert response.status_code == 404
            assert response["Content-Type"] == "application/problem+json"
        refused = get(client, "/api/v1/sessions/GB.340/changes/?since=GB.341", token)
        assert refused.status_code == 404
    text = feeds_text(client)
    assert "GB.341" not in text and "Secret draft" not in text and ">editor<" not in text


def test_a_signed_in_editors_session_does_not_open_drafts_to_the_api(editor_client, draft_report):
    assert "GB.341" not in api_text(editor_client)


def test_an_editors_token_reads_drafts(client, draft_report, editor_token):
    sessions = [s["code"] for s in every(client, "/api/v1/sessions/", editor_token)]
    assert "GB.341" in sessions
    statuses = every(client, "/api/v1/sessions/GB.341/statuses/", editor_token)
    assert "Secret draft wording" in [s["wording"] for s in statuses]
    response = get(client, "/api/v1/sessions/GB.341/", editor_token)
    assert response["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in response


# --- HTTP ----------------------------------------------------------------------------------------


def test_etag_and_304_until_the_data_changes(client, editor, gb341):
    first = get(client, PLAN_ITEMS)
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    assert first["Cache-Control"] == "public, max-age=60"
    again = get(client, PLAN_ITEMS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    # Another language is another answer.
    assert get(client, f"{PLAN_ITEMS}?lang=fr", HTTP_IF_NONE_MATCH=etag).status_code == 200
    item = ActionItem.objects.get(plan__code="2019-20", number=4)
    item.report_status(
        gb341, status=Status.COMPLETED, wording="Done", reason="r", by=editor, seen_version=0
    )
    gb341.publish(by=editor)
    changed = get(client, PLAN_ITEMS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert data(changed)["results"][3]["status_wording"] == "Done"


@pytest.mark.parametrize(
    ("path", "status", "named"),
    [
        ("/api/v1/nothing-here/", 404, None),
        ("/api/v1/sessions/GB.999/", 404, None),
        ("/api/v1/plans/2019-20/items/99/", 404, None),
        ("/api/v1/plans/?page=7", 404, None),
        ("/api/v1/engagements/?colour=blue", 400, "colour"),
        ("/api/v1/engagements/?kind=picnic", 400, "kind"),
        ("/api/v1/engagements/?country=Argentina", 400, "country"),
        ("/api/v1/countries/?region=atlantis", 400, "region"),
        ("/api/v1/countries/?page_size=1000", 400, "page_size"),
        ("/api/v1/countries/?page=0", 400, "page"),
        ("/api/v1/countries/?page=two", 400, "page"),
        ("/api/v1/plans/?lang=de", 400, "lang"),
        ("/api/v1/sessions/GB.335/changes/?since=GB.340", 400, "since"),
        ("/api/v1/plans/?q=%00", 400, None),
    ],
)
def test_errors_are_problem_json_naming_what_was_wrong(client, path, status, named):
    response = client.get(path)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if named:
        assert [p["name"] for p in problem["invalid_params"]] == [named]
        assert named in problem["detail"]


def test_the_api_only_reads(client):
    for method in (client.post, client.put, client.delete, client.patch):
        response = method(PLAN_ITEMS)
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_a_server_error_is_problem_json_too(client, monkeypatch):
    from api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "item_data", broken)
    client.raise_request_exception = False
    response = client.get(f"{PLAN_ITEMS}4/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert b"boom" not in response.content


def test_cors_is_open_for_public_data(client, settings, viewer_token):
    response = client.get(PLAN_ITEMS, headers={"Origin": "https://example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert client.get("/api/v1/nothing/")["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        PLAN_ITEMS,
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD"
    # Not for what a token reads, nor where reading needs signing in; never for pages.
    assert "Access-Control-Allow-Origin" not in get(client, PLAN_ITEMS, viewer_token)
    assert "Access-Control-Allow-Origin" not in client.get("/appendix/")
    settings.REQUIRE_LOGIN_TO_VIEW = True
    assert "Access-Control-Allow-Origin" not in get(client, PLAN_ITEMS, viewer_token)


def test_anonymous_clients_are_rate_limited_by_address(client, settings, viewer_token):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(PLAN_ITEMS, REMOTE_ADDR="192.0.2.7").status_code == 200
    refused = client.get(PLAN_ITEMS, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another address, and a token holder, are not held back.
    assert client.get(PLAN_ITEMS, REMOTE_ADDR="192.0.2.8").status_code == 200
    token = {"HTTP_AUTHORIZATION": f"Bearer {viewer_token}"}
    assert client.get(PLAN_ITEMS, REMOTE_ADDR="192.0.2.7", **token).status_code == 200
    # Behind a proxy, the address it reports.
    settings.PROXY_COUNT = 1
    behind = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.7"}
    assert client.get(PLAN_ITEMS, **behind).status_code == 429


# --- Tokens --------------------------------------------------------------------------------------


def test_reading_needs_a_token_when_the_site_needs_signing_in(client, settings, viewer_token):
    settings.REQUIRE_LOGIN_TO_VIEW = True
    refused = client.get(PLAN_ITEMS)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"] == "Bearer"
    assert get(client, PLAN_ITEMS, viewer_token).status_code == 200
    assert get(client, PLAN_ITEMS, "rt_not-a-token").status_code == 401
    # The description stays open, so that the documentation works.
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200


def test_a_token_is_shown_once_stored_hashed_and_revoked(client, viewer):
    client.force_login(viewer)
    page = client.get(reverse("api-tokens"))
    assert page.status_code == 200
    created = client.post(reverse("api-tokens"), {"name": "My spreadsheet"})
    assert created.status_code == 201
    token = re.search(r"<code>(rt_[\w-]+)</code>", created.content.decode()).group(1)
    # The list under it has the new token already, to revoke it from there.
    assert "You have no token." not in created.content.decode()
    assert "Revoke “My spreadsheet”" in created.content.decode()
    record = ApiToken.objects.get(user=viewer)
    assert record.digest == digest(token) and token not in (record.digest, record.hint)
    # The page that shows it lists it among one's tokens too.
    assert '<th scope="row">My spreadsheet</th>' in created.content.decode()
    assert token not in client.get(reverse("api-tokens")).content.decode()
    client.logout()
    assert get(client, PLAN_ITEMS, token).status_code == 200
    client.force_login(viewer)
    client.post(reverse("revoke-api-token", args=[record.pk]))
    client.logout()
    revoked = get(client, PLAN_ITEMS, token)
    assert revoked.status_code == 401 and "revoked" in json.loads(revoked.content)["detail"]


def test_nobody_revokes_anothers_token(client, viewer, django_user_model):
    record, _token = ApiToken.issue(viewer, "mine")
    client.force_login(make_user(django_user_model, "someone"))
    assert client.post(reverse("revoke-api-token", args=[record.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=record.pk).exists()


def test_a_deactivated_users_token_stops_working(client, viewer, viewer_token):
    viewer.is_active = False
    viewer.save()
    assert get(client, PLAN_ITEMS, viewer_token).status_code == 401


def test_the_token_page_needs_signing_in(client):
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_errors_are_in_the_requests_language(client):
    response = client.get("/api/v1/engagements/?lang=es&colour=blue")
    assert json.loads(response.content)["detail"].startswith("Parámetro desconocido: colour.")
    response = client.get("/api/v1/plans/?page=7", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Il n’y a pas de page 7" in json.loads(response.content)["detail"]
    assert response["Content-Language"] == "fr"


def test_an_editor_without_a_second_factor_makes_no_token(client, editor, settings):
    settings.REQUIRE_2FA = True
    client.force_login(editor)
    response = client.get(reverse("api-tokens"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert client.post(reverse("api-tokens"), {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_with_the_page_cache_drafts_stay_with_editors_tokens(
    client, settings, draft_report, editor_token, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 600
    settings.REQUIRE_2FA = True
    settings.API_RATE_LIMIT = 0
    public = [s["code"] for s in every(client, "/api/v1/sessions/")]
    assert "GB.341" in [s["code"] for s in every(client, "/api/v1/sessions/", editor_token)]
    assert [s["code"] for s in every(client, "/api/v1/sessions/")] == public
    assert "GB.341" not in public
    # A stored answer costs one cache read (the data version and the answer).
    with django_assert_max_num_queries(1):
        hit = client.get("/api/v1/sessions/")
    assert hit.status_code == 200 and hit["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get("/api/v1/sessions/", HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304
    # An edit makes it stale at once.
    draft_report.publish(by=draft_report.status_reports.first().updated_by)
    assert "GB.341" in [s["code"] for s in every(client, "/api/v1/sessions/")]
