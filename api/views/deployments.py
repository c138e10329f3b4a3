from django.conf import settings
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api.json_rows import camera_counts, deployment_details, deployment_summaries
from api.renderers import GeoJSONRenderer, JSONRenderer, RenderedObject
from api.serializers.deployments import (
    CameraCountSerializer,
    ContractSerializer,
    DeploymentSerializer,
    DeploymentSummarySerializer,
    PlaceSerializer,
    TechnologySerializer,
)
from api.serializers.exports import (
    CameraCountExportSerializer,
    ContractExportSerializer,
    DeploymentExportSerializer,
    PlaceExportSerializer,
    TechnologyExportSerializer,
)
from api.views.base import PublicReadOnlyViewSet
from deployments.filtersets import (
    CameraCountFilterSet,
    ContractFilterSet,
    DeploymentFilterSet,
    PlaceFilterSet,
    TechnologyFilterSet,
)
from deployments.selectors import (
    places,
    public_camera_counts,
    public_contracts,
    public_deployment_details,
    public_deployments,
    published_camera_counts,
    published_deployments,
    technologies,
)


class SQLJSONMixin:
    """JSON built by PostgreSQL (api/json_rows.py): a list's page of ids from the filtered, ordered
    ``published()`` rows, then their objects; a detail's id, then its object. Other formats, and
    ``API_JSON_SQL = False``, go through the serializers."""

    published = None  # the published rows, without the joins and prefetches the serializers need
    json_rows = None  # (request, ids) -> the list objects of those rows, in that order
    json_details = None  # the same for details, when they are not the list's objects

    def builds_json(self, request) -> bool:
        return getattr(settings, "API_JSON_SQL", True) and type(request.accepted_renderer) is JSONRenderer

    def list(self, request, *args, **kwargs):
        if not self.builds_json(request):
            return super().list(request, *args, **kwargs)
        ids = self.paginate_queryset(self.filter_queryset(self.published()).values_list("pk", flat=True))
        return self.get_paginated_response(self.json_rows(request, ids))

    def retrieve(self, request, *args, **kwargs):
        if not self.builds_json(request):
            return super().retrieve(request, *args, **kwargs)
        lookup = kwargs[self.lookup_url_kwarg or self.lookup_field]
        # DRF's get_object_or_404: a malformed key (not a UUID) is a 404 too, as on the serializer path.
        pk = get_object_or_404(self.published().values_list("pk", flat=True), **{self.lookup_field: lookup})
        (detail,) = (self.json_details or self.json_rows)(request, [pk])
        return Response(RenderedObject(detail))


class DeploymentViewSet(SQLJSONMixin, PublicReadOnlyViewSet):
    """Published deployments, with their vendors, contracts, laws and sources, by slug; the detail
    adds the camera-count timeline (a list links to it: ``camera_counts_url``).

    ``?format=geojson``: one Feature per deployment, a MultiPoint of its located places.
    """

    queryset = public_deployments()
    serializer_class = DeploymentSummarySerializer
    export_serializer_class = DeploymentExportSerializer
    renderer_classes = (*PublicReadOnlyViewSet.renderer_classes, GeoJSONRenderer)
    filterset_class = DeploymentFilterSet
    lookup_field = "slug"
    search_fields = ("name", "summary", "data_managed_by", "country__name")
    ordering_fields = ("name", "started_on", "ended_on", "status", "updated_at")

    published = staticmethod(published_deployments)
    json_rows = staticmethod(deployment_summaries)
    json_details = staticmethod(deployment_details)

    def get_queryset(self):
        return public_deployment_details() if self.action == "retrieve" else super().get_queryset()

    def get_serializer_class(self):
        return DeploymentSerializer if self.action == "retrieve" else super().get_serializer_class()


class ContractViewSet(PublicReadOnlyViewSet):
    """Published contracts, MoUs and loans, with their parties and deployments, by slug."""

    queryset = public_contracts()
    serializer_class = ContractSerializer
    export_serializer_class = ContractExportSerializer
    filterset_class = ContractFilterSet
    lookup_field = "slug"
    search_fields = ("name", "summary", "financing", "buyer__name")
    ordering_fields = ("name", "signed_on", "value_amount", "updated_at")


class CameraCountViewSet(SQLJSONMixin, PublicReadOnlyViewSet):
    """Published camera-count observations (conflicting counts coexist), by public_id."""

    queryset = public_camera_counts()
    published = staticmethod(published_camera_counts)
    json_rows = staticmethod(camera_counts)
    serializer_class = CameraCountSerializer
    export_serializer_class = CameraCountExportSerializer
    filterset_class = CameraCountFilterSet
    lookup_field = "public_id"
    search_fields = ("deployment__name", "phase", "notes")
    ordering_fields = ("as_of", "cameras", "updated_at")


class TechnologyViewSet(PublicReadOnlyViewSet):
    queryset = technologies()
    serializer_class = TechnologySerializer
    export_serializer_class = TechnologyExportSerializer
    filterset_class = TechnologyFilterSet
    lookup_field = "slug"
    search_fields = ("name", "description")
    ordering_fields = ("name",)


class PlaceViewSet(PublicReadOnlyViewSet):
    """Places; ``?format=geojson``: one Point Feature per place."""

    queryset = places()
    serializer_class = PlaceSerializer
    export_serializer_class = PlaceExportSerializer
    renderer_classes = (*PublicReadOnlyViewSet.renderer_classes, GeoJSONRenderer)
    filterset_class = PlaceFilterSet
    lookup_field = "slug"
    search_fields = ("name",)
    ordering_fields = ("name",)
