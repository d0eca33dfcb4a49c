from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("appendix/", views.appendix, name="appendix"),
    path("actions/<int:number>/", views.detail, name="detail"),
]
