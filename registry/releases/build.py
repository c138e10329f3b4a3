"""Write a release: every published record, as the public API exports it, into a new directory.

The CSVs are the API's own CSV exports (the same views, selectors, columns and escaping: the view is
called in-process, without throttling), for links built on ``base_url``. Outside a transaction the
whole release reads one snapshot of the database (REPEATABLE READ), so its tables agree with each
other and its changelog stops at the release's moment.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from api.changes import public_change_events, resolve_changes
from api.licence import DATA_LICENCE_NAME, DATA_LICENCE_URL
from registry.releases.store import CHECKSUMS, PACKAGE, Release, latest_release, valid_version
from registry.releases.tables import TABLES, table_schema

TITLE = "Surveillance Deployment Registry"
PACKAGE_NAME = "surveillance-deployment-registry"


class ReleaseError(Exception):
    pass


def default_version(root: Path, today) -> str:
    """The release's date (2026.12.07), with .2, .3 ... for a second or third release that day."""
    version, number = f"{today:%Y.%m.%d}", 1
    while (root / version).exists():
        number += 1
        version = f"{today:%Y.%m.%d}.{number}"
    return version


def make_release(root: Path, base_url: str, version: str | None = None) -> Path:
    """Write a release under ``root`` and return its directory."""
    split = urlsplit(base_url)
    if split.scheme not in ("http", "https") or not split.netloc or split.path not in ("", "/"):
        raise ReleaseError(f"{base_url!r} is not a site address such as https://registry.example.org.")
    root.mkdir(parents=True, exist_ok=True)
    previous = latest_release(root)
    with _snapshot():
        created = timezone.now()
        version = version or default_version(root, created.date())
        if not valid_version(version):
            raise ReleaseError(
                f"{version!r} is not a version: letters, digits, '.', '-' or '_', starting with a letter or digit."
            )
        target = root / version
        if target.exists():
            raise ReleaseError(f"Release {version} exists already ({target}): choose another --version.")
        work = root / f".{version}.partial"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            _write_tables(work, base_url)
            _write_package(work, version, created, base_url)
            _write_citation(work, version, created, base_url)
            _write_changelog(work, version, created, previous)
            _write_archive(work, version)
            _write_checksums(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    work.rename(target)  # a release appears whole, or not at all
    return target


@contextmanager
def _snapshot():
    """One REPEATABLE READ, read-only transaction; inside a caller's transaction, that one."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # the transaction's first statement
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write_tables(directory: Path, base_url: str) -> None:
    split = urlsplit(base_url)
    factory = APIRequestFactory()
    for table in TABLES:
        request = factory.get(
            f"{reverse('api:api-root')}{table.name}/",
            {"format": "csv"},
            HTTP_HOST=split.netloc,
            secure=split.scheme == "https",
        )
        response = table.viewset.as_view({"get": "list"}, throttle_classes=())(request)
        if response.status_code != 200:
            body = getattr(response, "data", None) or response.content
            raise ReleaseError(f"The {table.name} export failed ({response.status_code}): {body}")
        with (directory / table.path).open("wb") as out:
            for chunk in response.streaming_content:
                out.write(chunk)


def _write_package(directory: Path, version: str, created: datetime, base_url: str) -> None:
    package = {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": f"{TITLE}, release {version}",
        "description": "Every published record of the registry, one CSV per table of its public API "
        f"({base_url.rstrip('/')}/api/v1/), with the citations that source each fact.",
        "version": version,
        "created": created.isoformat(),
        "homepage": f"{base_url.rstrip('/')}{reverse('web:release-list')}",
        "licenses": [{"name": "CC-BY-4.0", "title": DATA_LICENCE_NAME, "path": DATA_LICENCE_URL}],
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": table.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for table in TABLES
        ],
    }
    (directory / PACKAGE).write_text(
        json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def _write_citation(directory: Path, version: str, created: datetime, base_url: str) -> None:
    # CFF 1.2.0 (https://citation-file-format.github.io/); strings quoted as JSON, which is valid YAML.
    url = f"{base_url.rstrip('/')}{reverse('web:release-list')}"
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data, please cite it as below."',
        "type: dataset",
        f"title: {json.dumps(f'{TITLE}: data release {version}')}",
        f"version: {json.dumps(version)}",
        f"date-released: {created.date().isoformat()}",
        "license: CC-BY-4.0",
        f"url: {json.dumps(url)}",
        f"repository: {json.dumps(base_url.rstrip('/') + '/api/v1/')}",
        "authors:",
        f"  - name: {json.dumps(f'{TITLE} contributors')}",
        "keywords:",
        '  - "surveillance"',
        '  - "public procurement"',
        '  - "open data"',
    ]
    (directory / "CITATION.cff").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _write_changelog(directory: Path, version: str, created: datetime, previous: Release | None) -> None:
    lines = [f"# {TITLE}: release {version}", "", f"Released {created:%Y-%m-%d %H:%M:%S} UTC."]
    if previous is None:
        lines += ["", "The first release: every published record (see the CSV files)."]
        (directory / "CHANGELOG.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return
    lines += [
        "",
        f"Changes since release {previous.version} ({previous.created:%Y-%m-%d %H:%M:%S} UTC), "
        "from the registry's public history of changes:",
    ]
    for heading, records in changelog_sections(since=previous.created, until=created).items():
        lines += ["", f"## {heading}", ""]
        lines += [_changelog_line(heading, record) for record in records] or ["None."]
    (directory / "CHANGELOG.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def changelog_sections(since: datetime, until: datetime) -> dict[str, list[dict]]:
    """{"Added": [...], "Changed": [...], "Retracted": [...]}: each record once, from its public
    changes in (since, until]. Added: it became public (first published, or published again);
    Changed: edited while public (the fields that changed); Retracted: with the public reason."""
    events = public_change_events(since=since, until=until).order_by("pgh_created_at", "pgh_id")
    by_record: dict[tuple, list] = defaultdict(list)
    for change in resolve_changes(events):
        by_record[(change.model, change.identifier)].append(change)
    sections: dict[str, list[dict]] = {"Added": [], "Changed": [], "Retracted": []}
    for (model, identifier), changes in sorted(by_record.items()):
        last = changes[-1]
        record = {"model": model, "identifier": identifier, "name": last.name}
        if last.kind == "retracted":
            sections["Retracted"].append({**record, "reason": last.retraction_reason or ""})
        elif any(change.kind == "published" for change in changes):
            sections["Added"].append(record)
        else:
            fields = sorted({item["field"] for change in changes for item in change.changes})
            if fields:  # an edit of what the public does not see is no change of the release
                sections["Changed"].append({**record, "fields": fields})
    return sections


def _changelog_line(heading: str, record: dict) -> str:
    line = f"- {record['model']} `{record['identifier']}`"
    if record["name"] != record["identifier"]:
        line += f": {record['name']}"
    if heading == "Changed":
        line += f" ({', '.join(record['fields'])})"
    if heading == "Retracted" and record["reason"]:
        line += f". Reason: {record['reason']}"
    return line


def archive_name(version: str) -> str:
    return f"{PACKAGE_NAME}-{version}.zip"


def _write_archive(directory: Path, version: str) -> None:
    """The release's files in one zip (for a download, or an archive such as Zenodo), in a folder
    named after the release."""
    folder = archive_name(version).removesuffix(".zip")
    names = sorted(path.name for path in directory.iterdir() if path.is_file())
    with zipfile.ZipFile(directory / archive_name(version), "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(directory / name, f"{folder}/{name}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_checksums(directory: Path) -> None:
    names = sorted(path.name for path in directory.iterdir() if path.is_file() and path.name != CHECKSUMS)
    text = "".join(f"{sha256_of(directory / name)}  {name}\n" for name in names)
    (directory / CHECKSUMS).write_text(text, encoding="utf-8")
