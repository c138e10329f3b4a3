"""Citable data releases (registry/releases/, manage.py make_release, /releases/): a valid Frictionless
package of every published record and nothing else, checksums, a changelog of exactly what changed
since the previous release, and files served by name only."""

import csv
import hashlib
import json
import re
import zipfile
from datetime import datetime, timedelta

import pytest
import yaml
from django.core.management import CommandError, call_command
from frictionless import validate

from api.changes import FEED_MODELS
from registry.curation.workflow import transition
from registry.releases.store import read_checksums
from tests import builders
from tests.api_support import reviewer_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE_URL = "http://testserver"
TABLES = {
    "countries",
    "sources",
    "technologies",
    "places",
    "public-bodies",
    "organisations",
    "vendors",
    "legal-frameworks",
    "deployments",
    "contracts",
    "camera-counts",
    "measurements",
    "stated-costs",
    "events",
    "citations",
}
NEVER_PUBLIC = (
    "secret-pilot",
    "under-review",
    "retracted-system",
    "shadowcorp",
    "gone-vendor",
    "draft-leak",
    "retracted-story",
    "serbia-internal-affairs-bill",
)


@pytest.fixture(name="releases")
def releases_fixture(settings, tmp_path):
    settings.REGISTRY_RELEASES_DIR = tmp_path / "releases"
    return settings.REGISTRY_RELEASES_DIR


def release(version, releases):
    call_command("make_release", "--version", version, "--base-url", BASE_URL, verbosity=0)
    return releases / version


def rows(directory, table):
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_a_release_is_a_valid_data_package_with_keys_and_descriptions(world, releases):
    directory = release("1.0", releases)
    report = validate(str(directory / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    package = json.loads((directory / "datapackage.json").read_text())
    assert package["version"] == "1.0"
    assert datetime.fromisoformat(package["created"]).tzinfo is not None
    resources = {resource["name"]: resource for resource in package["resources"]}
    assert set(resources) == TABLES
    for resource in resources.values():
        assert all(field["description"] and field["type"] for field in resource["schema"]["fields"])
    deployments = resources["deployments"]["schema"]
    assert deployments["primaryKey"] == ["slug"]
    assert {
        "fields": ["country_code"],
        "reference": {"resource": "countries", "fields": ["code"]},
    } in deployments["foreignKeys"]
    counts = {field["name"]: field for field in resources["camera-counts"]["schema"]["fields"]}
    assert counts["cameras"]["type"] == "integer"


def test_the_csv_files_are_the_api_exports(client, world, releases):
    directory = release("1.0", releases)
    for table in ("deployments", "vendors", "citations", "camera-counts"):
        api = client.get(f"/api/v1/{table}/", {"format": "csv"}, HTTP_HOST="testserver")
        assert (directory / f"{table}.csv").read_bytes() == b"".join(api.streaming_content)
    assert {row["slug"] for row in rows(directory, "deployments")} == {
        "safe-society",
        "cagliari-smart-city",
        "ecu-911",
    }


def test_checksums_match_and_cover_every_file(world, releases):
    directory = release("1.0", releases)
    sums = read_checksums((directory / "SHA256SUMS").read_text())
    on_disk = {path.name for path in directory.iterdir()} - {"SHA256SUMS"}
    assert set(sums) == on_disk >= {"datapackage.json", "CITATION.cff", "CHANGELOG.md", "deployments.csv"}
    for name, digest in sums.items():
        assert hashlib.sha256((directory / name).read_bytes()).hexdigest() == digest


def test_the_zip_holds_the_release_files(world, releases):
    directory = release("1.0", releases)
    with zipfile.ZipFile(directory / "surveillance-deployment-registry-1.0.zip") as archive:
        held = {name: archive.read(name) for name in archive.namelist()}
    expected = {
        f"surveillance-deployment-registry-1.0/{path.name}": path.read_bytes()
        for path in directory.iterdir()
        if path.suffix != ".zip" and path.name != "SHA256SUMS"
    }
    assert held == expected


def test_citation_file_names_the_version_and_date(world, releases):
    directory = release("2.1.0", releases)
    citation = yaml.safe_load((directory / "CITATION.cff").read_text())
    created = datetime.fromisoformat(json.loads((directory / "datapackage.json").read_text())["created"])
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == "2.1.0"
    assert citation["date-released"] == created.date()
    assert citation["authors"] and citation["title"]
    assert citation["url"] == "http://testserver/releases/"


def test_no_draft_or_retracted_record_is_in_any_file(world, releases):
    directory = release("1.0", releases)
    for path in directory.iterdir():
        if path.suffix == ".zip":
            continue  # the other files, zipped (test_the_zip_holds_the_release_files)
        text = path.read_text(encoding="utf-8")
        for slug in NEVER_PUBLIC:
            assert slug not in text, (path.name, slug)


def changelog_sections(directory) -> dict[str, list[str]]:
    sections, current = {}, None
    for line in (directory / "CHANGELOG.md").read_text().splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:], [])
        elif current is not None and line.startswith("- "):
            current.append(line)
    return sections


def test_the_second_release_lists_exactly_what_changed_since_the_first(world, releases, reviewer):
    first = release("1.0", releases)
    assert "first release" in (first / "CHANGELOG.md").read_text()
    first_created = datetime.fromisoformat(json.loads((first / "datapackage.json").read_text())["created"])
    marks = {
        name: feed.event_model.objects.order_by("-pgh_id").values_list("pgh_id", flat=True).first() or 0
        for name, feed in FEED_MODELS.items()
    }

    builders.deployment("new-system", "New system", world.rs, summary="A new one")
    world.safe_society.refresh_from_db()
    world.safe_society.summary = "Corrected summary"
    world.safe_society.save()
    transition(world.ecu, name="retract", user=reviewer, reason="The source withdrew it")
    builders.deployment("still-draft", "Still draft", world.rs, "draft")
    # A test is one transaction: its events share one time. Date these after the first release.
    for name, feed in FEED_MODELS.items():
        feed.event_model.objects.filter(pgh_id__gt=marks[name]).update(
            pgh_created_at=first_created + timedelta(milliseconds=1)
        )

    second = release("1.1", releases)
    # Retracting a deployment retracts its camera counts with it.
    counts = [
        f"- camera-count `{public_id}`. Reason: The source withdrew it"
        for public_id in sorted(str(c.public_id) for c in world.ecu.camera_counts.all())
    ]
    assert counts
    assert changelog_sections(second) == {
        "Added": ["- deployment `new-system`: New system"],
        "Changed": ["- deployment `safe-society`: Safe Society (summary)"],
        "Retracted": [*counts, "- deployment `ecu-911`: ECU 911. Reason: The source withdrew it"],
    }
    assert "since release 1.0" in (second / "CHANGELOG.md").read_text()
    slugs = {row["slug"] for row in rows(second, "deployments")}
    assert slugs == {"safe-society", "cagliari-smart-city", "new-system"}


def test_a_third_release_without_changes_says_so(world, releases):
    release("1.0", releases)
    third = release("1.1", releases)
    assert changelog_sections(third) == {"Added": [], "Changed": [], "Retracted": []}
    assert (third / "CHANGELOG.md").read_text().count("None.") == 3


def test_the_default_version_is_the_date_then_numbered(world, releases):
    call_command("make_release", "--base-url", BASE_URL, verbosity=0)
    call_command("make_release", "--base-url", BASE_URL, verbosity=0)
    names = sorted(path.name for path in releases.iterdir())
    assert len(names) == 2 and re.fullmatch(r"\d{4}\.\d\d\.\d\d", names[0]) and names[1] == f"{names[0]}.2"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--version", "../escape"], "is not a version"),
        (["--version", ".hidden"], "is not a version"),
        (["--base-url", "ftp://example.org"], "is not a site address"),
        (["--base-url", "https://evil.example.org"], "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_bad_arguments_are_refused_and_write_nothing(world, releases, arguments, message):
    arguments = ["--base-url", BASE_URL, *arguments]
    with pytest.raises(CommandError, match=message):
        call_command("make_release", *arguments, verbosity=0)
    assert not releases.exists() or not any(releases.iterdir())
    assert not (releases.parent / "escape").exists()


def test_an_existing_version_is_never_overwritten(world, releases):
    directory = release("1.0", releases)
    before = (directory / "SHA256SUMS").read_bytes()
    with pytest.raises(CommandError, match="exists already"):
        release("1.0", releases)
    assert (directory / "SHA256SUMS").read_bytes() == before


# --- The website: /releases/ -------------------------------------------------------------------------


def test_releases_are_listed_and_their_files_served(client, world, releases):
    first, second = release("1.0", releases), release("1.1", releases)
    page = client.get("/releases/").content.decode()
    assert page.index("Release 1.1") < page.index("Release 1.0")
    assert 'href="/releases/1.0/deployments.csv"' in page
    response = client.get("/releases/1.0/deployments.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert b"".join(response.streaming_content) == (first / "deployments.csv").read_bytes()
    sums = client.get("/releases/1.1/SHA256SUMS")
    assert b"".join(sums.streaming_content) == (second / "SHA256SUMS").read_bytes()
    archive = client.get("/releases/1.1/surveillance-deployment-registry-1.1.zip")
    assert archive["Content-Type"] == "application/zip"
    assert 'filename="surveillance-deployment-registry-1.1.zip"' in archive["Content-Disposition"]
    cff = client.get("/releases/1.1/CITATION.cff")
    assert cff["Content-Type"] == "text/plain; charset=utf-8"
    assert b"".join(cff.streaming_content) == (second / "CITATION.cff").read_bytes()
    latest = client.get("/releases/latest/CITATION.cff")
    assert latest.status_code == 302 and latest["Location"] == "/releases/1.1/CITATION.cff"


def test_the_cite_block_cites_the_latest_release(client, world, releases):
    assert "data release" not in client.get("/").content.decode()
    release("1.0", releases)
    page = client.get("/deployments/safe-society/").content.decode()
    assert "data release 1.0" in page
    assert 'href="http://testserver/releases/1.0/CITATION.cff"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/releases/1.0/notes.txt",  # in the release's directory, but not one of its files
        "/releases/1.0/..%2Fsecret.txt",
        "/releases/1.0/%2e%2e%2fsecret.txt",
        "/releases/..%2F1.0/deployments.csv",
        "/releases/../secret.txt",
        "/releases/1.0/../../secret.txt",
        "/releases/%2e%2e/secret.txt",
        "/releases/1.0/.",
        "/releases/9.9/deployments.csv",
        "/releases/latest/secret.txt",
    ],
)
def test_nothing_but_a_release_file_is_served(client, world, releases, path):
    directory = release("1.0", releases)
    (directory / "notes.txt").write_text("not a release file")
    (releases / "secret.txt").write_text("secret")
    (releases.parent / "secret.txt").write_text("secret")
    response = client.get(path)
    assert response.status_code == 404
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"secret" not in body and b"not a release file" not in body


def test_an_empty_list_of_releases(client, db, releases):
    response = client.get("/releases/")
    assert response.status_code == 200
    assert "No release has been made yet." in response.content.decode()
