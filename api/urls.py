from django.urls import path

from . import tokens, views

app_name = "api"

# Stable identifiers: a plan's slug, an item's number in it, a session's code, an ISO code.
urlpatterns = [
    path("", views.index, name="index"),
    path("schema/", views.schema, name="schema"),
    path("docs/", views.docs, name="docs"),
    path("plans/", views.plans, name="plans"),
    path("plans/<slug:slug>/", views.plan, name="plan"),
    path("plans/<slug:slug>/items/", views.items, name="items"),
    path("plans/<slug:slug>/items/<int:number>/", views.item, name="item"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<str:code>/", views.session, name="session"),
    path("sessions/<str:code>/statuses/", views.statuses, name="statuses"),
    path("sessions/<str:code>/changes/", views.changes, name="changes"),
    path("regions/", views.regions, name="regions"),
    path("countries/", views.countries, name="countries"),
    path("countries/<str:iso>/", views.country, name="country"),
    path("engagements/", views.engagements, name="engagements"),
    path("key-figures/", views.key_figures, name="key-figures"),
]

# The account page where a user creates and revokes their tokens (in each language).
account_urlpatterns = [
    path("api-tokens/", tokens.token_list, name="api-tokens"),
    path("api-tokens/<int:pk>/revoke/", tokens.revoke, name="revoke-api-token"),
]
