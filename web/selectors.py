"""Reads of the public website that the apps' selectors do not provide, each built on them.

Every queryset here starts from a ``published_*``/``public_*`` selector (or countries, reference
data), so a draft, in-review or retracted record never reaches a page, a figure, a map or a related
list; places, technologies and public bodies come from deployments/selectors.py, published only.
"""

from dataclasses import dataclass
from itertools import chain

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from deployments.choices import CameraCountKind
from deployments.models import (
    ContractCitation,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
)
from deployments.selectors import (
    places,
    public_bodies,
    public_deployment_pages,
    published_camera_counts,
    published_contract_parties,
    published_contracts,
    published_deployments,
    published_parties,
    published_vendor_roles,
    technologies,
)
from registry.db_router import read_connection
from registry.models import Country, LegalFrameworkCitation, Source
from registry.selectors import (
    countries,
    public_legal_frameworks,
    published_citations,
    published_legal_frameworks,
    published_sources,
)
from vendors.models import VendorCitation
from vendors.selectors import public_vendors, published_designations, published_vendors


def deployment_list() -> QuerySet[Deployment]:
    """Published deployments with what a row of a list shows (country, vendors, technologies)."""
    return (
        published_deployments()
        .select_related("country")
        .prefetch_related(
            Prefetch("vendor_roles", queryset=published_vendor_roles()),
            Prefetch("technologies", queryset=technologies()),
        )
    )


def deployment_map_list() -> QuerySet[Deployment]:
    """Published deployments with their places, for maps."""
    return (
        published_deployments()
        .select_related("country")
        .prefetch_related(Prefetch("places", queryset=places().order_by("name")))
    )


def map_points(deployments) -> list[dict]:
    """One marker per located place of each deployment (deployments come with their places)."""
    points = []
    for deployment in deployments:
        for place in deployment.places.all():
            if place.latitude is None or place.longitude is None:
                continue
            points.append(
                {
                    "deployment": deployment.name,
                    "slug": deployment.slug,
                    "url": f"/deployments/{deployment.slug}/",
                    "place": place.name,
                    "lat": float(place.latitude),
                    "lng": float(place.longitude),
                }
            )
    return points


@dataclass(frozen=True)
class HeadlineFigures:
    countries: int
    deployments: int
    vendors: int
    cameras: int
    deployments_with_cameras: int


def latest_installed_counts() -> QuerySet:
    """Per published deployment: the most recent published "installed" count (by its timeline date;
    when sources disagree on that date, the highest of them), as (deployment_id, cameras) rows."""
    return (
        published_camera_counts()
        .filter(kind=CameraCountKind.INSTALLED)
        .order_by("deployment_id", "-timeline_date", "-cameras")
        .distinct("deployment_id")
        .values_list("deployment_id", "cameras")
    )


def _total_and_count(rows: QuerySet) -> tuple[int, int]:
    """SUM of the ``cameras`` of ``rows`` and their number, in the database (Django cannot aggregate
    a DISTINCT ON queryset; at a million counts the rows were ~90,000 Python tuples)."""
    sql, params = rows.query.sql_with_params()
    with read_connection().cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(SUM(t.cameras), 0), COUNT(*) FROM ({sql}) AS t", params)  # noqa: S608
        return cursor.fetchone()


def headline_figures() -> HeadlineFigures:
    deployments = published_deployments()
    cameras, deployments_with_cameras = _total_and_count(latest_installed_counts())
    return HeadlineFigures(
        countries=deployments.values("country_id").distinct().count(),
        deployments=deployments.count(),
        vendors=vendors_with_deployments().count(),
        cameras=cameras,
        deployments_with_cameras=deployments_with_cameras,
    )


@dataclass(frozen=True)
class Change:
    kind: str
    name: str
    url: str
    updated_at: object


def latest_changes(limit: int = 10) -> list[Change]:
    """The most recently updated published records of each public kind, newest first."""
    rows = chain(
        (
            Change("deployment", obj.name, f"/deployments/{obj.slug}/", obj.updated_at)
            for obj in published_deployments()
            .only("slug", "name", "updated_at")
            .order_by("-updated_at")[:limit]
        ),
        (
            Change("vendor", obj.name, f"/vendors/{obj.slug}/", obj.updated_at)
            for obj in published_vendors().only("slug", "name", "updated_at").order_by("-updated_at")[:limit]
        ),
        (
            Change("legal-framework", str(obj), f"/legal-frameworks/{obj.slug}/", obj.updated_at)
            for obj in published_legal_frameworks()
            .only("slug", "name", "short_name", "updated_at")
            .order_by("-updated_at")[:limit]
        ),
        (
            Change("source", obj.title, f"/sources/{obj.slug}/", obj.updated_at)
            for obj in published_sources().only("slug", "title", "updated_at").order_by("-updated_at")[:limit]
        ),
    )
    return sorted(rows, key=lambda change: (change.updated_at, change.name), reverse=True)[:limit]


def countries_with_deployments() -> QuerySet[Country]:
    return Country.objects.filter(pk__in=published_deployments().values("country_id")).order_by("name")


def vendors_with_deployments():
    """Published vendors named in a published deployment: a semi-join (EXISTS), not a DISTINCT over
    every vendor role (160 ms at 100,000 deployments, now a few)."""
    named = DeploymentVendor.objects.filter(vendor=OuterRef("pk"), deployment__in=published_deployments())
    return published_vendors().filter(Exists(named)).order_by("name")


# --- Detail pages --------------------------------------------------------------------------------


def deployment_detail() -> QuerySet[Deployment]:
    """A published deployment with everything its page shows (its API detail, its measurements and
    contract citations)."""
    return public_deployment_pages().prefetch_related(
        Prefetch(
            "contracts__citations",
            queryset=published_citations(ContractCitation),
        ),
        Prefetch("contracts__parties", queryset=published_contract_parties(), to_attr="public_parties"),
        "legal_frameworks__jurisdictions",
    )


def country_pages() -> QuerySet[Country]:
    return countries()


def country_related(country: Country) -> dict:
    return {
        "deployments": deployment_list()
        .filter(country=country)
        .prefetch_related(Prefetch("places", queryset=places().order_by("name"))),
        "vendors": published_vendors().filter(headquarters_country=country).order_by("name"),
        "legal_frameworks": published_legal_frameworks()
        .filter(jurisdictions__in=[country, *country.unions.all()])
        .distinct()
        .order_by("name"),
    }


def vendor_related(vendor) -> dict:
    roles = (
        DeploymentVendor.objects.filter(vendor=vendor, deployment__in=published_deployments())
        .select_related("deployment__country")
        .order_by("deployment__name", "role")
    )
    parties = (
        published_parties()
        .filter(vendor=vendor, contract__in=published_contracts())
        .select_related("contract")
        .prefetch_related(Prefetch("contract__buyer", queryset=public_bodies().select_related("country")))
        .order_by("contract__signed_on", "contract__name")
    )
    return {
        "deployment_roles": roles,
        "contract_parties": parties,
        "subsidiaries": published_vendors().filter(parent=vendor).order_by("name"),
    }


def legal_framework_detail():
    return public_legal_frameworks()


def legal_framework_related(framework) -> dict:
    return {"deployments": deployment_list().filter(legal_frameworks=framework).order_by("name")}


def source_detail() -> QuerySet[Source]:
    return published_sources()


def source_uses(source: Source) -> dict:
    """Every published record that cites this source, and the published observations it backs."""
    return {
        "deployment_citations": published_citations(DeploymentCitation)
        .filter(source=source, record__in=published_deployments())
        .select_related("record")
        .order_by("record__name", "field"),
        "vendor_citations": published_citations(VendorCitation)
        .filter(source=source, record__in=published_vendors())
        .select_related("record")
        .order_by("record__name", "field"),
        "legal_framework_citations": published_citations(LegalFrameworkCitation)
        .filter(source=source, record__in=published_legal_frameworks())
        .select_related("record")
        .order_by("record__name", "field"),
        "contract_citations": published_citations(ContractCitation)
        .filter(source=source, record__in=published_contracts())
        .select_related("record")
        .prefetch_related(Prefetch("record__deployments", queryset=published_deployments()))
        .order_by("record__name", "field"),
        "camera_counts": published_camera_counts()
        .filter(source=source)
        .select_related("deployment")
        .prefetch_related(Prefetch("place", queryset=places()))
        .order_by("deployment__name", "timeline_date"),
        "designations": published_designations()
        .filter(source=source, vendor__in=published_vendors())
        .select_related("vendor")
        .order_by("vendor__name"),
    }


def vendor_detail():
    return public_vendors()
