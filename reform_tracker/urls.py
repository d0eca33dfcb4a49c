from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.urls import sso_urlpatterns
from actions import views as actions_views
from api import feeds
from api.urls import account_urlpatterns as api_token_urlpatterns
from ops import views as ops_views

from . import languages

# Admin signs in through the site's sign-in page, which asks for the second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", ops_views.healthz, name="healthz"),
    # The open-data API: one address per resource, the language from Accept-Language or ?lang=.
    path("api/v1/", include("api.urls")),
    # English has no prefix: /en/… goes to the same page without it.
    re_path(r"^en/(?P<rest>.*)$", languages.english_without_prefix),
]

# The site's pages in each language: English at /, French at /fr/…, Spanish at /es/….
urlpatterns += i18n_patterns(
    path("", actions_views.dashboard, name="home"),
    # Before actions' sessions/<code>/, which would take "feed" for a session's code.
    path("sessions/feed/", feeds.sessions_feed, name="sessions-feed"),
    path("actions/<int:number>/feed/", feeds.item_feed, name="item-feed"),
    path("", include("actions.urls")),
    path("countries/", include("countries.urls")),
    # Not under accounts/: the two-factor gate leaves that open, and a token can read drafts.
    path("", include(api_token_urlpatterns)),
    path("accounts/", include("accounts.urls")),
    prefix_default_language=False,
)

# Last, so that reverse() (which takes the last of equal names) gives these, whatever the language.
urlpatterns += [path("accounts/", include(sso_urlpatterns))]
