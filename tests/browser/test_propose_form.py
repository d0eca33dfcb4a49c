"""A focal point's proposal form: the wording box follows the status, as on the editors' form,
until the focal point types a wording."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from ..page_types import name_focal_point
from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_the_wording_follows_the_status_until_the_focal_point_types_one(
    page, context, site, draft, editor
):
    coordinator = Client()
    coordinator.force_login(editor)
    name_focal_point(coordinator, "fp-actrav", "ACTRAV")  # ACTRAV answers for item 1
    sign_in(context, site, get_user_model().objects.get(username="fp-actrav"))
    page.goto(site.url + "/actions/1/propose/")
    status = page.get_by_label("Status:", exact=True)
    wording = page.get_by_label("Wording for the document")
    started, first = status.input_value(), wording.input_value()

    status.select_option(label="Completed")
    expect(wording).to_have_value("Completed")
    status.select_option(value=started)
    expect(wording).to_have_value(first)
    wording.fill("Guide published in three languages")
    status.select_option(label="Completed")
    expect(wording).to_have_value("Guide published in three languages")
