from django.contrib import admin
from django.urls import include, path

from actions import views as actions_views

urlpatterns = [
    path("", actions_views.dashboard, name="home"),
    path("", include("actions.urls")),
    path("countries/", include("countries.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
