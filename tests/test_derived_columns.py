"""Columns the database derives (deployments/derived.py) never drift: the stored search vectors equal
the documents the views' search_fields describe, and a camera count is public exactly when it, its
deployment and its source are published — whatever writes, and after any of the three changes."""

import csv
import io

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from deployments.models import CameraCount, Contract, Deployment
from registry.choices import ReviewStatus
from registry.models import Source
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def assert_derived_columns_fresh():
    """Every stored column equals what its trigger computes now from what it is derived from."""
    for model in (Deployment, Contract, CameraCount):
        table = model._meta.db_table
        columns = ["search_vector"] + (["search_names"] if table != "deployments_cameracount" else [])
        listed = ", ".join(columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE stored AS SELECT id, {listed} FROM {table}")  # noqa: S608
            cursor.execute(f"UPDATE {table} SET search_vector = DEFAULT")  # noqa: S608
            cursor.execute(
                f"SELECT count(*) FROM {table} t JOIN stored s USING (id) "  # noqa: S608
                f"WHERE ({', '.join('t.' + c for c in columns)}) IS DISTINCT FROM ({', '.join('s.' + c for c in columns)})"
            )
            stale = cursor.fetchone()[0]
            cursor.execute("DROP TABLE stored")
        assert stale == 0, f"{model.__name__}: stale search columns"
    published = ReviewStatus.PUBLISHED
    public = (
        Q(review_status=published)
        & Exists(Deployment.objects.filter(pk=OuterRef("deployment_id"), review_status=published))
        & Exists(Source.objects.filter(pk=OuterRef("source_id"), review_status=published))
    )
    assert not CameraCount.objects.filter(public, is_public=False).exists(), "public counts hidden"
    assert not CameraCount.objects.filter(~public, is_public=True).exists(), "non-public counts shown"


def found(api, endpoint: str, terms: str, key: str = "slug") -> list[str]:
    response = api.get(f"{BASE}/{endpoint}/", {"search": terms})
    assert response.status_code == 200
    return sorted(str(row[key]) for row in response.json()["results"])


def public_counts(api, **params) -> set[int]:
    response = api.get(f"{BASE}/camera-counts/", {"page_size": 500, **params})
    assert response.status_code == 200
    return {row["cameras"] for row in response.json()["results"]}


def test_the_world_starts_fresh(world):
    assert_derived_columns_fresh()


def test_renaming_a_country_moves_its_deployments_to_the_new_name(api, world):
    assert found(api, "deployments", "serbia") == ["safe-society"]
    events = pghistory.models.Events.objects.count()
    world.rs.name = "Srbija"
    world.rs.save()
    # (Its operator, the Ministry of Interior of Serbia, and its place Serbia still say "serbia".)
    assert found(api, "deployments", "srbija") == ["safe-society"]
    assert_derived_columns_fresh()
    # One event, the country's: a recomputed vector is no edit of the deployments.
    assert pghistory.models.Events.objects.count() == events + 1


def test_renaming_a_deployment_or_a_buyer_moves_what_refers_to_it(api, world):
    Deployment.objects.filter(pk=world.safe_society.pk).update(name="Safe Metropolis")
    assert len(found(api, "camera-counts", "metropolis", "public_id")) == 2
    assert found(api, "camera-counts", "society", "public_id") == []
    with connection.cursor() as cursor:  # raw SQL, not the ORM
        cursor.execute(
            "UPDATE deployments_publicbody SET name = 'Quito Emergency' WHERE id = %s", [world.ecu911.pk]
        )
    assert found(api, "contracts", "quito emergency") == ["ecu-911-loan"]
    assert_derived_columns_fresh()


def test_a_written_vector_or_flag_is_replaced_by_the_derived_one(world):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE deployments_deployment SET search_vector = to_tsvector('simple', 'forged')")
        cursor.execute("UPDATE deployments_cameracount SET is_public = true")
        cursor.execute(
            "INSERT INTO deployments_cameracount (review_status, version, created_at, updated_at, public_id,"
            " deployment_id, as_of, cameras, kind, phase, source_id, locator, confidence, notes, is_public)"
            " VALUES ('draft', 1, now(), now(), gen_random_uuid(), %s, '2023', 5, 'installed', '', %s, '',"
            " 'reported', 'forged', true)",
            [world.safe_society.pk, world.src.pk],
        )
    assert_derived_columns_fresh()


def test_the_flag_is_computed_when_a_statement_leaves_it_empty(world):
    """The flag's trigger skips only rows already FALSE and unpublished: a row whose statement leaves
    the flag NULL (no value, or DEFAULT) is computed, published or not."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO deployments_cameracount (review_status, version, created_at, updated_at, public_id,"
            " deployment_id, as_of, cameras, kind, phase, source_id, locator, confidence, notes)"
            " VALUES ('draft', 1, now(), now(), gen_random_uuid(), %s, '2023', 5, 'installed', '', %s, '',"
            " 'reported', 'no flag given')",
            [world.safe_society.pk, world.src.pk],
        )
        cursor.execute("UPDATE deployments_cameracount SET is_public = DEFAULT")
    assert CameraCount.objects.get(notes="no flag given").is_public is False
    assert CameraCount.objects.filter(is_public=True).exists()
    assert_derived_columns_fresh()


def test_the_flag_follows_the_count_its_deployment_and_its_source(api, world):
    shown = {1000, 8100, 4300}
    assert public_counts(api) == shown
    # The count itself.
    CameraCount.objects.filter(pk=world.count_draft.pk).update(review_status=ReviewStatus.PUBLISHED)
    assert public_counts(api) == shown | {4000}
    # Its source, published and retracted.
    Source.objects.filter(pk=world.src_draft.pk).update(review_status=ReviewStatus.PUBLISHED)
    assert public_counts(api) == shown | {4000, 9999}
    world.src.review_status = ReviewStatus.RETRACTED
    world.src.save()
    assert public_counts(api) == {4300, 9999}
    Source.objects.filter(pk=world.src.pk).update(review_status=ReviewStatus.PUBLISHED)
    # Its deployment, published and retracted.
    Deployment.objects.filter(pk=world.secret.pk).update(review_status=ReviewStatus.PUBLISHED)
    assert 77 in public_counts(api)
    assert_derived_columns_fresh()


def test_a_retracted_deployment_hides_its_counts_everywhere(api, settings, world):
    Deployment.objects.filter(pk=world.ecu.pk).update(review_status=ReviewStatus.RETRACTED)
    assert 4300 not in public_counts(api)
    assert public_counts(api, country="EC") == set()
    assert api.get(f"{BASE}/camera-counts/{world.count_ecu.public_id}/").status_code == 404
    assert api.get(f"{BASE}/deployments/ecu-911/").status_code == 410  # its tombstone
    rows = csv.DictReader(
        io.StringIO(api.get(f"{BASE}/camera-counts/", {"format": "csv"}).getvalue().decode())
    )
    assert str(world.count_ecu.public_id) not in {row["public_id"] for row in rows}
    assert_derived_columns_fresh()


def test_the_derived_columns_are_never_shown(api, settings, world):
    for url in (
        f"{BASE}/deployments/safe-society/",
        f"{BASE}/deployments/",
        f"{BASE}/contracts/",
        f"{BASE}/camera-counts/",
        f"{BASE}/deployments/?format=csv",
        f"{BASE}/camera-counts/?format=csv",
        f"{BASE}/contracts/?format=csv",
        f"{BASE}/changes/",
    ):
        body = api.get(url).getvalue()
        assert b"search_vector" not in body and b"is_public" not in body, url
    from deployments.resources import CameraCountResource, ContractResource, DeploymentResource

    for resource in (DeploymentResource, ContractResource, CameraCountResource):
        assert not {"search_vector", "is_public"} & set(resource().fields), resource
    for model in (Deployment, Contract, CameraCount):
        event_model = apps.get_model("deployments", f"{model.__name__}Event")
        assert not {"search_vector", "search_names", "is_public"} & {
            field.name for field in event_model._meta.fields
        }
        assert not model._meta.get_field("search_vector").editable  # so in no admin form


def test_synthetic_data_is_derived_too():
    call_command("generate_synthetic", deployments=200, camera_counts=1000, seed=5, verbosity=0)
    assert CameraCount.objects.filter(is_public=True).exists()
    assert_derived_columns_fresh()


def test_migrations_are_complete():
    call_command("makemigrations", "--check", "--dry-run", stdout=io.StringIO())
