"""Import and export (django-import-export), in the admin and with the commands, on PostgreSQL.

All or nothing, drafts and history, stale versions, permissions, formula escaping, filtered admin
exports and a round trip of the whole seed through an empty registry.
"""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from pghistory.models import Context

from deployments.models import CameraCount, Deployment, Place
from deployments.resources import CameraCountResource, DeploymentResource, PlaceResource
from registry.choices import ReviewStatus
from registry.curation.roles import ensure_roles
from registry.imports.csv_safety import escape_formula
from registry.imports.resources import (
    StrictIntegerWidget,
    all_resources,
    export_bytes,
    file_name_for,
    read_dataset,
    resource_for,
)
from registry.models import Country
from tests.formula_payloads import FORMULA_PAYLOADS
from vendors.models import Vendor

PAYLOADS = ["-1+1", "@SUM(1+1)*cmd|' /C calc'!A0", "\tTAB", "\rCR", *FORMULA_PAYLOADS]
CURATED_MODELS = [resource._meta.model for resource in all_resources()]
EVENT_MODELS = [model.pgh_event_model for model in CURATED_MODELS if hasattr(model, "pgh_event_model")]


# --- Helpers ---------------------------------------------------------------------------------------


def admin_url(model, view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def read(path) -> str:
    return path.read_bytes().decode("utf-8")  # keeps a carriage return inside a cell


def csv_bytes(rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)  # the dialect tablib writes with (excel: minimal quoting, CRLF)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def snapshot() -> dict[str, int]:
    """How many records and history events there are: an import that writes nothing leaves it equal."""
    counts = {model._meta.label: model._default_manager.count() for model in CURATED_MODELS + EVENT_MODELS}
    counts["pghistory.Context"] = Context.objects.count()
    return counts


def camera_count_rows(n: int) -> list[list]:
    header = ["public_id", "deployment", "place", "as_of", "cameras", "locations", "kind", "source", "notes"]
    rows = [header]
    for i in range(n):
        rows.append(
            [
                "",
                "belgrade-safe-society",
                "belgrade",
                f"{2000 + i % 25}-{1 + i % 12:02d}",
                str(100 + i),
                "",
                "installed",
                "stg-policy-brief-2024-17",
                f"Observation {i}",
            ]
        )
    return rows


def with_bad_row(rows: list[list], at: int, column: str, value: str) -> list[list]:
    """``rows`` with data row number ``at`` (1 = first under the header) given a bad ``column``."""
    rows = [list(row) for row in rows]
    rows[at][rows[0].index(column)] = value
    return rows


def empty_the_registry():
    """Remove every curated record (the history stays), as in a fresh registry."""
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in CURATED_MODELS)
    with connection.cursor() as cursor:
        # Run the foreign key checks deferred to the commit first: TRUNCATE refuses pending ones.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {tables} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def as_drafts(queryset) -> None:
    """Put published records (all of the seed is) back to draft, without a new version: an import
    refuses to change a published record (tests/test_import_published.py)."""
    queryset.update(review_status=ReviewStatus.DRAFT)


def make_user(username: str, *, groups=(), permissions=(), staff=True):
    user = get_user_model().objects.create_user(username, password="a long test password", is_staff=staff)
    user.groups.set(groups)
    user.user_permissions.set(permissions)
    return user


@pytest.fixture
def roles(db):
    curators, reviewers = ensure_roles()
    return curators, reviewers


@pytest.fixture
def curator(roles):
    return make_user("curator", groups=[roles[0]])


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def upload(client, model, name: str, data: bytes, file_format: int = 0):
    return client.post(
        admin_url(model, "import"),
        {"resource": "0", "format": str(file_format), "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, model, preview):
    return client.post(admin_url(model, "process_import"), preview.context["confirm_form"].initial)


# --- All or nothing -------------------------------------------------------------------------------

BAD_CELLS = [
    ("cameras", "-5", "cameras", "Ensure this value is greater than or equal to 0."),
    ("as_of", "2017-13", "as_of", "2017-13 is not a date"),
    ("deployment", "no-such-deployment", "deployment", "No deployment with slug 'no-such-deployment'"),
    ("cameras", "12.5", "cameras", "'12.5' is not a whole number."),
]


@pytest.mark.parametrize(
    ("cell", "number"),
    [("12", 12), ("007", 7), (" 12 ", 12), ("-5", -5), ("12.0", 12), (12.0, 12), ("1e3", 1000), ("٣", 3)]
    + [("", None), (None, None), ("9" * 30, int("9" * 30))],
)
def test_a_whole_number_cell_is_read_as_its_number(cell, number):
    assert StrictIntegerWidget().clean(cell) == number


@pytest.mark.parametrize("cell", ["12.5", "1" * 40, "12a", "²", "-", "inf"])
def test_any_other_cell_is_not_a_whole_number(cell):
    with pytest.raises(ValueError, match="is not a whole number"):
        StrictIntegerWidget().clean(cell)


@pytest.mark.parametrize(("column", "value", "reported_column", "message"), BAD_CELLS)
def test_command_refuses_the_whole_file_for_one_bad_row(
    seed, tmp_path, capsys, column, value, reported_column, message
):
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(with_bad_row(camera_count_rows(51), 26, column, value)))
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported: 1 refusal"):
        call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)

    assert snapshot() == before
    errors = capsys.readouterr().err
    assert f"row 26 (line 27), column '{reported_column}': {message}" in errors
    assert errors.count("row ") == 1


def test_command_reports_an_unknown_country_code(seed, tmp_path, capsys):
    rows = [["slug", "name", "kind", "country"]] + [
        [f"town-{i}", f"Town {i}", "city", "RS"] for i in range(50)
    ]
    rows.append(["atlantis", "Atlantis", "city", "XX"])
    path = tmp_path / "places.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("import_records", "deployments.Place", str(path), verbosity=0)

    assert snapshot() == before
    assert "row 51 (line 52), column 'country': No country with code 'XX'" in capsys.readouterr().err


def test_command_imports_a_good_file_and_dry_run_writes_nothing(seed, tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_bytes(csv_bytes(camera_count_rows(51)))
    before = snapshot()

    call_command("import_records", "deployments.CameraCount", str(path), "--dry-run")
    assert snapshot() == before
    assert "51 new" in capsys.readouterr().out

    call_command("import_records", "deployments.CameraCount", str(path), verbosity=0)
    assert CameraCount.objects.count() == before["deployments.CameraCount"] + 51


def test_admin_preview_shows_the_bad_row_and_offers_no_confirmation(seed, curator_client):
    data = csv_bytes(with_bad_row(camera_count_rows(51), 26, "cameras", "-5"))
    before = snapshot()

    response = upload(curator_client, CameraCount, "counts.csv", data)

    assert response.status_code == 200
    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [26]
    assert result.invalid_rows[0].field_specific_errors == {
        "cameras": ["Ensure this value is greater than or equal to 0."]
    }
    assert "confirm_form" not in response.context
    assert snapshot() == before


def test_admin_dry_run_then_confirm(seed, curator_client, curator):
    data = csv_bytes(camera_count_rows(50))
    before = snapshot()

    preview = upload(curator_client, CameraCount, "counts.csv", data)
    assert preview.context["result"].totals["new"] == 50
    assert snapshot() == before  # the preview is a dry run

    response = confirm(curator_client, CameraCount, preview)
    assert response.status_code == 302
    imported = CameraCount.objects.filter(notes__startswith="Observation ")
    assert imported.count() == 50
    assert set(imported.values_list("review_status", flat=True)) == {ReviewStatus.DRAFT}
    event = (
        CameraCount.pgh_event_model.objects.filter(pgh_obj__in=imported).select_related("pgh_context").first()
    )
    assert event.pgh_context.metadata["user"] == curator.pk
    assert event.pgh_context.metadata["reason"] == "import counts.csv"


def test_admin_confirm_writes_nothing_when_a_row_went_stale_after_the_preview(seed, curator_client):
    as_drafts(Deployment.objects.all())
    resource = DeploymentResource()
    rows = csv_rows(export_bytes(resource))
    for row in rows[1:]:
        row[rows[0].index("data_managed_by")] = "Changed by the import"
    preview = upload(curator_client, Deployment, "deployments.csv", csv_bytes(rows))
    assert preview.context["result"].totals["update"] == len(rows) - 1
    # Someone saves the last deployment between the preview and the confirmation.
    last = Deployment.objects.get(slug=rows[-1][0])
    last.data_location = "abroad"
    last.save()
    before = snapshot()

    response = confirm(curator_client, Deployment, preview)

    assert response.status_code == 200
    assert snapshot() == before
    assert not Deployment.objects.filter(data_managed_by="Changed by the import").exists()
    (invalid,) = response.context["result"].invalid_rows
    assert invalid.number == len(rows) - 1
    assert "changed in the registry since this file was exported (version 1, file has 0)" in str(
        invalid.field_specific_errors["version"]
    )
    assert "Nothing was imported" in response.content.decode()


# --- Drafts, history, stale versions --------------------------------------------------------------


def test_imported_records_are_drafts_with_the_user_and_reason_in_their_history(seed, tmp_path, curator):
    rows = csv_rows(export_bytes(DeploymentResource()))
    header = rows[0]
    changed, unchanged = rows[1], rows[2]
    changed[header.index("data_managed_by")] = "The vendor, per a leaked contract"
    Deployment.objects.filter(slug=changed[0]).update(review_status=ReviewStatus.IN_REVIEW)
    new = list(unchanged)
    new[header.index("slug")] = "new-deployment"
    new[header.index("name")] = "A new deployment"
    new[header.index("review_status")] = "published"  # ignored: imports never publish
    new[header.index("version")] = "7"  # ignored for a new record
    path = tmp_path / "deployments.csv"
    path.write_bytes(csv_bytes([header, changed, unchanged, new]))

    call_command(
        "import_records", "deployments.Deployment", str(path), user="curator", reason="FOI reply", verbosity=0
    )

    statuses = dict(Deployment.objects.values_list("slug", "review_status"))
    assert statuses[changed[0]] == ReviewStatus.DRAFT
    assert statuses["new-deployment"] == ReviewStatus.DRAFT
    assert statuses[unchanged[0]] == ReviewStatus.PUBLISHED  # unchanged: skipped, still published
    assert Deployment.objects.get(slug="new-deployment").version == 1
    assert Deployment.objects.get(slug=changed[0]).version == int(changed[header.index("version")]) + 1
    events = Deployment.pgh_event_model.objects.filter(pgh_context__metadata__reason="FOI reply")
    assert sorted(events.values_list("pgh_label", "slug")) == [
        ("insert", "new-deployment"),
        ("update", changed[0]),
    ]
    assert {event.pgh_context.metadata["user"] for event in events} == {curator.pk}
    assert not Deployment.pgh_event_model.objects.filter(slug=unchanged[0], pgh_label="update").exists()


def test_a_row_with_a_stale_version_is_refused(seed, tmp_path, capsys):
    rows = csv_rows(export_bytes(DeploymentResource()))
    header = rows[0]
    rows[1][header.index("name")] = "Renamed in the file"
    path = tmp_path / "deployments.csv"
    path.write_bytes(csv_bytes(rows))
    # A curator saves the record after the export: its version moves on.
    record = Deployment.objects.get(slug=rows[1][0])
    record.summary += " Updated."
    record.save()
    before = snapshot()

    with pytest.raises(CommandError):
        call_command("import_records", "deployments.Deployment", str(path), verbosity=0)

    assert snapshot() == before
    assert (
        "row 1 (line 2), column 'version': changed in the registry since this file was exported "
        "(version 1, file has 0)" in capsys.readouterr().err
    )


def test_import_records_refuses_a_user_who_is_not_a_curator(seed, tmp_path, roles):
    make_user("visitor")
    path = tmp_path / "deployments.csv"
    path.write_bytes(export_bytes(DeploymentResource()))
    with pytest.raises(CommandError, match="not an active curator"):
        call_command("import_records", "deployments.Deployment", str(path), user="visitor", verbosity=0)


def test_import_records_changes_only_what_the_users_role_may(seed, tmp_path, capsys, curator, roles):
    """A curator may not correct a country (only reviewers do, and no one adds one); an unchanged
    countries file, as ``export_records --all`` writes it, still imports."""
    path = tmp_path / "countries.csv"
    call_command("export_records", "registry.Country", "--output", str(path), verbosity=0)
    unchanged = path.read_bytes()
    call_command("import_records", "registry.Country", str(path), user="curator", verbosity=0)
    rows = csv_rows(unchanged)
    header = rows[0]
    serbia = next(row for row in rows if row[0] == "RS")
    serbia_name = serbia[header.index("name")]
    serbia[header.index("name")] = "Republic of Serbia"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", "registry.Country", str(path), user="curator", verbosity=0)
    assert "curator may not change countries (1 row(s) would change one)" in capsys.readouterr().err
    assert snapshot() == before
    assert Country.objects.get(code="RS").name == serbia_name

    make_user("reviewer", groups=[roles[1]])
    call_command("import_records", "registry.Country", str(path), user="reviewer", verbosity=0)
    assert Country.objects.get(code="RS").name == "Republic of Serbia"


# --- Permissions ----------------------------------------------------------------------------------


def view_permissions():
    return Permission.objects.filter(codename__startswith="view_", content_type__app_label="deployments")


@pytest.mark.parametrize(
    ("who", "import_status", "export_status"),
    [
        ("anonymous", 302, 302),
        ("staff with view permissions only", 403, 200),
        ("staff without any permission", 403, 403),
        ("curator", 200, 200),
        ("curator whose group lost the change permission", 403, 200),
        ("reviewer", 200, 200),
        ("superuser", 200, 200),
    ],
)
def test_import_and_export_views_check_permissions(client, roles, who, import_status, export_status):
    curators, reviewers = roles
    if who == "staff with view permissions only":
        client.force_login(make_user("viewer", permissions=view_permissions()))
    elif who == "staff without any permission":
        client.force_login(make_user("nobody"))
    elif who == "curator":
        client.force_login(make_user("curator", groups=[curators]))
    elif who == "curator whose group lost the change permission":
        curators.permissions.remove(Permission.objects.get(codename="change_deployment"))
        client.force_login(make_user("curator", groups=[curators]))
    elif who == "reviewer":
        client.force_login(make_user("reviewer", groups=[reviewers]))
    elif who == "superuser":
        client.force_login(get_user_model().objects.create_superuser("root", password="a long test password"))

    import_response = client.get(admin_url(Deployment, "import"))
    export_response = client.get(admin_url(Deployment, "export"))

    assert import_response.status_code == import_status
    assert export_response.status_code == export_status
    if import_status == 302:
        assert "/login/" in import_response["Location"]
    if import_status != 200:
        # The confirmation step checks the permission too (not only the upload form).
        confirm_response = client.post(
            admin_url(Deployment, "process_import"),
            {"import_file_name": "x", "original_file_name": "x.csv", "format": "0", "resource": "0"},
        )
        assert confirm_response.status_code == import_status


def test_changelist_shows_the_import_button_to_curators_only(client, roles):
    client.force_login(make_user("viewer", permissions=view_permissions()))
    assert (
        admin_url(Deployment, "import")
        not in client.get(admin_url(Deployment, "changelist")).content.decode()
    )
    client.force_login(make_user("curator", groups=[roles[0]]))
    assert admin_url(Deployment, "import") in client.get(admin_url(Deployment, "changelist")).content.decode()


# --- Exports: formula escaping, filters -----------------------------------------------------------


@pytest.fixture
def payload_records(seed):
    """Vendors and places whose text starts like a formula; a place with negative coordinates."""
    for i, payload in enumerate(PAYLOADS):
        Vendor.objects.create(slug=f"payload-{i}", name=payload, description=payload, aliases=[payload])
    return Place.objects.get(slug="ecuador")  # latitude -2.00000, longitude -77.50000


def test_command_export_escapes_every_formula_and_keeps_negative_numbers(payload_records, tmp_path):
    call_command("export_records", "vendors.Vendor", output=str(tmp_path / "v.csv"), verbosity=0)
    call_command("export_records", "deployments.Place", output=str(tmp_path / "p.csv"), verbosity=0)

    vendors = {row["slug"]: row for row in csv.DictReader(io.StringIO(read(tmp_path / "v.csv"), newline=""))}
    for i, payload in enumerate(PAYLOADS):
        row = vendors[f"payload-{i}"]
        assert row["name"] == row["description"] == row["aliases"] == "'" + payload == escape_formula(payload)
    places = {row["slug"]: row for row in csv.DictReader(io.StringIO(read(tmp_path / "p.csv"), newline=""))}
    assert places["ecuador"]["latitude"] == "-2.00000"
    assert places["ecuador"]["longitude"] == "-77.50000"


def test_an_escaped_export_imports_back_to_the_original_text(payload_records, tmp_path):
    path = tmp_path / "vendors.csv"
    call_command("export_records", "vendors.Vendor", output=str(path), verbosity=0)
    Vendor.objects.filter(slug__startswith="payload-").delete()

    call_command("import_records", "vendors.Vendor", str(path), verbosity=0)

    for i, payload in enumerate(PAYLOADS):
        vendor = Vendor.objects.get(slug=f"payload-{i}")
        assert vendor.name == vendor.description == payload
        assert vendor.aliases == [payload.strip()]  # array items are trimmed


def export_form_data(resource_class, file_format: int) -> dict:
    fields = resource_class().get_export_order()
    data = {"resource": "0", "format": str(file_format)}
    data.update({f"{resource_class.__name__.lower()}_{name}": "on" for name in fields})
    return data


def test_admin_export_escapes_formulas_in_csv_and_xlsx(payload_records, curator_client):
    url = admin_url(Vendor, "export") + "?q=payload"
    resource = resource_for(Vendor)

    response = curator_client.post(url, export_form_data(resource, 0))
    rows = csv_rows(response.content)
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + payload for payload in PAYLOADS)

    response = curator_client.post(url, export_form_data(resource, 1))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML (inside XLSX) reads a carriage return back as a line feed.
    assert sorted(names) == sorted("'" + payload.replace("\r", "\n") for payload in PAYLOADS)
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)

    places = curator_client.post(
        admin_url(Place, "export") + "?q=ecuador", export_form_data(resource_for(Place), 1)
    )
    sheet = openpyxl.load_workbook(io.BytesIO(places.content)).active
    (ecuador,) = list(sheet.iter_rows(min_row=2, values_only=True))
    assert ecuador[5] == pytest.approx(-2.0) and ecuador[6] == pytest.approx(-77.5)  # numbers, not text


def test_admin_export_honours_filters_and_search(seed, curator_client):
    Deployment.objects.filter(slug="ecu-911").update(review_status=ReviewStatus.DRAFT)
    resource = resource_for(Deployment)

    filtered = curator_client.post(
        admin_url(Deployment, "export") + "?review_status__exact=draft", export_form_data(resource, 0)
    )
    searched = curator_client.post(
        admin_url(Deployment, "export") + "?q=Belgrade", export_form_data(resource, 0)
    )
    everything = curator_client.post(admin_url(Deployment, "export"), export_form_data(resource, 0))

    assert [row[0] for row in csv_rows(filtered.content)[1:]] == ["ecu-911"]
    assert [row[0] for row in csv_rows(searched.content)[1:]] == ["belgrade-safe-society"]
    assert len(csv_rows(everything.content)) - 1 == Deployment.objects.count() > 1


def test_the_changelist_export_link_keeps_the_filters(seed, curator_client):
    page = curator_client.get(admin_url(Deployment, "changelist") + "?review_status__exact=published")
    assert admin_url(Deployment, "export") + "?review_status__exact=published" in page.content.decode()


def test_admin_imports_xlsx(seed, curator_client):
    rows = camera_count_rows(3)
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([int(cell) if cell.isdigit() else cell for cell in row])
    data = io.BytesIO()
    book.save(data)

    preview = upload(curator_client, CameraCount, "counts.xlsx", data.getvalue(), file_format=1)
    assert preview.context["result"].totals["new"] == 3
    confirm(curator_client, CameraCount, preview)
    assert CameraCount.objects.filter(notes__startswith="Observation ").count() == 3


# --- Round trip of the seed through an empty registry ---------------------------------------------


def normalised(rows: list[list[str]]) -> list[list[str]]:
    """What an import into an empty registry changes: every curated record arrives as a draft at
    version 1 (the seed, loaded with loaddata, is published at version 0)."""
    header = rows[0]
    rows = [list(row) for row in rows]
    for row in rows[1:]:
        if "review_status" in header:
            row[header.index("review_status")] = ReviewStatus.DRAFT
        if "version" in header:
            row[header.index("version")] = "1"
    return rows


def test_round_trip_of_the_seed_through_an_empty_registry(seed, tmp_path):
    first, second, third, xlsx = (tmp_path / name for name in ("first", "second", "third", "xlsx"))
    call_command("export_records", all_dir=str(first), verbosity=0)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(file_name_for(resource, "csv") for resource in all_resources())
    assert len(csv_rows((first / "deployments.cameracount.csv").read_bytes())) > 10

    empty_the_registry()
    assert not any(model._default_manager.exists() for model in CURATED_MODELS)
    call_command("import_records", all_dir=str(first), verbosity=0)
    call_command("export_records", all_dir=str(second), verbosity=0)

    for name in names:
        before, after = (first / name).read_bytes(), (second / name).read_bytes()
        # Only the review status (published -> draft) and the version (0 -> 1) differ, nothing else:
        assert csv_bytes(normalised(csv_rows(before))) == after, name
        if "review_status" not in csv_rows(before)[0]:
            assert before == after, name

    # Once the statuses are drafts, a second trip through an empty registry changes no byte at all,
    # in CSV and in XLSX.
    empty_the_registry()
    call_command("import_records", all_dir=str(second), verbosity=0)
    call_command("export_records", all_dir=str(third), verbosity=0)
    call_command("export_records", all_dir=str(xlsx), format="xlsx", verbosity=0)
    empty_the_registry()
    call_command("import_records", all_dir=str(xlsx), verbosity=0)
    call_command("export_records", all_dir=str(third / "from-xlsx"), verbosity=0)
    for name in names:
        assert (
            (second / name).read_bytes()
            == (third / name).read_bytes()
            == (third / "from-xlsx" / name).read_bytes()
        ), name


def test_importing_an_unchanged_export_changes_nothing(seed, tmp_path, capsys):
    directory = tmp_path / "registry"
    call_command("export_records", all_dir=str(directory), verbosity=0)
    before = snapshot()

    call_command("import_records", all_dir=str(directory))

    assert snapshot() == before  # no record saved, no history event, statuses untouched
    out = capsys.readouterr().out
    assert " new" not in out and " changed" not in out
    assert "deployments.cameracount.csv: 20 unchanged" in out


def test_import_all_is_all_or_nothing_across_files(seed, tmp_path, capsys):
    directory = tmp_path / "registry"
    call_command("export_records", all_dir=str(directory), verbosity=0)
    empty_the_registry()
    counts = directory / "deployments.cameracount.csv"
    rows = csv_rows(counts.read_bytes())
    counts.write_bytes(csv_bytes(with_bad_row(rows, 3, "cameras", "-1")))
    before = snapshot()

    with pytest.raises(CommandError, match="deployments.cameracount.csv"):
        call_command("import_records", all_dir=str(directory), verbosity=0)

    assert snapshot() == before  # the files before it were rolled back too
    assert "row 3 (line 4), column 'cameras'" in capsys.readouterr().err


def test_every_curated_model_has_a_resource_keyed_by_natural_keys():
    for resource in all_resources():
        instance = resource()
        for name in instance.get_import_id_fields():
            assert name != "id"
        assert "id" not in instance.fields
    assert {resource._meta.model for resource in all_resources()} >= {CameraCount, Deployment, Place, Vendor}
    assert resource_for(CameraCount) is CameraCountResource
    assert resource_for(Place) is PlaceResource


def test_read_dataset_reads_what_export_bytes_writes(seed, tmp_path):
    path = tmp_path / "deployments.xlsx"
    path.write_bytes(export_bytes(DeploymentResource(), file_format="xlsx"))
    dataset = read_dataset(path)
    assert dataset.headers[0] == "slug"
    assert len(dataset) == Deployment.objects.count()


def test_export_command_writes_csv_to_stdout(seed, capsysbinary):
    call_command("export_records", "registry.Country", verbosity=0)
    out = capsysbinary.readouterr().out
    assert out.startswith(b"code,name,kind,region,subregion,unions")
