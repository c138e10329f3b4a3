"""The behaviour every public list and detail shares; concrete viewsets only declare their parts.

Read-only, anonymous, throttled; lists paginate (JSON, browsable HTML) or export every matching
row (``?format=csv`` and ``?format=xlsx``, and ``?format=geojson`` or ``?format=ocds`` where declared,
the latter on details too); an unknown query parameter is a 400 rather than silently ignored; successful responses are publicly cacheable with a
Last-Modified and an ETag (api/conditional.py), and a 304 for a copy that is still current; every response links the data licence
(api/licence.py).
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from rest_framework import mixins, viewsets
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer

from api.conditional import Validators
from api.filters import FullTextSearchFilter, PublicFilterBackend, StrictOrderingFilter
from api.licence import add_licence_link
from api.negotiation import StrictFormatNegotiation
from api.pagination import PublicPagination
from api.renderers import CSVRenderer, ExportRenderer, JSONRenderer, XLSXRenderer
from api.schema import PublicAutoSchema
from api.throttling import ExportRateThrottle, PublicRateThrottle
from registry.curation.tombstones import tombstone

LIST_PARAMETERS = frozenset({"format", "page", "page_size", "search", "ordering"})


class PublicListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A public list without a detail (the change feed); ``PublicReadOnlyViewSet`` adds the detail."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (PublicRateThrottle, ExportRateThrottle)
    pagination_class = PublicPagination
    filter_backends = (PublicFilterBackend, FullTextSearchFilter, StrictOrderingFilter)
    renderer_classes = (JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer)
    content_negotiation_class = StrictFormatNegotiation
    schema = PublicAutoSchema()
    filterset_class = None
    export_serializer_class = None
    search_fields = ()
    ordering_fields = ()
    list_parameters = LIST_PARAMETERS
    # The models whose public changes this view shows (Last-Modified, export ETags); None: all of them.
    public_models = None

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            return renderers
        return [r for r in renderers if not isinstance(r, ExportRenderer) or r.serves_details]

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
        return self.export_response(queryset, slugify(queryset.model._meta.verbose_name_plural))

    def export_response(self, queryset, name: str):
        """Every row of ``queryset`` in the requested export format. Its validators come first (a
        current copy gets a 304 and a HEAD its headers, without reading a row); then the export's
        query runs, so that an error is a JSON answer before the first byte, never a cut stream."""
        if self.paginator is not None:
            self.paginator.validate_parameters(self.request)

        def stream(renderer, filename):
            serializer = self.export_serializer_class(context=self.get_serializer_context())
            return renderer.export_response(queryset, serializer, filename)

        return self.conditional_export(name, stream)

    def conditional_export(self, name: str, stream):
        """A download's response: a 304 for a current copy, the headers alone for a HEAD, else
        ``stream(renderer, filename)``; with its weak ETag (api/conditional.py)."""
        request, renderer = self.request, self.request.accepted_renderer
        validators = self.validators()
        etag = validators.export_etag(request, renderer.media_type)
        response = validators.not_modified(request, etag)
        if response is None:
            filename = f"{name}-{timezone.now():%Y%m%d}"
            if request.method == "HEAD":
                response = HttpResponse(content_type=renderer.content_type)
                response["Content-Disposition"] = renderer.content_disposition(filename)
            else:
                response = stream(renderer, filename)
        response["ETag"] = etag
        return response

    def validators(self) -> Validators:
        """The public changes this request's response reflects, read once."""
        if getattr(self, "_validators", None) is None:
            self._validators = Validators(self.public_models)
        return self._validators

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
        cacheable = request.method in ("GET", "HEAD") and response.status_code in (200, 304)
        # The browsable API sets a CSRF cookie: never cache it publicly.
        if cacheable and not isinstance(renderer, BrowsableAPIRenderer):
            response["Cache-Control"] = f"public, max-age={getattr(settings, 'API_CACHE_MAX_AGE', 60)}"
            modified = self.validators().last_modified_header()
            if modified:
                response["Last-Modified"] = modified
        add_licence_link(response)  # pages, exports and errors: the data licence (CC BY 4.0)
        if hasattr(response, "add_post_render_callback"):  # not a streamed export
            response.add_post_render_callback(release_view)
        return response


def release_view(response) -> None:
    """Once a response is rendered, untie it from its view and request. DRF ties them in cycles (the
    view holds the request and the response, whose renderer context holds the view; the request's
    parser context holds the view too), so a page's data outlived its request until the cyclic
    garbage collector found it, whose passes were the slowest requests (docs/performance.md)."""
    context, response.renderer_context = response.renderer_context or {}, None
    if (request := context.get("request")) is not None:
        request.parser_context = None
    if (view := context.get("view")) is not None:
        view.response = None


class PublicReadOnlyViewSet(mixins.RetrieveModelMixin, PublicListViewSet):
    """Adds the detail; a retracted record's detail is 410 Gone with its tombstone (kind, identifier,
    name, when and why it was retracted), never a silent 404."""

    # A slug (or a UUID); the route refuses anything else with a 404 (api/schema.py states it).
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    kind = ""  # the record's kind in the change feed and in 410 bodies (e.g. "deployment")

    def handle_exception(self, exc):
        if self.kind and getattr(self, "action", None) == "retrieve" and isinstance(exc, Http404 | NotFound):
            model = self.get_queryset().model
            gone = tombstone(
                model, kind=self.kind, field=self.lookup_field, value=self.kwargs.get(self.lookup_field)
            )
            if gone is not None:
                exc = Gone(gone.as_json())
        return super().handle_exception(exc)


class Gone(APIException):
    status_code = 410
    default_detail = "This record was retracted."
    default_code = "gone"

    def __init__(self, body: dict):
        super().__init__(body["detail"])
        self.detail = body
