"""Signed-in users come from the shared cache (accounts/usercache.py), yet every change to who
may do what counts from the next request."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def test_a_signed_in_editor_costs_one_cache_read_for_user_permissions_and_second_factor(
    two_factor_editor_client, django_assert_max_num_queries
):
    # Session; the user with permissions and second factor; the page's own two.
    with django_assert_max_num_queries(4):
        assert two_factor_editor_client.get("/sessions/").status_code == 200


def test_an_editor_taken_out_of_the_group_cannot_edit_at_the_next_request(
    two_factor_editor_client, editor, gb341
):
    assert two_factor_editor_client.get("/actions/6/status/").status_code == 200
    editor.groups.remove(Group.objects.get(name="Editors"))
    assert two_factor_editor_client.get("/actions/6/status/").status_code == 403


def test_a_changed_password_signs_out_the_other_sessions_at_once(two_factor_editor_client, editor):
    assert "Sign out" in two_factor_editor_client.get("/").content.decode()
    editor.set_password("another long passphrase")
    editor.save()
    assert "Sign out" not in two_factor_editor_client.get("/").content.decode()


def test_a_deactivated_account_is_signed_out_at_once(two_factor_editor_client, editor):
    two_factor_editor_client.get("/")
    editor.is_active = False
    editor.save()
    assert "Sign out" not in two_factor_editor_client.get("/").content.decode()


def test_an_editor_whose_second_factor_is_removed_must_enrol_again(client, editor, settings):
    from allauth.mfa.totp.internal.auth import TOTP

    from .test_mfa import SECRET

    settings.REQUIRE_2FA = True
    TOTP.activate(editor, SECRET)
    client.force_login(editor)  # a session without a code: only the enrolment counts
    assert client.get("/appendix/").status_code == 200
    Authenticator.objects.filter(user=editor).delete()
    response = client.get("/appendix/")
    assert response.status_code == 302 and "/2fa/" in response["Location"]
