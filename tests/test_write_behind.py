"""An import writes each batch of new records while it validates the next (registry/imports/write_behind.py):
every query waits for the write in flight, a write that fails is the file's error and leaves
nothing behind, and files of several batches are stored whole, with their history."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from deployments.models import CameraCount
from deployments.resources import CameraCountResource
from registry.imports.copy_insert import DrawnKeys, prepare_copy
from registry.imports.resources import pooled_uuid4, read_dataset
from registry.imports.write_behind import WriteBehind
from tests import builders
from tests.test_import_export import camera_count_rows, csv_bytes, snapshot

pytestmark = pytest.mark.django_db

BATCH = CameraCountResource._meta.batch_size


def new_counts(n: int, **fields) -> list[CameraCount]:
    deployment, source = builders.deployment(), builders.source()
    return [
        CameraCount(
            deployment=deployment, source=source, as_of="2021", cameras=i + 1, kind="installed", **fields
        )
        for i in range(n)
    ]


def test_a_query_made_while_a_write_is_in_flight_sees_the_written_records():
    records = new_counts(50)
    with transaction.atomic(), WriteBehind(connection).active() as behind:
        behind.start(prepare_copy(records, DrawnKeys(CameraCount, len(records))), on_error=pytest.fail)
        # No wait in between: the query itself waits for the COPY.
        stored = CameraCount._base_manager.filter(pk__in=[r.pk for r in records]).count()
    assert stored == 50
    assert all(not record._state.adding for record in records)


def test_a_failed_write_is_rolled_back_and_reported_before_the_next_query_runs():
    records = new_counts(3)
    records[1].deployment_id = 0  # no such deployment: the foreign key refuses the COPY
    errors = []
    before = CameraCount._base_manager.count()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as an import does
        with WriteBehind(connection).active() as behind:
            behind.start(prepare_copy(records, DrawnKeys(CameraCount, len(records))), on_error=errors.append)
            # This query runs after the failed batch's savepoint is rolled back, not in an aborted
            # transaction; the error is reported by then.
            assert CameraCount._base_manager.count() == before
            assert len(errors) == 1 and isinstance(errors[0], IntegrityError)
    assert all(record._state.adding for record in records)  # not marked as saved


def test_a_file_of_several_batches_is_stored_whole_with_its_history(seed, tmp_path):
    rows = camera_count_rows(2 * BATCH + 7)
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(rows))
    before = CameraCount._base_manager.count()

    call_command(
        "import_records", "deployments.CameraCount", str(path), verbosity=0, reason="write-behind test"
    )

    imported = CameraCount._base_manager.filter(notes__startswith="Observation ")
    assert CameraCount._base_manager.count() == before + len(rows) - 1
    assert sorted(imported.values_list("cameras", flat=True)) == [int(row[4]) for row in rows[1:]]
    events = CameraCount.pgh_event_model.objects.filter(pgh_obj__in=imported.values("pk"))
    assert events.filter(pgh_context__metadata__reason="write-behind test").count() == len(rows) - 1


def test_a_row_the_database_refuses_in_a_later_batch_leaves_nothing_written(seed, tmp_path, capsys):
    # A rule only the database knows, so that validation passes and the background COPY fails.
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_4242() RETURNS trigger AS $$ BEGIN "
            "IF NEW.cameras = 4242 THEN RAISE EXCEPTION 'no 4242 cameras, says the database'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql; "
            "CREATE TRIGGER refuse_4242 BEFORE INSERT ON deployments_cameracount "
            "FOR EACH ROW EXECUTE FUNCTION refuse_4242()"
        )
    rows = camera_count_rows(2 * BATCH + 7)
    rows[BATCH + 10][4] = "4242"  # in the second batch, written while the third is validated
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)

    assert "no 4242 cameras, says the database" in capsys.readouterr().err
    assert snapshot() == before


def test_row_results_name_the_stored_records_once_written(seed, tmp_path):
    # The admin's log entries take each row's object_id and object_repr: read after the batch's write.
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(camera_count_rows(3)))
    dataset = read_dataset(path)
    with transaction.atomic():
        result = CameraCountResource(diff=False).import_data(dataset, file_name=path.name)
    assert not result.has_errors() and not result.has_validation_errors()
    stored = {
        record.pk: str(record)
        for record in CameraCount._base_manager.filter(notes__startswith="Observation ")
    }
    assert {(row.object_id, row.object_repr) for row in result.rows} == set(stored.items())


def test_new_public_ids_are_distinct_version_4_uuids():
    drawn = [pooled_uuid4() for _ in range(3000)]  # across the refills of its pool (1,024 each)
    assert len(set(drawn)) == 3000
    assert {value.version for value in drawn} == {4}
    assert {value.variant for value in drawn} == {"specified in RFC 4122"}
