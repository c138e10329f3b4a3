"""Contracts as the Open Contracting Data Standard (OCDS 1.1): one release per published contract, in
a release package (``?format=ocds`` on /api/v1/contracts/ and on a contract's detail).

The mapping (docs/using-the-data-elsewhere.md#ocds documents it for users):

- ``ocid``: ``OCDS_OCID_PREFIX`` (a setting; a placeholder until the publisher registers its prefix
  with the OCDS helpdesk), a hyphen and the contract's slug, which never changes once published;
- ``id`` and ``date``: the latest change of the contract or of anything its release shows (buyer,
  parties, deployments, sources), so that a release that differs has another id;
- ``tag``: ``contract``, or ``tender`` for a call for bids (which has no award nor contract yet);
- ``parties``: the buyer (``buyer``) and the contract's parties (vendors, public bodies, other
  organisations), each once with its OCDS roles (the registry stores OCDS party roles);
  ``details.registryRoles`` keeps a vendor's finer registry role (integrator, subcontractor...),
  ``details.contributions`` what each source says the party contributes, and ``details.url`` links
  the party's record in this API (an organisation has none);
- ``awards`` and ``contracts``: one each, the award's suppliers being the parties with the
  ``supplier`` role and its items the contract's deployments;
- fuzzy dates (registry/fuzzydates.py): ``dateSigned`` and ``datePublished`` only when the day is
  known (its 00:00 UTC: sources give no time of day); ``dateSignedAsGiven`` and
  ``datePublishedAsGiven`` always hold the date as the source gives it (YYYY, YYYY-MM or YYYY-MM-DD);
- ``documents``: the contract's published sources, each once.

Everything read comes from the published-only selectors (deployments/selectors.py): a draft or
retracted vendor, public body, organisation, deployment or source is never a party, item or document.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from api.licence import DATA_LICENCE_URL
from api.links import cached_link
from api.serializers.deployments import PARTY_DETAIL_VIEWS
from deployments.choices import ContractKind, PartyRole, ProcurementMethod
from registry.fuzzydates import DAY, fuzzy_date_precision

OCDS_VERSION = "1.1"
PARTY_ROLES = sorted(PartyRole.values)
# The closed method codelist: only the registry's methods that are one of its codes.
PROCUREMENT_METHODS = {ProcurementMethod.TENDER: "open", ProcurementMethod.DIRECT_AWARD: "direct"}
TAGS = ("contract", "tender")


def ocid(contract) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{contract.slug}"


def date_time(moment: datetime) -> str:
    """An aware datetime as OCDS's date-time (RFC 3339), in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def fuzzy_date_fields(name: str, value: str) -> dict:
    """``name`` as a date-time when the day is known; ``<name>AsGiven`` whenever the date is."""
    if not value:
        return {}
    fields = {f"{name}AsGiven": value}
    if fuzzy_date_precision(value) == DAY:
        fields = {name: f"{value}T00:00:00Z", **fields}
    return fields


def value(contract) -> dict:
    if contract.value_amount is None:
        return {}
    return {"value": {"amount": contract.value_amount, "currency": contract.value_currency}}


def organization(id_: str, record, url: str | None, roles: Iterable[str]) -> dict:
    entry = {"id": id_, "name": record.name, "roles": list(dict.fromkeys(roles))}
    country = getattr(record, "country", None)
    if country is not None:
        entry["address"] = {"countryName": country.name}
    entry["details"] = {"url": url} if url else {}
    return entry


def contribution(party) -> dict:
    found = {"amount": party.contribution_amount, "currency": party.contribution_currency}
    if party.source is not None:
        found["source"] = party.source.slug
    return found


def parties(contract, context: dict) -> list[dict]:
    """The buyer, then each party once (one row per source in the registry) with all its roles, in
    the order of the contract's parties."""
    found = {}
    if contract.buyer is not None:
        url = cached_link(context, "api:public-body-detail", "slug", contract.buyer.slug)
        buyer_id = f"public-body-{contract.buyer.slug}"
        found[buyer_id] = organization(buyer_id, contract.buyer, url, ["buyer"])
    for party in contract.public_parties:
        record, kind = party.party, party.kind
        id_ = f"{kind}-{record.slug}"
        if id_ not in found:
            view = PARTY_DETAIL_VIEWS.get(kind)
            url = cached_link(context, view, "slug", record.slug) if view else None
            found[id_] = organization(id_, record, url, ())
        entry = found[id_]
        entry["roles"] = list(dict.fromkeys([*entry["roles"], *party.roles]))
        if party.role:
            registry_roles = entry["details"].setdefault("registryRoles", [])
            registry_roles += [party.role] if party.role not in registry_roles else []
        if party.contribution_amount is not None:
            entry["details"].setdefault("contributions", []).append(contribution(party))
    return list(found.values())


def reference(party: dict) -> dict:
    return {"id": party["id"], "name": party["name"]}


def documents(contract) -> list[dict]:
    """The contract's published sources, each once (a source may support several fields)."""
    sources = {citation.source.slug: citation.source for citation in contract.citations.all()}
    found = []
    for source in sources.values():
        document = {"id": source.slug, "title": source.title}
        if source.publisher:
            document["description"] = source.publisher
        if source.url or source.archived_url:
            document["url"] = source.url or source.archived_url
        document.update(fuzzy_date_fields("datePublished", source.published_on))
        if source.language:
            document["language"] = source.language
        found.append(document)
    return found


def latest_change(contract) -> datetime:
    """When the contract, or anything its release shows, last changed."""
    shown = [contract, contract.buyer, *(party.party for party in contract.public_parties)]
    shown += [*contract.deployments.all(), *(citation.source for citation in contract.citations.all())]
    return max(record.updated_at for record in shown if record is not None)


def described(contract) -> dict:
    return {"description": contract.summary} if contract.summary else {}


def tender(contract) -> dict:
    entry = {"id": f"{contract.slug}-tender"}
    if contract.procurement_method in PROCUREMENT_METHODS:
        entry["procurementMethod"] = PROCUREMENT_METHODS[contract.procurement_method]
    if contract.procurement_method != ProcurementMethod.UNKNOWN:
        entry["procurementMethodDetails"] = contract.get_procurement_method_display()
    return entry


def release(contract, context: dict) -> dict:
    """The OCDS release of a contract from ``public_contracts()`` (its relations prefetched)."""
    changed = latest_change(contract)
    entry = {
        "ocid": ocid(contract),
        "id": f"{contract.slug}-{changed.astimezone(UTC):%Y%m%dT%H%M%S%fZ}",
        "date": date_time(changed),
        "tag": ["tender" if contract.kind == ContractKind.TENDER else "contract"],
        "initiationType": "tender",
        "parties": parties(contract, context),
    }
    buyers = [party for party in entry["parties"] if "buyer" in party["roles"]]
    if buyers:
        entry["buyer"] = reference(buyers[0])
    entry["tender"] = tender(contract)
    items = [
        {"id": f"deployment-{deployment.slug}", "description": deployment.name}
        for deployment in contract.deployments.all()
    ]
    sources = documents(contract)
    if contract.kind == ContractKind.TENDER:
        entry["tender"].update(title=contract.name, **described(contract), **value(contract))
        entry["tender"].update({"items": items} if items else {})
        entry["tender"].update({"documents": sources} if sources else {})
        return entry
    award = {
        "id": f"{contract.slug}-award",
        "title": contract.name,
        "suppliers": [reference(party) for party in entry["parties"] if "supplier" in party["roles"]],
        **value(contract),
    }
    if items:
        award["items"] = items
    entry["awards"] = [award]
    entry["contracts"] = [
        {
            "id": contract.slug,
            "awardID": award["id"],
            "title": contract.name,
            **described(contract),
            **value(contract),
            **fuzzy_date_fields("dateSigned", contract.signed_on),
            "documents": sources,
        }
    ]
    return entry


def package_metadata(request, published: datetime | None) -> dict:
    """The release package without its releases; ``published``: the latest public change of what
    it shows (the response's Last-Modified), now when none was noted."""
    metadata = {
        "uri": request.build_absolute_uri(),
        "version": OCDS_VERSION,
        "publishedDate": date_time(published or timezone.now()),
        "publisher": {"name": settings.OCDS_PUBLISHER_NAME},
        "license": DATA_LICENCE_URL,
    }
    if settings.OCDS_PUBLICATION_POLICY_URL:
        metadata["publicationPolicy"] = settings.OCDS_PUBLICATION_POLICY_URL
    return metadata


def dumps(data) -> str:
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False)


def package_chunks(metadata: dict, contracts: Iterable, context: dict) -> Iterator[str]:
    """The release package as JSON text, one release at a time (so memory stays flat)."""
    head = dumps(metadata)
    yield head[:-1] + ', "releases": ['
    separator = "\n"
    for contract in contracts:
        yield separator + dumps(release(contract, context))
        separator = ",\n"
    yield "\n]}\n"
