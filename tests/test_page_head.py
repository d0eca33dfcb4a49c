"""What a browser reads before the content: the site's icon, a description for search results
and link previews, and htmx only where an editing control needs it."""

import json
import re

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.text import Truncator

from actions.models import ActionItem
from countries.models import Country

pytestmark = pytest.mark.django_db

HTMX = "vendor/htmx/htmx.min.js"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def description(page: str) -> str:
    (content,) = re.findall(r'<meta name="description" content="([^"]*)">', page)
    return content


@pytest.mark.parametrize("require_login", [False, True])
def test_favicon_ico_is_a_small_icon_cached_for_a_day_for_anyone(
    client, editor, settings, require_login
):
    """Browsers ask every site for /favicon.ico; it is answered whatever the sign-in rules."""
    settings.REQUIRE_LOGIN_TO_VIEW = require_login
    settings.REQUIRE_2FA = True
    client.force_login(editor)  # an editor without a second factor is sent to enrolment
    for reader in (client, Client()):
        response = reader.get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/x-icon"
        assert response["Cache-Control"] == "public, max-age=86400"
        icon = body(response)
        # An icon file holding one 32 × 32 PNG image.
        assert icon[:6] == b"\0\0\1\0\1\0" and icon[6:8] == b"\x20\x20"
        assert icon[22:30] == b"\x89PNG\r\n\x1a\n"
        assert len(icon) < 1024
        assert not response.cookies


def test_pages_link_the_icon_in_every_language(client):
    for path in ("/", "/fr/appendix/", "/es/countries/"):
        page = client.get(path).content.decode()
        assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in page
        (svg,) = re.findall(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', page)
        response = client.get(svg)
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert body(response).startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_every_page_has_a_description_in_its_language(client):
    home = description(client.get("/").content.decode())
    assert home.startswith("Where the ILO stands on each action item")
    assert description(client.get("/sessions/").content.decode()) == home
    assert description(client.get("/fr/").content.decode()).startswith("Où en est l’OIT")
    assert description(client.get("/es/").content.decode()).startswith("En qué punto está la OIT")
    assert description(client.get("/appendix/").content.decode()).startswith(
        "The status of each action item"
    )
    assert description(client.get("/countries/").content.decode()).startswith("The countries")


def test_an_item_or_country_page_describes_that_item_or_country(client):
    item = ActionItem.objects.get(number=10)
    assert description(client.get("/actions/10/").content.decode()) == escape(
        Truncator(item.text).chars(200)
    )
    argentina = description(client.get("/countries/ar/").content.decode())
    assert "Argentina" in argentina
    assert Country.objects.get(code="AR").name == "Argentina"


def test_anonymous_readers_get_no_htmx(client):
    for path in ("/", "/appendix/", "/actions/6/", "/countries/", "/sessions/"):
        assert HTMX not in client.get(path).content.decode(), path


def test_editors_get_htmx_only_on_the_appendix_while_a_session_is_open(editor_client, gb341):
    appendix = editor_client.get("/appendix/").content.decode()
    assert HTMX in appendix and "data-hx-get=" in appendix
    for path in ("/", "/actions/6/", "/countries/", f"/sessions/{gb341.code}/"):
        assert HTMX not in editor_client.get(path).content.decode(), path
    gb341.delete()
    appendix = editor_client.get("/appendix/").content.decode()
    assert "data-hx-get=" not in appendix and HTMX not in appendix


def test_htmx_adds_no_inline_style_the_security_policy_would_refuse(editor_client, gb341):
    page = editor_client.get("/appendix/").content.decode()
    (config,) = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert json.loads(config)["includeIndicatorStyles"] is False
    css = editor_client.get(re.search(r'href="([^"]*site\.css)"', page)[1])
    assert b".htmx-indicator { opacity: 0; }" in body(css)
