"""How sure the sources are of each item of a deployment's lists: its technologies, purposes and
governance concerns (docs/data-model.md, "Claims per item").

A citation with ``field="technologies"`` and ``item="facial-recognition"`` supports that one item. An
item's confidence is the strongest among its citations by published sources (confirmed, reported,
claimed, disputed, in that order), or ``unsourced`` when none cites it: a citation of the whole
field, or of the whole record, says nothing of any one item. The same rule three ways: in Python
(the serializers), as a filter (``?technology=…&confidence=confirmed``) and as SQL-written JSON
(api/json_rows.py).
"""

from django.db.models import Case, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from deployments.models import Deployment, DeploymentCitation
from registry.choices import Confidence
from registry.selectors import published_citations

UNSOURCED = "unsourced"
# Strongest first: an item's confidence is the first of these among its citations.
STRENGTH = [Confidence.CONFIRMED, Confidence.REPORTED, Confidence.CLAIMED, Confidence.DISPUTED]
CONFIDENCE_CHOICES = [*Confidence.choices, (UNSOURCED, "Unsourced")]


class ClaimList:
    """One list field of a deployment whose items can be cited: its filter's name (also the key
    naming the item in the API's ``<name>_claims``)."""

    def __init__(self, field: str, name: str):
        self.field, self.name = field, name

    @property
    def api_field(self) -> str:
        return f"{self.name}_claims"


TECHNOLOGIES = ClaimList("technologies", "technology")
PURPOSES = ClaimList("purposes", "purpose")
CONCERNS = ClaimList("governance_concerns", "concern")
CLAIM_LISTS = (TECHNOLOGIES, PURPOSES, CONCERNS)


def strongest(confidences) -> str:
    found = set(confidences)
    return next((confidence.value for confidence in STRENGTH if confidence in found), UNSOURCED)


def items_of(deployment: Deployment, claims: ClaimList) -> list[str]:
    """The items as the API lists them: published technologies (prefetched) by slug, or the array."""
    if claims is TECHNOLOGIES:
        return [technology.slug for technology in deployment.technologies.all()]
    return list(getattr(deployment, claims.field))


def item_claims(deployment: Deployment, claims: ClaimList) -> list[dict]:
    """``[{"technology": "facial-recognition", "confidence": "claimed", "sources": [slug, ...]}]``
    from the deployment's prefetched published citations (oldest first)."""
    cited: dict[str, list] = {}
    for citation in deployment.citations.all():
        if citation.field == claims.field and citation.item:
            cited.setdefault(citation.item, []).append(citation)
    return [
        {
            claims.name: item,
            "confidence": strongest(c.confidence for c in cited.get(item, ())),
            "sources": [c.source.slug for c in cited.get(item, ())],
        }
        for item in items_of(deployment, claims)
    ]


def item_confidence(record, field: str, item):
    """SQL: the confidence of ``item`` (an expression) of ``record``'s ``field``; ``record`` and
    ``item`` are usually ``OuterRef``s."""
    rank = Case(
        *(When(confidence=c, then=Value(i)) for i, c in enumerate(STRENGTH)), default=Value(len(STRENGTH))
    )
    ranked = (
        published_citations(DeploymentCitation)
        .filter(record=record, field=field, item=item)
        .order_by(rank, "id")
        .values("confidence")[:1]
    )
    return Coalesce(Subquery(ranked), Value(UNSOURCED))


def with_confidence(
    queryset: QuerySet[Deployment], confidences: list[str], technologies=(), purposes=(), concerns=()
) -> QuerySet[Deployment]:
    """Deployments where the asked items are at one of these confidences: any of the
    ``technologies`` (as ``technology=`` matches any), every one of the ``purposes`` and ``concerns``
    (as those filters need every one)."""
    if technologies:
        links = Deployment.technologies.through.objects.filter(
            deployment=OuterRef("pk"), technology__in=list(technologies)
        ).alias(
            confidence=item_confidence(
                OuterRef("deployment"), TECHNOLOGIES.field, OuterRef("technology__slug")
            )
        )
        queryset = queryset.filter(Exists(links.filter(confidence__in=confidences)))
    for claims, items in ((PURPOSES, purposes), (CONCERNS, concerns)):
        for index, item in enumerate(items):
            name = f"_{claims.name}_{index}_confidence"
            confidence = item_confidence(OuterRef("pk"), claims.field, Value(item))
            queryset = queryset.alias(**{name: confidence}).filter(**{f"{name}__in": confidences})
    return queryset
