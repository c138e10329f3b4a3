"""Last-Modified of the public data: the latest change of any curated record, published or not
(a retraction is a change too). One query; the ETag (from the body) stays the exact validator."""

from datetime import datetime

from django.db import connection

from deployments.models import CameraCount, Contract, Deployment
from registry.models import LegalFramework, Source
from vendors.models import Vendor

CURATED_MODELS = (Source, LegalFramework, Vendor, Deployment, Contract, CameraCount)


def last_modified() -> datetime | None:
    quote = connection.ops.quote_name
    # Table names come from model metadata, not from the request.
    tables = [quote(model._meta.db_table) for model in CURATED_MODELS]
    parts = ", ".join(f"(SELECT MAX(updated_at) FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT GREATEST({parts})")
        return cursor.fetchone()[0]
