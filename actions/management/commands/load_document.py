"""Load the reference data of GB.340/INS/6 (or files in the same format), checked record by record.

The files are Django YAML fixtures with natural keys, so `loaddata` reads them too; this command
adds what `loaddata` lacks: every record is validated (choices, country codes, dates,
constraints) and a bad one stops the load with a message naming the file, the record and the
field, and nothing is saved. Records are matched on their natural keys. A record already in the
database is left as it is (staff may have edited it since), unless `--update` asks to write the
file's values over it, through the audit trail (lists such as an item's responsible units are
added to, never emptied); so loading twice changes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
# In dependency order: sessions before the paragraphs of their documents, and so on.
DEFAULT_FIXTURES = [
    FIXTURES_DIR / "sessions.yaml",
    FIXTURES_DIR / "gb340_paragraphs.yaml",
    FIXTURES_DIR / "gb340_key_figures.yaml",
    FIXTURES_DIR / "plan_2019_20.yaml",
    FIXTURES_DIR / "countries.yaml",
]


# What the history says a record came from: the document, for the files that hold its data.
DOCUMENT = "GB.340/INS/6"


def source_of(path: Path) -> str:
    return DOCUMENT if path in DEFAULT_FIXTURES else path.name


class FixtureError(Exception):
    pass


def describe(index: int, record: dict[str, Any]) -> str:
    """Name a record the way a person editing the file would find it."""
    fields = record.get("fields") or {}
    keys = [
        f"{name}={fields[name]!r}"
        for name in ("code", "number", "action_item", "session", "country", "kind")
        if name in fields
    ]
    return f"record {index} ({record.get('model', '?')}{' ' if keys else ''}{', '.join(keys)})"


def check_fields(model: type, fields: dict[str, Any]) -> None:
    """Convert each value as the deserializer would, so that an error can name its field."""
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise FixtureError(f"unknown field {name!r}") from None
        try:
            if field.many_to_many:
                for key in value:
                    field.related_model._default_manager.get_by_natural_key(*key)
            elif field.is_relation:
                if value is not None:
                    field.related_model._default_manager.get_by_natural_key(*value)
            else:
                field.to_python(value)
        except ObjectDoesNotExist:
            raise FixtureError(
                f"field {name!r}: no {field.related_model.__name__} {value!r}"
            ) from None
        except ValidationError as error:
            raise FixtureError(f"field {name!r}: {' '.join(error.messages)}") from None
        except TypeError:
            raise FixtureError(f"field {name!r}: {value!r} is not a natural key (a list)") from None


def load_file(path: Path, update: bool = False) -> tuple[int, int, int]:
    """Load one file; return (records, new, updated). Raises CommandError on the first bad one."""
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise CommandError(f"{path.name}: cannot read: {error}") from None
    if not isinstance(records, list):
        raise CommandError(f"{path.name}: expected a list of records")

    seen: dict[tuple, int] = {}
    created = updated = 0
    for index, record in enumerate(records, start=1):
        where = f"{path.name}: {describe(index, record)}"
        try:
            if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
                raise FixtureError("expected a mapping with 'model' and 'fields'")
            try:
                model = apps.get_model(record["model"])
            except (KeyError, LookupError, ValueError):
                raise FixtureError(f"unknown model {record.get('model')!r}") from None
            check_fields(model, record["fields"])
            (deserialized,) = serializers.deserialize(
                "python", [record], handle_forward_references=False
            )
            instance = deserialized.object
            key = (model, instance.natural_key())
            if key in seen:
                raise FixtureError(
                    f"duplicate of record {seen[key]}: the same {model._meta.verbose_name} "
                    f"{instance.natural_key()!r} twice"
                )
            seen[key] = index
            # The deserializer found existing rows by natural key but leaves them marked as
            # new, which would make full_clean() report them as duplicates of themselves.
            exists = (
                instance.pk is not None and model._default_manager.filter(pk=instance.pk).exists()
            )
            instance._state.adding = not exists
            instance.full_clean()
        except FixtureError as error:
            raise CommandError(f"{where}: {error}") from None
        except ValidationError as error:
            details = "; ".join(
                f"field {field!r}: {' '.join(messages)}"
                if field != "__all__"
                else " ".join(messages)
                for field, messages in error.message_dict.items()
            )
            raise CommandError(f"{where}: {details}") from None
        if not exists:
            deserialized.save()
            created += 1
            if hasattr(model, "history"):
                # The first row of the audit trail: what the record was when it came in.
                model.history.bulk_history_create(
                    [instance], default_change_reason=f"From {source_of(path)}"
                )
        elif update:
            updated += update_existing(deserialized, record["fields"], f"Updated from {path.name}")
    return len(records), created, updated


def update_existing(deserialized, fields: dict[str, Any], reason: str) -> bool:
    """Write the file's fields (only those) over the stored record; True if anything changed."""
    new = deserialized.object
    model = type(new)
    current = model._default_manager.get(pk=new.pk)
    changed = False
    for name in fields:
        field = model._meta.get_field(name)
        if field.many_to_many:
            # Added, never removed: the document names the responsible units of a few items
            # only, and the units coordinators assigned since (/units/) must survive an update.
            related = getattr(current, name)
            missing = set(deserialized.m2m_data.get(name, [])) - set(
                related.values_list("pk", flat=True)
            )
            if missing:
                related.add(*missing)
                changed = True
        elif getattr(current, field.attname) != getattr(new, field.attname):
            setattr(current, field.attname, getattr(new, field.attname))
            changed = True
    if changed:
        current._change_reason = reason
        current.save()
    return changed


class Command(BaseCommand):
    help = "Load the document's reference data (fixtures/*.yaml), validated; safe to run again."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="Fixture files, in dependency order (default: the document's fixtures).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Write the files' values over records already in the database (recorded in "
            "the history). Without it, existing records are kept as they are.",
        )

    def handle(
        self, *args: Any, paths: list[Path], update: bool, verbosity: int, **options: Any
    ) -> None:
        with transaction.atomic():
            for path in paths or DEFAULT_FIXTURES:
                total, created, updated = load_file(path, update)
                if verbosity:
                    self.stdout.write(
                        f"{path.name}: {total} records, {created} new"
                        + (f", {updated} updated" if update else "")
                    )
