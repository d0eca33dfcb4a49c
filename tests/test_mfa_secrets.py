"""Second-factor secrets at rest: encrypted in the database (and so in backups) with the keys of
DJANGO_MFA_ENCRYPTION_KEYS, which can be rotated; backups hold no sessions and only their owner
can read them."""

import gzip
import importlib
import json
import stat
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from accounts import encryption
from tests.test_mfa import CODE_PAGE, ENROL, SECRET, reauthenticate, sign_in, signed_in, totp

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(user) -> dict[str, dict]:
    """The authenticators' data as the database holds it, by type."""
    return {a.type: a.data for a in Authenticator.objects.filter(user=user)}


def signs_in_with_the_app(client, user, secret: str = SECRET) -> bool:
    sign_in(client, user.username)
    client.post(CODE_PAGE, {"code": totp(secret)})
    return signed_in(client)


def test_an_enrolled_secret_is_stored_encrypted_and_the_code_still_signs_in(
    client, editor, settings
):
    settings.REQUIRE_2FA = True
    sign_in(client, "editor")
    reauthenticate(client)
    secret = client.get(ENROL).context["form"].secret
    assert client.post(ENROL, {"code": totp(secret)}).status_code == 302
    data = stored(editor)
    assert secret not in json.dumps(data)
    assert data[Authenticator.Type.TOTP]["secret"].startswith(encryption.TOKEN_PREFIX)
    assert data[Authenticator.Type.RECOVERY_CODES]["seed"].startswith(encryption.TOKEN_PREFIX)

    client.post("/accounts/logout/")
    assert signs_in_with_the_app(client, editor, secret)


def test_secrets_stored_in_clear_before_are_encrypted_by_the_migration(client, editor):
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": SECRET})
    migration = importlib.import_module("accounts.migrations.0002_encrypt_mfa_secrets")

    class Editor:  # what RunPython passes: only the connection is used
        pass

    Editor.connection = connection
    migration.encrypt(apps, Editor)
    assert SECRET not in json.dumps(stored(editor))
    assert signs_in_with_the_app(client, editor)
    migration.decrypt(apps, Editor)  # going back to the release before
    assert stored(editor)[Authenticator.Type.TOTP] == {"secret": SECRET}


def test_a_key_is_rotated_without_anyone_enrolling_again(client, editor, settings, capsys):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    TOTP.activate(editor, SECRET)
    encrypted_with_the_old_key = stored(editor)[Authenticator.Type.TOTP]["secret"]

    # 1. The new key first, the old one still there: both read, the new one writes.
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert encryption.decrypt(encrypted_with_the_old_key) == SECRET
    # 2. Every stored secret encrypted again, with the new key.
    call_command("reencrypt_mfa_secrets", verbosity=0)
    # 3. The old key removed: the app's codes still sign in.
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    assert signs_in_with_the_app(client, editor)
    assert Fernet(NEW_KEY).decrypt(stored(editor)[Authenticator.Type.TOTP]["secret"]) == (
        SECRET.encode()
    )


def test_a_secret_whose_key_is_missing_is_an_error_that_says_so(editor, settings):
    settings.MFA_ENCRYPTION_KEYS = [OLD_KEY]
    TOTP.activate(editor, SECRET)
    settings.MFA_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="DJANGO_MFA_ENCRYPTION_KEYS"):
        encryption.decrypt(stored(editor)[Authenticator.Type.TOTP]["secret"])


def test_the_keys_come_from_the_environment_or_from_the_secret_key():
    assert encryption.parse_keys(f" {NEW_KEY}, {OLD_KEY} ", "s") == [NEW_KEY, OLD_KEY]
    derived = encryption.parse_keys("", "one secret key")
    assert derived != encryption.parse_keys("", "another") and Fernet(derived[0])
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        encryption.parse_keys(f"{NEW_KEY},not-a-key", "s")
    example = Path(django_settings.BASE_DIR, ".env.example").read_text()
    assert "\nDJANGO_MFA_ENCRYPTION_KEYS=" in example


def test_a_backup_holds_no_session_nor_clear_secret_and_only_its_owner_reads_it(
    client, editor, tmp_path
):
    TOTP.activate(editor, SECRET)
    client.force_login(editor)
    assert Session.objects.exists()
    backup = tmp_path / "site.yaml.gz"
    backup.write_text("an older file, readable by all")
    backup.chmod(0o644)

    call_command("backup", backup, verbosity=0)

    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    text = gzip.decompress(backup.read_bytes()).decode()
    assert "model: mfa.authenticator" in text and "model: auth.user" in text
    assert "sessions.session" not in text
    assert client.session.session_key not in text
    assert SECRET not in text
