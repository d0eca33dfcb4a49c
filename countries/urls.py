from django.urls import path

from . import views

app_name = "countries"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("matrix/", views.matrix, name="matrix"),
    path("engagements/<int:pk>/edit/", views.edit_engagement, name="edit-engagement"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/engagements/add/", views.add_engagement, name="add-engagement"),
]
