from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit, middleware

        audit.connect()
        user_logged_in.connect(middleware.start_session, dispatch_uid="session-times")
