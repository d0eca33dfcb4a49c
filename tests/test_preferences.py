"""Each person chooses the language the tracker writes to them in (EN/FR/ES): on their
preferences page, or an administrator does it in Django admin."""

import pytest
from django.urls import reverse

from accounts.models import Profile, language_of

pytestmark = pytest.mark.django_db


def test_a_user_chooses_french_on_their_preferences_page(client, viewer):
    assert language_of(viewer) == "en"  # no choice yet: the site's default
    client.force_login(viewer)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'name="language"' in page and 'value="fr"' in page
    assert 'href="/accounts/preferences/"' in page  # linked from the header

    response = client.post("/accounts/preferences/", {"language": "fr"}, follow=True)
    assert response.redirect_chain == [("/accounts/preferences/", 302)]
    assert "Your preferences are saved." in response.content.decode()
    viewer.refresh_from_db()
    assert language_of(viewer) == "fr"

    # Changed again in Spanish pages: the same one record.
    client.post("/es/accounts/preferences/", {"language": "es"})
    assert Profile.objects.get(user=viewer).language == "es"
    assert Profile.objects.count() == 1


def test_a_language_the_site_does_not_speak_is_refused_and_nothing_is_saved(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/preferences/", {"language": "de"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Profile.objects.exists()


def test_the_preferences_page_needs_signing_in(client):
    response = client.get("/accounts/preferences/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post("/accounts/preferences/", {"language": "fr"}).status_code == 302
    assert not Profile.objects.exists()


def test_an_administrator_sets_a_users_language_in_django_admin(admin_client, editor):
    url = reverse("admin:auth_user_change", args=[editor.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "username": editor.username,
            "date_joined_0": editor.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": editor.date_joined.strftime("%H:%M:%S"),
            "groups": [group.pk for group in editor.groups.all()],
            "user_permissions": [],
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-language": "es",
        }
    )
    data.pop("password", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    editor.refresh_from_db()
    assert language_of(editor) == "es"
