"""An import that cannot go on says why once: an unknown column is named (and no row is tried), a
lost database connection stops the import at once; refused rows cost the same each, however many."""

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from registry.imports.files import read_csv
from registry.imports.resources import DatabaseConnectionLost, row_errors
from registry.models import Source
from registry.resources import SourceResource


def sources_csv(rows: int, language: str = "en", extra_column: str = "") -> str:
    header = "slug,title,kind,url,language" + (f",{extra_column}" if extra_column else "")
    lines = [header] + [
        f"source-{i},Report {i},news,https://example.org/{i},{language}" + ("," if extra_column else "")
        for i in range(rows)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.django_db
def test_an_unknown_column_is_the_one_refusal(seed):
    result = SourceResource(diff=False).import_data(read_csv(sources_csv(3, extra_column="titel")))
    assert list(row_errors(result)) == [
        (
            None,
            "",
            "Unknown column(s) 'titel': the columns of source files are slug, title, author, publisher, "
            "kind, url, archived_url, doi, published_on, accessed_on, language, notes, review_status, version.",
        )
    ]
    assert not result.rows and not result.invalid_rows
    assert not Source.objects.filter(slug__startswith="source-").exists()


@pytest.mark.django_db
def test_the_command_names_the_unknown_column_once(seed, tmp_path, capsys):
    path = tmp_path / "sources.csv"
    path.write_text(sources_csv(50, extra_column="titel"))
    with pytest.raises(CommandError, match="Nothing was imported: 1 refusal"):
        call_command("import_records", "registry.Source", str(path), verbosity=0)
    errors = capsys.readouterr().err
    assert "Unknown column(s) 'titel'" in errors
    assert "_cells" not in errors and "row 1" not in errors


def terminate(pid: int) -> None:
    """End the import's server process, as when the database goes away (a restart, a failover)."""
    params = {k: v for k, v in connection.get_connection_params().items() if k != "cursor_factory"}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_stops_the_import_at_once(seed):
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    rows_tried = []

    def progress():
        rows_tried.append(1)
        if len(rows_tried) == 1500:  # in the second batch
            terminate(pid)

    resource = SourceResource(progress=progress, diff=False)
    try:
        with pytest.raises(
            DatabaseConnectionLost, match=r"The database connection was lost at row [12]\d\d\d"
        ):
            resource.import_data(read_csv(sources_csv(5000)))
        assert len(rows_tried) < 2002  # not the 5,000 rows, each failing: at most the rest of its batch
    finally:
        connection.close()
    assert not Source.objects.filter(slug__startswith="source-").exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_says_so_in_one_message(seed, tmp_path, capsys):
    path = tmp_path / "sources.csv"
    path.write_text(sources_csv(2000))
    connection.ensure_connection()
    terminate(connection.connection.info.backend_pid)
    try:
        with pytest.raises(CommandError, match="The database connection was lost") as lost:
            call_command("import_records", "registry.Source", str(path), verbosity=0)
    finally:
        connection.close()
    assert "Nothing was imported" in str(lost.value)
    assert capsys.readouterr().err.count("\n") <= 1
