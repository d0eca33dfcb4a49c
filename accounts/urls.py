"""Sign-in through django-allauth (two-factor, password reset by e-mail, single sign-on) under
/accounts/. The names `login`, `logout` and `password_change` stay for templates and tests;
signing out and changing a password keep Django's views (sign-out only by POST)."""

from allauth.account import views as allauth_views
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import sso, views

# Single sign-on with allauth's paths and names, and the checks of accounts.sso; before allauth's
# own. reform_tracker/urls.py also serves them without a language prefix, so that they are
# reversed to the one callback address the identity provider knows.
sso_urlpatterns = [
    path("oidc/<str:provider_id>/login/", sso.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", sso.callback, name="openid_connect_callback"),
]

urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(template_name="registration/change_password.html"),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="registration/change_password_done.html"
        ),
        name="password_change_done",
    ),
    path("preferences/", views.preferences, name="account_preferences"),
    *sso_urlpatterns,
    path("", include("allauth.urls")),
]
