"""The behaviour every public list and detail shares; concrete viewsets only declare their parts.

Read-only, anonymous, throttled; lists paginate (JSON, browsable HTML) or stream every matching
row (``?format=csv``, and ``?format=geojson`` where declared); an unknown query parameter is a
400 rather than silently ignored; successful responses are publicly cacheable with a
Last-Modified (ETag and 304 come from ConditionalGetMiddleware).
"""

from django.conf import settings
from django.utils import timezone
from django.utils.http import http_date
from django.utils.text import slugify
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer

from api.conditional import last_modified
from api.filters import FullTextSearchFilter, StrictOrderingFilter
from api.negotiation import StrictFormatNegotiation
from api.pagination import PublicPagination
from api.renderers import CSVRenderer, ExportRenderer, JSONRenderer
from api.schema import PublicAutoSchema
from api.throttling import ExportRateThrottle, PublicRateThrottle

LIST_PARAMETERS = frozenset({"format", "page", "page_size", "search", "ordering"})


class PublicListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A public list without a detail (the change feed); ``PublicReadOnlyViewSet`` adds the detail."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (PublicRateThrottle, ExportRateThrottle)
    pagination_class = PublicPagination
    filter_backends = (DjangoFilterBackend, FullTextSearchFilter, StrictOrderingFilter)
    renderer_classes = (JSONRenderer, BrowsableAPIRenderer, CSVRenderer)
    content_negotiation_class = StrictFormatNegotiation
    schema = PublicAutoSchema()
    filterset_class = None
    export_serializer_class = None
    search_fields = ()
    ordering_fields = ()
    list_parameters = LIST_PARAMETERS

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            return renderers
        return [renderer for renderer in renderers if not isinstance(renderer, ExportRenderer)]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = {"format"}
        if self.action == "list":
            known |= set(self.list_parameters) | set(
                self.filterset_class.base_filters if self.filterset_class else ()
            )
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = f"Unknown query parameter; this endpoint accepts {', '.join(sorted(known))}."
            raise ValidationError({name: [message] for name in unknown})

    def list(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if not isinstance(renderer, ExportRenderer):
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.export_serializer_class(context=self.get_serializer_context())
        name = slugify(queryset.model._meta.verbose_name_plural)
        return renderer.streaming_response(queryset, serializer, f"{name}-{timezone.now():%Y%m%d}")

    def handle_exception(self, exc):
        # Errors are JSON even when a CSV or GeoJSON download was asked for.
        if isinstance(getattr(self.request, "accepted_renderer", None), ExportRenderer):
            self.request.accepted_renderer, self.request.accepted_media_type = (
                JSONRenderer(),
                "application/json",
            )
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        cacheable = request.method in ("GET", "HEAD") and response.status_code == 200
        # The browsable API sets a CSRF cookie: never cache it publicly.
        if cacheable and not isinstance(renderer, BrowsableAPIRenderer):
            response["Cache-Control"] = f"public, max-age={getattr(settings, 'API_CACHE_MAX_AGE', 60)}"
            modified = last_modified()
            if modified:
                response["Last-Modified"] = http_date(modified.timestamp())
        if hasattr(response, "add_post_render_callback"):  # not a streamed export
            response.add_post_render_callback(release_view)
        return response


def release_view(response) -> None:
    """Once a response is rendered, untie it from its view and request. DRF ties them in cycles (the
    view holds the request and the response, whose renderer context holds the view; the request's
    parser context holds the view too), so a page's data, thousands of lists and dicts, outlived
    its request until the garbage collector found it: a collection every few requests, 12-15 ms
    each, the slowest 2 % of deployment pages (p99 53 -> 38 ms in one process)."""
    context, response.renderer_context = response.renderer_context or {}, None
    if (request := context.get("request")) is not None:
        request.parser_context = None
    if (view := context.get("view")) is not None:
        view.response = None


class PublicReadOnlyViewSet(mixins.RetrieveModelMixin, PublicListViewSet):
    pass
