from django.urls import path

from . import round_views, views

app_name = "actions"

urlpatterns = [
    path("appendix/", views.appendix, name="appendix"),
    path("actions/<int:number>/", views.detail, name="detail"),
    path("actions/<int:number>/status/", views.edit_status, name="edit-status"),
    path("actions/<int:number>/status/cell/", views.status_cell, name="status-cell"),
    path("actions/<int:number>/updates/add/", views.add_progress_update, name="add-update"),
    path("actions/<int:number>/propose/", round_views.propose, name="propose"),
    path("my-items/", round_views.my_items, name="my-items"),
    path("proposals/<int:pk>/review/", round_views.review_proposal, name="review-proposal"),
    path("units/", round_views.units, name="units"),
    path("units/new/", round_views.edit_unit, name="add-unit"),
    path("units/<int:pk>/", round_views.edit_unit, name="edit-unit"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.open_session, name="open-session"),
    path("sessions/<str:code>/", views.session_detail, name="session"),
    path("sessions/<str:code>/changes/", views.session_changes, name="session-changes"),
    path("sessions/<str:code>/appendix.docx", views.session_docx, name="session-docx"),
    path("sessions/<str:code>/import/", views.import_appendix, name="import-appendix"),
    path("sessions/<str:code>/publish/", views.publish_session, name="publish-session"),
    path("sessions/<str:code>/round/", round_views.session_round, name="session-round"),
]
