"""Fuzzing: schemathesis generates requests from the OpenAPI schema and sends them in-process, with
every one of its checks.

Every operation of the public API must answer without a 500, with a status, content type, headers
and body the schema declares; must accept what the schema allows (2xx, or the 404 of a filter or path
naming no published record) and reject what it does not (NUL bytes, huge numbers, malformed dates,
unknown values) with a 4xx. Run on the seed data so that details and filters have something to find.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from registry.wsgi import application
from tests.api_support import generous_throttling_fixture  # noqa: F401

EXAMPLES_PER_OPERATION = 40
load_all_checks()
ALL_CHECKS = CHECKS.get_all()


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


@pytest.fixture
def operation_cases():
    """The cases hypothesis generated for this operation; none at all fails the operation's test.

    A fixture of the operation's own test (not a later test of the module), so that it holds
    whichever pytest-xdist worker runs the operation."""
    cases = []
    yield cases
    assert cases, "schemathesis generated no case for this operation"


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
def test_the_api_never_fails_and_always_matches_its_schema(case, seed, in_test_transaction, operation_cases):
    operation_cases.append(case.operation.label)
    with_companions(case)
    response = case.call_and_validate(checks=ALL_CHECKS)
    assert response.status_code < 500


# A parameter that OpenAPI cannot require with another (each described in the schema): the ones that
# need it, and the companion a valid request sets unless one of ``any_of`` is given.
COMPANIONS = {
    # value_min and value_max compare amounts in exactly one currency, given with them
    ("/contracts/", ("value_min", "value_max")): ("currency", "USD", ()),
    # confidence qualifies the items asked for
    ("/deployments/", ("confidence",)): ("purpose", "public-safety", ("technology", "purpose", "concern")),
}


def with_companions(case) -> None:
    """A valid request gives each parameter's companion (``COMPANIONS``)."""
    query = case.query or {}
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    for (path, needing), (name, value, any_of) in COMPANIONS.items():
        if not case.operation.path.endswith(path):
            continue
        given = any(query.get(parameter) not in (None, "", []) for parameter in needing)
        if given and not any(query.get(other) not in (None, "", []) for other in any_of):
            query[name] = value


def test_every_operation_of_the_schema_is_fuzzed(request):
    """Every operation of the schema has its own fuzzing test among the collected ones (which fails
    if hypothesis generated no case for it: operation_cases)."""
    operations = {result.ok().label for result in schema.get_all_operations()}
    fuzzed = {getattr(item, "operation_label", None) for item in request.session.items}
    assert operations <= fuzzed
