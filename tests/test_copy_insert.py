"""registry/imports/copy_insert.py writes new records with COPY as bulk_create() would with INSERT: the same
stored values, primary keys from the table's sequence, the database's triggers and history."""

import datetime
import uuid
import warnings
from unittest import mock

import pghistory
import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from deployments.models import CameraCount, Deployment
from registry.choices import ReviewStatus
from registry.imports.copy_insert import DrawnKeys, clean_type, copy_data, copy_insert, copy_row
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


def test_keys_are_drawn_a_block_at_a_time_and_never_beyond_the_expected_count():
    keys = DrawnKeys(CameraCount, expected=25, block=10)
    with CaptureQueriesContext(connection) as queries:
        taken = [keys.take(4), keys.take(8), keys.take(9), keys.take(4)]
    drawn = [key for batch in taken for key in batch]
    assert [len(batch) for batch in taken] == [4, 8, 9, 4]
    assert len(set(drawn)) == 25 and drawn == sorted(drawn)
    assert len(queries) == 3  # 10, 10 and the last 5 of the 25
    # Nothing was drawn beyond the 25: the next key of the sequence follows them.
    later = builders.camera_count(deployment=builders.deployment(), source=builders.source())
    assert later.pk == max(drawn) + 1
    # Asked for more than expected, it draws what is asked.
    assert len(keys.take(3)) == 3


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
            cursor.execute(
                "SET CONSTRAINTS ALL IMMEDIATE"
            )  # as an import does (registry/imports/resources.py)
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


# Values of each type prepare_copy() may pass through as they are, the awkward ones too; a naive
# datetime is not passed through (Django makes it aware).
UTC = datetime.UTC
SAMPLES = {
    int: [0, 2_147_483_648, 7],
    bool: [True, False, True],
    str: ["", "tab\there, line\nbreak, back\\slash", "“Ünïcode” \x7f"],
    uuid.UUID: [uuid.UUID(int=0), uuid.UUID("ca285010-3233-4910-adb9-98fa1c1ebb19"), uuid.uuid4()],
    datetime.date: [datetime.date(1, 1, 1), datetime.date(2020, 2, 29), datetime.date(9999, 12, 31)],
    datetime.datetime: [
        datetime.datetime(2020, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(
            2020, 1, 1, 5, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        ),
        datetime.datetime(2020, 1, 1, 12, 0),  # noqa: DTZ001 (naive on purpose)
    ],
}
NOW = datetime.datetime(2021, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def models_with_clean_types():
    return [
        model
        for model in apps.get_models()
        if any(clean_type(field) for field in model._meta.concrete_fields)
    ]


@pytest.mark.parametrize("model", models_with_clean_types(), ids=lambda model: model._meta.label)
def test_a_row_is_written_as_djangos_preparation_of_each_value_writes_it(model):
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    clean_types = [clean_type(field) for field in fields]
    connection.ensure_connection()
    for sample in [None, 0, 1, 2]:
        instance = model()
        for field, clean in zip(fields, clean_types, strict=True):
            if clean is not None:
                setattr(instance, field.attname, None if sample is None else SAMPLES[clean][sample])
        # auto_now fields take the same "now" in both; Django warns of the naive datetime.
        with mock.patch("django.utils.timezone.now", return_value=NOW), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fast = copy_row(instance, fields, clean_types, connection)
            prepared = [
                field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
            ]
        assert copy_data(connection.connection, [fast]) == copy_data(connection.connection, [prepared])
