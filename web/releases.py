"""/releases/: the data releases (registry/releases/), newest first, and their files at stable URLs:
/releases/<version>/<file>, and /releases/latest/<file> (a redirect to the newest release's)."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from registry.releases.store import all_releases, find_release, latest_release

# Text files a browser shows; the tables and the zip download.
TEXT = {".md": "text/markdown", ".cff": "text/plain", ".json": "application/json", "": "text/plain"}
DOWNLOADS = {".csv": "text/csv; charset=utf-8", ".zip": "application/zip"}


def release_list(request):
    return render(request, "web/release_list.html", {"releases": all_releases()})


def release_file(request, version: str, name: str):
    release = latest_release() if version == "latest" else find_release(version)
    path = release.path_of(name) if release else None
    if path is None or not path.is_file():
        raise Http404("No such release file.")
    if version == "latest":
        return redirect("web:release-file", version=release.version, name=name)
    suffix = path.suffix.lower()
    if suffix in DOWNLOADS:
        filename = name if suffix == ".zip" else f"{release.version}-{name}"  # the zip's is versioned
        return FileResponse(
            path.open("rb"), content_type=DOWNLOADS[suffix], as_attachment=True, filename=filename
        )
    content_type = TEXT.get(suffix, "text/plain")
    return FileResponse(path.open("rb"), content_type=f"{content_type}; charset=utf-8")


def latest_release_citation(request) -> dict | None:
    """What the "cite this" block says of the latest release, if there is one."""
    release = latest_release()
    if release is None:
        return None
    return {
        "version": release.version,
        "created": release.created,
        "url": request.build_absolute_uri(reverse("web:release-list")),
        "citation_url": request.build_absolute_uri(
            reverse("web:release-file", kwargs={"version": release.version, "name": "CITATION.cff"})
        ),
    }
