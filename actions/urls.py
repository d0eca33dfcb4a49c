from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("appendix/", views.appendix, name="appendix"),
    path("actions/<int:number>/", views.detail, name="detail"),
    path("actions/<int:number>/status/", views.edit_status, name="edit-status"),
    path("actions/<int:number>/status/cell/", views.status_cell, name="status-cell"),
    path("actions/<int:number>/updates/add/", views.add_progress_update, name="add-update"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.open_session, name="open-session"),
    path("sessions/<str:code>/", views.session_detail, name="session"),
    path("sessions/<str:code>/changes/", views.session_changes, name="session-changes"),
    path("sessions/<str:code>/appendix.docx", views.session_docx, name="session-docx"),
    path("sessions/<str:code>/import/", views.import_appendix, name="import-appendix"),
    path("sessions/<str:code>/publish/", views.publish_session, name="publish-session"),
]
