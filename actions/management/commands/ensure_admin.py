"""Create a local administrator on first run, so that a newcomer can sign in to Django admin."""

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' with a random password, printed once, if none exists."

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                f"Created the administrator 'admin' with the password {password}\n"
                "It is shown only this once: note it now, or run "
                "'python manage.py changepassword admin' later."
            )
        )
