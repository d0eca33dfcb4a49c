"""The roles of the README as groups: Editors (ILO staff who keep the plan current), Viewers.

ROLES below is a frozen copy of accounts.roles.ROLES as it stood when this migration was written:
a migration must not import the live list, which may change later. tests/test_roles.py checks
that the two still agree; when the live list changes, a new migration changes the groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = [
    "actions.view_actionitem",
    "actions.view_component",
    "actions.view_governingbodysession",
    "actions.view_paragraph",
    "actions.view_plan",
    "actions.view_progressupdate",
    "actions.view_statusreport",
    "actions.view_unit",
    "countries.view_country",
    "countries.view_engagement",
    "countries.view_region",
]
EDIT = [
    "actions.add_statusreport",
    "actions.change_statusreport",
    "actions.add_progressupdate",
    "countries.add_engagement",
    "countries.change_engagement",
]
ROLES = {"Editors": READ + EDIT, "Viewers": READ}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0003_history_versions_progress_updates"),
        ("countries", "0002_engagement_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
