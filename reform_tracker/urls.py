from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from actions import views as actions_views
from ops import views as ops_views

# Admin signs in through the site's sign-in page, which asks for the second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", actions_views.dashboard, name="home"),
    path("", include("actions.urls")),
    path("countries/", include("countries.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
]
