"""The validators of the public API, which change exactly when what the public sees changes.

- ``Last-Modified``: the latest public change of the tables a view shows, as the database notes
  them (registry/publication.py): a draft saved moves nothing; a place's coordinates edited move the
  places, the deployments and whatever else shows places.
- ``ETag``: of a JSON page or detail, a hash of its body (``ConditionalGetMiddleware``, exact); of an
  export, which is streamed and has no body to hash before it is sent, a hash of those changes and
  the request (a weak ETag: the same rows in the same format, whatever the bytes' chunking).
- ``HEAD`` answers with the same validators as ``GET`` and honours ``If-None-Match`` too.
"""

import hashlib
from datetime import datetime

from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from registry.publication import latest_changes, tables_of


class Validators:
    """The public changes of ``models`` (every tracked table when None), read once per request."""

    def __init__(self, models=None):
        self.changes = latest_changes(tables_of(models))

    @property
    def last_modified(self) -> datetime | None:
        return max(self.changes.values(), default=None)

    def last_modified_header(self) -> str | None:
        modified = self.last_modified
        return http_date(modified.timestamp()) if modified else None

    def export_etag(self, request, media_type: str) -> str:
        """A weak ETag of an export: the public changes it reflects, its URL (links are absolute,
        so the host counts) and its format."""
        parts = [request.build_absolute_uri(), media_type]
        parts += [f"{table}={moment.isoformat()}" for table, moment in sorted(self.changes.items())]
        return f'W/"{hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]}"'

    def not_modified(self, request, etag: str):
        """A 304 (or 412) for a conditional request whose copy is current, else None."""
        modified = self.last_modified
        return get_conditional_response(
            request, etag=etag, last_modified=modified.timestamp() if modified else None
        )


def last_modified(models=None) -> datetime | None:
    return Validators(models).last_modified


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's (ETag from the body, 304 on If-None-Match or If-Modified-Since), for HEAD as well as
    GET: a HEAD runs the view like a GET (the server drops the body), so the ETag is the same."""

    def process_response(self, request, response):
        if request.method not in ("GET", "HEAD"):
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        modified = response.get("Last-Modified")
        modified = modified and parse_http_date_safe(modified)
        if etag or modified:
            return get_conditional_response(request, etag=etag, last_modified=modified, response=response)
        return response
