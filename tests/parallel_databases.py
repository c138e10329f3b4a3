"""Test databases under pytest-xdist: the first worker migrates a template database, and every worker
creates its own test database from it (PostgreSQL's CREATE DATABASE ... TEMPLATE), so the migrations
(a minute or two of CPU on a small machine) run once per suite instead of once per worker."""

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.test.utils import setup_databases, teardown_databases

TEMPLATE_SUFFIX = "_template"


def template_name() -> str:
    """The template's name: the suite's test database name (before xdist's _gwN suffix) + _template."""
    database = settings.DATABASES["default"]
    name = database["TEST"]["NAME"] or f"test_{database['NAME']}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = name.removesuffix(f"_{worker}")
    return name + TEMPLATE_SUFFIX


@contextmanager
def exclusive(lock_file: Path):
    """One worker at a time (an advisory lock on a file every worker of the run can see)."""
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate_template(name: str) -> None:
    test = settings.DATABASES["default"]["TEST"]
    own_name = test["NAME"]
    test["NAME"] = name
    try:
        [(connection, original_name, _destroy)] = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
    finally:
        test["NAME"] = own_name
    # Keep the template; point the connection back at the configured database (as before the setup).
    connection.close()
    connection.settings_dict["NAME"] = original_name
    settings.DATABASES["default"]["NAME"] = original_name


def set_up_worker_databases(shared_dir: Path, serialized_aliases: set[str]) -> list:
    """This worker's test database, made from the run's template (migrated first if no worker has)."""
    template = template_name()
    with exclusive(shared_dir / "test-database-template.lock"):
        ready = shared_dir / "test-database-template.ready"
        if not ready.exists():
            _migrate_template(template)
            ready.write_text(template)
        settings.DATABASES["default"]["TEST"]["TEMPLATE"] = template
        connections["default"].settings_dict["TEST"]["TEMPLATE"] = template
        return setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=serialized_aliases
        )


def tear_down_worker_databases(config: list) -> None:
    teardown_databases(config, verbosity=0)


def drop_template() -> None:
    """After the run (in xdist's controller): drop the template, if a worker made one."""
    database = settings.DATABASES["default"]
    parameters = {
        "dbname": "postgres",
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"] or None,
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(
        **{key: value for key, value in parameters.items() if value}, autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template_name()}" WITH (FORCE)')
