"""Small builders for tests: one valid record of each kind, overridable field by field."""

import itertools

from deployments.models import CameraCount, Contract, Deployment, Place, PublicBody, Technology
from registry.choices import ReviewStatus
from registry.models import Country, LegalFramework, Source
from vendors.models import Vendor

_sequence = itertools.count(1)


def _next() -> int:
    return next(_sequence)


def country(code="RS", **fields) -> Country:
    defaults = {"name": f"Country {code}", "region": "europe"}
    return Country.objects.get_or_create(code=code, defaults={**defaults, **fields})[0]


def source(**fields) -> Source:
    n = _next()
    values = {
        "slug": f"source-{n}",
        "title": f"Source {n}",
        "kind": "news",
        "review_status": ReviewStatus.PUBLISHED,
        **fields,
    }
    return Source.objects.create(**values)


def vendor(**fields) -> Vendor:
    n = _next()
    values = {"slug": f"vendor-{n}", "name": f"Vendor {n}", "review_status": ReviewStatus.PUBLISHED, **fields}
    return Vendor.objects.create(**values)


def legal_framework(jurisdictions=(), **fields) -> LegalFramework:
    n = _next()
    values = {
        "slug": f"law-{n}",
        "name": f"Law {n}",
        "kind": "data-protection-law",
        "legal_status": "in-force",
        "review_status": ReviewStatus.PUBLISHED,
        **fields,
    }
    framework = LegalFramework.objects.create(**values)
    framework.jurisdictions.set(jurisdictions or [country()])
    return framework


def technology(**fields) -> Technology:
    n = _next()
    return Technology.objects.create(**{"slug": f"technology-{n}", "name": f"Technology {n}", **fields})


def place(**fields) -> Place:
    n = _next()
    values = {"slug": f"place-{n}", "name": f"Place {n}", "kind": "city", **fields}
    values.setdefault("country", country())
    return Place.objects.create(**values)


def public_body(**fields) -> PublicBody:
    n = _next()
    values = {"slug": f"body-{n}", "name": f"Body {n}", "kind": "ministry", **fields}
    values.setdefault("country", country())
    return PublicBody.objects.create(**values)


def deployment(**fields) -> Deployment:
    n = _next()
    values = {
        "slug": f"deployment-{n}",
        "name": f"Deployment {n}",
        "status": "active",
        "review_status": ReviewStatus.PUBLISHED,
        **fields,
    }
    values.setdefault("country", country())
    return Deployment.objects.create(**values)


def contract(**fields) -> Contract:
    n = _next()
    values = {
        "slug": f"contract-{n}",
        "name": f"Contract {n}",
        "kind": "procurement-contract",
        "review_status": ReviewStatus.PUBLISHED,
        **fields,
    }
    values.setdefault("buyer", public_body())
    return Contract.objects.create(**values)


def camera_count(**fields) -> CameraCount:
    values = {
        "as_of": "2019",
        "cameras": 100,
        "kind": "installed",
        "review_status": ReviewStatus.PUBLISHED,
        **fields,
    }
    values.setdefault("deployment", deployment())
    values.setdefault("source", source())
    return CameraCount.objects.create(**values)
