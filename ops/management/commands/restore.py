"""Read a file written by `backup` into an empty, migrated database."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, transaction

from .backup import SUFFIXES

# `migrate` creates these rows itself (the roles' groups come from a data migration); the
# backup's own rows replace them, ids included.
CREATED_BY_MIGRATE = (ContentType, Permission, Group, Group.permissions.through)


def tables_with_rows(database: str) -> list[str]:
    return [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model not in CREATED_BY_MIGRATE
        and model._base_manager.using(database).exists()
    ]


class Command(BaseCommand):
    help = (
        "Restore FILE (written by `backup`) into an empty database migrated to the same "
        "version; refuses a database that holds data unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete everything in the database first, then restore.",
        )

    def handle(
        self, *args: Any, file: Path, database: str, force: bool, verbosity: int, **options: Any
    ) -> None:
        if not file.name.endswith(SUFFIXES):
            raise CommandError(f"{file}: expected a backup file ending in .yaml or .yaml.gz.")
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        # One transaction: a restore that fails leaves the database as it found it.
        with transaction.atomic(using=database):
            if force:
                call_command("flush", database=database, interactive=False, verbosity=0)
            elif occupied := tables_with_rows(database):
                raise CommandError(
                    f"Database {database!r} is not empty: {', '.join(occupied)} hold data. "
                    "Restore into an empty, migrated database, or add --force to delete "
                    "everything in this one first."
                )
            for model in reversed(CREATED_BY_MIGRATE):
                model._base_manager.using(database).all().delete()
            ContentType.objects.clear_cache()
            call_command("loaddata", str(file), database=database, verbosity=verbosity)
            ContentType.objects.clear_cache()
            # Content types and permissions of models added since the backup was made.
            emit_post_migrate_signal(verbosity=0, interactive=False, db=database)
        if verbosity:
            self.stdout.write(f"Restored {file} into database {database!r}.")
