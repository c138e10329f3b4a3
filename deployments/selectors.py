"""Reads the public surfaces share: every public queryset of deployments, contracts, camera
counts and measurements starts here, so a draft, in-review or retracted record is never shown, embedded or exported.

Technologies, places and public bodies are curated records too: ``technologies()``, ``places()`` and
``public_bodies()`` are the published ones, and the only ones any surface shows, embeds, exports,
links to or filters by. A published record pointing at one that is not published (a deployment's
draft operator, a count's draft place) shows none there: the relation is prefetched through these
selectors, so it reads as empty (None), and the SQL-built JSON and CSV (api/json_rows.py,
api/copy_export.py) apply the same rule.
"""

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from deployments.models import (
    AnyCitation,
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Event,
    Measurement,
    Organisation,
    Place,
    PublicBody,
    StatedCost,
    Technology,
)
from registry.choices import ReviewStatus
from registry.selectors import published_citations, published_legal_frameworks, published_sources
from vendors.selectors import published_vendors


def technologies() -> QuerySet[Technology]:
    """Published technologies."""
    return Technology.objects.published()


def public_bodies() -> QuerySet[PublicBody]:
    """Published public bodies (buyers, operators)."""
    return PublicBody.objects.published()


def public_body_details() -> QuerySet[PublicBody]:
    """Public bodies with what their public representation shows: country, place, parent."""
    return public_bodies().select_related("country", "place", "parent")


def places() -> QuerySet[Place]:
    """Published places, with their country."""
    return Place.objects.published().select_related("country")


def places_within(chosen) -> list[int]:
    """The ids of the ``chosen`` places and of every published place inside them (parent,
    recursively): one recursive query over the parent index. A draft place is not walked through:
    what lies under it is not public as part of its parent."""
    table = Place._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE within (id) AS (SELECT unnest(%s::bigint[]) UNION "  # noqa: S608
            f"SELECT p.id FROM {table} p JOIN within ON p.parent_id = within.id WHERE p.review_status = %s) "
            "SELECT id FROM within",
            [[place.pk for place in chosen], ReviewStatus.PUBLISHED],
        )
        return [row[0] for row in cursor.fetchall()]


def public_places() -> QuerySet[Place]:
    """Published places with their parent place, when that is published too."""
    return places().prefetch_related(Prefetch("parent", queryset=places()))


def published_deployments() -> QuerySet[Deployment]:
    return Deployment.objects.published()


def published_contracts() -> QuerySet[Contract]:
    return Contract.objects.published()


def published_camera_counts() -> QuerySet[CameraCount]:
    """Published counts of published deployments, from published sources: ``is_public``, which the
    database keeps (deployments/derived.py), so lists need not join the three tables to know it."""
    return CameraCount.objects.filter(is_public=True)


def organisations() -> QuerySet[Organisation]:
    """Published organisations (states, lenders, research centres that are parties to contracts)."""
    return Organisation.objects.published()


def organisation_details() -> QuerySet[Organisation]:
    """Published organisations with what their public representation shows: their country."""
    return organisations().select_related("country")


def _party_source_public() -> Q:
    """A party row names no source (the contract's citations are its sources) or a published one."""
    return Q(source__isnull=True) | Q(source__in=published_sources())


def published_events() -> QuerySet[Event]:
    """Published events of published deployments, from published sources (no derived column as
    camera counts have: a deployment has a handful of events, and these joins are cheap)."""
    return Event.objects.published().filter(
        deployment__in=published_deployments(), source__in=published_sources()
    )


def public_events() -> QuerySet[Event]:
    """``published_events`` with what they show: their deployment and its country, their source,
    and the contract and legal framework they concern when those are published (else None)."""
    return (
        published_events()
        .select_related("deployment__country", "source")
        .prefetch_related(
            Prefetch("contract", queryset=published_contracts()),
            Prefetch("legal_framework", queryset=published_legal_frameworks()),
        )
    )


def published_measurements() -> QuerySet[Measurement]:
    """Published measurements of published deployments, from published sources (``is_public``, kept
    by the database as for camera counts)."""
    return Measurement.objects.filter(is_public=True)


def published_parties() -> QuerySet[ContractParty]:
    """The vendor parties of contracts, their vendor (and source) published: the ``vendors`` lists."""
    return ContractParty.objects.filter(
        _party_source_public(), vendor__in=published_vendors()
    ).select_related("vendor")


def published_contract_parties() -> QuerySet[ContractParty]:
    """Every kind of party (vendor, public body, organisation) whose record is published, and whose
    source, when it names one, is too: the contracts' ``parties`` lists."""
    return (
        ContractParty.objects.filter(
            Q(vendor__in=published_vendors())
            | Q(public_body__in=public_bodies())
            | Q(organisation__in=organisations()),
            _party_source_public(),
        )
        .select_related("vendor", "public_body", "organisation", "source")
        .order_by("pk")
    )


def published_stated_costs() -> QuerySet[StatedCost]:
    """Stated costs from published sources (of whichever deployment the caller reads: a published one)."""
    return StatedCost.objects.filter(source__in=published_sources()).select_related("source").order_by("pk")


def published_vendor_roles() -> QuerySet[DeploymentVendor]:
    return DeploymentVendor.objects.filter(vendor__in=published_vendors()).select_related("vendor")


def published_place_links() -> QuerySet:
    """Links of deployments to published places (the many-to-many table)."""
    return Deployment.places.through.objects.filter(place__in=places())


def published_technology_links() -> QuerySet:
    """Links of deployments to published technologies (the many-to-many table)."""
    return Deployment.technologies.through.objects.filter(technology__in=technologies())


def published_law_links() -> QuerySet:
    """Links of deployments to published legal frameworks (the many-to-many table)."""
    return Deployment.legal_frameworks.through.objects.filter(legalframework__in=published_legal_frameworks())


def published_contract_links() -> QuerySet:
    """Links of deployments to published contracts (the many-to-many table)."""
    return Contract.deployments.through.objects.filter(contract__in=published_contracts())


def public_deployments() -> QuerySet[Deployment]:
    """Published deployments with everything a list of them embeds (no camera counts: see
    ``public_deployment_details``)."""
    return (
        published_deployments()
        .select_related("country")
        .prefetch_related(
            Prefetch("operator", queryset=public_bodies()),
            # Ties broken by id: the CSV export (api/copy_export.py) joins in this same order.
            Prefetch("places", queryset=places().order_by("name", "pk")),
            Prefetch("technologies", queryset=technologies().order_by("name", "pk")),
            Prefetch("vendor_roles", queryset=published_vendor_roles()),
            Prefetch("legal_frameworks", queryset=published_legal_frameworks().order_by("name", "pk")),
            Prefetch(
                "contracts",
                queryset=published_contracts()
                .order_by("signed_on", "name", "pk")
                .prefetch_related(
                    Prefetch("buyer", queryset=public_bodies()),
                    Prefetch("parties", queryset=published_parties()),
                ),
            ),
            Prefetch("stated_costs", queryset=published_stated_costs()),
            Prefetch("citations", queryset=published_citations(DeploymentCitation)),
        )
    )


# A deployment's camera counts in the order of its timeline: by date (the observation's, else the
# source's), then kind; ties (conflicting counts of one date) by id. The SQL detail (api/json_rows.py)
# lists them in this same order.
TIMELINE_ORDER = ("timeline_date", "kind", "pk")
MEASUREMENT_ORDER = ("timeline_date", "what", "pk")


def public_deployment_details() -> QuerySet[Deployment]:
    """``public_deployments`` with their camera-count timelines (``TIMELINE_ORDER``)."""
    timeline = (
        published_camera_counts()
        .select_related("source")
        .prefetch_related(Prefetch("place", queryset=places()))
        .order_by(*TIMELINE_ORDER)
    )
    return public_deployments().prefetch_related(
        Prefetch("camera_counts", queryset=timeline),
        Prefetch("timeline_events", queryset=public_events().order_by("occurred_on", "kind", "pk")),
    )


def public_deployment_pages() -> QuerySet[Deployment]:
    """``public_deployment_details`` with their measurements too (the website's deployment page)."""
    measurements = (
        published_measurements()
        .select_related("source")
        .prefetch_related(Prefetch("place", queryset=places()))
        .order_by(*MEASUREMENT_ORDER)
    )
    return public_deployment_details().prefetch_related(Prefetch("measurements", queryset=measurements))


def public_contracts() -> QuerySet[Contract]:
    """Published contracts with their buyer, published vendors, deployments and citations."""
    return published_contracts().prefetch_related(
        Prefetch("buyer", queryset=public_bodies().select_related("country")),
        Prefetch("parties", queryset=published_parties()),
        Prefetch("parties", queryset=published_contract_parties(), to_attr="public_parties"),
        Prefetch("deployments", queryset=published_deployments()),
        Prefetch("citations", queryset=published_citations(ContractCitation)),
    )


def public_camera_counts() -> QuerySet[CameraCount]:
    return (
        published_camera_counts()
        .select_related("deployment__country", "source")
        .prefetch_related(Prefetch("place", queryset=places()))
    )


def public_measurements() -> QuerySet[Measurement]:
    return (
        published_measurements()
        .select_related("deployment__country", "source")
        .prefetch_related(Prefetch("place", queryset=places()))
    )


def public_stated_costs() -> QuerySet[StatedCost]:
    """Stated costs of published deployments, from published sources (the ``stated-costs`` list)."""
    return (
        published_stated_costs()
        .filter(deployment__in=published_deployments())
        .select_related("deployment__country", "source")
    )


def public_citations() -> QuerySet[AnyCitation]:
    """Citations of published records by published sources, with their source: every citation the
    records' own pages show (the citations of the registry's records, the vendors' and these)."""
    return AnyCitation.objects.filter(
        record_status=ReviewStatus.PUBLISHED, source__in=published_sources()
    ).select_related("source")
