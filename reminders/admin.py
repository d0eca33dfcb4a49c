from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What `send_reminders` sent, for reading: a row is the proof that a message went out, so
    nobody adds or changes one here (deleting one lets the command send it again)."""

    list_display = ["sent_at", "session", "occasion", "kind", "recipient", "language"]
    list_filter = ["session", "occasion", "kind"]
    list_select_related = ["session", "recipient"]
    search_fields = ["recipient__username", "recipient__email"]
    fields = ["sent_at", "session", "occasion", "kind", "recipient", "language", "items"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
