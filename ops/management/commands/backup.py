"""Write the whole database but its sessions to one YAML file (gzip-compressed if its name ends in
.gz), readable by its owner only.

YAML rather than JSON: Django's JSON encoder cuts times to milliseconds, YAML keeps them whole,
so a restored database is identical to the original.
"""

import os
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

SUFFIXES = (".yaml", ".yaml.gz")
# Live session keys would let whoever reads the file act as anyone signed in: left out, so a
# restored site has everyone sign in again.
LEFT_OUT = ["sessions"]


class Command(BaseCommand):
    help = (
        "Back up every table of every app but sessions (items, history, users, groups, "
        "permissions, sign-in records) to FILE.yaml or FILE.yaml.gz, readable by its owner "
        "only; `restore` reads it back."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, file: Path, database: str, verbosity: int, **options: Any) -> None:
        if not file.name.endswith(SUFFIXES):
            raise CommandError(f"{file}: the name must end in .yaml or .yaml.gz.")
        # Password hashes and encrypted second-factor secrets: readable by the owner only.
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.chmod(file, 0o600)
        connection = connections[database]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=database):
            if outermost and connection.vendor == "postgresql":
                # One snapshot for every table, so that rows written meanwhile by the running
                # site cannot leave a reference to a row the file lacks.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                database=database,
                format="yaml",
                exclude=LEFT_OUT,
                # Rows hidden by a custom default manager are data too.
                use_base_manager=True,
                output=str(file),
                verbosity=0,
            )
        if verbosity:
            self.stdout.write(f"Backed up database {database!r} to {file}.")
