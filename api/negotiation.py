"""An unknown ``?format=`` is a bad parameter (400 naming it), not DRF's default 404."""

from django.http import Http404
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class StrictFormatNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        # The API is read-only: any other method is a 405 whatever format it asks for.
        if request.method not in READ_METHODS:
            raise MethodNotAllowed(request.method)
        return super().select_renderer(request, renderers, format_suffix)

    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404:
            offered = ", ".join(renderer.format for renderer in renderers if renderer.format != "api")
            raise ValidationError({"format": [f"Unknown format {format!r}: use one of {offered}."]}) from None
