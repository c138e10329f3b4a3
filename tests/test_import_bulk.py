"""Imports in bulk (registry/imports/resources.py, registry/imports/checks.py): a bounded number of queries per
file, and the same refusals, messages, versions and history as row-by-row saves."""

import os
import subprocess
import sys
import textwrap
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from deployments.models import CameraCount, Contract, Deployment
from deployments.resources import CameraCountResource, ContractResource
from registry.imports.checks import FieldCleaner, PendingRow, failing_rows, separate_connection
from registry.imports.resources import export_bytes
from registry.models import Source
from registry.resources import SourceResource
from tests.test_import_export import (  # noqa: F401
    as_drafts,
    camera_count_rows,
    csv_bytes,
    csv_rows,
    curator,
    roles,
    snapshot,
)


def import_queries(path) -> int:
    with CaptureQueriesContext(connection) as queries:
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0, dry_run=True)
    return len(queries)


@pytest.mark.parametrize("with_public_ids", [False, True])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(seed, tmp_path, with_public_ids):
    counts = {}
    for n in (200, 400):
        rows = camera_count_rows(n)
        if with_public_ids:
            for row in rows[1:]:
                row[0] = str(uuid.uuid4())
        path = tmp_path / f"counts-{n}.csv"
        path.write_bytes(csv_bytes(rows))
        counts[n] = import_queries(path)
    assert counts[200] < 40
    assert counts[400] <= counts[200] + 4  # one more batch at most


def refusals(capsys) -> str:
    return capsys.readouterr().err


def test_a_unique_value_twice_in_one_file_or_already_stored_is_refused(seed, tmp_path, capsys):
    rows = csv_rows(export_bytes(SourceResource()))
    header = rows[0]
    stored = rows[1]
    first, second, third = (list(stored) for _ in range(3))
    for i, row in enumerate((first, second, third)):
        row[header.index("slug")] = f"new-source-{i}"
        row[header.index("version")] = ""
    first[header.index("url")] = second[header.index("url")] = "https://example.org/same"
    # third keeps the stored source's URL
    path = tmp_path / "sources.csv"
    path.write_bytes(csv_bytes([header, first, second, third]))
    before = snapshot()

    with pytest.raises(CommandError, match="2 refusal"):
        call_command("import_records", "registry.Source", str(path), verbosity=0)

    err = refusals(capsys)
    assert "row 2 (line 3), column 'url': Another source already has this URL." in err
    assert "row 3 (line 4), column 'url': Another source already has this URL." in err
    assert "row 1 " not in err
    assert snapshot() == before


def test_a_unique_value_freed_by_an_earlier_row_may_be_taken(seed, tmp_path):
    as_drafts(Source.objects.all())
    rows = csv_rows(export_bytes(SourceResource()))
    header = rows[0]
    moved = rows[1]
    old_url = moved[header.index("url")]
    moved[header.index("url")] = "https://example.org/moved"
    new = list(rows[2])
    new[header.index("slug")] = "takes-the-old-url"
    new[header.index("url")] = old_url
    new[header.index("version")] = ""
    path = tmp_path / "sources.csv"
    path.write_bytes(csv_bytes([header, moved, new]))

    call_command("import_records", "registry.Source", str(path), verbosity=0)

    assert Source.objects.get(slug="takes-the-old-url").url == old_url


def test_a_check_constraint_is_checked_for_every_row_of_a_batch(seed, tmp_path, capsys):
    as_drafts(Contract.objects.all())
    rows = csv_rows(export_bytes(ContractResource()))
    header = rows[0]
    rows[2][header.index("value_amount")] = "1000"
    rows[2][header.index("value_currency")] = ""
    rows[3][header.index("value_note")] = "changed, and valid"
    path = tmp_path / "contracts.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError, match="1 refusal"):
        call_command("import_records", "deployments.Contract", str(path), verbosity=0)

    assert "row 2 (line 3): A value needs its ISO 4217 currency, and a currency needs a value." in refusals(
        capsys
    )
    assert snapshot() == before


def test_each_check_constraint_is_reported_for_its_own_rows(seed, tmp_path, capsys):
    """The batch's check constraints are evaluated together; a value refused by its field (too many
    digits for the column) is no constraint's business and does not stop the others."""
    as_drafts(Contract.objects.all())
    rows = csv_rows(export_bytes(ContractResource()))
    header = rows[0]
    amount, currency = header.index("value_amount"), header.index("value_currency")
    rows[1][amount], rows[1][currency] = "-5", "EUR"
    rows[2][amount], rows[2][currency] = "1000", ""
    rows[3][amount], rows[3][currency] = "1e30", "EUR"
    path = tmp_path / "contracts.csv"
    path.write_bytes(csv_bytes(rows[:4]))
    before = snapshot()

    with pytest.raises(CommandError, match="3 refusal"):
        call_command("import_records", "deployments.Contract", str(path), verbosity=0)

    err = [line.strip() for line in refusals(capsys).splitlines()]
    row = {n: [line for line in err if line.startswith(f"row {n} ")] for n in (1, 2, 3)}
    assert len(row[1]) == 1 and "A contract value cannot be negative." in row[1][0]
    assert len(row[2]) == 1 and "A value needs its ISO 4217 currency" in row[2][0]
    assert len(row[3]) == 1 and "column 'value_amount'" in row[3][0]
    assert snapshot() == before


def test_a_row_refused_by_its_fields_also_reports_its_constraints(seed, tmp_path, capsys):
    rows = csv_rows(export_bytes(SourceResource()))
    header = rows[0]
    row = list(rows[1])
    row[header.index("slug")] = "another"
    row[header.index("version")] = ""
    row[header.index("language")] = "EN"  # breaks a field (a code in lower case)
    row[header.index("published_on")] = "2017-13"  # breaks a field
    path = tmp_path / "sources.csv"
    path.write_bytes(csv_bytes([header, row]))

    with pytest.raises(CommandError, match="3 refusal"):  # one row, three messages
        call_command("import_records", "registry.Source", str(path), verbosity=0)

    err = refusals(capsys)
    assert "column 'published_on'" in err
    assert "column 'url': Another source already has this URL." in err
    assert "column 'language': 'EN' is not an ISO 639-1 language code" in err


def test_bulk_updates_keep_versions_drafts_and_history(seed, tmp_path, curator):  # noqa: F811
    as_drafts(CameraCount.objects.all())
    rows = csv_rows(export_bytes(CameraCountResource()))
    header = rows[0]
    changed = rows[1]
    changed[header.index("cameras")] = "4242"
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(rows))
    record = CameraCount.objects.get(public_id=changed[0])
    version, updated_at = record.version, record.updated_at

    call_command(
        "import_records", "deployments.CameraCount", str(path), user="curator", reason="recount", verbosity=0
    )

    record.refresh_from_db()
    assert (record.cameras, record.version, record.review_status) == (4242, version + 1, "draft")
    assert record.updated_at > updated_at
    events = CameraCount.pgh_event_model.objects.filter(pgh_context__metadata__reason="recount")
    assert list(events.values_list("pgh_label", "public_id")) == [("update", record.public_id)]
    assert events.get().pgh_context.metadata["user"] == curator.pk

    # The same file again: the version in it is now stale, and that row alone is refused.
    with pytest.raises(CommandError, match="1 refusal"):
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)


def test_many_to_many_cells_are_written_in_bulk_mode(seed, tmp_path):
    as_drafts(Contract.objects.all())
    rows = csv_rows(export_bytes(ContractResource()))
    header = rows[0]
    deployments = header.index("deployments")
    target = next(row for row in rows[1:] if row[deployments])
    target[deployments] = ""
    path = tmp_path / "contracts.csv"
    path.write_bytes(csv_bytes([header, target]))

    call_command("import_records", "deployments.Contract", str(path), verbosity=0)

    assert not Contract.objects.get(slug=target[0]).deployments.exists()


def test_a_batchs_conditions_are_evaluated_for_each_row(db):
    """failing_rows(): the rows for which each condition is false, a field with an error skipped;
    a condition on an array column (which unnest would flatten) is evaluated row by row."""
    rows = [
        PendingRow(number=1, instance=Deployment(name="Alpha", purposes=["traffic"])),
        PendingRow(number=2, instance=Deployment(name="Beta", purposes=[])),
        PendingRow(number=3, instance=Deployment(name="Alpha 2", purposes=["border", "traffic"])),
        PendingRow(number=4, instance=Deployment(name="Bad", purposes=["x"]), errors={"name": ["?"]}),
        PendingRow(number=5, instance=Deployment(name="O'Brien \\ {x}", purposes=["traffic"])),
    ]
    named_a = Q(name__startswith="A")
    for_traffic = Q(purposes__contains=["traffic"])

    with separate_connection() as evaluating:
        assert failing_rows(Deployment, [named_a], rows, evaluating) == [{2, 5}]
        assert failing_rows(Deployment, [named_a, for_traffic], rows, evaluating) == [{2, 5}, {2, 4}]


def test_the_field_cleaner_cleans_row_after_row_as_django_does(db):
    """FieldCleaner remembers the values it found valid; every row still gets Django's values and
    errors, a refused value is refused again, and a value cleaning changed is not remembered."""
    cleaner = FieldCleaner(CameraCount, imported={f.name for f in CameraCount._meta.fields})
    exclude = {"deployment", "place", "source"}
    rows = [
        {"cameras": 5, "kind": "installed"},
        {"cameras": 5, "kind": "installed"},  # remembered: valid without checking again
        {"cameras": -5, "kind": "installed"},
        {"cameras": -5, "kind": "nonsense"},  # refused again, both fields
        {"cameras": "7", "kind": "installed"},  # cleaned to 7
        {"cameras": 7, "kind": "x" * 20},
    ]
    for values in rows:
        ours, djangos = (
            CameraCount(public_id=uuid.UUID(int=1), as_of="2020", **values) for _twice in range(2)
        )
        outcomes = []
        for instance, clean in (
            (ours, lambda record: cleaner.clean_fields(record, exclude)),
            (djangos, lambda record: record.clean_fields(exclude=exclude)),
        ):
            try:
                clean(instance)
            except ValidationError as error:
                outcomes.append(error.message_dict)
            else:
                outcomes.append({f.attname: getattr(instance, f.attname) for f in CameraCount._meta.fields})
        assert outcomes[0] == outcomes[1], values
    assert cleaner.valid["kind"] == {(str, "installed")}
    assert cleaner.valid["cameras"] == {(int, 5), (int, 7)}
    assert "public_id" not in cleaner.valid and "deployment" not in cleaner.valid  # unique; a relation


def in_a_fresh_interpreter(script: str) -> str:
    """What ``script`` prints, run by a new Python with the registry set up: the collector's state is
    the process's, and this one's may hold objects frozen by registry/wsgi.py."""
    setup = "import django, gc\ndjango.setup()\nfrom registry.imports.resources import cyclic_gc_paused\n"
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "registry.settings"}
    done = subprocess.run(
        [sys.executable, "-c", setup + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return done.stdout.strip()


def test_what_an_import_allocated_is_not_left_to_the_next_young_collection():
    """The collector is off during an import; after it, the import's objects are with the long-lived
    ones, not in the youngest generation that the next collection would walk whole."""
    printed = in_a_fresh_interpreter(
        """
        with cyclic_gc_paused():
            print(gc.isenabled())
            allocated = [[number] for number in range(50_000)]
        oldest = {id(tracked) for tracked in gc.get_objects(generation=2)}
        print(gc.isenabled(), all(id(item) in oldest for item in allocated[::1000]))
        """
    )
    assert printed.split() == ["False", "True", "True"]


def test_objects_frozen_by_someone_else_stay_frozen():
    printed = in_a_fresh_interpreter(
        """
        gc.freeze()
        frozen = gc.get_freeze_count()
        with cyclic_gc_paused():
            allocated = [[number] for number in range(1_000)]
        print(gc.isenabled(), gc.get_freeze_count() == frozen)
        """
    )
    assert printed.split() == ["True", "True"]
