"""Where releases live and how they are read back: one directory per version under
``settings.REGISTRY_RELEASES_DIR``, each with its ``datapackage.json`` and ``SHA256SUMS``.

A file is served only if the release's SHA256SUMS lists it (and its version is a plain name): a
request can name nothing else on the disk, whatever ``..`` or ``/`` it holds."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

PACKAGE = "datapackage.json"
CHECKSUMS = "SHA256SUMS"
# A version is one path segment: letters, digits, dots, dashes, underscores; starting with a letter or digit.
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}")


def releases_dir() -> Path:
    return Path(settings.REGISTRY_RELEASES_DIR)


def valid_version(version: str) -> bool:
    return VERSION.fullmatch(version) is not None


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Release:
    version: str
    created: datetime
    directory: Path
    files: tuple[ReleaseFile, ...]

    def path_of(self, name: str) -> Path | None:
        """The file ``name`` of this release if the release lists it (or is its SHA256SUMS), else None."""
        if name != CHECKSUMS and name not in {file.name for file in self.files}:
            return None
        return self.directory / name


def read_checksums(text: str) -> dict[str, str]:
    """{file name: SHA-256} from a SHA256SUMS file ("<hex>  <name>" lines)."""
    sums = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        if name:
            sums[name] = digest
    return sums


def load(directory: Path) -> Release | None:
    """The release in ``directory``, or None when it is not a complete release."""
    try:
        package = json.loads((directory / PACKAGE).read_text(encoding="utf-8"))
        sums = read_checksums((directory / CHECKSUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = tuple(
        ReleaseFile(name, (directory / name).stat().st_size, digest)
        for name, digest in sorted(sums.items())
        if (directory / name).is_file()
    )
    return Release(package["version"], datetime.fromisoformat(package["created"]), directory, files)


def all_releases(root: Path | None = None) -> list[Release]:
    """Every complete release, newest first."""
    root = releases_dir() if root is None else root
    if not root.is_dir():
        return []
    found = (load(path) for path in root.iterdir() if path.is_dir() and valid_version(path.name))
    return sorted((release for release in found if release), key=lambda r: r.created, reverse=True)


def latest_release(root: Path | None = None) -> Release | None:
    releases = all_releases(root)
    return releases[0] if releases else None


def find_release(version: str, root: Path | None = None) -> Release | None:
    if not valid_version(version):
        return None
    root = releases_dir() if root is None else root
    release = load(root / version)
    return release if release and release.version == version else None
