"""Fuzzing: schemathesis generates requests from the OpenAPI schema and sends them in-process.

Every operation of the public API must answer without a 500, with a response that matches the
schema, and must reject bad input (NUL bytes, huge numbers, malformed dates, unknown values) with a
4xx. Run on the seed data so that details and filters have something to find.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from registry.wsgi import application
from tests.api_support import generous_throttling_fixture  # noqa: F401

EXAMPLES_PER_OPERATION = 40
generated_cases = []


@pytest.fixture
def in_test_transaction():
    """Keep Django from closing the test's connection at the end of each in-process request.

    (Django's own test client does the same: a real WSGI call would otherwise close the connection
    that holds the test transaction.)
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Generating the schema reads no table, so it can be loaded when the tests are collected.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,  # the same cases on every run: CI failures reproduce
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_never_fails_and_always_matches_its_schema(case, seed, in_test_transaction):
    generated_cases.append(case.operation.label)
    # A string the schema allows can still name nothing (country=AA, vendor=no-such-slug): the API
    # rightly answers 400 there, so "schema-valid data must be accepted" is not a check we want.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500
