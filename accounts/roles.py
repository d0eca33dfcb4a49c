"""The roles of the README as groups: Editors (ILO staff who keep the plan current and coordinate
the reporting round), Focal points (staff of a responsible unit who propose its items' statuses),
Viewers.

Migration actions/0004_roles made them once (0011_focal_points_role added Focal points and the
round's permissions); this makes them again after every `migrate` and
`flush` if they are missing (a flush empties the auth tables, and Django recreates permissions
afterwards but not groups). A group that exists is left alone: an administrator may have changed
its permissions in Django admin.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet

# The one of settings.AUTHENTICATION_BACKENDS that keeps permissions (see `holders`).
PERMISSIONS_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"

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
    # The reporting round: review proposals, name units' focal points and assign items to units.
    "actions.view_statusproposal",
    "actions.change_statusproposal",
    "actions.add_unit",
    "actions.change_unit",
]
# Focal points read what viewers read and propose statuses for their own units' items only
# (actions/round.py); they do not see drafts (`actions.readers.is_editor`).
PROPOSE = ["actions.add_statusproposal"]
ROLES = {"Editors": READ + EDIT, "Focal points": READ + PROPOSE, "Viewers": READ}


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


def holders(permission: str) -> QuerySet:
    """The active users who hold `permission` ("app_label.codename") through a group, as their
    own or as superusers: Django's `with_perm`, asked of the backend that keeps permissions
    (allauth's is a ModelBackend; axes's keeps none, so Django cannot choose alone). One query."""
    return get_user_model().objects.with_perm(permission, backend=PERMISSIONS_BACKEND)
