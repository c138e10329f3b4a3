"""Flat rows for the CSV and GeoJSON exports: one column per value, related records by slug and
name, several values joined by "; " (aligned lists: the n-th slug goes with the n-th name), dates
as stored ("2017-02"). The export renderers write these rows; the CSV one escapes formulas."""

from rest_framework import serializers

from api.serializers.fields import JoinedField, LinkField, flat


class ExportSerializer(serializers.Serializer):
    def geometry(self, obj) -> dict | None:
        return None


def point(place) -> list[float] | None:
    if place.latitude is None or place.longitude is None:
        return None
    return [float(place.longitude), float(place.latitude)]


class CountryExportSerializer(ExportSerializer):
    code = flat("code")
    url = LinkField("api:country-detail", "code")
    name = flat("name")
    kind = flat("kind")
    region = flat("region")
    subregion = flat("subregion")
    union_codes = JoinedField("code", source="unions")
    # Published memberships as "organisation joined/left" (ISO 8601 intervals; "/.." while a member).
    memberships = JoinedField("interval")


class LegalFrameworkExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:legal-framework-detail")
    name = flat("name")
    short_name = flat("short_name")
    kind = flat("kind")
    status = flat("legal_status")
    jurisdiction_codes = JoinedField("code", source="jurisdictions")
    jurisdiction_names = JoinedField("name", source="jurisdictions")
    reference = flat("reference")
    proposed_on = flat("proposed_on")
    adopted_on = flat("adopted_on")
    published_on = flat("published_on")
    in_force_on = flat("in_force_on")
    applies_from = flat("applies_from")
    ended_on = flat("ended_on")
    amends_slug = flat("amends.slug")
    oversight_authority = flat("oversight_authority")
    covers_biometric_surveillance = flat("covers_biometric_surveillance")
    official_url = flat("official_url")
    summary = flat("summary")
    citation_sources = JoinedField("source.slug", source="citations")


class SourceExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:source-detail")
    title = flat("title")
    author = flat("author")
    publisher = flat("publisher")
    kind = flat("kind")
    original_url = flat("url")
    archived_url = flat("archived_url")
    doi = flat("doi")
    published_on = flat("published_on")
    accessed_on = flat("accessed_on")
    language = flat("language")


class VendorExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:vendor-detail")
    name = flat("name")
    legal_name = flat("legal_name")
    aliases = JoinedField()
    headquarters_country_code = flat("headquarters_country.code")
    headquarters_country_name = flat("headquarters_country.name")
    parent_slug = flat("parent.slug")
    parent_name = flat("parent.name")
    ownership = flat("ownership")
    website = flat("website")
    wikidata_qid = flat("wikidata_qid")
    designations = JoinedField("list_name")
    designated_on = JoinedField("designated_on", source="designations")
    description = flat("description")
    citation_sources = JoinedField("source.slug", source="citations")


class TechnologyExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:technology-detail")
    name = flat("name")
    biometric = flat("biometric")
    description = flat("description")


class PlaceExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:place-detail")
    name = flat("name")
    kind = flat("kind")
    country_code = flat("country.code")
    country_name = flat("country.name")
    parent_slug = flat("parent.slug")
    parent_name = flat("parent.name")
    latitude = flat("latitude")
    longitude = flat("longitude")

    def geometry(self, obj):
        coordinates = point(obj)
        return {"type": "Point", "coordinates": coordinates} if coordinates else None


class PublicBodyExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:public-body-detail")
    name = flat("name")
    kind = flat("kind")
    country_code = flat("country.code")
    country_name = flat("country.name")
    place_slug = flat("place.slug")
    place_name = flat("place.name")
    parent_slug = flat("parent.slug")
    parent_name = flat("parent.name")
    website = flat("website")


class OrganisationExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:organisation-detail")
    name = flat("name")
    kind = flat("kind")
    country_code = flat("country.code")
    country_name = flat("country.name")
    website = flat("website")
    notes = flat("notes")


class DeploymentExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:deployment-detail")
    name = flat("name")
    country_code = flat("country.code")
    country_name = flat("country.name")
    region = flat("country.region")
    place_slugs = JoinedField("slug", source="places")
    place_names = JoinedField("name", source="places")
    # Where the places are (aligned with place_slugs; empty where a place has no coordinates).
    place_latitudes = JoinedField("latitude", source="places")
    place_longitudes = JoinedField("longitude", source="places")
    operator_slug = flat("operator.slug")
    operator_name = flat("operator.name")
    status = flat("status")
    started_on = flat("started_on")
    ended_on = flat("ended_on")
    technology_slugs = JoinedField("slug", source="technologies")
    technology_names = JoinedField("name", source="technologies")
    vendor_slugs = JoinedField("vendor.slug", source="vendor_roles")
    vendor_names = JoinedField("vendor.name", source="vendor_roles")
    vendor_roles = JoinedField("role")
    purposes = JoinedField()
    data_location = flat("data_location")
    data_managed_by = flat("data_managed_by")
    governance_concerns = JoinedField()
    legal_framework_slugs = JoinedField("slug", source="legal_frameworks")
    legal_framework_names = JoinedField("name", source="legal_frameworks")
    contract_slugs = JoinedField("slug", source="contracts")
    summary = flat("summary")
    citation_sources = JoinedField("source.slug", source="citations")
    # The cited sources' addresses (aligned with citation_sources; empty where a source has none).
    citation_urls = JoinedField("source.url", source="citations")
    citation_archived_urls = JoinedField("source.archived_url", source="citations")
    updated_at = flat("updated_at")

    def geometry(self, obj):
        """A MultiPoint of the deployment's located places; null when none has coordinates."""
        coordinates = [c for c in (point(place) for place in obj.places.all()) if c]
        return {"type": "MultiPoint", "coordinates": coordinates} if coordinates else None


class ContractExportSerializer(ExportSerializer):
    slug = flat("slug")
    url = LinkField("api:contract-detail")
    name = flat("name")
    kind = flat("kind")
    buyer_slug = flat("buyer.slug")
    buyer_name = flat("buyer.name")
    buyer_country_code = flat("buyer.country.code")
    signed_on = flat("signed_on")
    value_amount = flat("value_amount")
    value_currency = flat("value_currency")
    value_note = flat("value_note")
    financing = flat("financing")
    disclosure = flat("disclosure")
    procurement_method = flat("procurement_method")
    vendor_slugs = JoinedField("vendor.slug", source="parties")
    vendor_names = JoinedField("vendor.name", source="parties")
    vendor_roles = JoinedField("role", source="parties")
    # Every kind of party, one per source (aligned columns; roles within a party joined by ",").
    party_kinds = JoinedField("kind", source="public_parties")
    party_slugs = JoinedField("party.slug", source="public_parties")
    party_names = JoinedField("party.name", source="public_parties")
    party_roles = JoinedField("role_codes", source="public_parties")
    party_contribution_amounts = JoinedField("contribution_amount", source="public_parties")
    party_contribution_currencies = JoinedField("contribution_currency", source="public_parties")
    party_sources = JoinedField("source.slug", source="public_parties")
    party_confidences = JoinedField("confidence", source="public_parties")
    deployment_slugs = JoinedField("slug", source="deployments")
    deployment_names = JoinedField("name", source="deployments")
    summary = flat("summary")
    citation_sources = JoinedField("source.slug", source="citations")
    updated_at = flat("updated_at")


class CameraCountExportSerializer(ExportSerializer):
    public_id = flat("public_id")
    url = LinkField("api:camera-count-detail", "public_id")
    deployment_slug = flat("deployment.slug")
    deployment_name = flat("deployment.name")
    country_code = flat("deployment.country.code")
    as_of = flat("as_of")
    reported_on = flat("source.published_on")
    qualifier = flat("qualifier")
    cameras = flat("cameras")
    locations = flat("locations")
    kind = flat("kind")
    phase = flat("phase")
    place_slug = flat("place.slug")
    place_name = flat("place.name")
    source_slug = flat("source.slug")
    source_title = flat("source.title")
    locator = flat("locator")
    confidence = flat("confidence")
    notes = flat("notes")
    updated_at = flat("updated_at")


class EventExportSerializer(ExportSerializer):
    public_id = flat("public_id")
    url = LinkField("api:event-detail", "public_id")
    deployment_slug = flat("deployment.slug")
    deployment_name = flat("deployment.name")
    country_code = flat("deployment.country.code")
    kind = flat("kind")
    occurred_on = flat("occurred_on")
    description = flat("description")
    contract_slug = flat("contract.slug")
    legal_framework_slug = flat("legal_framework.slug")
    source_slug = flat("source.slug")
    source_title = flat("source.title")
    source_url = flat("source.url")
    locator = flat("locator")
    quote = flat("quote")


class StatedCostExportSerializer(ExportSerializer):
    public_id = flat("public_id")
    url = LinkField("api:stated-cost-detail", "public_id")
    deployment_slug = flat("deployment.slug")
    deployment_name = flat("deployment.name")
    country_code = flat("deployment.country.code")
    description = flat("description")
    qualifier = flat("qualifier")
    amount = flat("amount")
    currency = flat("currency")
    period_start = flat("period_start")
    period_end = flat("period_end")
    source_slug = flat("source.slug")
    source_title = flat("source.title")
    locator = flat("locator")
    confidence = flat("confidence")


class MeasurementExportSerializer(ExportSerializer):
    public_id = flat("public_id")
    url = LinkField("api:measurement-detail", "public_id")
    deployment_slug = flat("deployment.slug")
    deployment_name = flat("deployment.name")
    country_code = flat("deployment.country.code")
    what = flat("what")
    as_of = flat("as_of")
    reported_on = flat("source.published_on")
    qualifier = flat("qualifier")
    quantity = flat("quantity")
    place_slug = flat("place.slug")
    place_name = flat("place.name")
    source_slug = flat("source.slug")
    source_title = flat("source.title")
    locator = flat("locator")
    confidence = flat("confidence")
    notes = flat("notes")
    updated_at = flat("updated_at")
