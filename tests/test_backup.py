"""`backup` writes the whole database to a file; `restore` puts it back into an empty one."""

import datetime
import stat

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import CommandError

from actions.models import ActionItem
from actions.reporting import GoverningBodySession
from tests.snapshots import table_rows

pytestmark = pytest.mark.django_db(databases=["default", "restore"])


@pytest.fixture
def a_site_in_use(admin_user):
    """The document's data plus what a running site adds: people, rights, sessions, logs."""
    editors = Group.objects.get(name="Editors")  # made by a migration
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(Permission.objects.filter(content_type__app_label="actions"))
    editor = User.objects.create_user("editor", password="a long enough password")
    editor.groups.add(editors, auditors)
    editor.user_permissions.add(Permission.objects.get(codename="view_country"))
    session = SessionStore()
    session["_auth_user_id"] = str(editor.pk)
    session.create()
    item = ActionItem.objects.get(number=10)
    LogEntry.objects.log_actions(
        admin_user.pk, [item], CHANGE, change_message="Checked", single_object=True
    )
    # An edit, so that the audit trail has a row of its own to carry over.
    draft = GoverningBodySession.objects.create(
        code="GB.341", held_in=datetime.date(2021, 3, 1), period="March 2021"
    )
    item.report_status(
        draft, status="completed", wording="Completed", reason="Done", by=editor, seen_version=0
    )
    AccessAttempt.objects.create(
        username="editor", ip_address="192.0.2.1", failures_since_start=2, user_agent="test"
    )


def test_a_backup_restored_into_an_empty_database_is_identical(a_site_in_use, tmp_path):
    backup = tmp_path / "site.yaml.gz"
    call_command("backup", backup, verbosity=0)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    call_command("restore", backup, database="restore", verbosity=0)

    original = table_rows("default")
    restored = table_rows("restore")
    assert restored.keys() == original.keys()
    # All but sessions, which the backup leaves out: everyone signs in again.
    assert original["django_session"] and not restored.pop("django_session")
    for table, rows in restored.items():
        assert rows == original[table], table
    for table in ["actions_actionitem", "auth_user_groups", "axes_accessattempt"]:
        assert original[table], f"the round trip did not cover {table}"
    # Ids continue after the restored ones (PostgreSQL's sequences are reset).
    Group.objects.using("restore").create(name="Reviewers")


def test_restore_refuses_a_database_that_holds_data(tmp_path):
    backup = tmp_path / "site.yaml"
    call_command("backup", backup, verbosity=0)
    with pytest.raises(CommandError, match="Database 'default' is not empty: .*actions_plan"):
        call_command("restore", backup, verbosity=0)


def test_restore_with_force_replaces_what_the_database_held(tmp_path):
    backup = tmp_path / "site.yaml"
    call_command("backup", backup, verbosity=0)
    User.objects.db_manager("restore").create_user("stranger")
    call_command("restore", backup, database="restore", force=True, verbosity=0)
    assert not User.objects.using("restore").filter(username="stranger").exists()
    assert ActionItem.objects.using("restore").count() == 12


def test_a_backup_file_must_be_named_for_its_format(tmp_path):
    with pytest.raises(CommandError, match="must end in .yaml or .yaml.gz"):
        call_command("backup", tmp_path / "site.sql", verbosity=0)


def test_restore_adds_the_permissions_of_models_newer_than_the_backup(tmp_path):
    backup = tmp_path / "site.yaml"
    ContentType.objects.filter(app_label="countries", model="engagement").delete()
    call_command("backup", backup, verbosity=0)
    call_command("restore", backup, database="restore", verbosity=0)
    assert Permission.objects.using("restore").filter(codename="change_engagement").exists()
