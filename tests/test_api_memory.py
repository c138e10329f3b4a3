"""A rendered API response, and the page's data it holds, are freed by reference counting once sent
(api/views/base.py, ``release_view``), not left in cycles with its view for the garbage collector."""

import gc
import io
import sys

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.response import Response

pytestmark = pytest.mark.django_db


def wsgi_get(handler, path: str) -> bytes:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }
    statuses = []
    # As a WSGI server calls it, but keeping the test's database connection (as Django's test client).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = handler(environ, lambda status, headers: statuses.append(status))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"], (path, statuses, body[:300])
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/deployments/?page_size=100",  # built by PostgreSQL (api/json_rows.py)
        "/api/v1/contracts/",  # serializers
        "/api/v1/deployments/belgrade-safe-society/",  # a detail
    ],
)
def test_a_sent_response_and_its_data_are_not_left_to_the_garbage_collector(seed, path):
    handler = WSGIHandler()
    wsgi_get(handler, path)  # first request: imports, caches
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        wsgi_get(handler, path)
        gc.collect()
        left = [type(item) for item in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    # The response holds the page's data; the view (still in django-filter's and the serializers'
    # cycles) no longer holds the response.
    assert Response not in left
