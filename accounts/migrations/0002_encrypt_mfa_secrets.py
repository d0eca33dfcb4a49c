"""Second-factor secrets stored before they were encrypted: encrypt them (and back, going back)."""

from django.db import migrations

from accounts import encryption


def encrypt_clear(value: str) -> str:
    return value if value.startswith(encryption.TOKEN_PREFIX) else encryption.encrypt(value)


def decrypt_encrypted(value: str) -> str:
    return encryption.decrypt(value) if value.startswith(encryption.TOKEN_PREFIX) else value


def authenticators(apps, schema_editor):
    model = apps.get_model("mfa", "Authenticator")
    return model.objects.using(schema_editor.connection.alias).all()


def encrypt(apps, schema_editor):
    encryption.reencrypt(authenticators(apps, schema_editor), encrypt_clear)


def decrypt(apps, schema_editor):
    encryption.reencrypt(authenticators(apps, schema_editor), decrypt_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
