"""Read replicas, for real: a streaming hot standby of the test server (registry/standby.py) and the
router (registry/db_router.py) sending the public reads to it.

Pausing the standby's replay makes "where did this read come from" visible: a change committed on
the primary is then on the primary only. The tests commit (transactional), since a standby only
sees committed WAL; the standby is started once for the module."""

import os
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from api.conditional import last_modified
from deployments.models import Deployment
from registry.choices import ReviewStatus
from registry.curation.roles import ensure_curator_group
from registry.db_router import public_read, replica_databases, replica_health
from registry.standby import (
    StandbyError,
    abandoned_slots,
    drop_slots,
    free_port,
    primary_lsn,
    slot_name,
    start_standby,
)
from tests.builders import build_world
from vendors.models import Vendor

# The replicas: the standby twice (for the round robin), and between them an address where nothing
# listens. They are the primary's test mirrors (replica_databases), so no test flushes them.
REPLICAS = ("replica_1", "replica_2", "replica_3")
# "__all__": the aliases are only defined by the module's standby fixture, which may run after the
# database marker is read (under pytest-xdist, on the worker's first test of this module).
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DETAIL = "/api/v1/deployments/safe-society/"
PAGE = "/deployments/safe-society/"
RENAMED = "Safe Society, renamed on the primary"


def primary() -> dict:
    return connections[DEFAULT_DB_ALIAS].settings_dict


@pytest.fixture(scope="module")
def standby(django_db_setup):
    """The hot standby, and the replicas configured as DATABASE_REPLICA_URLS would configure them
    (before the tests' database set-up, which lists the databases a test may use)."""
    try:
        server = start_standby(primary())
    except StandbyError as error:
        pytest.fail(f"Cannot start a hot standby of the test database's server: {error}", pytrace=False)
    nothing_listens = f"postgres://postgres@127.0.0.1:{free_port()}/{primary()['NAME']}"
    databases = replica_databases([server.url(), nothing_listens, server.url()], primary())
    assert tuple(databases) == REPLICAS
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: {}, **databases})
    for alias in REPLICAS:
        connections.settings[alias] = configured[alias]
    yield server
    for alias in REPLICAS:
        connections[alias].close()
        del connections.settings[alias]
        if hasattr(connections._connections, alias):
            delattr(connections._connections, alias)
    server.destroy()


@pytest.fixture
def use_replicas(standby, settings):
    def use(*aliases: str) -> None:
        settings.DATABASE_REPLICAS = list(aliases)
        replica_health.reset()

    yield use
    replica_health.reset()


@pytest.fixture
def replica(standby, use_replicas):
    """One replica, the standby, with the test's data replayed."""
    build_world()
    use_replicas("replica_1")
    standby.wait_for_replay(primary_lsn(primary()))
    return "replica_1"


def rename_on_primary() -> None:
    """A public change of the deployment, in a later second than the data the replica has
    (Last-Modified has whole seconds; a public change is dated when it commits)."""
    time.sleep(1.1)
    Deployment.objects.filter(slug="safe-society").update(name=RENAMED)


def test_public_reads_and_their_validators_come_from_the_replica(client, standby, replica):
    before = client.get(DETAIL)
    assert before.status_code == 200
    standby.pause_replay()
    try:
        rename_on_primary()
        with public_read():
            replica_modified = last_modified()
        assert last_modified() > replica_modified  # the primary has moved on

        response = client.get(DETAIL)
        assert response.json()["name"] == "Safe Society"
        # Last-Modified and ETag describe the data sent (the replica's), not the primary's newer state.
        assert response["Last-Modified"] == http_date(replica_modified.timestamp()) == before["Last-Modified"]
        assert response["ETag"] == before["ETag"]

        page = client.get(PAGE).content.decode()
        assert "Safe Society" in page and RENAMED not in page
        export = client.get("/api/v1/deployments/?format=csv")
        csv = b"".join(export.streaming_content).decode()  # read while streaming, after the view
        assert "Safe Society" in csv and RENAMED not in csv
    finally:
        standby.resume_replay()

    standby.wait_for_replay(primary_lsn(primary()))
    after = client.get(DETAIL)
    assert after.json()["name"] == RENAMED
    assert after["Last-Modified"] == http_date(last_modified().timestamp()) != before["Last-Modified"]


def test_a_curator_sees_their_own_write_at_once(client, standby, replica):
    curator = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    curator.groups.add(ensure_curator_group())
    client.force_login(curator)
    deployment = Deployment.objects.get(slug="safe-society")
    standby.pause_replay()
    try:
        rename_on_primary()
        admin = client.get(f"/admin/deployments/deployment/{deployment.pk}/change/")
        assert admin.status_code == 200
        assert RENAMED in admin.content.decode()
        # Signed in (a session cookie), the public site and API read the primary too.
        assert RENAMED in client.get(PAGE).content.decode()
        assert client.get(DETAIL).json()["name"] == RENAMED
    finally:
        standby.resume_replay()


def test_writes_go_to_the_primary_even_inside_a_public_read(replica):
    with public_read():
        deployment = Deployment.objects.get(slug="safe-society")
        assert deployment._state.db == replica
        deployment.name = "Saved after a read from the replica"
        deployment.save()  # a standby would refuse it: read-only transaction
        Vendor.objects.create(slug="new-vendor", name="New vendor")
    assert Deployment.objects.get(slug="safe-society").name == "Saved after a read from the replica"
    assert Vendor.objects.filter(slug="new-vendor").exists()


def test_a_publication_reaches_the_replica_once_it_replays(client, standby, replica):
    standby.pause_replay()
    try:
        Vendor.objects.filter(slug="shadowcorp").update(review_status=ReviewStatus.PUBLISHED)
        lsn = primary_lsn(primary())
        assert client.get("/api/v1/vendors/shadowcorp/").status_code == 404  # still a draft there
    finally:
        standby.resume_replay()
    standby.wait_for_replay(lsn)
    assert client.get("/api/v1/vendors/shadowcorp/").status_code == 200


def test_a_stopped_replica_falls_back_to_the_primary(client, standby, replica):
    assert client.get(DETAIL).status_code == 200  # keeps a connection to the replica
    standby.stop()
    try:
        rename_on_primary()
        response = client.get(DETAIL)
        assert response.status_code == 200
        assert response.json()["name"] == RENAMED  # the primary's
        assert replica_health.is_down(replica)
        assert client.get(PAGE).status_code == 200
    finally:
        standby.start()
    replica_health.reset()
    assert client.get(DETAIL).status_code == 200


def test_a_stopped_standby_catches_up_after_the_primary_recycled_its_wal(standby, replica):
    """Its replication slot keeps the WAL the standby has not received: without it, the segments
    written and checkpointed while it was down were removed, and it could never stream again."""
    with standby.connect("postgres") as conn:
        assert conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone() == ("streaming",)
    standby.stop()
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            for _ in range(3):
                Deployment.objects.filter(slug="safe-society").update(name=RENAMED)
                cursor.execute("SELECT pg_switch_wal()")
            cursor.execute("CHECKPOINT")
            cursor.execute("SELECT active FROM pg_replication_slots WHERE slot_name = %s", [standby.slot])
            assert cursor.fetchone() == (False,)  # kept while nobody streams from it
    finally:
        standby.start()
    standby.wait_for_replay(primary_lsn(primary()))
    with standby.connect() as conn:
        assert conn.execute(
            "SELECT name FROM deployments_deployment WHERE slug = 'safe-society'"
        ).fetchone() == (RENAMED,)


def test_a_slot_left_by_a_killed_process_is_dropped_and_a_live_ones_kept(standby):
    dead = slot_name(999_999_999, 1)  # above any Linux process id
    alive = slot_name(os.getpid(), 2)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        for name in (dead, alive):
            cursor.execute("SELECT pg_create_physical_replication_slot(%s)", [name])
    try:
        assert abandoned_slots(primary()) == [dead]
        drop_slots(primary(), abandoned_slots(primary()))
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name = ANY(%s)", [[dead, alive]]
            )
            assert cursor.fetchall() == [(alive,)]
    finally:
        drop_slots(primary(), [dead, alive])


def test_round_robin_skips_a_replica_that_does_not_answer(client, standby, use_replicas):
    build_world()
    first, dead, second = REPLICAS
    use_replicas(first, dead, second)
    standby.wait_for_replay(primary_lsn(primary()))
    captured = {
        alias: CaptureQueriesContext(connections[alias]) for alias in (DEFAULT_DB_ALIAS, first, second)
    }
    for context in captured.values():
        context.__enter__()
    try:
        for _ in range(6):
            assert client.get(DETAIL).status_code == 200
    finally:
        for context in captured.values():
            context.__exit__(None, None, None)
    assert replica_health.is_down(dead)
    assert len(captured[first]) > 0 and len(captured[second]) > 0
    assert len(captured[DEFAULT_DB_ALIAS]) == 0  # public reads never touched the primary


def test_replica_urls_become_mirrored_aliases_with_the_primarys_options():
    replicas = replica_databases(
        [
            "postgres://reader:secret@replica-a:5433/registry",
            "postgres://replica-b/registry?connect_timeout=9",
        ],
        {"OPTIONS": {"options": "-c statement_timeout=5000"}, "CONN_MAX_AGE": 60},
    )
    assert list(replicas) == ["replica_1", "replica_2"]
    first, second = replicas["replica_1"], replicas["replica_2"]
    assert (first["HOST"], first["PORT"], first["USER"], first["NAME"]) == (
        "replica-a",
        5433,
        "reader",
        "registry",
    )
    assert first["OPTIONS"] == {"options": "-c statement_timeout=5000", "connect_timeout": 3}
    assert second["OPTIONS"]["connect_timeout"] == 9
    assert first["TEST"] == {"MIRROR": DEFAULT_DB_ALIAS} and first["CONN_MAX_AGE"] == 60


def test_a_replica_url_must_be_postgresql():
    with pytest.raises(ImproperlyConfigured, match="entry 2 is not a postgres:// URL"):
        replica_databases(["postgres://a/registry", "mysql://b/registry"], {})
