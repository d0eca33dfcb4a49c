"""docs/operations.md, "Backups": the restore procedure works as written, on SQLite and on
PostgreSQL, and a restore that fails leaves nothing behind."""

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

# A record that cannot be read (ActionItem.number is a number), put half-way into a backup.
BROKEN_RECORD = """\
- model: actions.actionitem
  pk: 9999
  fields:
    number: not a number
"""


def manage(database_url: str, *command: str) -> subprocess.CompletedProcess:
    """`python manage.py COMMAND` with DATABASE_URL, as the commands of docs/operations.md run."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env = {
        **clean,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "test-only-not-a-secret",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def sqlite_database(tmp_path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'new.sqlite3'}"


@pytest.fixture
def postgresql_database() -> Iterator[str]:
    """A new database on the test run's PostgreSQL server (`createdb`), dropped afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the tests run on SQLite; run them with a PostgreSQL DATABASE_URL")
    import psycopg2

    db = settings.DATABASES["default"]
    name = f"{connection.settings_dict['NAME']}_readme"
    server = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
    }

    def run(*statements: str) -> None:
        admin = psycopg2.connect(**server)
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            admin.close()

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    credentials = f"{db['USER']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{db['USER']}@"
    try:
        yield f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
@pytest.mark.parametrize("new_database", ["sqlite_database", "postgresql_database"])
def test_the_readme_restore_procedure_restores_everything_or_nothing(
    new_database, request, tmp_path, django_user_model
):
    django_user_model.objects.create_user("editor", password="a long enough password")
    backup = tmp_path / "site.yaml"
    call_command("backup", backup, verbosity=0)
    lines = backup.read_text().splitlines(keepends=True)
    records = [number for number, line in enumerate(lines) if line.startswith("- model:")]
    middle = records[len(records) // 2]
    broken = tmp_path / "broken.yaml"
    broken.write_text("".join(lines[:middle]) + BROKEN_RECORD + "".join(lines[middle:]))
    url = request.getfixturevalue(new_database)

    migrated = manage(url, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    failed = manage(url, "restore", str(broken))
    assert failed.returncode != 0
    assert "not a number" in failed.stderr
    # Nothing was left behind: `restore` refuses a database that holds any data.
    restored = manage(url, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {backup}" in restored.stdout

    again = tmp_path / "again.yaml"
    backed_up = manage(url, "backup", str(again))
    assert backed_up.returncode == 0, backed_up.stderr
    assert again.read_text() == backup.read_text()
