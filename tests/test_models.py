"""Impossible data is refused by the database on every path, and by validation with a clear message."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from deployments.derived import UNDATED_MESSAGE
from deployments.models import CameraCount, Contract, Deployment, DeploymentCitation, Place
from registry.choices import ReviewStatus
from registry.models import Country, Source
from tests import builders

pytestmark = pytest.mark.django_db


def refused_by_database(sql: str, params=()) -> str:
    """Run raw SQL that bypasses Django validation; return the database's error."""
    with (
        pytest.raises((IntegrityError, InternalError, ProgrammingError)) as error,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    return str(error.value)


def validation_messages(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def test_negative_camera_count_is_refused():
    count = builders.camera_count(cameras=10)
    count.cameras = -1
    assert "Ensure this value is greater than or equal to 0." in validation_messages(count)["cameras"]
    message = refused_by_database("UPDATE deployments_cameracount SET cameras = -1 WHERE id = %s", [count.pk])
    assert "cameras" in message


def test_undated_camera_count_of_an_undated_source_is_refused():
    count = builders.camera_count(source_obj=builders.source(published_on=""))
    count.as_of = ""
    assert validation_messages(count)["as_of"] == [UNDATED_MESSAGE]
    message = refused_by_database("UPDATE deployments_cameracount SET as_of = '' WHERE id = %s", [count.pk])
    assert "deployments_cameracount_dated" in message or UNDATED_MESSAGE in message
    count.refresh_from_db()
    assert count.as_of == "2019"


def test_undated_camera_count_takes_its_sources_date_and_follows_it():
    source = builders.source(published_on="2021-08")
    count = builders.camera_count(as_of="", source_obj=source)
    count.full_clean()
    count.refresh_from_db()
    assert (count.timeline_date, count.timeline_date_basis, count.reported_on) == (
        "2021-08",
        "reported_on",
        "2021-08",
    )
    Source.objects.filter(pk=source.pk).update(published_on="2021-09-02")
    count.refresh_from_db()
    assert count.timeline_date == "2021-09-02"
    # The source's date cannot be removed while a count relies on it.
    assert UNDATED_MESSAGE in refused_by_database(
        "UPDATE registry_source SET published_on = '' WHERE id = %s", [source.pk]
    )


def test_conflicting_counts_for_the_same_date_coexist():
    deployment = builders.deployment()
    builders.camera_count(deployment=deployment, as_of="2019", cameras=1000, locations=800)
    builders.camera_count(deployment=deployment, as_of="2019", cameras=1200)
    assert sorted(CameraCount.objects.filter(deployment=deployment).values_list("cameras", flat=True)) == [
        1000,
        1200,
    ]


def test_end_before_start_is_refused_at_the_coarser_precision():
    deployment = builders.deployment(started_on="2018-05", ended_on="2018")  # same year: allowed
    deployment.full_clean()
    deployment.ended_on = "2017-12"
    assert validation_messages(deployment)["ended_on"] == ["A deployment cannot end before it starts."]
    assert "deployment_ended_after_started" in refused_by_database(
        "UPDATE deployments_deployment SET ended_on = '2017' WHERE id = %s", [deployment.pk]
    )


@pytest.mark.parametrize("bad_date", ["2017-13", "17", "2017-02-3", "next year"])
def test_malformed_dates_are_refused_by_the_column_check(bad_date):
    deployment = builders.deployment()
    deployment.started_on = bad_date
    assert "started_on" in validation_messages(deployment)
    assert "started_on" in refused_by_database(
        "UPDATE deployments_deployment SET started_on = %s WHERE id = %s", [bad_date, deployment.pk]
    )


def test_impossible_calendar_day_gets_a_clear_message():
    deployment = builders.deployment()
    deployment.started_on = "2017-02-30"
    assert validation_messages(deployment)["started_on"] == ["2017-02-30 is not a day of the calendar."]


def test_unknown_currency_is_refused():
    contract = builders.contract(value_amount=1000, value_currency="EUR")
    contract.value_currency = "EUX"
    assert validation_messages(contract)["value_currency"] == [
        "EUX is not an ISO 4217 currency code (e.g. EUR, USD, COP)."
    ]
    assert "value_currency" in refused_by_database(
        "UPDATE deployments_contract SET value_currency = 'EUX' WHERE id = %s", [contract.pk]
    )


def test_value_needs_a_currency_and_cannot_be_negative():
    contract = builders.contract()
    contract.value_amount = 5
    assert validation_messages(contract)["__all__"] == [
        "A value needs its ISO 4217 currency, and a currency needs a value."
    ]
    contract.value_currency = "USD"
    contract.value_amount = -5
    assert "A contract value cannot be negative." in validation_messages(contract)["value_amount"]
    assert "contract_value_not_negative" in refused_by_database(
        "UPDATE deployments_contract SET value_amount = -5, value_currency = 'USD' WHERE id = %s",
        [contract.pk],
    )


def test_duplicate_slug_is_refused():
    builders.deployment(slug="safe-society")
    duplicate = Deployment(slug="safe-society", name="Other", status="active", country=builders.country())
    assert validation_messages(duplicate)["slug"] == ["Deployment with this Slug already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.create(
            slug="safe-society", name="Other", status="active", country=builders.country()
        )


def test_unknown_country_code_is_refused():
    country = Country(code="XX", name="Nowhere")
    assert validation_messages(country)["code"] == [
        "XX is not an ISO 3166-1 alpha-2 code (e.g. RS, IT, EC, CO)."
    ]
    assert "country_code_is_two_capitals" in refused_by_database(
        "INSERT INTO registry_country (code, name, kind, region, subregion)"
        " VALUES ('rs', 'lower', 'country', '', '')"
    )


def test_coordinates_must_be_on_earth_and_come_in_pairs():
    place = builders.place(latitude="44.8", longitude="20.4")
    place.latitude = 91
    assert "Latitude must be between -90 and 90." in validation_messages(place)["latitude"]
    place.latitude = None
    assert "Give both latitude and longitude, or neither." in validation_messages(place)["__all__"]
    assert "place_longitude_in_range" in refused_by_database(
        "UPDATE deployments_place SET longitude = 181 WHERE id = %s", [place.pk]
    )
    assert str(Place.objects.get(pk=place.pk).latitude) == "44.80000"


def test_published_slug_cannot_change_on_any_path():
    deployment = builders.deployment(slug="safe-society", review_status=ReviewStatus.PUBLISHED)
    deployment.slug = "renamed"
    assert "cannot change" in validation_messages(deployment)["slug"][0]
    message = refused_by_database(
        "UPDATE deployments_deployment SET slug = 'renamed' WHERE id = %s", [deployment.pk]
    )
    assert "Cannot update rows from deployments_deployment" in message
    assert Deployment.objects.get(pk=deployment.pk).slug == "safe-society"


def test_draft_slug_can_still_change():
    deployment = builders.deployment(slug="working-title", review_status=ReviewStatus.DRAFT)
    Deployment.objects.filter(pk=deployment.pk).update(slug="safe-society")
    assert Deployment.objects.get(pk=deployment.pk).slug == "safe-society"


def test_published_selector_shows_only_published_records():
    published = builders.deployment(review_status=ReviewStatus.PUBLISHED)
    for status in (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW, ReviewStatus.RETRACTED):
        builders.deployment(review_status=status)
    assert list(Deployment.objects.published()) == [published]


def test_citation_field_must_exist_on_the_record_and_a_source_is_cited_once_per_field():
    deployment = builders.deployment()
    source = builders.source()
    citation = DeploymentCitation(
        record=deployment, source=source, field="started_on", confidence="confirmed"
    )
    citation.full_clean()
    citation.save()
    citation_of_nothing = DeploymentCitation(record=deployment, source=source, field="no_such_field")
    assert validation_messages(citation_of_nothing)["field"] == [
        "deployment has no field 'no_such_field' that a source can support."
    ]
    for bookkeeping in ("id", "review_status", "version", "updated_at", "search_vector"):
        citation_of_bookkeeping = DeploymentCitation(record=deployment, source=source, field=bookkeeping)
        assert validation_messages(citation_of_bookkeeping)["field"] == [
            f"deployment has no field {bookkeeping!r} that a source can support."
        ]
    duplicate = DeploymentCitation(record=deployment, source=source, field="started_on")
    assert validation_messages(duplicate)["__all__"] == [
        "This source is already cited for this field (or item) of the record."
    ]


def test_wikidata_qid_and_language_formats():
    vendor = builders.vendor(wikidata_qid="Q160120")
    vendor.wikidata_qid = "160120"
    assert validation_messages(vendor)["wikidata_qid"] == [
        "A Wikidata QID is Q followed by digits, e.g. Q160120."
    ]
    source = Source(slug="s", title="t", kind="news", language="EN")
    assert validation_messages(source)["language"] == [
        "'EN' is not an ISO 639-1 language code: write the two-letter code in lower case, e.g. en, sr, es "
        "(English is en)."
    ]


def test_camera_count_natural_key_is_its_public_id():
    count = builders.camera_count()
    assert CameraCount.objects.get_by_natural_key(*count.natural_key()) == count
    assert isinstance(uuid.UUID(count.natural_key()[0]), uuid.UUID)


def test_money_keeps_amount_and_currency():
    contract = builders.contract(value_amount="200000000.00", value_currency="USD")
    stored = Contract.objects.get(pk=contract.pk)
    assert (str(stored.value_amount), stored.value_currency) == ("200000000.00", "USD")
