from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models

from registry.choices import SourceKind
from registry.constraints import FieldCheckConstraint
from registry.curation.history import track_history
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import FuzzyDateField, IsoDateField, LanguageField


@track_history
class Source(CuratedModel):
    """Where a fact comes from: an article, a report, a decision, a leak."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    author = models.CharField(max_length=255, blank=True)
    publisher = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=24, choices=SourceKind.choices)
    url = models.URLField(max_length=500, blank=True)
    archived_url = models.URLField(max_length=500, blank=True)
    doi = models.CharField("DOI", max_length=100, blank=True)
    published_on = FuzzyDateField()
    accessed_on = IsoDateField(null=True, blank=True, help_text="YYYY-MM-DD.")
    language = LanguageField()
    notes = models.TextField(blank=True)

    objects = CuratedManager()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            GinIndex(SearchVector("title", "author", "publisher", config="simple"), name="source_search_gin"),
            models.Index(fields=["-published_on", "title", "id"], name="source_list_order"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="source_updated_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="source_url_unique",
                violation_error_message="Another source already has this URL.",
                violation_error_code="unique",  # so Django reports it against the url field
            ),
            FieldCheckConstraint(
                condition=models.Q(language="") | models.Q(language__regex=r"^[a-z]{2,3}$"),
                field="language",
                name="source_language_is_iso_639",
                violation_error_message="The language is an ISO 639 code in lower case, e.g. en or sr.",
            ),
        ]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)
