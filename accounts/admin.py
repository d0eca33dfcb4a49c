import datetime
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import Profile, SecurityEvent


class ProfileInline(admin.StackedInline):
    """A user's preferences (the language of the e-mails sent to them) on their admin page."""

    model = Profile
    can_delete = False


# Django's own user admin, with the preferences beside it.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserWithProfileAdmin(UserAdmin):
    inlines = [ProfileInline]


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, for superusers only, and for reading only: nobody adds, changes or
    deletes an event here, superusers included."""

    list_display = ["time_utc", "kind", "username", "user", "ip_address", "detail"]
    list_filter = ["kind", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["username", "ip_address"]
    list_select_related = ["user"]
    # The log grows without bound: no second count of all its rows on every filtered page.
    show_full_result_count = False
    fields = ["time_utc", "kind", "user", "username", "ip_address", "user_agent", "detail"]
    readonly_fields = fields

    @admin.display(description="time (UTC)", ordering="created_at")
    def time_utc(self, event: SecurityEvent) -> str:
        return event.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
