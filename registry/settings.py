"""Settings for the registry, read from the environment (django-environ).

Secure by default: DEBUG is off unless DJANGO_DEBUG is set. Without DATABASE_URL the registry
starts its own embedded PostgreSQL under var/ (see registry/embedded_db.py); that is also the only
case where a missing SECRET_KEY is generated and kept in var/secret_key.
"""

import secrets
from pathlib import Path

import environ
import pgtrigger
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from registry import formats as iso_formats
from registry.db_router import replica_databases
from registry.embedded_db import start_embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
# The files beside the code (var/, staticfiles/, node_modules/, fixtures/): the source checkout, or
# REGISTRY_HOME where an installed package runs (the Docker image sets /app).
HOME_DIR = Path(environ.Env().str("REGISTRY_HOME", default=str(BASE_DIR)))
VAR_DIR = Path(environ.Env().str("REGISTRY_VAR_DIR", default=str(HOME_DIR / "var")))

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
        key = env("DJANGO_SECRET_KEY")
        if PRODUCTION:
            _refuse_weak_secret_key(key)
        return key
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


def _refuse_weak_secret_key(key: str) -> None:
    """What ``check --deploy`` warns about (security.W009), refused at start-up in production."""
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is weak: use at least {SECRET_KEY_MIN_LENGTH} random characters "
            f"(at least {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, not starting with "
            f"{SECRET_KEY_INSECURE_PREFIX!r}), e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )


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
    "registry.curation",
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
    # The API refuses a NUL byte or an overlong URL with a JSON 4xx (inside CORS, so browsers read it).
    "api.middleware.RefuseUnstorableInputMiddleware",
    # ETag from the body and 304 on If-None-Match / If-Modified-Since, for GET and HEAD alike (inside
    # CORS, so 304s keep its headers).
    "api.conditional.ConditionalGetMiddleware",
    # s-maxage, stale-while-revalidate and Vary for shared caches; never the admin or a 429.
    "registry.http_cache.SharedCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who changed what (user, URL) on every history event written during a request.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "registry.middleware.ContentSecurityPolicyMiddleware",
    # Public GET/HEAD of the API and website read from a replica (registry/db_router.py).
    "registry.db_router.PublicReadMiddleware",
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
# The client's address, for the lockout as for the API's throttling: the socket's, or behind
# DJANGO_API_NUM_PROXIES proxies that each append the address they saw to X-Forwarded-For, the one
# the outermost proxy appended (what a client writes in the header itself is left of it).
NUM_PROXIES = env.int("DJANGO_API_NUM_PROXIES", default=0)
# django-ipware counts the proxies listed in X-Forwarded-For, i.e. all but the one whose address the
# socket gives. Its legacy algorithm (non-strict: a client's garbage entries are skipped) splits the
# header at every comma; the modern one honours quotes, so a client's unclosed quote swallowed the
# address the proxy appended after it, and the client's own entry was taken.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES - 1 if NUM_PROXIES else None
IPWARE_ALGORITHM = "legacy"
IPWARE_STRICT = False

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
# A hung database is a 503 like a down one (registry/database.py): connecting gives up after this
# many seconds; the web's statements after DJANGO_DB_STATEMENT_TIMEOUT (0: no limit).
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DJANGO_DB_CONNECT_TIMEOUT", default=5)
)
DATABASE_STATEMENT_TIMEOUT = env.float("DJANGO_DB_STATEMENT_TIMEOUT", default=15)
# Lets several test runs share one server without colliding (pytest-django creates and drops it).
DATABASES["default"]["TEST"] = {"NAME": env.str("REGISTRY_TEST_DATABASE", default="") or None}

# Read replicas (optional): the public API's and website's reads go to them (registry/db_router.py).
DATABASES.update(replica_databases(env.list("DATABASE_REPLICA_URLS", default=[]), DATABASES["default"]))
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["registry.db_router.PublicReadRouter"]

FIXTURE_DIRS = [HOME_DIR / "fixtures"]

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
# Dates are typed as YYYY-MM-DD in every language, never read as month/day or day/month.
FORMAT_MODULE_PATH = ["registry.formats"]
DATE_INPUT_FORMATS = iso_formats.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = iso_formats.DATETIME_INPUT_FORMATS
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME_DIR / "staticfiles"
# Browser libraries installed from npm (package-lock.json, `npm ci`) and served by the app: no CDN.
STATICFILES_DIRS = [("vendor/leaflet", HOME_DIR / "node_modules" / "leaflet" / "dist")]
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
# Let browser scripts send conditional requests and read what they and downloads need (Retry-After on a 429).
CORS_ALLOW_HEADERS = [*default_cors_headers, "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Content-Disposition", "Retry-After"]

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per client address, counted in the "throttle" cache (shared by every worker): api/throttling.py.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("DJANGO_API_ANON_RATE", default="120/minute"),
        "export": env.str("DJANGO_API_EXPORT_RATE", default="20/minute"),
    },
    # Behind a load balancer, the number of proxies that append to X-Forwarded-For (0: the socket's).
    "NUM_PROXIES": NUM_PROXIES,
}
# The API's rate-limit counters live where every worker (and every machine) sees them: a table of
# the database (created by migrate), or the cache server of DJANGO_API_THROTTLE_CACHE_URL (e.g.
# redis://127.0.0.1:6379/1, with its client library installed). The default cache stays per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": env.cache_url("DJANGO_API_THROTTLE_CACHE_URL", default="dbcache://registry_throttle_cache"),
}
if CACHES["throttle"]["BACKEND"].endswith("DatabaseCache"):
    # Past this many counters the table is culled, live ones too (Django's default is 300).
    CACHES["throttle"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20_000)
# The largest file the admin's import accepts (MB); a larger upload is refused before it is read.
# (manage.py import_records has no limit.)
REGISTRY_MAX_IMPORT_MB = env.float("REGISTRY_MAX_IMPORT_MB", default=20)
# Four eyes: a reviewer may not approve a change they proposed themselves. A small team with one
# reviewer can allow it (REGISTRY_ALLOW_SELF_APPROVAL=true); the history still names both roles.
REGISTRY_ALLOW_SELF_APPROVAL = env.bool("REGISTRY_ALLOW_SELF_APPROVAL", default=False)
# What an import file (admin or import_records) may hold once read: refused before it is parsed,
# and while it is read (registry/imports/files.py). An XLSX is a ZIP archive: 20 MB may inflate to GBs.
REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB = env.float("REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB", default=200)
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=1_000_000)
REGISTRY_IMPORT_MAX_COLUMNS = env.int("REGISTRY_IMPORT_MAX_COLUMNS", default=100)
REGISTRY_IMPORT_MAX_CELL_CHARS = env.int("REGISTRY_IMPORT_MAX_CELL_CHARS", default=100_000)
# Data releases (manage.py make_release): where they are written and served from (/releases/), and the
# registry's public address, which the links in their CSV files start with.
REGISTRY_RELEASES_DIR = Path(env.str("REGISTRY_RELEASES_DIR", default=str(VAR_DIR / "releases")))
REGISTRY_PUBLIC_URL = env.str("REGISTRY_PUBLIC_URL", default="http://localhost:8000")
# OCDS (?format=ocds on contracts, api/ocds.py). Every ocid starts with the publisher's prefix, which
# the OCDS helpdesk registers (ocds- and six characters); "ocds-unregistered" is a placeholder that
# no registered prefix can equal: set yours before publishing. The publisher's name and the URL of
# its publication policy (omitted from the package when empty) head each release package.
OCDS_OCID_PREFIX = env.str("REGISTRY_OCDS_OCID_PREFIX", default="ocds-unregistered")
OCDS_PUBLISHER_NAME = env.str("REGISTRY_OCDS_PUBLISHER_NAME", default="Surveillance Deployment Registry")
OCDS_PUBLICATION_POLICY_URL = env.str("REGISTRY_OCDS_PUBLICATION_POLICY_URL", default="")
# Cache-Control: public, max-age of successful public API responses (seconds).
API_CACHE_MAX_AGE = env.int("DJANGO_API_CACHE_MAX_AGE", default=60)
# Shared caches (registry/http_cache.py): the website pages' max-age; s-maxage (default: max-age)
# and stale-while-revalidate of every public response (seconds).
WEB_CACHE_MAX_AGE = env.int("DJANGO_WEB_CACHE_MAX_AGE", default=60)
HTTP_CACHE_S_MAXAGE = env.int("DJANGO_HTTP_CACHE_S_MAXAGE", default=None)
HTTP_CACHE_STALE_WHILE_REVALIDATE = env.int("DJANGO_HTTP_CACHE_STALE_WHILE_REVALIDATE", default=30)

SPECTACULAR_SETTINGS = {
    "TITLE": "Surveillance Deployment Registry API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": "Read-only, anonymous API of published records only. Lists filter by ISO code or slug, "
    "search with ?search=, order with ?ordering=, paginate with ?page= and ?page_size= (at most 500), and "
    "export every matching row with ?format=csv (and ?format=geojson on deployments and places; ?format=ocds, "
    "an OCDS 1.1 release package, on contracts).",
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
        "ConfidenceEnum": "registry.choices.Confidence",
        # A list item's confidence: a citation's, or none (deployments/claims.py).
        "ItemConfidenceEnum": "deployments.claims.CONFIDENCE_CHOICES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.allow_empty_query_values",
        "api.schema.public_operations",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL")},
    "loggers": {
        # Django's own console handler (debug only) printed each of its records a second time: they
        # reach the root handler above.
        "django": {"handlers": [], "propagate": True},
        # The embedded PostgreSQL's wheel narrates every start and exit at INFO; only its warnings matter.
        "embedded_postgres": {"level": "WARNING"},
    },
}

# History of many-to-many links: their auto-created through tables have no migrations of their own,
# so their triggers are installed after migrate (the other triggers come with migrations). Only the
# missing or outdated ones, one log line each: registry.apps, not pgtrigger's install of all 83.
PGTRIGGER_INSTALL_ON_MIGRATE = False

# History triggers fire once per statement (over its transition tables), not once per row: a row-level
# trigger attaches the request's context (_pgh_attach_context, a plpgsql exception block, i.e. a
# subtransaction) for every row, which made a bulk import of 100,000 rows spend most of its time there.
PGHISTORY_LEVEL = pgtrigger.Statement

# Optimistic locking (django-concurrency): a save whose version is older than the stored one raises
# RecordModifiedError. Version 0 means "not known" and is not checked: fixtures carry no version,
# so loading the seed again updates rows in place instead of failing.
CONCURRENCY_VERSION_FIELD_REQUIRED = False
