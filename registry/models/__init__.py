from registry.models.base import (
    CuratedManager,
    CuratedModel,
    CuratedQuerySet,
    SlugManager,
    protect_published_slug,
)
from registry.models.citations import Citation
from registry.models.countries import Country
from registry.models.legal import LegalFramework, LegalFrameworkCitation
from registry.models.sources import Source

__all__ = [
    "Citation",
    "CuratedManager",
    "Country",
    "CuratedModel",
    "CuratedQuerySet",
    "LegalFramework",
    "LegalFrameworkCitation",
    "SlugManager",
    "Source",
    "protect_published_slug",
]
