"""Where each query goes: the public API's and website's reads to a read replica, everything else to
the primary. The whole rule is here (docs/operations.md, "Scaling").

A request is a *public read* when it is a GET or HEAD resolved to the API (``api:``) or the website
(``web:``) and carries no session cookie: a signed-in curator reads from the primary everywhere, so
they see their own edits at once, on the public site too. ``PublicReadMiddleware`` marks such a
request; while it runs (and while a streamed export is sent) ``PublicReadRouter`` sends its reads to
one replica, picked round robin among ``DATABASE_REPLICAS``. The first read of the request checks the
replica (a kept connection answers ``SELECT 1``, a new one connects within ``connect_timeout``); one
that fails is left out for ``DATABASE_REPLICA_RETRY_SECONDS`` and the next is tried; with none left,
the primary serves. All of a request's reads, its Last-Modified (api/conditional.py) and raw SQL
(``read_connection()``) included, use that one database, so the validators describe the data sent.

Everything else reads and writes the primary: the admin, imports, the workflow, management
commands, any POST, and the tables of who is signed in and of throttling (``PRIMARY_ONLY_APPS``),
whose state must be read where it was just written.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import environ
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

PUBLIC_NAMESPACES = frozenset({"api", "web"})
PUBLIC_METHODS = frozenset({"GET", "HEAD"})
# Sessions, users, admin log, failed logins, and the database cache table (DatabaseCache's model).
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "admin", "axes", "django_cache"})
DEFAULT_RETRY_SECONDS = 30
REPLICA_CONNECT_TIMEOUT = 3  # seconds; a replica that does not answer is skipped, not waited for


# --- Settings -----------------------------------------------------------------------------------------


def replica_databases(urls: list[str], primary: dict) -> dict[str, dict]:
    """DATABASES entries ``replica_1``, ``replica_2``... for DATABASE_REPLICA_URLS. Each keeps the
    primary's options (timeouts) unless its URL sets them, and is the primary's test mirror: a
    physical replica has the test database as soon as the primary creates it."""
    replicas = {}
    for number, url in enumerate(urls, start=1):
        config = environ.Env.db_url_config(url)
        if not config["ENGINE"].endswith("postgresql"):
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URLS entry {number} is not a postgres:// URL.")
        options = {**primary.get("OPTIONS", {}), **config.get("OPTIONS", {})}
        options.setdefault("connect_timeout", REPLICA_CONNECT_TIMEOUT)
        config.update(
            OPTIONS=options,
            CONN_MAX_AGE=primary.get("CONN_MAX_AGE", 0),
            CONN_HEALTH_CHECKS=True,
            TEST={"MIRROR": DEFAULT_DB_ALIAS},
        )
        replicas[f"replica_{number}"] = config
    return replicas


# --- The request's scope ----------------------------------------------------------------------------


@dataclass
class _PublicRead:
    alias: str | None = None  # chosen at the request's first read


_public_read: ContextVar[_PublicRead | None] = ContextVar("registry_public_read", default=None)


def public_area(request) -> str | None:
    """The public area of a GET or HEAD, "api" or "web", once its URL is resolved; else None."""
    match = getattr(request, "resolver_match", None)
    if request.method not in PUBLIC_METHODS or match is None or not match.namespaces:
        return None
    return match.namespaces[0] if match.namespaces[0] in PUBLIC_NAMESPACES else None


def is_public_read(request) -> bool:
    return public_area(request) is not None and settings.SESSION_COOKIE_NAME not in request.COOKIES


class PublicReadMiddleware:
    """Marks public reads (see the module's docstring) once the URL is resolved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        finally:
            scope = _public_read.get()
            _public_read.set(None)
        if scope is not None and response.streaming:
            # A streamed export reads its rows while it is sent, after the view has returned.
            response.streaming_content = _within(scope, response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_read(request):
            _public_read.set(_PublicRead())


@contextmanager
def public_read():
    """Treat the reads inside as a public read's (what the middleware does for a request)."""
    previous = _public_read.set(_PublicRead())
    try:
        yield
    finally:
        _public_read.reset(previous)


def _within(scope: _PublicRead, chunks):
    _public_read.set(scope)
    try:
        yield from chunks
    finally:
        _public_read.set(None)


# --- Choosing a database ----------------------------------------------------------------------------


def read_alias() -> str:
    """The database this request reads: its replica during a public read, else the primary."""
    scope = _public_read.get()
    if scope is None:
        return DEFAULT_DB_ALIAS
    if scope.alias is None:
        scope.alias = _healthy_replica() or DEFAULT_DB_ALIAS
    return scope.alias


def read_connection():
    """The connection for raw SQL that reads public data (the same one the ORM's reads use)."""
    return connections[read_alias()]


class PublicReadRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's very rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # replicas follow the primary's schema by replication


class ReplicaHealth:
    """Per process: the round robin's position and which replicas are left out until when."""

    def __init__(self):
        self._turn = itertools.count()
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def candidates(self, aliases: list[str]) -> list[str]:
        """``aliases`` from the next one's turn on, without those left out."""
        if not aliases:
            return []
        start = next(self._turn) % len(aliases)
        now = time.monotonic()
        with self._lock:
            return [
                alias for alias in aliases[start:] + aliases[:start] if self._down_until.get(alias, 0) <= now
            ]

    def mark_down(self, alias: str, error: Exception) -> None:
        seconds = getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", DEFAULT_RETRY_SECONDS)
        with self._lock:
            self._down_until[alias] = time.monotonic() + seconds
        logger.warning("read replica %s left out for %s s: %s", alias, seconds, error)

    def is_down(self, alias: str) -> bool:
        with self._lock:
            return self._down_until.get(alias, 0) > time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self._down_until.clear()


replica_health = ReplicaHealth()


def _healthy_replica() -> str | None:
    for alias in replica_health.candidates(list(getattr(settings, "DATABASE_REPLICAS", []))):
        try:
            _check(alias)
        except (OperationalError, InterfaceError) as error:
            replica_health.mark_down(alias, error)
            continue
        return alias
    return None


def _check(alias: str) -> None:
    """Connect, or ``SELECT 1`` on a kept connection (once a request: Django's own CONN_HEALTH_CHECKS
    check is then marked done)."""
    connection = connections[alias]
    if connection.connection is not None and not connection.is_usable():
        connection.close()
    try:
        connection.ensure_connection()
    except (OperationalError, InterfaceError):
        connection.close()
        raise
    connection.health_check_done = True
