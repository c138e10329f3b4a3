"""A database that does not answer gives the same 503 with Retry-After as one that is down.

- A statement stuck behind a lock is cancelled by PostgreSQL after the web's statement timeout.
- A server whose processes are stopped (SIGSTOP: the sockets still accept, nothing answers) is given
  up on by the client: a connection kept from an earlier request stops waiting for its answer, a new
  connection for its start-up; once the server runs again, the next request is served.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from django.test import Client

from registry.database import AnswerTimeoutConnection, limit_web_database_work

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture
def web_limits(settings):
    """This process's connection with the web's limits (1 s), as registry/wsgi.py sets them."""
    settings.DATABASE_STATEMENT_TIMEOUT = 1
    saved = dict(connection.settings_dict["OPTIONS"])
    connection.close()
    limit_web_database_work({"default": connection.settings_dict})
    yield
    connection.close()
    connection.settings_dict["OPTIONS"] = saved
    connection_created.disconnect(dispatch_uid="registry.database.answer_timeout")
    AnswerTimeoutConnection.answer_timeout = None


@pytest.mark.django_db(transaction=True)
def test_a_statement_stuck_behind_a_lock_is_a_503(web_limits):
    client = Client(raise_request_exception=False)
    assert client.get("/api/v1/countries/").status_code == 200
    dsn = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    dsn.pop("options", None)
    with psycopg.connect(**dsn) as locker:
        locker.execute("LOCK TABLE registry_country IN ACCESS EXCLUSIVE MODE")
        response = client.get("/api/v1/countries/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "database is unavailable" in response.json()["detail"]
    assert client.get("/api/v1/countries/").status_code == 200  # the lock is gone, the app serves


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    """Status and headers; the timeout only keeps a hang from hanging the test suite."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def postgres_processes(pgdata: Path) -> list[int]:
    """The postmaster of ``pgdata`` and its children."""
    postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            children.append(int(stat.parent.name))
    return [postmaster, *children]


def test_a_stopped_database_server_is_a_503_and_the_app_recovers(tmp_path):
    """gunicorn with its own embedded PostgreSQL under tmp_path, whose processes the test stops."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        REGISTRY_VAR_DIR=str(tmp_path),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_DB_CONNECT_TIMEOUT="2",
        DJANGO_DB_STATEMENT_TIMEOUT="2",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "registry.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "120"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    healthz = f"http://127.0.0.1:{port}/healthz"
    stopped: list[int] = []
    try:
        for _ in range(600):  # the server's first start runs initdb
            try:
                if get(healthz)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert get(healthz)[0] == 200  # the worker now keeps a connection open

        stopped = postgres_processes(tmp_path / "pgdata")
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        for _request in range(2):  # the kept connection times out; then a new one cannot start
            status, headers = get(healthz)
            assert status == 503
            assert headers["Retry-After"] == "30"
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
        stopped = []
        assert get(healthz)[0] == 200
    finally:
        for pid in stopped:
            os.kill(pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=30)
        pgdata = tmp_path / "pgdata"
        if (pgdata / "postmaster.pid").exists():
            postmaster = postgres_processes(pgdata)[0]
            os.kill(postmaster, signal.SIGINT)  # fast shutdown
            for _ in range(300):
                if not (pgdata / "postmaster.pid").exists():
                    break
                time.sleep(0.1)
