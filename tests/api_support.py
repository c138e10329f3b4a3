"""Fixtures for the API tests, imported by each tests/test_api_*.py module as
``from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401``
(named ``*_fixture`` so the test arguments do not shadow the import)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.builders import build_world

GENEROUS_RATES = {"anon": "100000/minute", "export": "100000/minute"}


@pytest.fixture(autouse=True, name="generous_throttling")
def generous_throttling_fixture(settings):
    """Throttling counts in the cache across tests; make it irrelevant unless a test asks for it."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": GENEROUS_RATES}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(name="api")
def api_fixture():
    return APIClient()


@pytest.fixture(name="world")
def world_fixture(db):
    return build_world()


@pytest.fixture(name="reviewer")
def reviewer_fixture(db):
    """A curator in the Reviewers group: may publish and retract."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from registry.curation.roles import REVIEWERS_GROUP

    user = get_user_model().objects.create_user("rey", password="not-used-here-1234", is_staff=True)
    user.groups.set(Group.objects.filter(name=REVIEWERS_GROUP))
    return user
