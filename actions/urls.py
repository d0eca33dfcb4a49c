from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("appendix/", views.appendix, name="appendix"),
    path("actions/<int:number>/", views.detail, name="detail"),
    path("actions/<int:number>/status/", views.edit_status, name="edit-status"),
    path("actions/<int:number>/status/cell/", views.status_cell, name="status-cell"),
    path("actions/<int:number>/updates/add/", views.add_progress_update, name="add-update"),
]
