"""The registry as FollowTheMoney (FtM) entities, for Aleph / OpenAleph and OpenSanctions-style tools.

``entities()`` yields one entity (an ``EntityProxy`` of the ``followthemoney`` model) at a time:
``manage.py export_ftm`` writes them as JSON lines, and so does ``/api/v1/export/ftm``
(api/views/ftm.py). Every queryset starts from the published-only selectors and is read with
``.iterator()`` in chunks, its prefetches included, so memory stays flat however large the registry.

The mapping (docs/using-the-data-elsewhere.md has the table):

- source → Document (title, sourceUrl, publishedAt), the ``proof`` of the records that cite it;
- public body (buyer, operator) → PublicBody; vendor → Company; a vendor's parent → Ownership;
  another party (lender, state, research centre: an Organisation) → Organization;
- designation (US Entity List, FCC Covered List, OFAC) → Sanction of the vendor;
- deployment → Project, with a ProjectParticipant for its operator and for each vendor role;
- contract → Contract (authority: the buyer; project: the deployments it funds), and a ContractAward
  (contract, supplier: the party, role, the contribution its source gives) for each party and source.

Ids are ``make_id`` of the record's natural key (a slug; a designation's vendor, list and date) under
a fixed key prefix: the same record has the same id in every export. A value the FtM type would drop
when cleaning it (an unknown country code, a malformed date) is an error (``UncleanValue``), never
silently left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from followthemoney import EntityProxy, model
from followthemoney.util import make_entity_id

from deployments.choices import DeploymentStatus, ProcurementMethod, Purpose
from deployments.models import DeploymentCitation
from deployments.selectors import (
    organisations,
    public_bodies,
    public_contracts,
    published_deployments,
    published_vendor_roles,
    technologies,
)
from registry.selectors import published_citations, published_sources
from vendors.choices import Ownership
from vendors.selectors import public_vendors

KEY_PREFIX = "surveillance-registry"
CHUNK_SIZE = 500


class UncleanValue(ValueError):
    """A value that FtM's type for the property would drop (or a property the schema lacks)."""


def make(schema: str, *key: str) -> EntityProxy:
    """An entity of ``schema`` whose id is derived from ``key``, the record's natural key."""
    entity = model.make_entity(schema, key_prefix=KEY_PREFIX)
    entity.make_id(*key)
    return entity


def put(entity: EntityProxy, name: str, *values) -> None:
    """Add each value that is not empty to property ``name``, cleaned by its FtM type."""
    prop = entity.schema.get(name)
    if prop is None:
        raise UncleanValue(f"{entity.schema.name} has no property {name!r}")
    for value in values:
        if value is None or value == "":
            continue
        if isinstance(value, EntityProxy):
            value = value.id
        cleaned = prop.type.clean(str(value), proxy=entity)
        if cleaned is None:
            raise UncleanValue(f"{entity.schema.name}.{name}: FtM refuses {value!r}")
        entity.add(prop, cleaned, cleaned=True)


def entity_id(*key: str) -> str:
    """The id ``make`` gives the entity of this natural key (for links to it, without building it)."""
    return make_entity_id(*key, key_prefix=KEY_PREFIX)


def source_id(slug: str) -> str:
    return entity_id("source", slug)


def vendor_id(slug: str) -> str:
    return entity_id("vendor", slug)


def public_body_id(slug: str) -> str:
    return entity_id("public-body", slug)


def deployment_id(slug: str) -> str:
    return entity_id("deployment", slug)


def proof(entity: EntityProxy, citations: Iterable) -> None:
    """The published sources cited for the record, as its ``proof`` (their Document entities)."""
    put(entity, "proof", *sorted({source_id(citation.source.slug) for citation in citations}))


def sources() -> Iterator[EntityProxy]:
    for source in published_sources().order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        document = make("Document", "source", source.slug)
        put(document, "title", source.title)
        put(document, "fileName", source.slug)  # required by the Document schema; there is no file
        put(document, "author", source.author)
        put(document, "publisher", source.publisher)
        put(document, "sourceUrl", source.url)
        put(document, "publishedAt", source.published_on)
        put(document, "retrievedAt", source.accessed_on)
        put(document, "language", source.language)
        put(document, "keywords", source.get_kind_display())
        put(document, "notes", source.notes)
        yield document


def bodies() -> Iterator[EntityProxy]:
    queryset = (
        public_bodies()
        .select_related("country")
        .prefetch_related(Prefetch("parent", queryset=public_bodies()))
        .order_by("pk")
    )
    for body in queryset.iterator(chunk_size=CHUNK_SIZE):
        entity = make("PublicBody", "public-body", body.slug)
        put(entity, "name", body.name)
        put(entity, "country", body.country.code)
        put(entity, "classification", body.get_kind_display())
        put(entity, "website", body.website)
        if body.parent is not None:
            put(entity, "parent", public_body_id(body.parent.slug))
        yield entity


def vendors() -> Iterator[EntityProxy]:
    """Each published vendor as a Company, then its Ownership by a published parent and its
    Sanctions (designations whose source is published: vendors/selectors.py)."""
    for vendor in public_vendors().order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        company = make("Company", "vendor", vendor.slug)
        put(company, "name", vendor.name)
        put(company, "alias", vendor.legal_name, *vendor.aliases)
        put(company, "country", vendor.headquarters_country and vendor.headquarters_country.code)
        put(company, "website", vendor.website)
        put(company, "wikidataId", vendor.wikidata_qid)
        put(company, "description", vendor.description)
        if vendor.ownership != Ownership.UNKNOWN:
            put(company, "classification", vendor.get_ownership_display())
        if vendor.ownership == Ownership.STATE_OWNED:
            put(company, "topics", "gov.soe")
        proof(company, vendor.citations.all())
        yield company
        if vendor.parent is not None:
            ownership = make("Ownership", "ownership", vendor.parent.slug, vendor.slug)
            put(ownership, "owner", vendor_id(vendor.parent.slug))
            put(ownership, "asset", company)
            put(ownership, "role", "Parent company")
            yield ownership
        for designation in vendor.designations.all():
            yield sanction(designation, vendor.slug, company)


def sanction(designation, vendor_slug: str, company: EntityProxy) -> EntityProxy:
    entity = make("Sanction", "designation", vendor_slug, designation.list_name, designation.designated_on)
    put(entity, "entity", company)
    put(entity, "authority", designation.get_list_name_display())
    put(entity, "program", designation.get_list_name_display())
    put(entity, "listingDate", designation.designated_on)
    put(entity, "startDate", designation.designated_on)
    put(entity, "reason", designation.authority_reference)
    put(entity, "summary", designation.notes)
    put(entity, "sourceUrl", designation.source.url)
    put(entity, "proof", source_id(designation.source.slug))
    return entity


def deployments() -> Iterator[EntityProxy]:
    """Each published deployment as a Project, with a ProjectParticipant for its published operator
    and for each published vendor's role."""
    queryset = (
        published_deployments()
        .select_related("country")
        .prefetch_related(
            Prefetch("operator", queryset=public_bodies()),
            Prefetch("technologies", queryset=technologies().order_by("name", "pk")),
            Prefetch("vendor_roles", queryset=published_vendor_roles()),
            Prefetch("citations", queryset=published_citations(DeploymentCitation)),
        )
        .order_by("pk")
    )
    for deployment in queryset.iterator(chunk_size=CHUNK_SIZE):
        project = make("Project", "deployment", deployment.slug)
        put(project, "name", deployment.name)
        put(project, "summary", deployment.summary)
        put(project, "country", deployment.country.code)
        if deployment.status != DeploymentStatus.UNKNOWN:
            put(project, "status", deployment.get_status_display())
        put(project, "startDate", deployment.started_on)
        put(project, "endDate", deployment.ended_on)
        put(project, "keywords", *(technology.name for technology in deployment.technologies.all()))
        put(project, "goal", *(Purpose(purpose).label for purpose in deployment.purposes))
        put(project, "notes", deployment.data_managed_by and f"Data managed by: {deployment.data_managed_by}")
        proof(project, deployment.citations.all())
        yield project
        if deployment.operator is not None:
            operator = make(
                "ProjectParticipant", "deployment-operator", deployment.slug, deployment.operator.slug
            )
            put(operator, "project", project)
            put(operator, "participant", public_body_id(deployment.operator.slug))
            put(operator, "role", "Operator")
            yield operator
        for role in deployment.vendor_roles.all():
            participant = make(
                "ProjectParticipant", "deployment-vendor", deployment.slug, role.vendor.slug, role.role
            )
            put(participant, "project", project)
            put(participant, "participant", vendor_id(role.vendor.slug))
            put(participant, "role", role.get_role_display())
            put(participant, "summary", role.notes)
            yield participant


def contracts() -> Iterator[EntityProxy]:
    """Each published contract, then a ContractAward for each published vendor party: the award links
    the contract (whose authority is the buyer) to the supplier."""
    for contract in public_contracts().order_by("pk").iterator(chunk_size=CHUNK_SIZE):
        entity = make("Contract", "contract", contract.slug)
        put(entity, "name", contract.name)
        put(entity, "title", contract.name)
        put(entity, "summary", contract.summary)
        put(entity, "type", contract.get_kind_display())
        put(entity, "contractDate", contract.signed_on)
        put(entity, "amount", contract.value_amount)
        put(entity, "currency", contract.value_currency)
        put(
            entity,
            "notes",
            contract.value_note and f"Value: {contract.value_note}",
            contract.financing and f"Financing: {contract.financing}",
        )
        if contract.procurement_method != ProcurementMethod.UNKNOWN:
            put(entity, "method", contract.get_procurement_method_display())
        if contract.buyer is not None:
            put(entity, "authority", public_body_id(contract.buyer.slug))
        put(entity, "project", *(deployment_id(deployment.slug) for deployment in contract.deployments.all()))
        proof(entity, contract.citations.all())
        yield entity
        for party in contract.public_parties:
            yield award(contract, entity, party)


def award(contract, entity: EntityProxy, party) -> EntityProxy:
    """A party's place in the contract (one per party and source: each source's contribution),
    proven by the party's own source."""
    record, kind = party.party, party.kind
    source = party.source.slug if party.source is not None else ""
    found = make("ContractAward", "contract-party", contract.slug, kind, record.slug, source)
    put(found, "contract", entity)
    # A party's kind ("vendor", "public-body", "organisation") is the key prefix of its entity's id.
    put(found, "supplier", entity_id(kind, record.slug))
    # A vendor's finer registry role ("Integrator") where it has one, else its OCDS roles ("funder").
    put(found, "role", party.get_role_display() if party.role else ", ".join(party.roles))
    put(found, "amount", party.contribution_amount)
    put(found, "currency", party.contribution_currency)
    put(found, "date", contract.signed_on)
    if source:
        put(found, "proof", source_id(source))
    return found


def other_organisations() -> Iterator[EntityProxy]:
    """Parties that are neither vendors nor public bodies (lenders, states, research centres)."""
    for organisation in (
        organisations().select_related("country").order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    ):
        entity = make("Organization", "organisation", organisation.slug)
        put(entity, "name", organisation.name)
        put(entity, "country", organisation.country and organisation.country.code)
        put(entity, "classification", organisation.get_kind_display())
        put(entity, "website", organisation.website)
        put(entity, "notes", organisation.notes)
        yield entity


def entities() -> Iterator[EntityProxy]:
    """Every published record as FtM entities; documents first, then whatever links to them."""
    for part in (sources, bodies, other_organisations, vendors, deployments, contracts):
        yield from part()


def json_lines(proxies: Iterable[EntityProxy]) -> Iterator[str]:
    """One compact JSON object per line (FtM's ``.ftm.json`` / ``.ijson`` stream format)."""
    for entity in proxies:
        yield json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
