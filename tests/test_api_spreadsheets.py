"""Every list's exports read as an analyst reads them: pandas on the CSV, openpyxl on the workbook,
each compared with the JSON list (the same records, in the same order) and with each other (the same
columns, the workbook's cells typed and never formulas)."""

import io
import os
from datetime import UTC, datetime, timedelta

import openpyxl
import pandas
import pytest

from api.urls import router
from deployments.models import Deployment, Measurement, Organisation, StatedCost
from registry.choices import ReviewStatus
from registry.imports.csv_safety import escape_formula
from tests import builders
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
# endpoint: (the JSON key of a row's identity, the export column holding it)
IDENTITY = {
    "countries": ("code", "code"),
    "camera-counts": ("public_id", "public_id"),
    "events": ("public_id", "public_id"),
    "measurements": ("public_id", "public_id"),
    "stated-costs": ("public_id", "public_id"),
    "citations": ("record.url", "record_url"),
    "changes": ("url", "url"),
}
ENDPOINTS = [prefix for prefix, _, _ in router.registry]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def json_rows(api, endpoint: str) -> list[dict]:
    response = api.get(f"{BASE}/{endpoint}/", {"page_size": 500})
    assert response.status_code == 200
    return response.json()["results"]


def dig(row: dict, path: str):
    for key in path.split("."):
        row = row[key]
    return row


@pytest.fixture(name="hostile")
def hostile_fixture(world):
    """Text a spreadsheet must not run, and characters a workbook cannot hold."""
    Deployment.objects.filter(pk=world.ecu.pk).update(
        summary='=HYPERLINK("http://evil.example","click")', data_managed_by="@SUM(A1)\x01 control"
    )
    # The shared world has no event, measurement, organisation nor stated cost: one each, so that their
    # lists have a row.
    builders.event(world.safe_society, "2017-02", world.src, description="=CMD|' /C calc'!A0")
    Organisation.objects.create(
        slug="lender", name="+Lender", kind="lender", notes="-1+1", review_status=ReviewStatus.PUBLISHED
    )
    Measurement.objects.create(
        deployment=world.safe_society,
        what="control-centres",
        as_of="2019",
        quantity=16,
        source=world.src,
        review_status=ReviewStatus.PUBLISHED,
    )
    StatedCost.objects.create(
        deployment=world.safe_society, description="@cameras", amount=7753, currency="COP", source=world.src
    )
    return world


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_pandas_reads_every_csv_as_the_json_lists_it(api, hostile, endpoint):
    response = api.get(f"{BASE}/{endpoint}/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    table = pandas.read_csv(io.BytesIO(body(response)), dtype=str, keep_default_na=False)
    key, column = IDENTITY.get(endpoint, ("slug", "slug"))
    rows = json_rows(api, endpoint)
    assert len(rows) > 0, endpoint
    assert list(table[column]) == [str(dig(row, key)) for row in rows]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_openpyxl_reads_every_workbook_as_the_csv_and_the_json(api, hostile, endpoint):
    response = api.get(f"{BASE}/{endpoint}/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=False).active
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    csv = pandas.read_csv(
        io.BytesIO(body(api.get(f"{BASE}/{endpoint}/", {"format": "csv"}))), dtype=str, keep_default_na=False
    )
    assert [cell.value for cell in header] == list(csv.columns)
    assert len(rows) == len(csv)
    for cells, (_, line) in zip(rows, csv.iterrows(), strict=True):
        for cell, text in zip(cells, line, strict=True):
            assert cell.data_type != "f", (endpoint, cell.value)  # never a formula
            assert same(cell.value, text.replace("\x01", "")), (endpoint, cell.coordinate, cell.value, text)
    key, column = IDENTITY.get(endpoint, ("slug", "slug"))
    position = list(csv.columns).index(column)
    assert [str(cells[position].value) for cells in rows] == [
        str(dig(row, key)) for row in json_rows(api, endpoint)
    ]


def same(value, text: str) -> bool:
    """Whether a typed cell holds what the CSV writes as ``text``."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == ("true" if value else "false")
    if isinstance(value, datetime):  # UTC; Excel keeps milliseconds
        return abs(value.replace(tzinfo=UTC) - datetime.fromisoformat(text)) < timedelta(milliseconds=1)
    if isinstance(value, int | float):
        return float(text) == pytest.approx(value)
    return escape_formula(value) == text


def test_workbook_cells_are_typed(api, hostile):
    response = api.get(f"{BASE}/deployments/", {"format": "xlsx", "country": "EC"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    header, row = [[cell for cell in line] for line in sheet.iter_rows()]
    cells = {title.value: cell for title, cell in zip(header, row, strict=True)}
    assert cells["summary"].value == '=HYPERLINK("http://evil.example","click")'
    assert cells["summary"].data_type == "s"
    assert cells["data_managed_by"].value == "@SUM(A1) control"  # XML cannot hold \x01
    assert isinstance(cells["updated_at"].value, datetime)
    counts = openpyxl.load_workbook(
        io.BytesIO(body(api.get(f"{BASE}/camera-counts/", {"format": "xlsx"})))
    ).active
    titles = [cell.value for cell in next(counts.iter_rows())]
    cameras = [row[titles.index("cameras")].value for row in counts.iter_rows(min_row=2)]
    assert all(isinstance(value, int) for value in cameras) and 4300 in cameras
    places = openpyxl.load_workbook(io.BytesIO(body(api.get(f"{BASE}/places/", {"format": "xlsx"})))).active
    titles = [cell.value for cell in next(places.iter_rows())]
    latitudes = {row[0].value: row[titles.index("latitude")].value for row in places.iter_rows(min_row=2)}
    assert latitudes["belgrade"] == pytest.approx(44.8178) and latitudes["serbia"] is None


def test_the_deployments_csv_has_coordinates_and_source_urls(api, world):
    world.src.url = "https://birn.example/safe-society"
    world.src.archived_url = "https://web.archive.example/birn"
    world.src.save()
    table = pandas.read_csv(
        io.BytesIO(body(api.get(f"{BASE}/deployments/", {"format": "csv"}))), dtype=str, keep_default_na=False
    ).set_index("slug")
    safe = table.loc["safe-society"]
    assert safe["place_slugs"] == "belgrade; serbia"
    assert safe["place_latitudes"] == "44.81780; "  # aligned: Serbia (nationwide) has none
    assert safe["place_longitudes"] == "20.45690; "
    assert safe["citation_sources"] == "bird-report-2020"  # the draft source's citation is not shown
    assert safe["citation_urls"] == "https://birn.example/safe-society"
    assert safe["citation_archived_urls"] == "https://web.archive.example/birn"


def test_a_spreadsheet_too_long_is_refused_before_its_first_byte(api, world, settings):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    settings.API_XLSX_MAX_ROWS = 2
    response = api.get(f"{BASE}/deployments/", {"format": "xlsx"})
    assert response.status_code == 400
    assert not [path for path in ALL_TEMP_FILES if os.path.exists(path)]  # the refused sheet's rows
    assert response["Content-Type"] == "application/json"
    assert "csv" in response.json()["format"][0]
    assert api.get(f"{BASE}/deployments/", {"format": "xlsx", "country": "RS"}).status_code == 200
