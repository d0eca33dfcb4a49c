from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in as allauth_logged_in
        from django.contrib.auth.signals import user_logged_in

        from . import audit, mfa, middleware, roles, sso, usercache

        audit.connect()
        mfa.connect()
        allauth_logged_in.connect(sso.signed_in, dispatch_uid="security-log-sso-sign-in")
        user_logged_in.connect(middleware.start_session, dispatch_uid="session-times")
        # Any change to who may do what makes the stored users stale (accounts/usercache.py).
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(usercache.users_changed, dispatch_uid=f"usercache-{id(signal)}")
        # Sent for countries, the last app whose permissions the roles use, after the receiver of
        # Django's auth app (connected earlier) has made that app's permissions.
        post_migrate.connect(
            roles.ensure_roles, sender=apps.get_app_config("countries"), dispatch_uid="ensure-roles"
        )
