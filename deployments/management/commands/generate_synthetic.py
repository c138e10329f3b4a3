"""Fill the database with synthetic, realistic, deterministic data at any scale (for benchmarks).

    manage.py generate_synthetic --deployments 100000 --camera-counts 1000000 --seed 1

Every curated record the generator makes has a slug starting with ``syn-`` (camera counts belong to
``syn-`` deployments), so synthetic rows are recognisable and the command can refuse to run on a
database that holds real published data (unless ``--force``). The same seed gives the same rows
(ids, slugs, names, values, links; only created_at/updated_at are the time of the run).

Speed: rows are written with PostgreSQL ``COPY FROM STDIN`` (psycopg 3 ``cursor.copy()``), in one
transaction. The change-history triggers of django-pghistory (registry/curation/history.py) would write one
event row per inserted row; for this synthetic bulk load they are DISABLED (``ALTER TABLE ... DISABLE
TRIGGER``, what ``pgtrigger.disable`` runs) and enabled again inside the same transaction, so other
sessions never see them off and synthetic rows have no history events. So are the links' triggers that
recompute search columns; each deployment's and contract's are computed once, at the end. Constraints, foreign keys
and the other triggers stay on: among them those that fill the derived columns (deployments/derived.py:
search vectors, a camera count's ``is_public``) row by row, so the generator never writes them.
"""

from __future__ import annotations

import random
import time
import uuid
from decimal import Decimal

import pycountry
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from deployments.choices import (
    OCDS_ROLE_OF_VENDOR_ROLE,
    CameraCountKind,
    ContractKind,
    DataLocation,
    DeploymentStatus,
    Disclosure,
    GovernanceConcern,
    PlaceKind,
    ProcurementMethod,
    PublicBodyKind,
    Purpose,
    Qualifier,
    VendorRole,
)
from deployments.models import CameraCount, Contract, Deployment, Place, PublicBody, Technology
from registry.choices import Confidence, LegalFrameworkKind, LegalStatus, Region, ReviewStatus, SourceKind
from registry.management.progress import ProgressBar
from registry.models import Country, LegalFramework, Source
from registry.publication import tables_of
from vendors.choices import DesignationList, Ownership
from vendors.models import Vendor

PREFIX = "syn-"
CURATED = (Source, LegalFramework, Vendor, Deployment, Contract)
# The columns every curated row starts with (the values come from Command.curated), before its own.
CURATED_COLUMNS = ["review_status", "version", "created_at", "updated_at", "id"]

TECHNOLOGIES = [
    ("Video surveillance", False),
    ("Facial recognition", True),
    ("Licence plate recognition", False),
    ("Behavioural and emotion analysis", True),
    ("Intrusion detection", False),
    ("Drones", False),
    ("5G / eLTE network", False),
    ("Data centre", False),
    ("Command centre", False),
    ("Voice identification", True),
]
SYSTEM_WORDS = [
    "Safe City",
    "Smart City",
    "Safe Society",
    "Integrated Security",
    "Emergency Response",
    "Urban Monitoring",
    "Traffic Control",
    "Border Watch",
    "Public Safety Network",
    "Intelligent Policing",
    "Ciudad Segura",
    "Città Sicura",
    "Sigurni Grad",
    "平安城市",
]
VENDOR_STEMS = ["Hua", "Hik", "Da", "Zhong", "Sense", "Mega", "Cloud", "Ny", "Uni", "Xin", "Tian", "Yi"]
VENDOR_ENDS = ["wei", "vision", "hua", "tong", "time", "view", "walk", "tech", "xing", "an", "da", "sec"]
VENDOR_KINDS = ["Technologies", "Vision", "Digital", "Systems", "Electronics", "Group", "Intelligence"]
CJK = "华为海康威视大华中兴旷视商汤云从依图天地伟业宇视"
PUBLISHERS = ["Reuters", "El Comercio", "BIRN", "Il Sole 24 Ore", "El Tiempo", "AP", "SHARE Foundation"]
LANGUAGES = ["en", "es", "sr", "it", "fr", "pt", "zh", "ar", "ru"]
CURRENCIES = ["USD", "EUR", "CNY", "RSD", "COP", "BRL", "KES", "PKR"]
WORDS = [
    "cameras",
    "police",
    "municipality",
    "contract",
    "loan",
    "vendor",
    "data",
    "centre",
    "command",
    "monitoring",
    "city",
    "network",
    "facial",
    "recognition",
    "licence",
    "plates",
    "traffic",
    "emergency",
    "ministry",
    "interior",
    "tender",
    "oversight",
    "privacy",
    "biometric",
    "video",
    "analytics",
    "pilot",
    "phase",
    "expansion",
    "citizens",
    "protest",
    "court",
    "decision",
    "leak",
    "report",
]
FORMULAS = ["=SUM(A1:A9)", '=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]
STATUS_WEIGHTS = [
    (ReviewStatus.PUBLISHED, 88),
    (ReviewStatus.DRAFT, 6),
    (ReviewStatus.IN_REVIEW, 3),
    (ReviewStatus.RETRACTED, 3),
]


def fuzzy_date(rng: random.Random, first: int = 2008, last: int = 2025) -> str:
    year = rng.randint(first, last)
    precision = rng.random()
    if precision < 0.35:
        return str(year)
    if precision < 0.7:
        return f"{year}-{rng.randint(1, 12):02}"
    return f"{year}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"


def later_fuzzy_date(rng: random.Random, start: str) -> str:
    return fuzzy_date(rng, int(start[:4]) + 1, int(start[:4]) + 6)


class Generator:
    def __init__(self, cursor, *, seed: int, deployments: int, camera_counts: int, progress: ProgressBar):
        self.cursor = cursor
        self.rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
        self.n_deployments = deployments
        self.n_camera_counts = camera_counts
        self.progress = progress
        self.now = timezone.now()

    # --- helpers ------------------------------------------------------------------------------
    def next_id(self, table: str) -> int:
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')  # noqa: S608
        return self.cursor.fetchone()[0]

    def copy(self, model_or_table, columns: list[str], rows) -> int:
        table = model_or_table if isinstance(model_or_table, str) else model_or_table._meta.db_table
        cols = ", ".join(f'"{column}"' for column in columns)
        written = 0
        with self.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
                if written % 5000 == 0:
                    self.progress.step(5000, table)
        self.progress.step(written % 5000, table)
        return written

    def status(self) -> str:
        roll = self.rng.randrange(100)
        for status, weight in STATUS_WEIGHTS:
            if roll < weight:
                return status
            roll -= weight
        return ReviewStatus.PUBLISHED

    def curated(self, status: str | None = None) -> tuple:
        return (status or self.status(), 1, self.now, self.now)

    def published(self) -> tuple:
        """The curated columns of a technology, place or public body: published, since the synthetic
        records point at them (a draft one would show as none)."""
        return self.curated(ReviewStatus.PUBLISHED)

    def sentence(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    # --- the data ------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        counts = {}
        self.countries()
        self.technologies()
        counts["places"] = self.places()
        counts["public bodies"] = self.public_bodies()
        counts["sources"] = self.sources()
        counts["legal frameworks"] = self.legal_frameworks()
        counts["vendors"] = self.vendors()
        counts["deployments"] = self.deployments()
        counts["contracts"] = self.contracts()
        counts["camera counts"] = self.camera_counts()
        return counts

    def countries(self):
        self.cursor.execute("SELECT code, id, name FROM registry_country")
        existing = {code: (pk, name) for code, pk, name in self.cursor.fetchall()}
        regions = [choice for choice, _ in Region.choices]
        start = self.next_id("registry_country")
        rows = []
        for country in sorted(pycountry.countries, key=lambda c: c.alpha_2):
            region = regions[sum(map(ord, country.alpha_2)) % len(regions)]
            if country.alpha_2 in existing:
                continue
            name = getattr(country, "common_name", None) or country.name
            rows.append((start + len(rows), country.alpha_2, name[:100], "country", region, ""))
        self.copy(
            Country,
            [
                "id",
                "code",
                "name",
                "kind",
                "region",
                "subregion",
            ],
            rows,
        )
        for row in rows:
            existing[row[1]] = (row[0], row[2])
        codes = sorted(code for code in existing if code != "EU")
        self.country_ids = [existing[code][0] for code in codes]
        self.country_names = {existing[code][0]: existing[code][1] for code in codes}
        self.country_codes = {existing[code][0]: code for code in codes}

    def technologies(self):
        start = self.next_id("deployments_technology")
        rows = [
            (*self.published(), start + i, f"{PREFIX}tech-{i}", name, f"{name} (synthetic).", biometric)
            for i, (name, biometric) in enumerate(TECHNOLOGIES)
        ]
        self.copy(Technology, [*CURATED_COLUMNS, "slug", "name", "description", "biometric"], rows)
        self.technology_ids = [row[len(CURATED_COLUMNS) - 1] for row in rows]

    def places(self) -> int:
        rng = self.rng
        subdivisions: dict[str, list[str]] = {}
        for sub in pycountry.subdivisions:
            subdivisions.setdefault(sub.country_code, []).append(sub.name)
        for names in subdivisions.values():
            names.sort()
        start = self.next_id("deployments_place")
        self.places_by_country: dict[int, list[int]] = {}
        per_country = max(1, self.n_deployments // (2 * len(self.country_ids)))
        rows = []
        for country_id in self.country_ids:
            code = self.country_codes[country_id]
            nation_id = start + len(rows)
            rows.append(
                (
                    *self.published(),
                    nation_id,
                    f"{PREFIX}place-{len(rows)}",
                    self.country_names[country_id],
                    PlaceKind.NATIONWIDE,
                    country_id,
                    None,
                    None,
                    None,
                )
            )
            names = subdivisions.get(code) or [f"{self.country_names[country_id]} region"]
            for k in range(per_country):
                pk = start + len(rows)
                name = names[k % len(names)] + (f" {k // len(names) + 1}" if k >= len(names) else "")
                located = rng.random() < 0.85
                lat = Decimal(f"{rng.uniform(-55, 70):.5f}") if located else None
                lon = Decimal(f"{rng.uniform(-180, 180):.5f}") if located else None
                kind = PlaceKind.CITY if k % 3 else PlaceKind.REGION
                rows.append(
                    (
                        *self.published(),
                        pk,
                        f"{PREFIX}place-{len(rows)}",
                        name[:200],
                        kind,
                        country_id,
                        nation_id,
                        lat,
                        lon,
                    )
                )
                self.places_by_country.setdefault(country_id, []).append(pk)
            self.places_by_country.setdefault(country_id, []).append(nation_id)
        columns = ["slug", "name", "kind", "country_id", "parent_id", "latitude", "longitude"]
        return self.copy(Place, [*CURATED_COLUMNS, *columns], rows)

    def public_bodies(self) -> int:
        rng = self.rng
        kinds = [
            ("Ministry of Interior", PublicBodyKind.MINISTRY),
            ("National Police", PublicBodyKind.POLICE),
            ("Emergency Service", PublicBodyKind.AGENCY),
            ("City of", PublicBodyKind.MUNICIPALITY),
            ("Regional Government of", PublicBodyKind.REGIONAL_GOVERNMENT),
        ]
        start = self.next_id("deployments_publicbody")
        rows = []
        self.bodies_by_country: dict[int, list[int]] = {}
        total = max(len(self.country_ids), self.n_deployments // 4)
        for i in range(total):
            country_id = self.country_ids[i % len(self.country_ids)]
            label, kind = kinds[rng.randrange(len(kinds))]
            place_id = rng.choice(self.places_by_country[country_id]) if rng.random() < 0.6 else None
            name = f"{label} {self.country_names[country_id]} {i // len(self.country_ids) + 1}"
            rows.append(
                (
                    *self.published(),
                    start + i,
                    f"{PREFIX}body-{i}",
                    name[:300],
                    kind,
                    country_id,
                    place_id,
                    None,
                    "",
                )
            )
            self.bodies_by_country.setdefault(country_id, []).append(start + i)
        columns = ["slug", "name", "kind", "country_id", "place_id", "parent_id", "website"]
        return self.copy(PublicBody, [*CURATED_COLUMNS, *columns], rows)

    def sources(self) -> int:
        rng = self.rng
        kinds = [choice for choice, _ in SourceKind.choices]
        start = self.next_id("registry_source")
        total = max(50, self.n_deployments // 2)
        rows = []
        self.source_ids, self.published_source_ids = [], []
        for i in range(total):
            status = ReviewStatus.PUBLISHED if rng.random() < 0.95 else ReviewStatus.DRAFT
            published_on = fuzzy_date(rng, 2010, 2025)
            title = f"{rng.choice(SYSTEM_WORDS)}: {self.sentence(6)}"
            pk = start + i
            rows.append(
                (
                    *self.curated(status),
                    pk,
                    f"{PREFIX}source-{i}",
                    title,
                    rng.choice(["", "Staff", "A. Reporter"]),
                    rng.choice(PUBLISHERS),
                    rng.choice(kinds),
                    f"https://news{i % 50}.example.org/{published_on[:4]}/{i}",
                    "",
                    "",
                    published_on,
                    None,
                    rng.choice(LANGUAGES),
                    "",
                )
            )
            self.source_ids.append(pk)
            if status == ReviewStatus.PUBLISHED:
                self.published_source_ids.append(pk)
        columns = [
            *CURATED_COLUMNS,
            "slug",
            "title",
            "author",
            "publisher",
            "kind",
            "url",
            "archived_url",
            "doi",
            "published_on",
            "accessed_on",
            "language",
            "notes",
        ]
        return self.copy(Source, columns, rows)

    def citations(self, table: str, record_ids: list[int]):
        rng = self.rng
        start = self.next_id(table)
        confidences = [choice for choice, _ in Confidence.choices]

        def rows():
            pk = start
            for record_id in record_ids:
                for source_id in sorted(set(rng.sample(self.source_ids, rng.randint(1, 3)))):
                    yield (
                        pk,
                        source_id,
                        "",
                        f"p. {rng.randint(1, 300)}",
                        "",
                        rng.choice(confidences),
                        record_id,
                    )
                    pk += 1

        self.copy(table, ["id", "source_id", "field", "locator", "quote", "confidence", "record_id"], rows())

    def legal_frameworks(self) -> int:
        rng = self.rng
        kinds = [choice for choice, _ in LegalFrameworkKind.choices]
        statuses = [choice for choice, _ in LegalStatus.choices if choice != LegalStatus.REPEALED]
        start = self.next_id("registry_legalframework")
        total = max(20, self.n_deployments // 50)
        rows, jurisdictions = [], []
        self.laws_by_country: dict[int, list[int]] = {}
        for i in range(total):
            pk = start + i
            country_id = self.country_ids[rng.randrange(len(self.country_ids))]
            adopted = fuzzy_date(rng, 1995, 2022)
            name = f"Law on {rng.choice(['Personal Data Protection', 'Police', 'Video Surveillance', 'Internal Affairs', 'Artificial Intelligence'])} ({self.country_names[country_id]}, {adopted[:4]})"
            status = self.status()
            rows.append(
                (
                    *self.curated(status),
                    pk,
                    f"{PREFIX}law-{i}",
                    name[:300],
                    "",
                    rng.choice(kinds),
                    rng.choice(statuses),
                    f"Official Gazette {rng.randint(1, 150)}/{adopted[:4]}",
                    "",  # proposed_on
                    adopted,
                    "",  # published_on
                    "",  # in_force_on
                    "",  # applies_from
                    "",  # ended_on
                    "",
                    rng.choice([True, False, None]),
                    "",
                    self.sentence(12),
                )
            )
            jurisdictions.append((pk, country_id))
            if status == ReviewStatus.PUBLISHED:
                self.laws_by_country.setdefault(country_id, []).append(pk)
        columns = [
            *CURATED_COLUMNS,
            "slug",
            "name",
            "short_name",
            "kind",
            "legal_status",
            "reference",
            "proposed_on",
            "adopted_on",
            "published_on",
            "in_force_on",
            "applies_from",
            "ended_on",
            "oversight_authority",
            "covers_biometric_surveillance",
            "official_url",
            "summary",
        ]
        written = self.copy(LegalFramework, columns, rows)
        self.copy("registry_legalframework_jurisdictions", ["legalframework_id", "country_id"], jurisdictions)
        self.citations("registry_legalframeworkcitation", [row[4] for row in rows])
        return written

    def vendors(self) -> int:
        rng = self.rng
        ownerships = [choice for choice, _ in Ownership.choices]
        start = self.next_id("vendors_vendor")
        total = max(20, self.n_deployments // 100)
        rows, designations = [], []
        self.vendor_ids = []
        for i in range(total):
            pk = start + i
            name = f"{rng.choice(VENDOR_STEMS)}{rng.choice(VENDOR_ENDS)} {rng.choice(VENDOR_KINDS)} {i}"
            aliases = [name.upper()]
            if rng.random() < 0.4:
                aliases.append("".join(rng.sample(CJK, 2)) + str(i))
            parent = start + rng.randrange(i) if i and rng.random() < 0.1 else None
            rows.append(
                (
                    *self.curated(),
                    pk,
                    f"{PREFIX}vendor-{i}",
                    name,
                    f"{name} Co., Ltd.",
                    aliases,
                    rng.choice(self.country_ids),
                    parent,
                    rng.choice(ownerships),
                    f"https://vendor{i}.example.com",
                    f"Q{rng.randint(1, 10**8)}",
                    self.sentence(15),
                )
            )
            self.vendor_ids.append(pk)
            if rng.random() < 0.05:
                designations.append(
                    (
                        pk,
                        DesignationList.US_ENTITY_LIST,
                        fuzzy_date(rng, 2019, 2024),
                        "",
                        rng.choice(self.source_ids),
                        Confidence.CONFIRMED,
                        "",
                    )
                )
        columns = [
            *CURATED_COLUMNS,
            "slug",
            "name",
            "legal_name",
            "aliases",
            "headquarters_country_id",
            "parent_id",
            "ownership",
            "website",
            "wikidata_qid",
            "description",
        ]
        written = self.copy(Vendor, columns, rows)
        self.copy(
            "vendors_designation",
            [
                "vendor_id",
                "list_name",
                "designated_on",
                "authority_reference",
                "source_id",
                "confidence",
                "notes",
            ],
            designations,
        )
        self.citations("vendors_vendorcitation", self.vendor_ids)
        return written

    def deployments(self) -> int:
        rng = self.rng
        statuses = [choice for choice, _ in DeploymentStatus.choices]
        locations = [choice for choice, _ in DataLocation.choices]
        purposes = [choice for choice, _ in Purpose.choices]
        concerns = [choice for choice, _ in GovernanceConcern.choices]
        roles = [choice for choice, _ in VendorRole.choices]
        start = self.next_id("deployments_deployment")
        self.deployment_ids, self.deployment_country = [], {}
        links = {"places": [], "technologies": [], "laws": [], "vendors": []}

        def rows():
            for i in range(self.n_deployments):
                pk = start + i
                country_id = self.country_ids[rng.randrange(len(self.country_ids))]
                country_places = self.places_by_country[country_id]
                place_ids = sorted(set(rng.choice(country_places) for _ in range(rng.randint(1, 3))))
                place = self.place_name_hint(place_ids[0], country_id)
                name = f"{place} {rng.choice(SYSTEM_WORDS)}"
                summary = f"{self.sentence(rng.randint(12, 40))} {place} — {self.country_names[country_id]}."
                managed_by = rng.choice(
                    ["", "the vendor", "Ministry of Interior", "the municipality", "a state data centre"]
                )
                if i % 97 == 5:
                    summary = rng.choice(FORMULAS) + " " + summary
                if i % 101 == 7:
                    managed_by = "@" + rng.choice(VENDOR_STEMS).lower()
                if i % 89 == 3:
                    summary += '\nQuoted: "they said, it works".'
                if i % 113 == 9:
                    name = rng.choice(FORMULAS) + " " + name
                started = fuzzy_date(rng, 2008, 2024)
                ended = later_fuzzy_date(rng, started) if rng.random() < 0.1 else ""
                operator = rng.choice(self.bodies_by_country[country_id]) if rng.random() < 0.8 else None
                self.deployment_ids.append(pk)
                self.deployment_country[pk] = country_id
                links["places"].extend((pk, place_id) for place_id in place_ids)
                links["technologies"].extend(
                    (pk, t) for t in sorted(rng.sample(self.technology_ids, rng.randint(1, 4)))
                )
                laws = self.laws_by_country.get(country_id, [])
                if laws:
                    links["laws"].extend(
                        (pk, law) for law in sorted(set(rng.sample(laws, min(len(laws), rng.randint(0, 2)))))
                    )
                for vendor_id in sorted(set(rng.sample(self.vendor_ids, rng.randint(1, 2)))):
                    links["vendors"].append((pk, vendor_id, rng.choice(roles), ""))
                yield (
                    *self.curated(),
                    pk,
                    f"{PREFIX}deployment-{i}",
                    name[:300],
                    summary,
                    country_id,
                    operator,
                    rng.choice(statuses),
                    started,
                    ended,
                    sorted(rng.sample(purposes, rng.randint(0, 3))),
                    rng.choice(locations),
                    managed_by,
                    sorted(rng.sample(concerns, rng.randint(0, 3))),
                )

        columns = [
            *CURATED_COLUMNS,
            "slug",
            "name",
            "summary",
            "country_id",
            "operator_id",
            "status",
            "started_on",
            "ended_on",
            "purposes",
            "data_location",
            "data_managed_by",
            "governance_concerns",
        ]
        written = self.copy(Deployment, columns, rows())
        self.copy("deployments_deployment_places", ["deployment_id", "place_id"], links["places"])
        self.copy(
            "deployments_deployment_technologies", ["deployment_id", "technology_id"], links["technologies"]
        )
        self.copy(
            "deployments_deployment_legal_frameworks", ["deployment_id", "legalframework_id"], links["laws"]
        )
        self.copy(
            "deployments_deploymentvendor", ["deployment_id", "vendor_id", "role", "notes"], links["vendors"]
        )
        self.citations("deployments_deploymentcitation", self.deployment_ids)
        return written

    def place_name_hint(self, place_id: int, country_id: int) -> str:
        # Names are not kept per place (memory); a stable, readable stand-in per place.
        return f"{self.country_names[country_id].split(',')[0]} {place_id % 1000}"

    def contracts(self) -> int:
        rng = self.rng
        kinds = [choice for choice, _ in ContractKind.choices]
        disclosures = [choice for choice, _ in Disclosure.choices]
        methods = [choice for choice, _ in ProcurementMethod.choices]
        roles = [VendorRole.SUPPLIER, VendorRole.SUBCONTRACTOR, VendorRole.FINANCIER, VendorRole.INTEGRATOR]
        start = self.next_id("deployments_contract")
        total = max(10, self.n_deployments // 2)
        parties, funded, ids = [], [], []

        def rows():
            for i in range(total):
                pk = start + i
                deployment_ids = sorted(
                    set(rng.choice(self.deployment_ids) for _ in range(rng.randint(1, 2)))
                )
                country_id = self.deployment_country[deployment_ids[0]]
                buyer = rng.choice(self.bodies_by_country[country_id])
                valued = rng.random() < 0.7
                ids.append(pk)
                funded.extend((pk, d) for d in deployment_ids)
                for vendor_id in sorted(set(rng.sample(self.vendor_ids, rng.randint(1, 2)))):
                    role = rng.choice(roles)
                    parties.append(
                        (pk, vendor_id, role, [OCDS_ROLE_OF_VENDOR_ROLE[role]], "", "", Confidence.REPORTED)
                    )
                yield (
                    *self.curated(),
                    pk,
                    f"{PREFIX}contract-{i}",
                    f"{rng.choice(SYSTEM_WORDS)} contract {i}",
                    self.sentence(10),
                    rng.choice(kinds),
                    buyer,
                    fuzzy_date(rng, 2008, 2024),
                    Decimal(rng.randint(10_000, 500_000_000)) if valued else None,
                    rng.choice(CURRENCIES) if valued else "",
                    "",
                    "",
                    rng.choice(disclosures),
                    rng.choice(methods),
                )

        columns = [
            *CURATED_COLUMNS,
            "slug",
            "name",
            "summary",
            "kind",
            "buyer_id",
            "signed_on",
            "value_amount",
            "value_currency",
            "value_note",
            "financing",
            "disclosure",
            "procurement_method",
        ]
        written = self.copy(Contract, columns, rows())
        self.copy("deployments_contract_deployments", ["contract_id", "deployment_id"], funded)
        self.copy(
            "deployments_contractparty",
            ["contract_id", "vendor_id", "role", "roles", "contribution_currency", "locator", "confidence"],
            parties,
        )
        self.citations("deployments_contractcitation", ids)
        return written

    def camera_counts(self) -> int:
        rng = self.rng
        kinds = [choice for choice, _ in CameraCountKind.choices]
        qualifiers = [choice for choice, _ in Qualifier.choices]
        confidences = [choice for choice, _ in Confidence.choices]
        start = self.next_id("deployments_cameracount")
        n_deployments = len(self.deployment_ids)
        phases = ["", "", "phase 1", "phase 2", "pilot", "expansion"]

        def rows():
            for i in range(self.n_camera_counts):
                deployment_id = self.deployment_ids[rng.randrange(n_deployments)]
                places = self.places_by_country[self.deployment_country[deployment_id]]
                yield (
                    *self.curated(ReviewStatus.PUBLISHED if rng.random() < 0.92 else ReviewStatus.DRAFT),
                    start + i,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    deployment_id,
                    rng.choice(places) if rng.random() < 0.3 else None,
                    fuzzy_date(rng, 2010, 2025),
                    Qualifier.EXACT if rng.random() < 0.8 else rng.choice(qualifiers),
                    rng.randint(1, 20_000),
                    rng.randint(1, 500) if rng.random() < 0.4 else None,
                    rng.choice(kinds),
                    rng.choice(phases),
                    rng.choice(self.source_ids),
                    f"p. {rng.randint(1, 99)}",
                    rng.choice(confidences),
                    "",
                )

        columns = [
            *CURATED_COLUMNS,
            "public_id",
            "deployment_id",
            "place_id",
            "as_of",
            "qualifier",
            "cameras",
            "locations",
            "kind",
            "phase",
            "source_id",
            "locator",
            "confidence",
            "notes",
        ]
        return self.copy(CameraCount, columns, rows())


# The triggers django-pghistory installs through pgtrigger (pgtrigger_<event>_<event>_<hash>).
HISTORY_TRIGGERS_SQL = r"""
    SELECT quote_ident(nspname) || '.' || quote_ident(relname), quote_ident(tgname)
    FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid JOIN pg_namespace ON pg_namespace.oid = relnamespace
    WHERE NOT tgisinternal AND tgenabled <> 'D'
      AND tgname ~ '^pgtrigger_(insert_insert|update_update|delete_delete|recompute_search_(ins|del|upd)|public_change_(ins|del|upd))_'
    ORDER BY 1, 2
"""
# So are the triggers that note public changes (registry/publication.py), for the same reason: the load
# notes them once, for every table, when it is done.
NOTE_CHANGES_SQL = (
    "INSERT INTO registry_publicchange (table_name, transaction_id) "
    "SELECT relname, pg_current_xact_id()::text::bigint FROM pg_class "
    "WHERE relname = ANY(%s) ON CONFLICT (table_name, transaction_id) DO NOTHING"
)
# The links' triggers (deployments/derived.py) recompute a deployment's or a contract's search columns
# once per COPY of links: four COPYs would compute each of them up to three times. Off for the load
# (with the history triggers), then each is computed once, with every link in place.
RECOMPUTE_SEARCH_SQL = (
    # Statistics first: the triggers' lookups by deployment or contract, planned on tables the load has
    # just filled but that PostgreSQL still takes for empty, would read them whole for every row.
    "ANALYZE deployments_deployment_places, deployments_deploymentvendor, deployments_contractparty, "
    "deployments_contract_deployments, deployments_place, deployments_publicbody, vendors_vendor; "
    "UPDATE deployments_deployment SET search_vector = DEFAULT WHERE slug LIKE 'syn-%'; "
    "UPDATE deployments_contract SET search_vector = DEFAULT WHERE slug LIKE 'syn-%';"
)


def set_trigram_indexes(present: bool, indexes=None) -> list:
    """The trigram indexes of the stored names (``*_search_names``), dropped for the load and built
    again after it: each row adds ~150 trigrams, ≈ 0.6 ms a row as an update, far less in one build."""
    indexes = indexes or [
        (model, index)
        for model in (Deployment, Contract)
        for index in model._meta.indexes
        if index.name.endswith("_search_names")
    ]
    with connection.schema_editor() as editor:
        for model, index in indexes:
            (editor.add_index if present else editor.remove_index)(model, index)
    return indexes


def set_history_triggers(cursor, triggers: list[tuple[str, str]], enabled: bool) -> None:
    """``ALTER TABLE ... DISABLE/ENABLE TRIGGER`` (what ``pgtrigger.disable``/``enable`` run), by name."""
    action = "ENABLE" if enabled else "DISABLE"
    for table, trigger in triggers:
        cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {trigger}")


def real_published_records() -> list[str]:
    """Published records that the generator did not make (their slug does not start with syn-)."""
    found = []
    for model in CURATED:
        count = model.objects.published().exclude(slug__startswith=PREFIX).count()
        if count:
            found.append(f"{count} {model._meta.verbose_name_plural}")
    count = CameraCount.objects.published().exclude(deployment__slug__startswith=PREFIX).count()
    if count:
        found.append(f"{count} camera counts")
    return found


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, deterministic data (slugs start with syn-) for benchmarks: "
        "countries from pycountry, vendors, places, public bodies, sources, laws, deployments, contracts and "
        "camera counts, mostly published with some drafts and retractions. Rows are written with COPY; the "
        "pghistory change-history triggers are DISABLED for the load (inside its transaction), so synthetic "
        "rows have no history events. Refuses to run on a database holding real published data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--deployments", type=int, default=1000, help="Number of deployments (default 1000)."
        )
        parser.add_argument(
            "--camera-counts",
            type=int,
            default=None,
            help="Number of camera counts (default 10 per deployment).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed: the same seed gives the same rows."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even if the database holds real (non-synthetic) published data.",
        )

    def handle(self, *args, deployments, camera_counts, seed, force, verbosity=1, **options):
        if deployments < 1:
            raise CommandError("--deployments must be at least 1.")
        camera_counts = deployments * 10 if camera_counts is None else camera_counts
        if camera_counts < 0:
            raise CommandError("--camera-counts cannot be negative.")
        real = real_published_records()
        if real and not force:
            raise CommandError(
                "This database holds real published data (" + ", ".join(real) + "); synthetic rows would mix "
                "with it. Use a separate database, or --force."
            )
        if Deployment.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("This database already holds synthetic data (syn-* slugs).")
        # Rough total of rows written, for the progress bar: ~14.3 rows per deployment (its links,
        # places, bodies, sources, contracts and citations) besides the camera counts, as measured
        # at 100,000 deployments (2,434,673 rows with 1,000,000 counts). The bar grows past it.
        total = int(deployments * 14.3 + camera_counts + 2000)
        progress = ProgressBar("synthetic", total, enabled=verbosity > 0, stream=self.stderr._out)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(HISTORY_TRIGGERS_SQL)
            history_triggers = cursor.fetchall()
            # Foreign keys are checked at the end of each COPY (not at commit), so the triggers can be
            # enabled again before the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            set_history_triggers(cursor, history_triggers, enabled=False)
            trigram_indexes = set_trigram_indexes(present=False)
            generator = Generator(
                cursor.cursor,
                seed=seed,
                deployments=deployments,
                camera_counts=camera_counts,
                progress=progress,
            )
            counts = generator.run()
            cursor.execute(RECOMPUTE_SEARCH_SQL)  # history triggers still off: no edit, no event
            cursor.execute(NOTE_CHANGES_SQL, [tables_of()])
            set_history_triggers(cursor, history_triggers, enabled=True)
            set_trigram_indexes(present=True, indexes=trigram_indexes)
            for model in (
                Country,
                Technology,
                Place,
                PublicBody,
                Source,
                LegalFramework,
                Vendor,
                Deployment,
                Contract,
                CameraCount,
            ):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM \"{table}\"))"  # noqa: S608
                )
        progress.total = progress.done  # the total was an estimate: the bar ends full
        progress.close()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if verbosity > 0:
            summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
            self.stdout.write(f"Generated {summary} in {time.monotonic() - started:.1f} s (seed {seed}).")
