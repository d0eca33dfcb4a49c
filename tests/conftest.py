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
