"""Backup and restore: every table, history included, comes back identical in an empty database."""

import io
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from deployments.models import Deployment
from registry.backup import connection_arguments

FIXTURES = sorted(str(path) for path in (Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml"))


def table_fingerprints(database: str) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent digest of every table of the public schema."""
    arguments, _ = connection_arguments(database)
    settings = connection.settings_dict
    conninfo = {"dbname": database, "host": settings["HOST"], "user": settings["USER"]}
    if settings.get("PORT"):
        conninfo["port"] = settings["PORT"]
    if settings.get("PASSWORD"):
        conninfo["password"] = settings["PASSWORD"]
    with psycopg.connect(**conninfo) as conn:
        tables = [
            row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        fingerprints = {}
        for table in tables:
            count, digest = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t"  # noqa: S608
            ).fetchone()
            fingerprints[table] = (count, digest)
        return fingerprints


@pytest.fixture
def empty_database():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_back_every_table(tmp_path, empty_database):
    call_command("loaddata", *FIXTURES, verbosity=0)
    deployment = Deployment.objects.get(slug="belgrade-safe-society")
    deployment.summary += " Edited after loading, so the history has an update event."
    deployment.save()
    dump = tmp_path / "registry.dump"

    call_command("backup_registry", str(dump), stdout=io.StringIO())
    call_command("restore_registry", str(dump), database_name=empty_database, stdout=io.StringIO())

    original = table_fingerprints(connection.settings_dict["NAME"])
    restored = table_fingerprints(empty_database)
    assert restored == original
    assert original["deployments_deploymentevent"][0] >= 12  # history came along
    assert original["deployments_cameracount"][0] == 20


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_to_overwrite_a_database_that_has_tables(tmp_path):
    dump = tmp_path / "registry.dump"
    call_command("backup_registry", str(dump), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_registry", str(dump))


@pytest.mark.django_db(transaction=True)
def test_a_broken_dump_restores_nothing(tmp_path, empty_database):
    dump = tmp_path / "registry.dump"
    call_command("backup_registry", str(dump), stdout=io.StringIO())
    truncated = tmp_path / "truncated.dump"
    truncated.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore_registry", str(truncated), database_name=empty_database)
    assert table_fingerprints(empty_database) == {}
