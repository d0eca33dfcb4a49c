"""The roles of the README as groups: Editors (ILO staff who keep the plan current), Viewers.

Migration actions/0004_roles made them once; this makes them again after every `migrate` and
`flush` if they are missing (a flush empties the auth tables, and Django recreates permissions
afterwards but not groups). A group that exists is left alone: an administrator may have changed
its permissions in Django admin.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

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


def ensure_roles(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: sent after the actions and countries apps' permissions exist."""
    for name, codes in ROLES.items():
        group, created = Group.objects.using(using).get_or_create(name=name)
        if created:
            for code in codes:
                app_label, codename = code.split(".")
                group.permissions.add(
                    Permission.objects.using(using).get(
                        content_type__app_label=app_label, codename=codename
                    )
                )
