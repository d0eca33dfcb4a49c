import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the document's data, loaded once the way `make run` loads it.

    Tests that use `transaction=True` empty the database when they end; they must load it again.
    """
    with django_db_blocker.unblock():
        call_command("load_document", verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Production's manifest storage needs `collectstatic` first; tests use the source files,
    which whitenoise then finds per request as in development.

    `make serve` and its check (scripts/check-make-serve) exercise the manifest storage.
    """
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_AUTOREFRESH=True,
        WHITENOISE_USE_FINDERS=True,
        # A deliberately slow hash protects stored passwords, not test accounts: the sign-in
        # and fuzz tests check hundreds of passwords.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The cast's editors have no second factor: the tests of two-factor (test_mfa.py)
        # switch the rule on.
        REQUIRE_2FA=False,
        # Off, so that query budgets count the page's own queries; tests/test_page_cache.py
        # switches it on.
        PAGE_CACHE_SECONDS=0,
    ):
        yield


def pytest_configure(config):
    """A second database, left empty, for the backup and restore round trip (test_backup.py)."""
    default = settings.DATABASES["default"]
    # Django names it test_<NAME>_restore on PostgreSQL and keeps it in memory on SQLite.
    settings.DATABASES["restore"] = {
        **default,
        "NAME": f"{default['NAME']}_restore",
        "TEST": {**default.get("TEST", {}), "NAME": None},
    }


# The cast: who uses the site, as the README's roles describe them.
def make_user(django_user_model, username: str, group: str | None = None, **extra):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username, password="correct horse battery", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    """ILO staff who keep the plan current."""
    return make_user(django_user_model, "editor", "Editors")


@pytest.fixture
def second_editor(django_user_model):
    return make_user(django_user_model, "colleague", "Editors")


@pytest.fixture
def viewer(django_user_model):
    """A Governing Body member with an account, for when reading needs one."""
    return make_user(django_user_model, "viewer", "Viewers")


@pytest.fixture
def outsider(django_user_model):
    """Signed in, but given no role."""
    return make_user(django_user_model, "outsider")


def make_focal_point(django_user_model, username: str, unit_code: str | None):
    from actions.models import Unit

    user = make_user(django_user_model, username, "Focal points")
    if unit_code:
        Unit.objects.get(code=unit_code).focal_points.add(user)
    return user


@pytest.fixture
def focal_point(django_user_model):
    """Staff of the Turin Centre who propose its items' statuses (item 6 is the Centre's)."""
    return make_focal_point(django_user_model, "fp-turin", "Turin Centre")


@pytest.fixture
def other_focal_point(django_user_model):
    """A focal point of ACTRAV (items 1...), not of the Turin Centre."""
    return make_focal_point(django_user_model, "fp-actrav", "ACTRAV")


@pytest.fixture
def unassigned_focal_point(django_user_model):
    """In the group Focal points, but named for no unit yet."""
    return make_focal_point(django_user_model, "fp-none", None)


@pytest.fixture
def superuser(django_user_model):
    return make_user(django_user_model, "root", is_superuser=True, is_staff=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def two_factor_editor_client(client, editor, settings):
    """The editor signed in as in production: two-factor required, their password and then
    their authenticator app's code, through the sign-in forms."""
    from allauth.mfa.totp.internal.auth import TOTP

    from .servers import code_to_type
    from .test_mfa import SECRET

    settings.REQUIRE_2FA = True
    TOTP.activate(editor, SECRET)
    client.post("/accounts/login/", {"login": "editor", "password": "correct horse battery"})
    client.post("/accounts/2fa/authenticate/", {"code": code_to_type(SECRET, margin=1)})
    assert client.session["_auth_user_id"] == str(editor.pk)
    # The page they land on, which shows that they are signed in.
    client.get("/")
    return client


@pytest.fixture
def gb341(db):
    """The next session, opened for reporting: statuses written for it are a draft."""
    import datetime

    from actions.reporting import GoverningBodySession

    return GoverningBodySession.objects.create(
        code="GB.341",
        held_in=datetime.date(2021, 3, 1),
        period="March 2021",
        document_symbol="GB.341/INS/8",
    )


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request under /fr/ or /es/ leaves its language active in this thread, as it would for
    the next request a server thread handles (which activates its own). Tests that call code
    directly, without a request, expect the default."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
