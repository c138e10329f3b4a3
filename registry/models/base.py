"""What every curated record shares: a review status, timestamps, and a "published only" queryset."""

import pgtrigger
from concurrency.fields import AutoIncVersionField
from django.core.exceptions import ValidationError
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


def protect_published_slug() -> pgtrigger.Protect:
    """A database trigger that refuses to change the slug of a published record, on every path."""
    return pgtrigger.Protect(
        name="protect_published_slug",
        operation=pgtrigger.Update,
        condition=pgtrigger.Q(
            old__review_status=ReviewStatus.PUBLISHED, old__slug__df=pgtrigger.F("new__slug")
        ),
    )
