"""Anonymous throttling, per client address, counted in the "throttle" cache.

Rates are read from settings at each request (DRF's throttles read them once at import), so they
follow ``override_settings`` and the environment: ``anon`` for every request, ``export`` for CSV
and GeoJSON downloads on top.

The client is the socket's address, or behind ``DJANGO_API_NUM_PROXIES`` proxies the address the
outermost one appended to X-Forwarded-For (DRF's ``NUM_PROXIES``; unset is 0, so a client's own
header is never its identity). The counters live in the "throttle" cache, a table of the database
by default: every worker of every machine counts against the same budget (settings.CACHES).
"""

from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from api.renderers import ExportRenderer


class PublicRateThrottle(AnonRateThrottle):
    scope = "anon"

    @property
    def cache(self):
        return caches["throttle"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ExportRateThrottle(PublicRateThrottle):
    scope = "export"

    def allow_request(self, request, view):
        if not isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
            return True
        return super().allow_request(request, view)
