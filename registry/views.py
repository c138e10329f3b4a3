import logging
import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = 30


def healthz(request):
    """For load balancers and docker-compose: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request):
    """handler500: a database that cannot be reached is a 503 with Retry-After, not a traceback.

    Django closes the broken connection when the request ends, so the next request reconnects as
    soon as PostgreSQL is back.
    """
    exception = sys.exc_info()[1]
    if not isinstance(exception, OperationalError | InterfaceError):
        return django_server_error(request)
    logger.error("database unavailable: %s", exception)
    message = "The registry's database is unavailable. Please try again shortly."
    if _is_api(request) or request.path_info == "/healthz":
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def page_not_found(request, exception):
    """handler404: the API answers in JSON even for a URL no route matches."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return django_page_not_found(request, exception)


def bad_request(request, exception):
    """handler400: likewise for requests Django refuses before any view (e.g. a bad Host header)."""
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return django_bad_request(request, exception)
