from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from ops import views as ops_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="actions:appendix"), name="home"),
    path("", include("actions.urls")),
    path("countries/", include("countries.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
]
