"""Small records for the API tests: plain functions, no factory library.

``build_world()`` makes a few published records and, next to them, the drafts, in-review and
retracted records (and published records with an unpublished source) that must never show.
"""

from decimal import Decimal
from types import SimpleNamespace

from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Place,
    PublicBody,
    Technology,
)
from registry.choices import ReviewStatus
from registry.models import Country, LegalFramework, LegalFrameworkCitation, Source
from vendors.models import Designation, Vendor, VendorCitation

PUBLISHED, DRAFT, IN_REVIEW, RETRACTED = (
    ReviewStatus.PUBLISHED,
    ReviewStatus.DRAFT,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.RETRACTED,
)


def country(code: str, name: str, region: str = "europe", **fields) -> Country:
    obj, _ = Country.objects.get_or_create(code=code, defaults={"name": name, "region": region, **fields})
    return obj


def source(slug: str, status=PUBLISHED, **fields) -> Source:
    fields.setdefault("title", slug.replace("-", " ").title())
    fields.setdefault("kind", "news")
    return Source.objects.create(slug=slug, review_status=status, **fields)


def technology(slug: str, name: str, **fields) -> Technology:
    return Technology.objects.create(slug=slug, name=name, **fields)


def place(slug: str, name: str, country_obj: Country, kind: str = "city", **fields) -> Place:
    return Place.objects.create(slug=slug, name=name, country=country_obj, kind=kind, **fields)


def public_body(slug: str, name: str, country_obj: Country, kind: str = "ministry") -> PublicBody:
    return PublicBody.objects.create(slug=slug, name=name, country=country_obj, kind=kind)


def vendor(slug: str, name: str, status=PUBLISHED, **fields) -> Vendor:
    return Vendor.objects.create(slug=slug, name=name, review_status=status, **fields)


def legal_framework(slug: str, name: str, jurisdictions, status=PUBLISHED, **fields) -> LegalFramework:
    fields.setdefault("kind", "data-protection-law")
    fields.setdefault("legal_status", "in-force")
    obj = LegalFramework.objects.create(slug=slug, name=name, review_status=status, **fields)
    obj.jurisdictions.set(jurisdictions)
    return obj


def deployment(
    slug: str,
    name: str,
    country_obj: Country,
    review=PUBLISHED,
    *,
    vendors=(),
    technologies=(),
    places=(),
    legal_frameworks=(),
    **fields,
) -> Deployment:
    fields.setdefault("status", "active")
    obj = Deployment.objects.create(slug=slug, name=name, country=country_obj, review_status=review, **fields)
    for vendor_obj, role in vendors:
        DeploymentVendor.objects.create(deployment=obj, vendor=vendor_obj, role=role)
    obj.technologies.set(technologies)
    obj.places.set(places)
    obj.legal_frameworks.set(legal_frameworks)
    return obj


def contract(
    slug: str, name: str, buyer: PublicBody, status=PUBLISHED, *, parties=(), deployments=(), **fields
):
    fields.setdefault("kind", "procurement-contract")
    obj = Contract.objects.create(slug=slug, name=name, buyer=buyer, review_status=status, **fields)
    for vendor_obj, role in parties:
        ContractParty.objects.create(contract=obj, vendor=vendor_obj, role=role)
    obj.deployments.set(deployments)
    return obj


def camera_count(
    deployment_obj, as_of: str, cameras: int, source_obj, status=PUBLISHED, **fields
) -> CameraCount:
    fields.setdefault("kind", "installed")
    return CameraCount.objects.create(
        deployment=deployment_obj,
        as_of=as_of,
        cameras=cameras,
        source=source_obj,
        review_status=status,
        **fields,
    )


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.eu = country("EU", "European Union", kind="union")
    w.rs = country("RS", "Serbia", subregion="Southern Europe")
    w.it = country("IT", "Italy")
    w.it.unions.add(w.eu)
    w.ec = country("EC", "Ecuador", region="latin-america")
    w.cn = country("CN", "China", region="asia", belt_and_road_joined="2013")

    w.src = source("bird-report-2020", title="Safe Society in Serbia", language="en", published_on="2020-03")
    w.src_es = source("el-comercio-2019", title="ECU 911 cámaras", language="es", published_on="2019")
    w.src_draft = source("draft-leak", DRAFT, title="Unverified leak", language="sr")
    w.src_retracted = source("retracted-story", RETRACTED, title="Retracted story")

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
