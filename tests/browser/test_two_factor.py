"""A new editor enrols an authenticator app in Chromium, with everything the browser asks for on
its own while the set-up page is open (the favicon first of all)."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.signals import request_finished, request_started
from playwright.sync_api import expect

from tests.servers import code_to_type

from .conftest import PASSWORD, sign_in

pytestmark = pytest.mark.browser

ENROL = "/accounts/2fa/totp/activate/"
# The icon the browser fetches on its own: the one the page links to, or /favicon.ico without
# a link (the gate lets both through; tests/test_mfa.py asks for each directly).
ICONS = ("/static/favicon.svg", "/favicon.ico")


class ServerLog:
    """What the live server was asked, as its WSGI handler saw it: Chromium fetches the
    favicon itself, so the page's own request events never show it."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.finished = 0

    def clear(self) -> None:
        self.paths, self.finished = [], 0

    def started(self, sender, environ, **kwargs) -> None:
        self.paths.append(environ["PATH_INFO"])

    def done(self, sender, **kwargs) -> None:
        self.finished += 1

    def wait_until_quiet(self, paths: tuple[str, ...], timeout: float = 10) -> None:
        """Until one of `paths` was asked for and the server has had nothing to do for half a
        second (so that a redirect the browser follows is done too)."""
        deadline = time.monotonic() + timeout
        quiet_since, seen = time.monotonic(), (0, 0)
        while time.monotonic() < deadline:
            now = (len(self.paths), self.finished)
            if now != seen or now[0] != now[1]:
                quiet_since, seen = time.monotonic(), now
            elif set(paths) & set(self.paths) and time.monotonic() - quiet_since > 0.5:
                return
            time.sleep(0.05)
        raise AssertionError(f"none of {paths} was asked for; the server saw {self.paths}")


@pytest.fixture
def server_log():
    log = ServerLog()
    request_started.connect(log.started, dispatch_uid="test-server-log-started")
    request_finished.connect(log.done, dispatch_uid="test-server-log-finished")
    yield log
    request_started.disconnect(dispatch_uid="test-server-log-started")
    request_finished.disconnect(dispatch_uid="test-server-log-finished")


def test_a_new_editor_enrols_with_the_secret_on_the_page_whatever_else_the_browser_asks_for(
    browser,
    browser_type,
    browser_type_launch_args,
    browser_context_args,
    site,
    editor,
    settings,
    server_log,
):
    settings.REQUIRE_2FA = True
    signing_in = browser.new_context(**browser_context_args)
    page = signing_in.new_page()
    page.goto(site.url + "/accounts/login/?next=/appendix/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Sent to set up the app, without being asked for the password just typed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    # Chromium asks each page for /favicon.ico until it once answers 404, as the sign-in page's
    # did (an anonymous reader, a site without an icon), then never again in that browser. So
    # enrolment goes on in a browser that has not been told so yet, with the same session: it
    # asks on the pages of enrolment, as it does on every page when the site has an icon.
    session = signing_in.storage_state()
    signing_in.close()
    fresh = browser_type.launch(**browser_type_launch_args)
    page = fresh.new_context(**browser_context_args, storage_state=session).new_page()
    server_log.clear()
    page.goto(site.url + "/appendix/")
    expect(page).to_have_url(site.url + ENROL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    # What the browser fetches on its own for this page is done before the code is typed, as
    # it is for a person reaching for their phone.
    server_log.wait_until_quiet(ICONS)
    icon = next(path for path in server_log.paths if path in ICONS)
    assert server_log.paths.index(icon) > server_log.paths.index(ENROL)

    secret = page.locator("main code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Authenticator code").fill(code_to_type(secret))
    page.get_by_role("button", name="Activate").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()
    page.goto(site.url + "/appendix/")
    expect(page).to_have_url(site.url + "/appendix/")
    fresh.close()


def test_an_in_place_edit_by_an_editor_without_a_second_factor_opens_the_set_up_page(
    page, site, draft, editor, settings
):
    """The Appendix was open before the rule applied to them (the setting switched on, their
    app removed): the edit link's htmx request loads the set-up page as a page instead of
    swapping it into the table's cell."""
    settings.REQUIRE_2FA = False
    sign_in(page.context, site, editor)
    page.goto(site.url + "/appendix/")
    settings.REQUIRE_2FA = True
    page.locator("#status-6 .edit-link").click()
    expect(page).to_have_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    expect(page.locator("#status-6")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="need a second factor")).to_have_count(1)
