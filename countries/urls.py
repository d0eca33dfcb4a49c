from django.urls import path

from . import views

app_name = "countries"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("<str:code>/", views.detail, name="detail"),
]
