import logging
import sys

from django.contrib import admin
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import page_not_found as django_page_not_found
from django.views.defaults import permission_denied as django_permission_denied
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
        if _is_api(request):  # the API answers in JSON, even when it fails
            return JsonResponse({"detail": "Server error."}, status=500)
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


NOT_ALLOWED = "Your account may not do this."


def permission_denied(request, exception):
    """handler403: a refusal says why. In the admin, a page with the reason (the message of the
    PermissionDenied, e.g. "Only reviewers may publish a record.") and a way back, not an empty
    403; in the API, JSON; elsewhere Django's page."""
    reason = str(exception or "") or NOT_ALLOWED
    if _is_api(request):
        return JsonResponse({"detail": reason}, status=403)
    admin_root = reverse("admin:index")
    if not request.path_info.startswith(admin_root):
        return django_permission_denied(request, exception)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = admin_root
    context = {**admin.site.each_context(request), "title": "Not allowed", "reason": reason, "back_url": back}
    return render(request, "admin/registry/permission_denied.html", context, status=403)
