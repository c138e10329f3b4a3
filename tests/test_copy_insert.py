"""registry/copy_insert.py writes new records with COPY as bulk_create() would with INSERT: the same
stored values, primary keys from the table's sequence, the database's triggers and history."""

import uuid

import pghistory
import pytest
from django.db import IntegrityError, connection, transaction

from deployments.models import CameraCount, Deployment
from registry.choices import ReviewStatus
from registry.copy_insert import copy_insert
from tests import builders

pytestmark = pytest.mark.django_db


def new_counts(deployment, source, n: int, **fields) -> list[CameraCount]:
    return [
        CameraCount(
            deployment=deployment, source=source, as_of="2020-05", cameras=10 + i, kind="installed", **fields
        )
        for i in range(n)
    ]


def stored_columns(record) -> dict:
    """The stored row of ``record``, every column but those that differ between any two records."""
    values = CameraCount._base_manager.filter(pk=record.pk).values().get()
    for name in ("id", "public_id", "created_at", "updated_at", "cameras", "search_vector"):
        values.pop(name)
    return values


def test_copied_records_are_stored_as_bulk_create_stores_them():
    deployment, source = builders.deployment(), builders.source()
    copied = new_counts(deployment, source, 3, review_status=ReviewStatus.PUBLISHED)
    created = CameraCount.objects.bulk_create(
        new_counts(deployment, source, 1, review_status=ReviewStatus.PUBLISHED)
    )

    copy_insert(copied)

    assert all(record.pk and not record._state.adding for record in copied)
    assert len({record.pk for record in copied}) == 3
    assert [stored_columns(record) for record in copied] == [stored_columns(created[0])] * 3
    stored = CameraCount._base_manager.filter(pk__in=[record.pk for record in copied]).order_by("cameras")
    assert [(r.public_id, r.cameras, r.version) for r in stored] == [
        (r.public_id, r.cameras, 1) for r in copied
    ]
    assert all(r.created_at is not None and r.updated_at is not None for r in stored)
    # The BEFORE triggers ran: a published count of a published deployment and source is public.
    assert all(r.is_public and r.search_vector for r in stored)


def test_the_sequence_is_drawn_from_so_later_inserts_get_new_keys():
    deployment, source = builders.deployment(), builders.source()
    copied = new_counts(deployment, source, 2)
    copy_insert(copied)
    later = builders.camera_count(deployment=deployment, source=source)
    assert later.pk > max(record.pk for record in copied)


def test_copied_records_have_history_events_with_the_context():
    deployment, source = builders.deployment(), builders.source()
    copied = new_counts(deployment, source, 2)
    with pghistory.context(reason="copy test"):
        copy_insert(copied)
    events = CameraCount.pgh_event_model.objects.filter(pgh_obj__in=[record.pk for record in copied])
    assert sorted(events.values_list("pgh_label", "pgh_context__metadata__reason")) == [
        ("insert", "copy test"),
        ("insert", "copy test"),
    ]


def test_a_refused_row_writes_nothing():
    deployment, source = builders.deployment(), builders.source()
    records = new_counts(deployment, source, 2)
    records[1].deployment_id = 0  # no such deployment: the foreign key refuses the COPY
    before = CameraCount._base_manager.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as an import does (registry/resources.py)
        copy_insert(records)
    assert CameraCount._base_manager.count() == before


def test_an_unsaved_related_record_is_refused_before_anything_is_written():
    source = builders.source()
    unsaved = Deployment(slug=f"unsaved-{uuid.uuid4()}", name="Unsaved")
    before = CameraCount._base_manager.count()
    with pytest.raises(ValueError, match="unsaved related object"):
        copy_insert(
            [CameraCount(deployment=unsaved, source=source, as_of="2020", cameras=1, kind="installed")]
        )
    assert CameraCount._base_manager.count() == before
