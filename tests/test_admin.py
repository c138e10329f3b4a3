"""The curator admin: every page renders for a curator, and bad data comes back as form errors."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms import NullBooleanSelect
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deployments.choices import (
    CameraCountKind,
    ContractKind,
    DeploymentStatus,
    Disclosure,
    EventKind,
    GovernanceConcern,
    MeasuredThing,
    OrganisationKind,
    PartyRole,
    PlaceKind,
    PublicBodyKind,
    Purpose,
    Qualifier,
    VendorRole,
)
from deployments.models import (
    CameraCount,
    Contract,
    ContractCitation,
    ContractParty,
    Deployment,
    DeploymentCitation,
    DeploymentVendor,
    Event,
    Measurement,
    Place,
    PublicBody,
    StatedCost,
    Technology,
)
from deployments.models import Organisation as PartyOrganisation  # registry.choices has an Organisation
from registry.choices import (
    CountryKind,
    LegalFrameworkKind,
    LegalStatus,
    Organisation,
    Region,
    ReviewStatus,
    SourceKind,
)
from registry.curation.roles import ensure_curator_group, ensure_roles
from registry.models import (
    Country,
    CountryMembership,
    CountryMembershipCitation,
    LegalFramework,
    LegalFrameworkCitation,
    Source,
)
from tests import builders
from vendors.choices import DesignationList, Ownership
from vendors.models import Designation, Vendor, VendorCitation

CURATED_APPS = ("registry", "vendors", "deployments")
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in CURATED_APPS),
    key=lambda model: model._meta.label,
)
MODEL_IDS = [model._meta.label for model in REGISTERED]
SLUGGED_CURATED = [Deployment, Contract, Vendor, LegalFramework, Source]
COUNTRIES = [("RS", "Serbia"), ("IT", "Italy"), ("EC", "Ecuador"), ("CO", "Colombia")]


def build_world(n: int = 0) -> dict[type, object]:
    """One record of every kind registered in the admin, linked as in the seed cases."""
    code, country_name = COUNTRIES[n]
    eu, _ = Country.objects.get_or_create(
        code="EU", defaults={"name": "European Union", "kind": CountryKind.UNION, "region": Region.EUROPE}
    )
    country = Country.objects.get(code=code)  # every ISO country is there (a migration loads them)
    country.unions.add(eu)
    source = Source.objects.create(
        slug=f"report-{n}",
        title=f"Report number {n}",
        kind=SourceKind.NGO_REPORT,
        url=f"https://example.org/report-{n}",
        published_on="2019-03",
        language="en",
    )
    law = LegalFramework.objects.create(
        slug=f"data-protection-law-{n}",
        name=f"Law on Personal Data Protection {n}",
        kind=LegalFrameworkKind.DATA_PROTECTION_LAW,
        legal_status=LegalStatus.IN_FORCE,
        adopted_on="2018-11",
    )
    law.jurisdictions.add(country)
    membership = CountryMembership.objects.create(
        country=country, organisation=Organisation.BELT_AND_ROAD, joined_on="2017-02"
    )
    vendor = Vendor.objects.create(
        slug=f"vendor-{n}",
        name=f"Vendor {n}",
        aliases=[f"Alias Corp {n}"],
        headquarters_country=country,
        ownership=Ownership.PRIVATE,
    )
    technology = Technology.objects.create(slug=f"technology-{n}", name=f"Technology {n}", biometric=True)
    place = Place.objects.create(
        slug=f"city-{n}",
        name=f"City {n}",
        kind=PlaceKind.CITY,
        country=country,
        latitude=44.8,
        longitude=20.5,
    )
    body = PublicBody.objects.create(
        slug=f"ministry-{n}", name=f"Ministry {n}", kind=PublicBodyKind.MINISTRY, country=country, place=place
    )
    deployment = Deployment.objects.create(
        slug=f"safe-city-{n}",
        name=f"Safe City {n}",
        country=country,
        operator=body,
        status=DeploymentStatus.ACTIVE,
        started_on="2017-02",
        purposes=[Purpose.PUBLIC_SAFETY],
        governance_concerns=[GovernanceConcern.CONFIDENTIAL_CONTRACT],
    )
    deployment.places.add(place)
    deployment.technologies.add(technology)
    deployment.legal_frameworks.add(law)
    contract = Contract.objects.create(
        slug=f"contract-{n}",
        name=f"Contract {n}",
        kind=ContractKind.PROCUREMENT_CONTRACT,
        buyer=body,
        signed_on="2017-02-07",
        value_amount=1000000,
        value_currency="EUR",
        disclosure=Disclosure.CONFIDENTIAL,
    )
    contract.deployments.add(deployment)
    records = {
        Country: country,
        Source: source,
        LegalFramework: law,
        LegalFrameworkCitation: LegalFrameworkCitation.objects.create(record=law, source=source),
        CountryMembership: membership,
        CountryMembershipCitation: CountryMembershipCitation.objects.create(record=membership, source=source),
        Vendor: vendor,
        Designation: Designation.objects.create(
            vendor=vendor, list_name=DesignationList.US_ENTITY_LIST, designated_on="2019-05", source=source
        ),
        VendorCitation: VendorCitation.objects.create(record=vendor, source=source),
        Technology: technology,
        Place: place,
        PublicBody: body,
        Deployment: deployment,
        DeploymentVendor: DeploymentVendor.objects.create(
            deployment=deployment, vendor=vendor, role=VendorRole.SUPPLIER
        ),
        DeploymentCitation: DeploymentCitation.objects.create(record=deployment, source=source),
        CameraCount: CameraCount.objects.create(
            deployment=deployment,
            place=place,
            as_of="2019",
            cameras=1000,
            kind=CameraCountKind.INSTALLED,
            source=source,
        ),
        Event: Event.objects.create(
            deployment=deployment,
            kind=EventKind.AGREEMENT_SIGNED,
            occurred_on="2017-02-07",
            description="The contract was signed.",
            contract=contract,
            legal_framework=law,
            source=source,
        ),
        Measurement: Measurement.objects.create(
            deployment=deployment,
            what=MeasuredThing.CONTROL_CENTRES,
            as_of="2019",
            quantity=16,
            source=source,
        ),
        Contract: contract,
        ContractParty: ContractParty.objects.create(
            contract=contract, vendor=vendor, roles=[PartyRole.SUPPLIER], role=VendorRole.SUPPLIER
        ),
        PartyOrganisation: PartyOrganisation.objects.create(
            slug=f"lender-{n}", name=f"Lender {n}", kind=OrganisationKind.LENDER, country=country
        ),
        StatedCost: StatedCost.objects.create(
            deployment=deployment, description="Cameras", amount=1000, currency="EUR", source=source
        ),
        ContractCitation: ContractCitation.objects.create(record=contract, source=source),
    }
    return records


@pytest.fixture
def world(db):
    return build_world(0)


@pytest.fixture
def curator(db):
    user = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    user.groups.add(ensure_curator_group())
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(response) -> dict:
    """The POST data a browser would send back for an admin change form as it was rendered."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound_field in form:
            value = bound_field.value()
            if isinstance(bound_field.field.widget, NullBooleanSelect):
                data[bound_field.html_name] = {True: "true", False: "false"}.get(value, "unknown")
            elif value is None or value is False:
                continue
            elif value is True:
                data[bound_field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound_field.html_name] = [str(item) for item in value]
            else:
                data[bound_field.html_name] = str(value)
    return data


def add_inline_row(data: dict, prefix: str, **fields) -> dict:
    """Append one new row to the inline formset ``prefix`` of ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})
    return data


def all_errors(response) -> list[str]:
    """Every error message of the form and its inlines."""
    messages = list(response.context["adminform"].form.non_field_errors())
    for field_errors in response.context["adminform"].form.errors.values():
        messages.extend(field_errors)
    for inline in response.context["inline_admin_formsets"]:
        messages.extend(inline.formset.non_form_errors())
        for form_errors in inline.formset.errors:
            for field_errors in form_errors.values():
                messages.extend(field_errors)
    return messages


# --- Every page renders ----------------------------------------------------------------------------


def test_every_model_of_the_three_apps_is_registered():
    registered = set(REGISTERED)
    for expected in (Country, LegalFramework, Source, Vendor, Designation, Place, PublicBody, Technology):
        assert expected in registered
    for expected in (
        Deployment,
        Contract,
        CameraCount,
        Event,
        DeploymentCitation,
        ContractCitation,
        VendorCitation,
    ):
        assert expected in registered


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_changelist_renders_for_a_curator(curator_client, world, model):
    # Every ISO country is listed: find the world's among them.
    query = {"q": world[Country].code} if model is Country else {}
    response = curator_client.get(changelist_url(model), query)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    assert world[model] in list(response.context["cl"].result_list)


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_add_page_renders_for_a_curator(curator_client, world, model):
    response = curator_client.get(add_url(model))
    if model is Country:  # every ISO country is loaded by a migration: nobody adds one
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert response.context["add"] is True


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_change_page_renders_for_a_curator(curator_client, world, model):
    response = curator_client.get(change_url(world[model]))
    assert response.status_code == 200
    assert response.context["original"] == world[model]
    # A country is corrected by reviewers only: a curator's page is read-only.
    assert response.context["has_change_permission"] is (model is not Country)


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_changelist_query_count_does_not_grow_with_rows(curator_client, world, model):
    with CaptureQueriesContext(connection) as one_row:
        assert curator_client.get(changelist_url(model)).status_code == 200
    build_world(1)
    build_world(2)
    with CaptureQueriesContext(connection) as three_rows:
        response = curator_client.get(changelist_url(model))
    assert response.context["cl"].result_count >= 3
    assert len(three_rows) == len(one_row), [query["sql"] for query in three_rows.captured_queries]


def test_deployment_changelist_query_count_is_pinned(curator_client, world, django_assert_max_num_queries):
    for n in (1, 2, 3):
        build_world(n)
    with django_assert_max_num_queries(12):
        response = curator_client.get(changelist_url(Deployment))
    assert response.context["cl"].result_count == 4


def test_every_autocomplete_field_answers(curator_client, world):
    fields = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in CURATED_APPS:
            continue
        fields.extend((model, name) for name in model_admin.autocomplete_fields)
        for inline in model_admin.inlines:
            fields.extend((inline.model, name) for name in inline.autocomplete_fields)
    assert len(fields) >= 20
    for model, field_name in fields:
        response = curator_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": model._meta.app_label,
                "model_name": model._meta.model_name,
                "field_name": field_name,
            },
        )
        assert response.status_code == 200, (model, field_name)
        assert response.json()["results"], (model, field_name)


def test_vendor_autocomplete_finds_an_alias(curator_client, world):
    build_world(1)
    response = curator_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "deployments",
            "model_name": "deploymentvendor",
            "field_name": "vendor",
            "term": "alias corp 1",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == ["Vendor 1"]


def test_site_header(curator_client, world):
    response = curator_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Surveillance Deployment Registry" in response.text


# --- Lists: columns, search, filters ---------------------------------------------------------------


def test_deployment_list_shows_dates_as_the_source_gave_them(curator_client, world):
    response = curator_client.get(changelist_url(Deployment))
    assert "Feb 2017" in response.text
    row = response.context["cl"].result_list[0]
    assert row.citation_count == 1


def test_list_counts_are_per_row_and_sortable_without_grouping_the_table(curator_client, world):
    cited = Deployment.objects.exclude(citations=None).first()
    for n in range(2):
        cited.citations.create(source=builders.source(), field="", locator=f"p. {n}")
    with CaptureQueriesContext(connection) as queries:
        response = curator_client.get(changelist_url(Deployment), {"o": "-8"})  # citations, descending
    rows = list(response.context["cl"].result_list)
    assert [row.citation_count for row in rows] == sorted((r.citations.count() for r in rows), reverse=True)
    assert rows[0] == cited
    # The paginator counts the table, not a GROUP BY of it joined to the citations.
    counts = [
        query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")
    ]
    assert counts and not any("GROUP BY" in sql for sql in counts)


def test_contract_list_shows_signed_day_and_value(curator_client, world):
    response = curator_client.get(changelist_url(Contract))
    assert "7 Feb 2017" in response.text
    assert "1,000,000 EUR" in response.text


def test_search_finds_a_deployment_by_its_vendor(curator_client, world):
    build_world(1)
    response = curator_client.get(changelist_url(Deployment), {"q": "Vendor 1"})
    assert [deployment.slug for deployment in response.context["cl"].result_list] == ["safe-city-1"]
    response = curator_client.get(changelist_url(Deployment), {"q": "no such thing"})
    assert list(response.context["cl"].result_list) == []


def test_search_across_foreign_keys_finds_what_djangos_own_search_finds(curator_client, world):
    """Camera counts are searched by deployment, source and place names in those tables first; the
    rows found are those of Django's join-everything search, word by word, quoted phrases too."""
    for n in (1, 2):
        build_world(n)
    model_admin = admin.site._registry[CameraCount]
    request = RequestFactory().get("/")
    found_any = False
    for term in ["safe", "Safe City 1", '"safe city 2"', "city source", "no such thing", "1 2"]:
        ours, ours_duplicates = model_admin.get_search_results(request, CameraCount.objects.all(), term)
        django, _ = admin.ModelAdmin.get_search_results(model_admin, request, CameraCount.objects.all(), term)
        assert sorted(ours.values_list("pk", flat=True)) == sorted(django.values_list("pk", flat=True)), term
        assert not ours_duplicates
        found_any = found_any or ours.exists()
    assert found_any
    response = curator_client.get(changelist_url(CameraCount), {"q": "safe city 1"})
    assert response.status_code == 200
    assert {count.deployment.slug for count in response.context["cl"].result_list} == {"safe-city-1"}


def test_search_finds_a_vendor_by_its_alias(curator_client, world):
    build_world(1)
    response = curator_client.get(changelist_url(Vendor), {"q": "alias corp 1"})
    assert [vendor.slug for vendor in response.context["cl"].result_list] == ["vendor-1"]


def test_filters_narrow_the_deployment_list(curator_client, world):
    other = build_world(1)[Deployment]
    Deployment.objects.filter(pk=other.pk).update(
        status=DeploymentStatus.PLANNED, review_status=ReviewStatus.PUBLISHED, governance_concerns=[]
    )
    url = changelist_url(Deployment)
    by_status = curator_client.get(url, {"status__exact": DeploymentStatus.PLANNED})
    assert [d.pk for d in by_status.context["cl"].result_list] == [other.pk]
    by_review = curator_client.get(url, {"review_status__exact": ReviewStatus.DRAFT})
    assert [d.pk for d in by_review.context["cl"].result_list] == [world[Deployment].pk]
    by_concern = curator_client.get(url, {"governance_concerns": GovernanceConcern.CONFIDENTIAL_CONTRACT})
    assert [d.pk for d in by_concern.context["cl"].result_list] == [world[Deployment].pk]
    by_country = curator_client.get(url, {"country__id__exact": other.country_id})
    assert [d.pk for d in by_country.context["cl"].result_list] == [other.pk]


def test_camera_counts_filter_by_deployment_country(curator_client, world):
    other = build_world(1)
    response = curator_client.get(
        changelist_url(CameraCount), {"deployment__country__id__exact": other[Country].pk}
    )
    assert list(response.context["cl"].result_list) == [other[CameraCount]]


# --- Forms: inlines, checkboxes, one alias per line ------------------------------------------------


def test_deployment_change_page_shows_its_inlines(curator_client, world):
    response = curator_client.get(change_url(world[Deployment]))
    inlines = {inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) == {DeploymentVendor, CameraCount, Measurement, StatedCost, Event, DeploymentCitation}
    assert [form.instance for form in inlines[Event].initial_forms] == [world[Event]]
    assert [form.instance for form in inlines[Measurement].initial_forms] == [world[Measurement]]
    assert [form.instance for form in inlines[DeploymentVendor].initial_forms] == [world[DeploymentVendor]]
    assert [form.instance for form in inlines[CameraCount].initial_forms] == [world[CameraCount]]
    assert [form.instance for form in inlines[DeploymentCitation].initial_forms] == [
        world[DeploymentCitation]
    ]


@pytest.mark.parametrize(
    ("model", "inline_models"),
    [
        (Contract, {ContractParty, ContractCitation}),
        (Vendor, {Designation, VendorCitation}),
        (LegalFramework, {LegalFrameworkCitation}),
    ],
    ids=["contract", "vendor", "legal-framework"],
)
def test_other_change_pages_show_their_inlines(curator_client, world, model, inline_models):
    response = curator_client.get(change_url(world[model]))
    inlines = {inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert set(inlines) == inline_models
    for formset in inlines.values():
        assert len(formset.initial_forms) == 1


def test_array_choices_are_checkboxes_and_save_as_lists(curator_client, world):
    deployment = world[Deployment]
    response = curator_client.get(change_url(deployment))
    assert 'type="checkbox" name="governance_concerns"' in response.text
    assert 'type="checkbox" name="purposes"' in response.text
    data = form_data(response)
    data["purposes"] = [Purpose.PUBLIC_SAFETY, Purpose.TRAFFIC]
    data["governance_concerns"] = [GovernanceConcern.NO_OVERSIGHT_BODY, GovernanceConcern.DATA_STORED_ABROAD]
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    deployment.refresh_from_db()
    assert deployment.purposes == [Purpose.PUBLIC_SAFETY, Purpose.TRAFFIC]
    assert deployment.governance_concerns == [
        GovernanceConcern.NO_OVERSIGHT_BODY,
        GovernanceConcern.DATA_STORED_ABROAD,
    ]


def test_unknown_purpose_is_refused(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    data["purposes"] = ["mind-reading"]
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert any("mind-reading" in message for message in all_errors(response))
    deployment.refresh_from_db()
    assert deployment.purposes == [Purpose.PUBLIC_SAFETY]


def test_vendor_aliases_one_per_line(curator_client, world):
    vendor = world[Vendor]
    response = curator_client.get(change_url(vendor))
    assert "<textarea" in response.text and "Alias Corp 0" in response.text
    data = form_data(response)
    data["aliases"] = "Hikvision\r\n  Hangzhou Hikvision Digital Technology \r\n\r\nHikvision"
    response = curator_client.post(change_url(vendor), data)
    assert response.status_code == 302, all_errors(response)
    vendor.refresh_from_db()
    assert vendor.aliases == ["Hikvision", "Hangzhou Hikvision Digital Technology"]


def test_camera_count_added_through_the_deployment_inline(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "camera_counts",
        as_of="2021-06",
        qualifier=Qualifier.EXACT,  # the select's default, which a browser sends
        cameras=8100,
        kind=CameraCountKind.PLANNED,
        source=world[Source].pk,
        confidence="reported",
        review_status=ReviewStatus.DRAFT,
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    assert deployment.camera_counts.filter(as_of="2021-06", cameras=8100).exists()


def test_qualified_count_and_measurement_added_through_the_deployment_inlines(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "camera_counts",
        as_of="2021-08-10",
        qualifier=Qualifier.AT_LEAST,
        cameras=1200,
        kind=CameraCountKind.INSTALLED,
        source=world[Source].pk,
        confidence="confirmed",
    )
    add_inline_row(
        data,
        "measurements",
        what=MeasuredThing.STAFF,
        as_of="",  # undated: the source's date (Mar 2019) is its date
        qualifier=Qualifier.AT_LEAST,
        quantity=3000,
        source=world[Source].pk,
        confidence="confirmed",
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    count = deployment.camera_counts.get(cameras=1200)
    assert (count.qualifier, count.review_status) == (Qualifier.AT_LEAST, ReviewStatus.DRAFT)
    staff = deployment.measurements.get(what=MeasuredThing.STAFF)
    assert (staff.quantity, staff.qualifier, staff.as_of, staff.timeline_date) == (
        3000,
        "at-least",
        "",
        "2019-03",
    )
    changelist = curator_client.get(changelist_url(CameraCount), {"qualifier__exact": "at-least"})
    assert list(changelist.context["cl"].result_list) == [count]
    assert "≥ 1,200" in changelist.content.decode()


def test_undated_figure_of_an_undated_source_is_a_form_error(curator_client, world):
    deployment = world[Deployment]
    undated = Source.objects.create(slug="undated-repost", title="A repost", kind=SourceKind.NEWS)
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "measurements",
        what=MeasuredThing.CONTROL_CENTRES,
        as_of="",
        quantity=16,
        source=undated.pk,
        confidence="reported",
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert any("its source has no published date either" in message for message in all_errors(response))
    assert deployment.measurements.count() == 1  # the world's own, nothing added


def test_add_deployment_with_a_vendor_and_a_citation(curator_client, world):
    response = curator_client.get(add_url(Deployment))
    assert response.context["prepopulated_fields"][0]["field"].name == "slug"
    data = form_data(response)
    data.update(
        name="Smart City",
        slug="smart-city",
        country=str(world[Country].pk),
        status=DeploymentStatus.PILOTING,
        started_on="2019",
        review_status=ReviewStatus.DRAFT,
        data_location="unknown",
    )
    add_inline_row(data, "vendor_roles", vendor=world[Vendor].pk, role=VendorRole.INTEGRATOR)
    add_inline_row(data, "citations", source=world[Source].pk, field="started_on", confidence="confirmed")
    response = curator_client.post(add_url(Deployment), data)
    assert response.status_code == 302, all_errors(response)
    deployment = Deployment.objects.get(slug="smart-city")
    assert deployment.vendor_roles.get().role == VendorRole.INTEGRATOR
    assert deployment.citations.get().field == "started_on"


# --- Bad data comes back as form errors, and nothing is written ------------------------------------


def test_deployment_ending_before_it_starts(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    data["ended_on"] = "2016"
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert "A deployment cannot end before it starts." in all_errors(response)
    assert "A deployment cannot end before it starts." in response.text
    deployment.refresh_from_db()
    assert deployment.ended_on == ""


def test_negative_camera_count_in_the_inline(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "camera_counts",
        as_of="2020",
        cameras=-5,
        kind=CameraCountKind.INSTALLED,
        source=world[Source].pk,
    )
    data["name"] = "Renamed in the same save"
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in all_errors(response)
    assert CameraCount.objects.count() == 1
    deployment.refresh_from_db()
    assert deployment.name == "Safe City 0"


def test_invalid_fuzzy_date_in_the_inline(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "camera_counts",
        as_of="2017-02-30",
        cameras=5,
        kind=CameraCountKind.INSTALLED,
        source=world[Source].pk,
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert "2017-02-30 is not a day of the calendar." in all_errors(response)
    assert CameraCount.objects.count() == 1


def test_invalid_fuzzy_date_on_the_record(curator_client, world):
    source = world[Source]
    data = form_data(curator_client.get(change_url(source)))
    data["published_on"] = "2017-02-30"
    response = curator_client.post(change_url(source), data)
    assert response.status_code == 200
    assert "2017-02-30 is not a day of the calendar." in all_errors(response)
    data["published_on"] = "Feb 2017"
    response = curator_client.post(change_url(source), data)
    assert any("is not a date: write YYYY, YYYY-MM or YYYY-MM-DD" in m for m in all_errors(response))
    source.refresh_from_db()
    assert source.published_on == "2019-03"


def test_negative_camera_count_on_its_own_page(curator_client, world):
    data = form_data(curator_client.get(add_url(CameraCount)))
    data.update(
        deployment=str(world[Deployment].pk),
        as_of="2020",
        cameras="-1",
        kind=CameraCountKind.INSTALLED,
        source=str(world[Source].pk),
    )
    response = curator_client.post(add_url(CameraCount), data)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in all_errors(response)
    assert CameraCount.objects.count() == 1


def test_unknown_currency(curator_client, world):
    contract = world[Contract]
    data = form_data(curator_client.get(change_url(contract)))
    data["value_currency"] = "XYZ"
    response = curator_client.post(change_url(contract), data)
    assert response.status_code == 200
    assert "XYZ is not an ISO 4217 currency code (e.g. EUR, USD, COP)." in all_errors(response)
    contract.refresh_from_db()
    assert contract.value_currency == "EUR"


def test_value_without_currency(curator_client, world):
    contract = world[Contract]
    data = form_data(curator_client.get(change_url(contract)))
    data["value_currency"] = ""
    response = curator_client.post(change_url(contract), data)
    assert response.status_code == 200
    assert "A value needs its ISO 4217 currency, and a currency needs a value." in all_errors(response)


def test_duplicate_contract_party_in_the_inline(curator_client, world):
    contract = world[Contract]
    data = form_data(curator_client.get(change_url(contract)))
    add_inline_row(data, "parties", vendor=world[Vendor].pk, roles=PartyRole.FUNDER)
    response = curator_client.post(change_url(contract), data)
    assert response.status_code == 200
    assert "This party is already recorded for this contract from this source." in all_errors(response)
    assert ContractParty.objects.count() == 1


def test_place_with_half_its_coordinates(curator_client, world):
    place = world[Place]
    data = form_data(curator_client.get(change_url(place)))
    data["longitude"] = ""
    response = curator_client.post(change_url(place), data)
    assert response.status_code == 200
    assert "Give both latitude and longitude, or neither." in all_errors(response)


def test_malformed_wikidata_qid(curator_client, world):
    vendor = world[Vendor]
    data = form_data(curator_client.get(change_url(vendor)))
    data["wikidata_qid"] = "160120"
    response = curator_client.post(change_url(vendor), data)
    assert response.status_code == 200
    assert "A Wikidata QID is Q followed by digits, e.g. Q160120." in all_errors(response)


def test_vendor_as_its_own_parent(curator_client, world):
    vendor = world[Vendor]
    data = form_data(curator_client.get(change_url(vendor)))
    data["parent"] = str(vendor.pk)
    response = curator_client.post(change_url(vendor), data)
    assert response.status_code == 200
    assert "A vendor cannot be its own parent." in all_errors(response)
    vendor.refresh_from_db()
    assert vendor.parent is None


def test_second_source_with_the_same_url(curator_client, world):
    data = form_data(curator_client.get(add_url(Source)))
    data.update(title="Same report", slug="same-report", kind=SourceKind.NEWS, url=world[Source].url)
    response = curator_client.post(add_url(Source), data)
    assert response.status_code == 200
    assert "Another source already has this URL." in all_errors(response)
    assert Source.objects.count() == 1


def test_no_country_is_added_and_no_code_changed(client, world):
    _, reviewers = ensure_roles()
    reviewer = get_user_model().objects.create_user("rev", password="a long test password", is_staff=True)
    reviewer.groups.add(reviewers)
    client.force_login(reviewer)
    response = client.post(add_url(Country), {"code": "XK", "name": "Kosovo", "kind": "country"})
    assert response.status_code == 403
    assert not Country.objects.filter(code="XK").exists()
    country = world[Country]
    data = form_data(client.get(change_url(country)))
    data.update(code="XK", name="Srbija")
    assert client.post(change_url(country), data).status_code == 302
    country.refresh_from_db()
    assert (country.code, country.name) == ("RS", "Srbija")  # the ISO code is read-only


def test_citation_of_a_field_the_record_does_not_have(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(data, "citations", source=world[Source].pk, field="colour", confidence="reported")
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert any("colour" in message for message in all_errors(response))
    assert DeploymentCitation.objects.count() == 1


# --- Published slugs -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", SLUGGED_CURATED, ids=[m._meta.label for m in SLUGGED_CURATED])
def test_published_slug_is_read_only(curator_client, world, model):
    record = world[model]
    model.objects.filter(pk=record.pk).update(review_status=ReviewStatus.PUBLISHED)
    response = curator_client.get(change_url(record))
    assert "slug" not in response.context["adminform"].form.fields
    assert record.slug in response.text
    data = form_data(response)
    data["slug"] = "a-new-public-url"
    response = curator_client.post(change_url(record), data)
    assert response.status_code == 302, all_errors(response)
    record.refresh_from_db()
    assert record.slug == model.objects.get(pk=record.pk).slug != "a-new-public-url"


def test_draft_slug_can_still_change(curator_client, world):
    deployment = world[Deployment]
    response = curator_client.get(change_url(deployment))
    assert "slug" in response.context["adminform"].form.fields
    data = form_data(response)
    data["slug"] = "safe-city-belgrade"
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    deployment.refresh_from_db()
    assert deployment.slug == "safe-city-belgrade"


# --- Who may do what -------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, world):
    for url in (changelist_url(Deployment), change_url(world[Deployment]), add_url(Contract)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_curator_cannot_delete_a_deployment(curator_client, world):
    deployment = world[Deployment]
    delete_url = reverse("admin:deployments_deployment_delete", args=[deployment.pk])
    assert curator_client.get(delete_url).status_code == 403
    assert curator_client.post(delete_url, {"post": "yes"}).status_code == 403
    response = curator_client.get(changelist_url(Deployment))
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
    curator_client.post(
        changelist_url(Deployment),
        {"action": "delete_selected", "_selected_action": [deployment.pk], "post": "yes"},
    )
    assert Deployment.objects.filter(pk=deployment.pk).exists()


def test_curator_can_remove_a_citation_in_the_inline(curator_client, world):
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    data["citations-0-DELETE"] = "on"
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    assert not deployment.citations.exists()


def test_camera_counts_are_never_deleted_by_curators(curator_client, world):
    response = curator_client.get(change_url(world[Deployment]))
    inlines = {inline.formset.model: inline.formset for inline in response.context["inline_admin_formsets"]}
    assert inlines[CameraCount].can_delete is False
    assert inlines[DeploymentCitation].can_delete is True


# --- The seed data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_changelist_renders_the_seed_data(curator_client, seed, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = curator_client.get(changelist_url(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count()
