"""The reporting round's roles: the group Focal points, and editors' permissions to review
proposals and name units' focal points.

ROLES below is a frozen copy of accounts.roles.ROLES as it stood when this migration was written
(0004_roles froze the earlier one); tests/test_roles.py checks that the latest frozen copy agrees
with the live list.
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
    "actions.view_statusproposal",
    "actions.change_statusproposal",
    "actions.add_unit",
    "actions.change_unit",
]
PROPOSE = ["actions.add_statusproposal"]
ROLES = {"Editors": READ + EDIT, "Focal points": READ + PROPOSE, "Viewers": READ}
ADDED = {
    "Editors": [
        "actions.view_statusproposal",
        "actions.change_statusproposal",
        "actions.add_unit",
        "actions.change_unit",
    ],
    "Focal points": READ + PROPOSE,
}


def permission(apps, code):
    app_label, codename = code.split(".")
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


def add_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, codes in ADDED.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permission(apps, code) for code in codes))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name="Focal points").delete()
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*(permission(apps, code) for code in ADDED["Editors"]))


class Migration(migrations.Migration):
    dependencies = [("actions", "0010_units_focal_points_and_proposals")]

    operations = [migrations.RunPython(add_roles, remove_roles)]
