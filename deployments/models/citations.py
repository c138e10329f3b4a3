"""Every citation of every curated record in one place: ``/api/v1/citations/``, the "facts with
sources" export (one row per citation: the record, the field, the source).

A database view (deployments/migrations/0011_public_citation_view.py) over the four citation
tables; a column it reads cannot change type while it exists. A new kind of citation is one more
``UNION ALL`` there and one more entry in ``RECORD_KINDS``.
"""

from django.db import models

from registry.choices import Confidence

# record_kind: (citation table, record table, the API's detail view of the record)
RECORD_KINDS = {
    "deployment": ("deployments_deploymentcitation", "deployments_deployment", "api:deployment-detail"),
    "contract": ("deployments_contractcitation", "deployments_contract", "api:contract-detail"),
    "vendor": ("vendors_vendorcitation", "vendors_vendor", "api:vendor-detail"),
    "legal-framework": (
        "registry_legalframeworkcitation",
        "registry_legalframework",
        "api:legal-framework-detail",
    ),
}


class AnyCitation(models.Model):
    """A citation of a deployment, contract, vendor or legal framework, with its record's identity."""

    id = models.CharField(primary_key=True, max_length=40)  # "<record_kind>-<citation id>"
    record_kind = models.CharField(max_length=20, choices=[(kind, kind) for kind in RECORD_KINDS])
    record_slug = models.SlugField(max_length=120)
    record_name = models.CharField(max_length=300)
    record_status = models.CharField(max_length=16)
    citation_id = models.BigIntegerField()
    source = models.ForeignKey(
        "registry.Source", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    field = models.CharField(max_length=64, blank=True)
    locator = models.CharField(max_length=255, blank=True)
    quote = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    item = models.CharField(max_length=64, blank=True)  # the view's last column: views grow at the end

    class Meta:
        managed = False
        db_table = "deployments_anycitation"
        ordering = ["record_kind", "record_slug", "citation_id"]

    def __str__(self):
        return f"{self.record_kind} {self.record_slug}: {self.field or 'record'}"


def view_sql() -> str:
    parts = [
        f"SELECT '{kind}-' || c.id AS id, '{kind}'::varchar AS record_kind, r.slug AS record_slug, "  # noqa: S608
        f"r.name AS record_name, r.review_status AS record_status, c.id AS citation_id, c.source_id, "
        f"c.field, c.locator, c.quote, c.confidence, c.item FROM {citations} c JOIN {records} r ON r.id = c.record_id"
        for kind, (citations, records, _) in RECORD_KINDS.items()
    ]
    return f"CREATE OR REPLACE VIEW deployments_anycitation AS {' UNION ALL '.join(parts)};"
