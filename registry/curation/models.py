"""What every curated record shares (a review status, a revision number, timestamps, a public
retraction notice and a "published only" queryset), and ``Revision``: a proposed change to a
published record, waiting for a reviewer (registry/curation/revisions.py)."""

import pgtrigger
from concurrency.fields import AutoIncVersionField
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from registry.choices import ReviewStatus


class CuratedQuerySet(models.QuerySet):
    def published(self):
        """The only records any public surface may show."""
        return self.filter(review_status=ReviewStatus.PUBLISHED)


class SlugManager(models.Manager):
    """Fixtures and imports refer to records by slug, never by database id."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


CuratedManager = SlugManager.from_queryset(CuratedQuerySet)


class CuratedModel(models.Model):
    review_status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    # Optimistic locking (django-concurrency): a save based on a stale version is refused.
    version = AutoIncVersionField(help_text="Revision number; a save based on an older one is refused.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The public tombstone of a retracted record (410 Gone on the API, a notice on its page).
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(
        blank=True,
        default="",
        db_default="",  # bulk writers (COPY) that name no such column still satisfy NOT NULL
        editable=False,
        help_text="Why it was retracted; shown to the public.",
    )

    # Rows that hang off the record and are reviewed, published and retracted with it (related
    # names: citations, camera counts, vendor roles, parties, designations). A curated part names
    # the record it belongs to in ``part_of``; it is never public before that record.
    review_parts: tuple[str, ...] = ()
    part_of: str = ""

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.review_status == ReviewStatus.PUBLISHED

    def clean(self):
        super().clean()
        self._refuse_slug_change_once_published()

    def _refuse_slug_change_once_published(self):
        if self._state.adding or not hasattr(self, "slug"):
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values("slug", "review_status").first()
        if stored and stored["review_status"] == ReviewStatus.PUBLISHED and stored["slug"] != self.slug:
            raise ValidationError(
                {
                    "slug": f"The slug of a published record is its public URL and cannot change (it is {stored['slug']!r})."
                }
            )


def is_curated(model) -> bool:
    """Whether ``model``'s records go through review (they have a ``review_status``)."""
    return any(field.name == "review_status" for field in model._meta.concrete_fields)


def protect_published_slug() -> pgtrigger.Protect:
    """A database trigger that refuses to change the slug of a published record, on every path."""
    return pgtrigger.Protect(
        name="protect_published_slug",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(
            old__review_status=ReviewStatus.PUBLISHED, old__slug__df=pgtrigger.F("new__slug")
        ),
    )


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Sent back"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Revision(models.Model):
    """A proposed change to a published record, with its parts: the published state it was made
    against (``base``) and the state proposed (``proposed``), both as serialized rows. The public
    tables keep the published state until a reviewer approves; then the proposal is applied."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    record_name = models.CharField(max_length=300, help_text="The record's name when proposed.")
    base_version = models.PositiveIntegerField(help_text="The record's revision number when proposed.")
    base = models.JSONField(encoder=DjangoJSONEncoder)
    proposed = models.JSONField(encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=12, choices=RevisionStatus.choices, default=RevisionStatus.PENDING)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposed_revisions"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, help_text="Why the change is proposed (e.g. the new source).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_revisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "proposed change"
        indexes = [models.Index(fields=["content_type", "object_id", "status"], name="revision_record")]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(status="pending"),
                name="one_pending_revision_per_record",
                violation_error_message="This record already has a proposed change waiting for review.",
            )
        ]

    def __str__(self):
        return f"Change to {self.record_name} proposed by {self.proposed_by} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == RevisionStatus.PENDING
