from django.conf import settings

from api.json_rows import camera_counts, deployment_summaries
from api.renderers import GeoJSONRenderer, JSONRenderer
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


class SQLJSONListMixin:
    """JSON pages built by PostgreSQL (api/json_rows.py): the page's ids from the filtered, ordered
    ``published()`` rows, then their objects; other formats, and ``API_LIST_SQL = False``, go
    through the serializers."""

    published = None  # the published rows, without the joins and prefetches the serializers need
    json_rows = None  # (request, ids) -> the objects of those rows, in that order

    def list(self, request, *args, **kwargs):
        if not (getattr(settings, "API_LIST_SQL", True) and type(request.accepted_renderer) is JSONRenderer):
            return super().list(request, *args, **kwargs)
        ids = self.paginate_queryset(self.filter_queryset(self.published()).values_list("pk", flat=True))
        return self.get_paginated_response(self.json_rows(request, ids))


class DeploymentViewSet(SQLJSONListMixin, PublicReadOnlyViewSet):
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


class CameraCountViewSet(SQLJSONListMixin, PublicReadOnlyViewSet):
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
