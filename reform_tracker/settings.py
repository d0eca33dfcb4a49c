"""Settings for Reform Tracker, read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from accounts.encryption import parse_keys
from accounts.oidc import oidc_apps, parse_group_rules
from ops.static import root_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: a typo must not silently switch debug on or off."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in production, "
            "or set DJANGO_DEBUG=true for local development."
        )
    # Development only: never used with debug off.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "django_filters",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "actions",
    "countries",
    "accounts",
    "reminders",
    "ops",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Straight after SecurityMiddleware: static files skip the rest of the stack.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Under /api/: CORS for public data, and every error as JSON (before anything can answer).
    "api.middleware.api_responses",
    "ops.middleware.reject_nul_characters",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL (/fr/…, /es/…; English unprefixed), after sessions.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # gzip, only for what holds no secret (BREACH: docs/security.md, "Compression"). After the
    # CSRF middleware, which forgets once it has answered that the page used a token; the ones
    # below read or write no body.
    "ops.middleware.CompressPublicPages",
    # Django's, with the user, their permissions and two-factor standing from the shared cache.
    "accounts.usercache.CachedAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Each 403 into the security log; no-store for signed-in users; idle and old sessions ended
    # (needs the user and, to say why, messages).
    "accounts.middleware.log_refusals",
    "accounts.middleware.no_store_when_signed_in",
    "accounts.middleware.end_expired_sessions",
    # Editors and superusers without a second factor go to enrolment (DJANGO_REQUIRE_2FA).
    "accounts.mfa.require_second_factor",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the audit trail.
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.gates.RequireLoginToViewMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]
# Reasons for a change are kept whole in the history (forms allow 300 characters; simple_history's
# default column holds 100).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Uploads: only the Appendix import takes a file, at most 5 MB (actions/imports.py, which refuses
# a larger body before reading it). Up to this size a file stays in memory, never written to disk;
# form fields without files (the import's signed preview included) stay under Django's 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_NUMBER_FILES = 1

ROOT_URLCONF = "reform_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actions.context_processors.as_of",
                "django.template.context_processors.i18n",
                "reform_tracker.languages.language_links",
            ],
        },
    },
]

WSGI_APPLICATION = "reform_tracker.wsgi.application"

# SQLite in the project folder is the zero-setup default; PostgreSQL is production.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}

# A database that accepts connections but does not answer must not hold every worker until
# gunicorn kills it (30 s): connecting gives up after DJANGO_DB_CONNECT_TIMEOUT seconds (libpq's
# least is 2), a statement after DJANGO_DB_STATEMENT_TIMEOUT (0: no limit), so /healthz answers
# 503 and pages the error page. PostgreSQL only.
DB_CONNECT_TIMEOUT = env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT = env_int("DJANGO_DB_STATEMENT_TIMEOUT", 10)
if DB_CONNECT_TIMEOUT <= 0 or DB_STATEMENT_TIMEOUT < 0:
    raise ImproperlyConfigured(
        "DJANGO_DB_CONNECT_TIMEOUT must be more than 0, DJANGO_DB_STATEMENT_TIMEOUT 0 or more."
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    db_options = DATABASES["default"].setdefault("OPTIONS", {})
    db_options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    # PostgreSQL's JIT compiles any query its planner thinks costly, which costs tens of
    # milliseconds: a loss for a web page's short queries (the countries' name order, a CASE of
    # 250 codes, looks costly to it).
    db_options["options"] = f"-c jit=off -c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ASVS 2.1: at least 12 characters, not a common password, not the account's own name or e-mail;
# no composition rules (2.1.9), so not Django's NumericPasswordValidator, which demands a
# character other than a digit: the length and the common-password list (which holds the
# common numbers) already refuse the weak all-digit ones.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Not a rule: records each change of password in the security log.
    {"NAME": "accounts.passwords.RecordPasswordChanges"},
]

# The ILO's working languages. English is the default and has no URL prefix.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own way; English as the ILO writes them (reform_tracker/formats/).
FORMAT_MODULE_PATH = ["reform_tracker.formats"]
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files that browsers ask for at the site's root, /favicon.ico: whitenoise serves public/ there,
# before any other middleware (no language, sign-in or session), cached for a day.
WHITENOISE_ROOT = BASE_DIR / "public"
WHITENOISE_ADD_HEADERS_FUNCTION = root_file_headers

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Production: static files, HTTPS, headers, sign-in protection, logging (docs/operations.md,
# "Production").

# whitenoise serves collectstatic's output: names carry a content hash (cached for ever by browsers
# and proxies) and each file has a gzip twin.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Several application servers share one database, so whatever one process stores another may need
# lives there: sessions (Django's default database backend), django-axes' failed attempts, and
# the cache.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        # Room for the cached pages (ops/pagecache.py): a few per page of the site.
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# Redis instead, e.g. redis://127.0.0.1:6379/0: faster page cache hits, one more server to run.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://")):
        # Not quoted back: the URL may hold a password.
        raise ImproperlyConfigured("DJANGO_CACHE_URL must start with redis:// or rediss://.")
    # Django's RedisCache, but a Redis that is down or silent makes pages uncached, not errors.
    CACHES = {"default": {"BACKEND": "ops.cache.TolerantRedisCache", "LOCATION": CACHE_URL}}
# How long anonymous readers' pages stay in the cache at most; 0 switches the page cache off.
# An edit makes them stale at once whatever this says.
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)

# HTTPS. The reverse proxy terminates TLS; it tells Django so with X-Forwarded-Proto, which Django
# trusts only when told to (a client could send the header itself to a server reached directly).
if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Load balancers probe over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS is remembered by browsers for its whole lifetime: switch it on once HTTPS works.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Security headers (Mozilla Observatory). Django's defaults, written out so that they are seen.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates load files from static/ only); admin complies.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Sign-in at /accounts/login/.
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# Sessions (ASVS 3.3): a signed-in user is signed out after SESSION_IDLE_SECONDS without a
# request and SESSION_MAX_SECONDS after signing in, whichever comes first
# (accounts.middleware.end_expired_sessions), and when the browser closes.
SESSION_IDLE_SECONDS = env_int("DJANGO_SESSION_IDLE_SECONDS", 60 * 60)
# DJANGO_SESSION_COOKIE_AGE is the former name of DJANGO_SESSION_MAX_SECONDS, still read.
SESSION_MAX_SECONDS = env_int(
    "DJANGO_SESSION_MAX_SECONDS", env_int("DJANGO_SESSION_COOKIE_AGE", 12 * 60 * 60)
)
if SESSION_IDLE_SECONDS <= 0 or SESSION_MAX_SECONDS <= 0:
    raise ImproperlyConfigured(
        "DJANGO_SESSION_IDLE_SECONDS and DJANGO_SESSION_MAX_SECONDS must be more than 0."
    )
# In the database, never in the cache: a cache that is down must not sign everyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The stored session outlives no session.
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# E-mail (password reset): printed on stderr unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
# A mail server that accepts the connection and never answers must not hold `send_reminders`
# (and the row it has claimed) for ever.
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 30)
# The site's address as readers reach it, for links in e-mail sent outside a request
# (`send_reminders`): scheme and host, no trailing slash.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("DJANGO_SITE_URL must start with https:// (or http://).")

# django-axes: lock an account out from one address after repeated failures (ASVS 2.2.1).
# Its backend must come first: it refuses a locked-out sign-in before the password is checked.
# Then allauth's alone (a ModelBackend that also matches names in any case, and gives
# permissions): each backend that checks a password hashes it, a failure would cost two.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(hours=env_int("DJANGO_AXES_COOLOFF_HOURS", 1))
# Per account (its name as sign-in matches it: accounts.clients.client_username) and address,
# with a cool-off rather than a permanent lock (which an attacker could use to lock real staff
# out). No address-wide lock: django-axes has one threshold for every parameter, and a whole
# office signs in from one address (NAT, a proxy); allauth's rate limits per address (below)
# and the reverse proxy slow one address down instead (docs/security.md, "Brute force").
# django-allauth's sign-in form names the username field "login".
AXES_USERNAME_FORM_FIELD = "login"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.clients.client_ip"
AXES_USERNAME_CALLABLE = "accounts.clients.client_username"
# How many reverse proxies append to X-Forwarded-For in front of the application (0: none, the
# client is REMOTE_ADDR). The client address is the entry that many places from the right.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)

# django-allauth: sign-in, password reset by e-mail, two-factor, single sign-on
# (docs/security.md, "Sign-in").
# Accounts are made by administrators (no sign-up page) or by a first single sign-on.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
# allauth's limits count the client address of accounts.clients.client_ip (the adapter's
# get_client_ip), as django-axes does; its defaults stand (sign-in posts 30 a minute, password
# reset requests 20 a minute per address). Its count of failures per account from any address
# is for second-factor codes only: the adapter leaves wrong passwords to django-axes.
ACCOUNT_RATE_LIMITS = {"login_failed": f"{2 * AXES_FAILURE_LIMIT}/300s/key"}
# The code only, never "Remember me": a session ends when the browser closes.
ACCOUNT_SESSION_REMEMBER = False
# allauth asks for the password again before two-factor changes, unless it was typed this
# recently (accounts.adapters also counts the sign-in itself).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Reform Tracker"
# TOTP secrets and recovery-code seeds are stored encrypted (accounts.encryption): Fernet keys,
# newest first; unset, one derived from SECRET_KEY. docs/security.md, "Two-factor", says how to
# rotate.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_ENCRYPTION_KEYS = parse_keys(os.environ.get("DJANGO_MFA_ENCRYPTION_KEYS", ""), SECRET_KEY)
# One secret for the whole enrolment, whatever else the browser asks for meanwhile.
MFA_FORMS = {"activate_totp": "accounts.mfa.KeepSecretActivateTOTPForm"}
# A second factor (or single sign-on) is compulsory for editors and superusers, Django admin
# included (accounts.mfa). Off only for development or an installation behind another gate.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", True)

# Single sign-on through one OpenID Connect provider, off unless DJANGO_OIDC_ISSUER is set.
OIDC_ISSUER = os.environ.get("DJANGO_OIDC_ISSUER", "").strip()
# First sign-in's group from the e-mail domain or a claim (accounts.oidc.parse_group_rules).
OIDC_GROUP_RULES = parse_group_rules(os.environ.get("DJANGO_OIDC_GROUPS", ""))
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": oidc_apps(OIDC_ISSUER, os.environ)},
}
# Every identity the provider vouches for gets an account (read-only unless a rule gives a
# group); an existing local account is never taken over through a matching e-mail address.
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False

# Everything to stderr: the process manager (systemd, a container runtime) keeps the log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start; its warnings (failures, lock-outs) remain.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Public by default; true makes every page but sign-in and admin require signing in, and the
# API (/api/v1/) a token.
REQUIRE_LOGIN_TO_VIEW = env_bool("REQUIRE_LOGIN_TO_VIEW", False)
# Requests a minute that one client address may make to the API without a token (0: no limit).
API_RATE_LIMIT = env_int("DJANGO_API_RATE_LIMIT", 300)
