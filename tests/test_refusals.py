"""Refusals that explain: a forbidden workflow step shows its reason; dates are ISO 8601 only, in every
language, in forms and imports; languages are ISO 639-1 codes chosen by name; an error that belongs to
a field is shown next to that field (and named as its column in an import)."""

import datetime
import html

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from deployments.models import CameraCount, Deployment
from deployments.resources import DeploymentResource
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, ensure_roles
from registry.fields import IsoDateFormField
from registry.imports.resources import export_bytes
from registry.models import LegalFramework, Source
from registry.resources import SourceResource
from registry.views import permission_denied
from tests.test_admin import add_url, build_world, change_url, form_data
from tests.test_import_export import csv_bytes, csv_rows

pytestmark = pytest.mark.django_db

DATE_REFUSAL = "03/05/2024 is not a date: write it as YYYY-MM-DD, e.g. 2024-03-05 for 5 March 2024."
FUZZY_REFUSAL = (
    "03/05/2024 is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017, 2017-02, 2017-02-07)."
)


@pytest.fixture
def world(db):
    ensure_roles()
    return build_world(0)


@pytest.fixture
def curator(world):
    user = get_user_model().objects.create_user("cora", password="a long test password", is_staff=True)
    user.groups.set(Group.objects.filter(name=CURATORS_GROUP))
    return user


@pytest.fixture
def curating(client, curator):
    client.force_login(curator)
    return client


def field_row(response, name: str) -> str:
    """The HTML of the admin form row of field ``name`` (its label, input and errors)."""
    page = response.content.decode()
    start = page.index(f"field-{name}")
    end = page.find('<div class="form-row', start)
    return page[start : end if end != -1 else None]


def transition_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_workflow_transition", args=[record.pk])


# --- A forbidden workflow step says why -------------------------------------------------------------


def test_a_curator_publishing_gets_a_page_with_the_reason(curating, world):
    deployment = world[Deployment]
    change_page = "http://testserver" + change_url(deployment)

    response = curating.post(
        transition_url(deployment), {"transition": "publish", "reason": "x"}, HTTP_REFERER=change_page
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert (
        '<p class="errornote" id="refusal-reason">You may not publish a deployment: that needs the '
        "“Can publish or send back deployment” permission, which the Reviewers group has."
    ) in html.unescape(page)
    assert "Surveillance Deployment Registry" in page  # the admin's own page, with its header
    assert f'href="{change_page}"' in page  # back to the record
    deployment.refresh_from_db()
    assert deployment.review_status == ReviewStatus.DRAFT


def test_a_refusal_without_a_message_still_says_something(client, world):
    nobody = get_user_model().objects.create_user("nobody", password="a long test password", is_staff=True)
    client.force_login(nobody)

    response = client.post(
        transition_url(world[Deployment]), {"transition": "submit"}, HTTP_REFERER="https://evil.example/"
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account may not do this." in page
    assert "evil.example" not in page  # a foreign referrer is no way back
    assert f'href="{reverse("admin:index")}"' in page


def test_the_api_answers_a_refusal_in_json():
    request = RequestFactory().get("/api/v1/deployments/")
    response = permission_denied(request, PermissionDenied("Not for you."))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.content == b'{"detail": "Not for you."}'


# --- Dates: YYYY-MM-DD only, in every language -------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_reads_dates_as_iso_only(language):
    with translation.override(language):
        assert forms.DateField().clean("2024-03-05") == datetime.date(2024, 3, 5)
        with pytest.raises(ValidationError):
            forms.DateField().clean("03/05/2024")
        with pytest.raises(ValidationError):
            forms.DateTimeField().clean("03/05/2024 10:00")
        assert forms.DateTimeField().clean("2024-03-05 10:00").date() == datetime.date(2024, 3, 5)
        with pytest.raises(ValidationError) as refused:
            IsoDateFormField().clean("03/05/2024")
        assert refused.value.messages == [DATE_REFUSAL]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_admin_refuses_a_month_day_date_next_to_the_field(curating, world, language):
    source = world[Source]
    data = form_data(curating.get(change_url(source), HTTP_ACCEPT_LANGUAGE=language))
    data.update(accessed_on="03/05/2024", published_on="03/05/2024")

    response = curating.post(change_url(source), data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["accessed_on"] == [DATE_REFUSAL]
    assert form.errors["published_on"] == [FUZZY_REFUSAL]
    assert DATE_REFUSAL in field_row(response, "accessed_on")
    source.refresh_from_db()
    assert source.accessed_on is None


def test_the_admin_shows_and_takes_dates_as_iso_in_spanish_too(curating, world):
    source = world[Source]
    Source.objects.filter(pk=source.pk).update(accessed_on=datetime.date(2024, 3, 5))
    page = curating.get(change_url(source), HTTP_ACCEPT_LANGUAGE="es")
    assert 'name="accessed_on" value="2024-03-05"' in page.content.decode()

    data = form_data(page)
    data["accessed_on"] = "2024-05-03"
    assert curating.post(change_url(source), data, HTTP_ACCEPT_LANGUAGE="es").status_code == 302
    source.refresh_from_db()
    assert source.accessed_on == datetime.date(2024, 5, 3)


@pytest.fixture
def source_rows(world) -> list[list[str]]:
    Source.objects.update(review_status=ReviewStatus.DRAFT)
    return csv_rows(export_bytes(SourceResource()))


def import_sources(tmp_path, rows) -> None:
    path = tmp_path / "sources.csv"
    path.write_bytes(csv_bytes(rows))
    call_command("import_records", "registry.Source", str(path), verbosity=0)


def test_an_import_refuses_a_month_day_date_naming_the_form(source_rows, tmp_path, capsys):
    header = source_rows[0]
    source_rows[1][header.index("accessed_on")] = "03/05/2024"
    source_rows[1][header.index("published_on")] = "03/05/2024"

    with pytest.raises(CommandError, match="2 refusal"):
        import_sources(tmp_path, source_rows)

    err = capsys.readouterr().err
    assert f"row 1 (line 2), column 'accessed_on': {DATE_REFUSAL}" in err
    assert f"row 1 (line 2), column 'published_on': {FUZZY_REFUSAL}" in err


def test_an_import_takes_an_iso_date(source_rows, tmp_path):
    header = source_rows[0]
    source_rows[1][header.index("accessed_on")] = "2024-03-05"
    import_sources(tmp_path, source_rows)
    assert Source.objects.get(slug=source_rows[1][0]).accessed_on == datetime.date(2024, 3, 5)


# --- Languages: ISO 639-1 codes, chosen by name ------------------------------------------------------


def test_the_admin_chooses_a_language_by_name_and_stores_its_code(curating, world):
    source = world[Source]
    page = curating.get(change_url(source))
    language = page.context["adminform"].form.fields["language"]
    assert ("en", "English (en)") in language.choices
    assert ("sr", "Serbian (sr)") in language.choices
    assert 'maxlength="3"' not in field_row(page, "language")  # a list, not a box that cuts "English"

    data = form_data(page)
    data["language"] = "English"
    refused = curating.post(change_url(source), data)
    assert refused.status_code == 200
    assert "language" in refused.context["adminform"].form.errors

    data["language"] = "sr"
    assert curating.post(change_url(source), data).status_code == 302
    source.refresh_from_db()
    assert source.language == "sr"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("English", "'English' is not an ISO 639-1 language code: write the two-letter code in lower case, "
         "e.g. en, sr, es (English is en)."),
        ("Eng", "'Eng' is not an ISO 639-1 language code: write the two-letter code in lower case, "
         "e.g. en, sr, es (English is en)."),
        ("xx", "'xx' is not an ISO 639-1 language code: write the two-letter code in lower case, "
         "e.g. en, sr, es."),
    ],
)  # fmt: skip
def test_an_import_refuses_a_language_name_or_unknown_code(source_rows, tmp_path, capsys, cell, message):
    header = source_rows[0]
    source_rows[1][header.index("language")] = cell

    with pytest.raises(CommandError, match="1 refusal"):
        import_sources(tmp_path, source_rows)

    assert f"row 1 (line 2), column 'language': {message}" in capsys.readouterr().err


def test_an_import_takes_a_language_code(source_rows, tmp_path):
    header = source_rows[0]
    source_rows[1][header.index("language")] = "es"
    import_sources(tmp_path, source_rows)
    assert Source.objects.get(slug=source_rows[1][0]).language == "es"


# --- An error that belongs to a field is shown next to it --------------------------------------------


def test_a_deployment_ending_before_it_starts_is_an_error_of_ended_on(curating, world):
    deployment = world[Deployment]
    data = form_data(curating.get(change_url(deployment)))
    data.update(started_on="2018", ended_on="2016")

    response = curating.post(change_url(deployment), data)

    form = response.context["adminform"].form
    assert form.errors["ended_on"] == ["A deployment cannot end before it starts."]
    assert not form.non_field_errors()
    assert "A deployment cannot end before it starts." in field_row(response, "ended_on")


def test_a_law_in_force_before_its_adoption_is_an_error_of_in_force_on(curating, world):
    law = world[LegalFramework]
    data = form_data(curating.get(change_url(law)))
    data.update(adopted_on="2018-11", in_force_on="2017")

    response = curating.post(change_url(law), data)

    assert response.context["adminform"].form.errors["in_force_on"] == [
        "A law cannot come into force before it is adopted."
    ]
    assert "A law cannot come into force before it is adopted." in field_row(response, "in_force_on")


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"proposed_on": "2019", "adopted_on": "2018-11"},
            "adopted_on",
            "cannot be adopted before it is proposed",
        ),
        ({"adopted_on": "2018-11", "published_on": "2018-10"}, "published_on", "cannot be published before"),
        ({"in_force_on": "2019", "applies_from": "2018"}, "applies_from", "cannot apply before it enters"),
    ],
)
def test_a_laws_dates_out_of_order_are_an_error_of_the_later_field(curating, world, dates, field, message):
    law = world[LegalFramework]
    before = LegalFramework.objects.values().get(pk=law.pk)
    data = form_data(curating.get(change_url(law)))
    data.update(dates)

    response = curating.post(change_url(law), data)

    errors = response.context["adminform"].form.errors
    assert message in errors[field][0]
    assert message in field_row(response, field)
    assert LegalFramework.objects.values().get(pk=law.pk) == before


def test_a_law_cannot_amend_itself(curating, world):
    law = world[LegalFramework]
    data = form_data(curating.get(change_url(law)))
    data.update(amends=str(law.pk))

    response = curating.post(change_url(law), data)

    assert response.context["adminform"].form.errors["amends"] == ["A law cannot amend itself."]
    assert LegalFramework.objects.get(pk=law.pk).amends is None


def test_a_second_source_with_the_same_url_is_an_error_of_url(curating, world):
    data = form_data(curating.get(add_url(Source)))
    data.update(title="Same report", slug="same-report", kind="news", url=world[Source].url)

    response = curating.post(add_url(Source), data)

    assert response.context["adminform"].form.errors["url"] == ["Another source already has this URL."]
    assert "Another source already has this URL." in field_row(response, "url")


def test_an_inline_row_shows_its_errors_by_its_fields(curating, world):
    deployment = world[Deployment]
    page = curating.get(change_url(deployment))
    data = form_data(page)
    prefix = next(
        i.formset.prefix for i in page.context["inline_admin_formsets"] if i.formset.model is CameraCount
    )
    data[f"{prefix}-0-cameras"] = "-5"
    data[f"{prefix}-0-as_of"] = "03/05/2024"

    response = curating.post(change_url(deployment), data)

    assert response.status_code == 200
    formset = next(
        i.formset for i in response.context["inline_admin_formsets"] if i.formset.model is CameraCount
    )
    errors = formset.forms[0].errors
    assert errors["cameras"] == ["Ensure this value is greater than or equal to 0."]
    assert errors["as_of"] == [FUZZY_REFUSAL]
    assert not formset.forms[0].non_field_errors()
    # The tabular inline prints each field's errors in the row above its cells, in column order.
    page = response.content.decode()
    assert page.index(FUZZY_REFUSAL) < page.index(f'name="{prefix}-0-as_of"')


def test_an_import_names_the_column_of_a_constraint(tmp_path, world, capsys):
    Deployment.objects.update(review_status=ReviewStatus.DRAFT)
    rows = csv_rows(export_bytes(DeploymentResource()))
    header = rows[0]
    rows[1][header.index("started_on")] = "2020"
    rows[1][header.index("ended_on")] = "2019"
    path = tmp_path / "deployments.csv"
    path.write_bytes(csv_bytes(rows))

    with pytest.raises(CommandError, match="1 refusal"):
        call_command("import_records", "deployments.Deployment", str(path), verbosity=0)

    assert (
        "row 1 (line 2), column 'ended_on': A deployment cannot end before it starts."
        in capsys.readouterr().err
    )
