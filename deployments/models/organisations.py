"""Organisations that are party to contracts but are neither vendors nor public bodies of the
registry: foreign states, lenders, research centres, international organisations.

A small curated list, like public bodies: one a curator adds (here or with a "+" beside a contract
party's field) is a draft, public only once a reviewer publishes it; every public surface reads it
through ``deployments.selectors.organisations()``.
"""

from django.db import models

from deployments.choices import OrganisationKind
from registry.curation.history import track_history
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.publication import track_publication


@track_publication
@track_history
class Organisation(CuratedModel):
    """E.g. the People's Republic of China as a lender, a development bank, a private research centre."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=OrganisationKind.choices)
    country = models.ForeignKey(
        "registry.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="Where it is based; empty for an international organisation.",
    )
    website = models.URLField(max_length=300, blank=True)
    notes = models.TextField(
        blank=True, help_text="What the sources say of it, e.g. that they do not name it."
    )

    objects = CuratedManager()

    class Meta:
        ordering = ["name"]
        # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
        indexes = [models.Index(fields=["updated_at"], name="organisation_updated_at")]
        triggers = [protect_published_slug()]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)
