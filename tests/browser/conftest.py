"""Browser tests: Chromium, driven by pytest-playwright, against the live server.

The live server answers from another thread, so these tests use `transactional_db`: the data is
committed, and flushed when each test ends. `site` loads the document again for each test.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

# Playwright's sync API runs an event loop in the test's thread, and Django refuses database calls
# from a thread with a running loop. The tests call the database between browser steps, never at
# the same time as the loop does anything, so the check is safely off here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The browser `make test` found or installed (scripts/find-chromium).
CHROMIUM = os.environ.get("CHROMIUM", "")
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"
PASSWORD = "correct horse battery"  # tests/conftest.py's make_user


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """The Chromium that `make test` exports as CHROMIUM (see scripts/find-chromium)."""
    if not CHROMIUM:
        pytest.fail("CHROMIUM is not set: run the browser tests with `make test`", pytrace=False)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        # No sandbox: CI runs as root in a container. The rest keeps Chromium off the network.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


def load_everything() -> None:
    call_command("load_document", verbosity=0)


@pytest.fixture(scope="package", autouse=True)
def _reload_after_the_browser_tests(django_db_blocker):
    """Leave the database as tests/conftest.py sets it up, for transactional tests run later."""
    yield
    with django_db_blocker.unblock():
        load_everything()


@pytest.fixture
def site(live_server, transactional_db):
    """The live server, with the document's data (the previous test's flush emptied it)."""
    load_everything()
    return live_server


@pytest.fixture
def draft(site, gb341):
    """GB.341 open as the draft session: editors write statuses to it."""
    return gb341


def sign_in(context, site, user) -> None:
    """Give a browser context `user`'s session, without going through the sign-in page."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site.url}])


def screenshot(page, name: str) -> None:
    """Save the whole page at desktop and phone width, and the desktop's first screen, to
    screenshots/ (kept out of git; docs/dashboard.png is a copy of dashboard-desktop-top.png)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        if label == "desktop":
            page.screenshot(path=SCREENSHOTS / f"{name}-desktop-top.png")
    page.set_viewport_size(size)
