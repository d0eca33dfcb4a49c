"""One list of role permissions: accounts.roles.ROLES, with a frozen copy in the migration."""

import importlib

import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLES


def test_the_latest_migrations_frozen_roles_agree_with_the_live_list():
    migration = importlib.import_module("actions.migrations.0011_focal_points_role")
    assert {name: sorted(codes) for name, codes in migration.ROLES.items()} == {
        name: sorted(codes) for name, codes in ROLES.items()
    }


@pytest.mark.django_db
def test_the_groups_hold_exactly_the_live_lists_permissions():
    for name, codes in ROLES.items():
        group = Group.objects.get(name=name)
        held = {
            f"{app_label}.{codename}"
            for app_label, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(codes)
