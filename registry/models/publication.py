from django.db import models

from registry.publication import STAMP_AT_COMMIT


class PublicChange(models.Model):
    """When the public could last see a table change (registry/publication.py): one row per table
    and committing transaction, stamped at its commit; older rows of the table are dropped then."""

    table_name = models.CharField(max_length=63)
    transaction_id = models.BigIntegerField()
    changed_at = models.DateTimeField(db_default=models.Func(function="clock_timestamp"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["table_name", "transaction_id"], name="public_change_once")
        ]
        indexes = [models.Index(fields=["table_name", "changed_at"], name="public_change_latest")]
        triggers = [STAMP_AT_COMMIT]

    def __str__(self):
        return f"{self.table_name} at {self.changed_at}"
