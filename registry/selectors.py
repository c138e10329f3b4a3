"""Reads the public surfaces share: every public queryset of registry records starts here.

``published_*`` return only what a reviewer has published; reference data (countries) has no
review status. Each selector also prefetches what the public serializers read, with prefetch
querysets that are themselves published-only.
"""

from django.db.models import Prefetch, QuerySet

from registry.models import Country, LegalFramework, LegalFrameworkCitation, Source


def published_sources() -> QuerySet[Source]:
    return Source.objects.published()


def published_citations(citation_model) -> QuerySet:
    """Citations (of any app) whose source is published, with that source."""
    return citation_model.objects.filter(source__in=published_sources()).select_related("source")


def countries() -> QuerySet[Country]:
    return Country.objects.prefetch_related(Prefetch("unions", queryset=Country.objects.order_by("code")))


def published_legal_frameworks() -> QuerySet[LegalFramework]:
    return LegalFramework.objects.published()


def public_legal_frameworks() -> QuerySet[LegalFramework]:
    """Published legal frameworks with their jurisdictions and published citations."""
    return published_legal_frameworks().prefetch_related(
        Prefetch("jurisdictions", queryset=Country.objects.order_by("code")),
        Prefetch("citations", queryset=published_citations(LegalFrameworkCitation)),
    )
