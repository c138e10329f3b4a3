"""Reads the public surfaces share: every public queryset of registry records starts here.

``published_*`` return only what a reviewer has published; countries (every ISO 3166-1 country,
loaded by a migration) are reference data with no review status, but what they joined or left
(``CountryMembership``) is a curated record, shown only when published. Each selector also
prefetches what the public serializers read, with prefetch querysets that are themselves
published-only.
"""

from django.db.models import Prefetch, QuerySet

from registry.models import (
    Country,
    CountryMembership,
    CountryMembershipCitation,
    LegalFramework,
    LegalFrameworkCitation,
    Source,
)


def published_sources() -> QuerySet[Source]:
    return Source.objects.published()


def published_citations(citation_model) -> QuerySet:
    """Citations (of any app) whose source is published, with that source."""
    return citation_model.objects.filter(source__in=published_sources()).select_related("source")


def published_country_memberships() -> QuerySet[CountryMembership]:
    return CountryMembership.objects.published()


def public_country_memberships() -> QuerySet[CountryMembership]:
    """Published memberships with their published citations, oldest first."""
    return (
        published_country_memberships()
        .order_by("organisation", "joined_on", "pk")
        .prefetch_related(Prefetch("citations", queryset=published_citations(CountryMembershipCitation)))
    )


def countries() -> QuerySet[Country]:
    """Countries with their unions and their published memberships (and those memberships' sources)."""
    return Country.objects.prefetch_related(
        Prefetch("unions", queryset=Country.objects.order_by("code")),
        Prefetch("memberships", queryset=public_country_memberships()),
    )


def published_legal_frameworks() -> QuerySet[LegalFramework]:
    return LegalFramework.objects.published()


def public_legal_frameworks() -> QuerySet[LegalFramework]:
    """Published legal frameworks with their jurisdictions, published citations, and the published
    laws they amend and that amend them (a draft amendment or amended draft reads as none)."""
    return published_legal_frameworks().prefetch_related(
        Prefetch("jurisdictions", queryset=Country.objects.order_by("code")),
        Prefetch("citations", queryset=published_citations(LegalFrameworkCitation)),
        Prefetch("amends", queryset=published_legal_frameworks()),
        Prefetch("amendments", queryset=published_legal_frameworks().order_by("adopted_on", "name")),
    )
