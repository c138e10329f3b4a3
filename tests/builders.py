"""Records for tests, as plain functions (no factory library): one valid record of each kind, every
argument optional and every field overridable (``deployment()``, ``deployment("safe-society", "Safe
Society", serbia, vendors=[(huawei, "supplier")])``, ``camera_count(deployment=d, cameras=10)``).

``build_world()`` makes a few published records and, next to them, the drafts, in-review and
retracted records (and published records with an unpublished source) that must never show.
"""

import itertools
from decimal import Decimal
from types import SimpleNamespace

from deployments.choices import OCDS_ROLE_OF_VENDOR_ROLE
from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Event,
    Place,
    PublicBody,
    Technology,
)
from registry.choices import ReviewStatus
from registry.models import (
    Country,
    CountryMembership,
    CountryMembershipCitation,
    LegalFramework,
    LegalFrameworkCitation,
    Source,
)
from vendors.models import Designation, Vendor, VendorCitation

PUBLISHED, DRAFT, IN_REVIEW, RETRACTED = (
    ReviewStatus.PUBLISHED,
    ReviewStatus.DRAFT,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.RETRACTED,
)

_sequence = itertools.count(1)


def _numbered(prefix: str, slug: str | None, name: str | None) -> tuple[str, str]:
    """The slug and name given, else numbered ones (``source-7``, ``Source 7``)."""
    n = next(_sequence)
    return slug or f"{prefix}-{n}", name or f"{prefix.replace('-', ' ').capitalize()} {n}"


def country(code: str = "RS", name: str | None = None, region: str = "europe", **fields) -> Country:
    """Every ISO country is there (a migration loads them): a name given is the test's name for it."""
    if name is None:
        return Country.objects.get_or_create(
            code=code, defaults={"name": f"Country {code}", "region": region, **fields}
        )[0]
    return Country.objects.update_or_create(code=code, defaults={"name": name, "region": region, **fields})[0]


def source(slug: str | None = None, status=PUBLISHED, **fields) -> Source:
    if slug is None:
        slug, title = _numbered("source", None, None)
    else:
        title = slug.replace("-", " ").title()
    fields.setdefault("title", title)
    fields.setdefault("kind", "news")
    fields.setdefault("review_status", status)
    return Source.objects.create(slug=slug, **fields)


def technology(slug: str | None = None, name: str | None = None, status=PUBLISHED, **fields) -> Technology:
    slug, name = _numbered("technology", slug, name)
    fields.setdefault("review_status", status)
    return Technology.objects.create(slug=slug, name=name, **fields)


def place(
    slug: str | None = None,
    name: str | None = None,
    country_obj: Country | None = None,
    kind="city",
    status=PUBLISHED,
    **fields,
) -> Place:
    slug, name = _numbered("place", slug, name)
    if "country" not in fields:
        fields["country"] = country_obj or country()
    fields.setdefault("review_status", status)
    return Place.objects.create(slug=slug, name=name, kind=kind, **fields)


def public_body(
    slug: str | None = None,
    name: str | None = None,
    country_obj: Country | None = None,
    kind="ministry",
    status=PUBLISHED,
    **fields,
) -> PublicBody:
    slug, name = _numbered("body", slug, name)
    if "country" not in fields:
        fields["country"] = country_obj or country()
    fields.setdefault("review_status", status)
    return PublicBody.objects.create(slug=slug, name=name, kind=kind, **fields)


def country_membership(
    country_obj: Country, organisation: str, joined_on: str, status=PUBLISHED, *, source_obj=None, **fields
) -> CountryMembership:
    obj = CountryMembership.objects.create(
        country=country_obj, organisation=organisation, joined_on=joined_on, review_status=status, **fields
    )
    if source_obj is not None:
        CountryMembershipCitation.objects.create(record=obj, source=source_obj)
    return obj


def vendor(slug: str | None = None, name: str | None = None, status=PUBLISHED, **fields) -> Vendor:
    slug, name = _numbered("vendor", slug, name)
    fields.setdefault("review_status", status)
    return Vendor.objects.create(slug=slug, name=name, **fields)


def legal_framework(
    slug: str | None = None, name: str | None = None, jurisdictions=(), status=PUBLISHED, **fields
) -> LegalFramework:
    slug, name = _numbered("law", slug, name)
    fields.setdefault("kind", "data-protection-law")
    fields.setdefault("legal_status", "in-force")
    fields.setdefault("review_status", status)
    framework = LegalFramework.objects.create(slug=slug, name=name, **fields)
    framework.jurisdictions.set(jurisdictions or [country()])
    return framework


def deployment(
    slug: str | None = None,
    name: str | None = None,
    country_obj: Country | None = None,
    review=PUBLISHED,
    *,
    vendors=(),
    technologies=(),
    places=(),
    legal_frameworks=(),
    **fields,
) -> Deployment:
    """``vendors``: (vendor, role) pairs."""
    slug, name = _numbered("deployment", slug, name)
    fields.setdefault("status", "active")
    fields.setdefault("review_status", review)
    if "country" not in fields:
        fields["country"] = country_obj or country()
    obj = Deployment.objects.create(slug=slug, name=name, **fields)
    for vendor_obj, role in vendors:
        DeploymentVendor.objects.create(deployment=obj, vendor=vendor_obj, role=role)
    for related, values in (
        (obj.technologies, technologies),
        (obj.places, places),
        (obj.legal_frameworks, legal_frameworks),
    ):
        if values:
            related.set(values)
    return obj


def contract(
    slug: str | None = None,
    name: str | None = None,
    buyer: PublicBody | None = None,
    status=PUBLISHED,
    *,
    parties=(),
    deployments=(),
    **fields,
) -> Contract:
    """``parties``: (vendor, vendor role) pairs, or (vendor, vendor role, source) triples, each in the
    OCDS role that vendor role stands for (a vendor appears once per source)."""
    slug, name = _numbered("contract", slug, name)
    fields.setdefault("kind", "procurement-contract")
    fields.setdefault("review_status", status)
    obj = Contract.objects.create(slug=slug, name=name, buyer=buyer or public_body(), **fields)
    for vendor_obj, role, *source_obj in parties:
        ContractParty.objects.create(
            contract=obj,
            vendor=vendor_obj,
            role=role,
            roles=[OCDS_ROLE_OF_VENDOR_ROLE[role]],
            source=source_obj[0] if source_obj else None,
        )
    if deployments:
        obj.deployments.set(deployments)
    return obj


def camera_count(
    deployment_obj: Deployment | None = None,
    as_of: str = "2019",
    cameras: int = 100,
    source_obj: Source | None = None,
    status=PUBLISHED,
    **fields,
) -> CameraCount:
    fields.setdefault("kind", "installed")
    fields.setdefault("review_status", status)
    if "deployment" not in fields:
        fields["deployment"] = deployment_obj or deployment()
    if "source" not in fields:
        fields["source"] = source_obj or source()
    return CameraCount.objects.create(as_of=as_of, cameras=cameras, **fields)


def event(
    deployment_obj: Deployment | None = None,
    occurred_on: str = "2019",
    source_obj: Source | None = None,
    status=PUBLISHED,
    **fields,
) -> Event:
    fields.setdefault("kind", "agreement-signed")
    fields.setdefault("description", "An agreement was signed.")
    fields.setdefault("review_status", status)
    if "deployment" not in fields:
        fields["deployment"] = deployment_obj or deployment()
    if "source" not in fields:
        fields["source"] = source_obj or source()
    return Event.objects.create(occurred_on=occurred_on, **fields)


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.eu = country("EU", "European Union", kind="union")
    w.rs = country("RS", "Serbia", subregion="Southern Europe")
    w.it = country("IT", "Italy")
    w.it.unions.add(w.eu)
    w.ec = country("EC", "Ecuador", region="latin-america")
    w.cn = country("CN", "China", region="asia")

    w.src = source("bird-report-2020", title="Safe Society in Serbia", language="en", published_on="2020-03")
    w.src_es = source("el-comercio-2019", title="ECU 911 cámaras", language="es", published_on="2019")
    w.src_draft = source("draft-leak", DRAFT, title="Unverified leak", language="sr")
    w.src_retracted = source("retracted-story", RETRACTED, title="Retracted story")
    w.cn_belt_and_road = country_membership(w.cn, "belt-and-road", "2013", source_obj=w.src)

    w.video = technology("video-surveillance", "Video surveillance")
    w.face = technology("facial-recognition", "Facial recognition", biometric=True)

    w.belgrade = place(
        "belgrade", "Belgrade", w.rs, latitude=Decimal("44.81780"), longitude=Decimal("20.45690")
    )
    w.serbia = place("serbia", "Serbia", w.rs, kind="nationwide")
    w.cagliari = place(
        "cagliari", "Cagliari", w.it, latitude=Decimal("39.22380"), longitude=Decimal("9.12170")
    )
    w.quito = place("quito", "Quito", w.ec, latitude=Decimal("-0.18070"), longitude=Decimal("-78.46780"))

    w.mup = public_body("mup-serbia", "Ministry of Interior of Serbia", w.rs)
    w.cagliari_city = public_body("comune-di-cagliari", "Comune di Cagliari", w.it, kind="municipality")
    w.ecu911 = public_body("ecu-911-service", "ECU 911 Integrated Security Service", w.ec, kind="agency")

    w.huawei = vendor("huawei", "Huawei", headquarters_country=w.cn, aliases=["华为", "Huawei Technologies"])
    w.ceiec = vendor("ceiec", "CEIEC", headquarters_country=w.cn, ownership="state-owned", parent=None)
    w.shadow = vendor("shadowcorp", "ShadowCorp", DRAFT, headquarters_country=w.cn)
    w.retracted_vendor = vendor("gone-vendor", "Gone Vendor", RETRACTED)
    w.subsidiary = vendor("huawei-sub", "Huawei Subsidiary", parent=w.shadow)
    Designation.objects.create(
        vendor=w.huawei, list_name="us-entity-list", designated_on="2019-05", source=w.src
    )
    Designation.objects.create(
        vendor=w.huawei, list_name="fcc-covered-list", designated_on="2021", source=w.src_draft
    )
    Designation.objects.create(vendor=w.shadow, list_name="ofac-sdn", designated_on="2022", source=w.src)
    VendorCitation.objects.create(record=w.huawei, source=w.src)
    VendorCitation.objects.create(record=w.huawei, source=w.src_draft, field="aliases")

    w.pdp_law = legal_framework("serbia-data-protection-law", "Law on Personal Data Protection", [w.rs])
    w.ai_act = legal_framework(
        "eu-ai-act", "Artificial Intelligence Act", [w.eu], kind="ai-law", adopted_on="2024"
    )
    w.draft_law = legal_framework(
        "serbia-internal-affairs-bill", "Draft Law on Internal Affairs", [w.rs], DRAFT
    )
    LegalFrameworkCitation.objects.create(record=w.pdp_law, source=w.src)
    LegalFrameworkCitation.objects.create(record=w.pdp_law, source=w.src_retracted, field="name")

    w.safe_society = deployment(
        "safe-society",
        "Safe Society",
        w.rs,
        summary="Huawei cameras with facial recognition across Belgrade.",
        operator=w.mup,
        started_on="2017-02",
        vendors=[(w.huawei, "supplier"), (w.shadow, "integrator"), (w.retracted_vendor, "financier")],
        technologies=[w.video, w.face],
        places=[w.belgrade, w.serbia],
        legal_frameworks=[w.pdp_law, w.draft_law],
        governance_concerns=["confidential-contract", "no-legal-basis"],
        purposes=["public-safety"],
        data_location="in-country",
    )
    w.cagliari_system = deployment(
        "cagliari-smart-city",
        "Cagliari smart city",
        w.it,
        operator=w.cagliari_city,
        status="piloting",
        started_on="2019",
        vendors=[(w.huawei, "supplier")],
        technologies=[w.video],
        places=[w.cagliari],
        legal_frameworks=[w.ai_act],
        governance_concerns=["no-legal-basis"],
    )
    w.ecu = deployment(
        "ecu-911",
        "ECU 911",
        w.ec,
        operator=w.ecu911,
        started_on="2011-06-01",
        vendors=[(w.ceiec, "supplier")],
        technologies=[w.video],
        places=[w.quito],
        data_location="abroad",
        governance_concerns=["data-stored-abroad"],
    )
    w.secret = deployment("secret-pilot", "Secret pilot", w.rs, DRAFT, vendors=[(w.huawei, "supplier")])
    w.reviewing = deployment("under-review", "Under review", w.rs, IN_REVIEW, started_on="2018")
    w.retracted = deployment("retracted-system", "Retracted system", w.rs, RETRACTED, started_on="2016")
    DeploymentCitation.objects.create(
        record=w.safe_society, source=w.src, field="started_on", locator="p. 12"
    )
    DeploymentCitation.objects.create(record=w.safe_society, source=w.src_draft, field="vendors")

    w.contract = contract(
        "safe-society-agreement",
        "Strategic partnership agreement",
        w.mup,
        kind="framework-agreement",
        signed_on="2017-02",
        value_amount=Decimal("150000000.00"),
        value_currency="EUR",
        disclosure="confidential",
        parties=[(w.huawei, "supplier"), (w.shadow, "subcontractor")],
        deployments=[w.safe_society, w.secret],
    )
    w.ecu_loan = contract(
        "ecu-911-loan",
        "ECU 911 loan",
        w.ecu911,
        kind="loan-agreement",
        signed_on="2011",
        value_amount=Decimal("240000000.00"),
        value_currency="USD",
        disclosure="leaked",
        parties=[(w.ceiec, "supplier")],
        deployments=[w.ecu],
    )
    w.draft_contract = contract(
        "draft-contract", "Draft contract", w.mup, DRAFT, deployments=[w.safe_society]
    )
    ContractCitation.objects.create(record=w.contract, source=w.src)

    w.count_2019 = camera_count(w.safe_society, "2019", 1000, w.src, place=w.belgrade, locator="p. 3")
    w.count_2021 = camera_count(w.safe_society, "2021-03", 8100, w.src, kind="planned")
    w.count_ecu = camera_count(w.ecu, "2016", 4300, w.src_es)
    w.count_draft = camera_count(w.safe_society, "2020", 4000, w.src, DRAFT)
    w.count_unsourced = camera_count(w.safe_society, "2022", 9999, w.src_draft)
    w.count_of_draft = camera_count(w.secret, "2020", 77, w.src)
    w.count_of_retracted = camera_count(w.retracted, "2020", 66, w.src)
    return w


HIDDEN_SLUGS = {
    "sources": {"draft-leak", "retracted-story"},
    "vendors": {"shadowcorp", "gone-vendor"},
    "legal-frameworks": {"serbia-internal-affairs-bill"},
    "deployments": {"secret-pilot", "under-review", "retracted-system"},
    "contracts": {"draft-contract"},
}
