"""Anonymous throttling, per client address, counted in the default cache.

Rates are read from settings at each request (DRF's throttles read them once at import), so they
follow ``override_settings`` and the environment: ``anon`` for every request, ``export`` for CSV
and GeoJSON downloads on top.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from api.renderers import ExportRenderer


class PublicRateThrottle(AnonRateThrottle):
    scope = "anon"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ExportRateThrottle(PublicRateThrottle):
    scope = "export"

    def allow_request(self, request, view):
        if not isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
            return True
        return super().allow_request(request, view)
