"""``field__any=[...]`` (registry/imports/lookups.py) finds what ``field__in=[...]`` finds, with one parameter."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deployments.models import CameraCount, Deployment
from tests import builders

pytestmark = pytest.mark.django_db


def test_any_finds_what_in_finds_for_text_numbers_and_uuids():
    deployments = [builders.deployment() for _ in range(3)]
    counts = [builders.camera_count(deployment=deployments[0]) for _ in range(2)]
    slugs = [deployments[0].slug, deployments[2].slug, "no-such-slug"]
    public_ids = [counts[1].public_id, uuid.uuid4()]
    pks = [deployments[1].pk, -1]
    for lookup, values, model in (
        ("slug", slugs, Deployment),
        ("pk", pks, Deployment),
        ("public_id", public_ids, CameraCount),
        ("public_id", [str(value) for value in public_ids], CameraCount),
    ):
        found = set(model._base_manager.filter(**{f"{lookup}__any": values}).values_list("pk", flat=True))
        assert found == set(
            model._base_manager.filter(**{f"{lookup}__in": values}).values_list("pk", flat=True)
        )
        assert found


def test_any_sends_the_values_as_one_array_parameter():
    with CaptureQueriesContext(connection) as queries:
        list(Deployment._base_manager.filter(slug__any=[f"slug-{i}" for i in range(500)]))
    assert "= ANY(" in queries[0]["sql"]
    assert queries[0]["sql"].count("slug-") == 500  # one literal array, not 500 placeholders


def test_a_value_the_field_cannot_hold_is_refused_as_with_in():
    with pytest.raises(ValidationError):
        list(CameraCount._base_manager.filter(public_id__any=["not-a-uuid"]))
