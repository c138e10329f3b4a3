"""Decompression bombs and oversized tables, through ``import_records`` and the admin's import.

Each file is made here, small on disk, and refused before it is parsed or while it is streamed
(registry/imports/files.py ``ImportLimits``), with a message naming the limit, and nothing written.
The limits are the defaults of registry/settings.py.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from deployments.models import Place
from registry.imports.files import ImportFileError, ImportLimits, read_csv, read_xlsx_rows
from tests.test_import_bad_files import XLSX, curator_client  # noqa: F401
from tests.test_import_export import snapshot, upload

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_END = b"</sheetData></worksheet>"
SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SHARED_STRINGS_REL = (
    b'<Relationship Id="rIdShared" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>slug</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is>'
    b'</c><c r="C1" t="inlineStr"><is><t>kind</t></is></c><c r="D1" t="inlineStr"><is><t>country</t></is></c></row>'
)


def workbook_with(replaced: dict[str, object]) -> bytes:
    """A real one-sheet workbook (openpyxl's) whose members in ``replaced`` are swapped for the
    given bytes, or for an iterable of byte chunks streamed into the archive (a huge member that
    is never held in memory whole)."""
    source = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["slug", "name", "kind", "country"])
    book.active.append(["town-1", "Town 1", "city", "RS"])
    book.save(source)
    if "xl/sharedStrings.xml" in replaced:  # openpyxl writes none: declare it, as Excel does
        with zipfile.ZipFile(source) as original:
            types, rels = original.read("[Content_Types].xml"), original.read("xl/_rels/workbook.xml.rels")
        replaced = {
            "[Content_Types].xml": types.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>"),
            "xl/_rels/workbook.xml.rels": rels.replace(
                b"</Relationships>", SHARED_STRINGS_REL + b"</Relationships>"
            ),
            **replaced,
        }
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        names = set(original.namelist()) | set(replaced)
        for name in sorted(names):
            content = replaced.get(name, original.read(name) if name in original.namelist() else b"")
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in content:
                    member.write(chunk)
    return out.getvalue()


def shared_string_bomb(megabytes: int) -> bytes:
    """One shared string of ``megabytes`` MB, used by one cell (the issue's 1 GB one, smaller)."""

    def shared_strings():
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        for _ in range(megabytes):
            yield b"A" * MB
        yield b"</t></si></sst>"

    sheet = SHEET_START + HEADER_ROW + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + SHEET_END
    return workbook_with({"xl/sharedStrings.xml": shared_strings(), SHEET: sheet})


def sheet_of(rows: bytes) -> bytes:
    return workbook_with({SHEET: SHEET_START + HEADER_ROW + rows + SHEET_END})


def empty_rows(count: int):
    yield SHEET_START + HEADER_ROW
    for start in range(0, count, 100_000):
        yield b"<row/>" * min(100_000, count - start)  # numbered by their place, as openpyxl reads them
    yield SHEET_END


LIMITS = ImportLimits.from_settings()
BOMBS = {
    # The issue's files, with the defaults' margins: refused before openpyxl opens the workbook.
    "shared-string-250-mb": (lambda: shared_string_bomb(250), "once read; the limit is 200 MB"),
    "two-million-empty-rows": (
        lambda: workbook_with({SHEET: empty_rows(2_000_000)}),
        "more than 1,000,000 rows (REGISTRY_IMPORT_MAX_ROWS), counting empty ones",
    ),
    # A row numbered two million: the rows missing before it are empty rows too.
    "one-row-two-million-down": (
        lambda: sheet_of(b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>'),
        "more than 1,000,000 rows",
    ),
    # A sheet declaring A1:XFD1048576 and a cell in the last column: 16,384 cells a row.
    "cell-in-column-xfd": (
        lambda: workbook_with(
            {
                SHEET: SHEET_START.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
                + HEADER_ROW
                + b'<row r="2"><c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row>'
                + SHEET_END
            }
        ),
        "Row 1 (line 2) has 16,384 columns; the limit is 100",
    ),
    "cell-of-200000-characters": (
        lambda: sheet_of(
            b'<row r="2"><c r="B2" t="inlineStr"><is><t>' + b"A" * 200_000 + b"</t></is></c></row>"
        ),
        "Cell B2: a cell of 200,000 characters; the limit is 100,000",
    ),
    # A 90,000-character shared string (under the cell limit) in 3,000 cells: 270 million characters.
    "one-string-in-many-cells": (
        lambda: workbook_with(
            {
                "xl/sharedStrings.xml": b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<si><t>" + b"A" * 90_000 + b"</t></si></sst>",
                SHEET: SHEET_START
                + HEADER_ROW
                + b"".join(
                    b'<row r="%d">' % row
                    + b"".join(
                        b'<c r="%s%d" t="s"><v>0</v></c>' % (column, row)
                        for column in (b"A", b"B", b"C", b"D")
                    )
                    + b"</row>"
                    for row in range(2, 752)
                )
                + SHEET_END,
            }
        ),
        "The text of its cells (up to line",
    ),
}


def test_the_defaults_are_the_documented_ones():
    assert (LIMITS.max_bytes, LIMITS.max_rows, LIMITS.max_columns, LIMITS.max_cell_chars) == (
        200 * MB,
        1_000_000,
        100,
        100_000,
    )


@pytest.mark.parametrize(("name", "bomb"), BOMBS.items(), ids=BOMBS)
def test_the_command_refuses_a_bomb_and_writes_nothing(seed, tmp_path, name, bomb):
    make, message = bomb
    path = tmp_path / "places.xlsx"
    path.write_bytes(make())
    assert path.stat().st_size < 2 * MB  # small on disk
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported") as refused:
        call_command("import_records", "deployments.Place", str(path), verbosity=0)

    assert message in str(refused.value)
    assert snapshot() == before


def test_the_admin_refuses_a_bomb_at_the_preview(seed, curator_client):  # noqa: F811
    before = snapshot()
    response = upload(curator_client, Place, "places.xlsx", shared_string_bomb(250), XLSX)
    assert response.status_code == 200
    assert "once read; the limit is 200 MB" in response.content.decode()
    assert "confirm_form" not in response.context
    assert snapshot() == before


# --- CSV: the same limits -------------------------------------------------------------------------


def test_a_csv_file_over_the_size_limit_is_refused_before_it_is_read(seed, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_UNCOMPRESSED_MB = 1
    path = tmp_path / "places.csv"
    path.write_bytes(b"slug,name,kind,country\n" + b"town-1,Town 1,city,RS\n" * 60_000)
    with pytest.raises(CommandError, match=r"1\.3 MB once read; the limit is 1 MB"):
        call_command("import_records", "deployments.Place", str(path), verbosity=0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slug\n" + "x\n" * 1_000_001, "more than 1,000,000 rows"),
        (",".join(f"c{i}" for i in range(101)) + "\n", "The header row has 101 columns; the limit is 100"),
        ("slug,name\nx," + "A" * 100_001 + "\n", "Row 1 (line 2): a cell of 100,001 characters"),
    ],
    ids=["rows", "columns", "cell"],
)
def test_csv_limits(text, message):
    with pytest.raises(ImportFileError, match=re.escape(message)):
        read_csv(text)


def test_files_within_the_limits_are_read():
    assert len(read_csv("slug,name\n" + "x,y\n" * 1000)) == 1000
    assert read_xlsx_rows(workbook_with({})).dict == [
        {"slug": "town-1", "name": "Town 1", "kind": "city", "country": "RS"}
    ]
    assert settings.REGISTRY_IMPORT_MAX_ROWS == 1_000_000
