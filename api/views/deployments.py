from django.conf import settings
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from api import ocds
from api.json_rows import camera_counts, deployment_details, deployment_summaries
from api.renderers import GeoJSONRenderer, JSONRenderer, OCDSRenderer, RenderedObject
from api.serializers.deployments import (
    CameraCountSerializer,
    ContractSerializer,
    DeploymentSerializer,
    DeploymentSummarySerializer,
    EventSerializer,
    MeasurementSerializer,
    OrganisationSerializer,
    PlaceSerializer,
    PublicBodySerializer,
    StatedCostDetailSerializer,
    TechnologySerializer,
)
from api.serializers.exports import (
    CameraCountExportSerializer,
    ContractExportSerializer,
    DeploymentExportSerializer,
    EventExportSerializer,
    MeasurementExportSerializer,
    OrganisationExportSerializer,
    PlaceExportSerializer,
    PublicBodyExportSerializer,
    StatedCostExportSerializer,
    TechnologyExportSerializer,
)
from api.views.base import PublicReadOnlyViewSet
from deployments.filtersets import (
    CameraCountFilterSet,
    ContractFilterSet,
    DeploymentFilterSet,
    EventFilterSet,
    MeasurementFilterSet,
    OrganisationFilterSet,
    PlaceFilterSet,
    PublicBodyFilterSet,
    StatedCostFilterSet,
    TechnologyFilterSet,
)
from deployments.models import Organisation, Place, PublicBody, Technology
from deployments.selectors import (
    organisation_details,
    public_body_details,
    public_camera_counts,
    public_contracts,
    public_deployment_details,
    public_deployments,
    public_events,
    public_measurements,
    public_places,
    public_stated_costs,
    published_camera_counts,
    published_deployments,
    technologies,
)
from registry.models import Country


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
    kind = "deployment"
    # Stored in search_vector (deployments/derived.py), with the related names; listed for the schema.
    search_fields = (
        "name",
        "summary",
        "data_managed_by",
        "country__name",
        "operator__name",
        "vendors__name",
        "vendors__legal_name",
        "vendors__aliases",
        "places__name",
    )
    trigram_fields = ("search_names",)
    ordering_fields = ("name", "started_on", "ended_on", "status", "updated_at")

    published = staticmethod(published_deployments)
    json_rows = staticmethod(deployment_summaries)
    json_details = staticmethod(deployment_details)

    def get_queryset(self):
        return public_deployment_details() if self.action == "retrieve" else super().get_queryset()

    def get_serializer_class(self):
        return DeploymentSerializer if self.action == "retrieve" else super().get_serializer_class()


class ContractViewSet(PublicReadOnlyViewSet):
    """Published contracts, MoUs and loans, with their parties and deployments, by slug.

    ``?format=ocds``: an OCDS 1.1 release package (api/ocds.py), of every matching contract on the
    list, of the one contract on its detail.
    """

    queryset = public_contracts()
    serializer_class = ContractSerializer
    export_serializer_class = ContractExportSerializer
    renderer_classes = (*PublicReadOnlyViewSet.renderer_classes, OCDSRenderer)
    filterset_class = ContractFilterSet
    lookup_field = "slug"
    kind = "contract"
    search_fields = (
        "name",
        "summary",
        "financing",
        "buyer__name",
        "vendors__name",
        "vendors__legal_name",
        "vendors__aliases",
        "buyer__place__name",
        "deployments__places__name",
    )
    trigram_fields = ("search_names",)
    ordering_fields = ("name", "signed_on", "value_amount", "updated_at")

    def retrieve(self, request, *args, **kwargs):
        if not isinstance(request.accepted_renderer, OCDSRenderer):
            return super().retrieve(request, *args, **kwargs)
        release = ocds.release(self.get_object(), self.get_serializer_context())
        metadata = ocds.package_metadata(request, self.validators().last_modified)
        return Response({**metadata, "releases": [release]})


class CameraCountViewSet(SQLJSONMixin, PublicReadOnlyViewSet):
    """Published camera-count observations (conflicting counts coexist), by public_id."""

    queryset = public_camera_counts()
    published = staticmethod(published_camera_counts)
    json_rows = staticmethod(camera_counts)
    serializer_class = CameraCountSerializer
    export_serializer_class = CameraCountExportSerializer
    filterset_class = CameraCountFilterSet
    lookup_field = "public_id"
    kind = "camera-count"
    # No trigram fallback: counts have no names of their own, and comparing their deployments' names
    # for every search that finds no count cost 100-300 ms at a million counts (docs/performance.md).
    search_fields = ("deployment__name", "phase", "notes")
    ordering_fields = ("as_of", "timeline_date", "cameras", "updated_at")


class MeasurementViewSet(PublicReadOnlyViewSet):
    """Published figures about deployments other than their cameras (camera locations, cameras
    replaced or added, control centres, staff, traffic stations, sensors), by public_id; by
    deployment, then date (as_of, else the source's), then what."""

    queryset = public_measurements()
    serializer_class = MeasurementSerializer
    export_serializer_class = MeasurementExportSerializer
    filterset_class = MeasurementFilterSet
    lookup_field = "public_id"
    kind = "measurement"
    ordering_fields = ("timeline_date", "quantity", "updated_at")


class StatedCostViewSet(PublicReadOnlyViewSet):
    """What published sources say published deployments cost or spent ("over COP 136bn since 2015"),
    by public_id; by deployment, then the period's start, then the amount. Amounts are as the source
    gives them, in its currency, never converted."""

    queryset = public_stated_costs()
    serializer_class = StatedCostDetailSerializer
    export_serializer_class = StatedCostExportSerializer
    filterset_class = StatedCostFilterSet
    lookup_field = "public_id"
    # No ``kind``: a stated cost is a part of its deployment, never retracted on its own (no 410).
    search_fields = ("description", "deployment__name")
    # An open period start ("") sorts first.
    ordering = ("deployment__name", "period_start", "-amount")
    ordering_fields = ("period_start", "amount", "confidence")


class EventViewSet(PublicReadOnlyViewSet):
    """Published events of published deployments (an agreement signed, a pilot, a draft law
    withdrawn, a DPA decision...), each dated as precisely as its source and cited to it, by
    public_id; in date order (a year-only date before the months and days of that year)."""

    queryset = public_events().order_by("occurred_on", "deployment__name", "kind", "pk")
    serializer_class = EventSerializer
    export_serializer_class = EventExportSerializer
    filterset_class = EventFilterSet
    lookup_field = "public_id"
    kind = "event"
    search_fields = ("description", "quote", "deployment__name")
    ordering_fields = ("occurred_on", "kind", "confidence", "updated_at")


class TechnologyViewSet(PublicReadOnlyViewSet):
    """Published technologies, by slug."""

    queryset = technologies()
    serializer_class = TechnologySerializer
    export_serializer_class = TechnologyExportSerializer
    filterset_class = TechnologyFilterSet
    lookup_field = "slug"
    kind = "technology"
    public_models = (Technology,)
    search_fields = ("name", "description")
    trigram_fields = ("name",)
    ordering_fields = ("name",)


class PublicBodyViewSet(PublicReadOnlyViewSet):
    """Public bodies, every kind (ministries, municipalities, regional governments, police, agencies,
    public research centres): the buyers of contracts and the operators of deployments, by slug."""

    queryset = public_body_details()
    serializer_class = PublicBodySerializer
    export_serializer_class = PublicBodyExportSerializer
    filterset_class = PublicBodyFilterSet
    lookup_field = "slug"
    kind = "public-body"
    public_models = (PublicBody, Place, Country)
    search_fields = ("name",)
    trigram_fields = ("name",)
    ordering_fields = ("name",)


class OrganisationViewSet(PublicReadOnlyViewSet):
    """Organisations party to contracts that are neither vendors nor public bodies (foreign states,
    lenders, research centres, international organisations), by slug."""

    queryset = organisation_details()
    serializer_class = OrganisationSerializer
    export_serializer_class = OrganisationExportSerializer
    filterset_class = OrganisationFilterSet
    lookup_field = "slug"
    kind = "organisation"
    public_models = (Organisation, Country)
    search_fields = ("name", "notes")
    trigram_fields = ("name",)
    ordering_fields = ("name",)


class PlaceViewSet(PublicReadOnlyViewSet):
    """Published places, by slug; ``?format=geojson``: one Point Feature per place."""

    queryset = public_places()
    serializer_class = PlaceSerializer
    export_serializer_class = PlaceExportSerializer
    renderer_classes = (*PublicReadOnlyViewSet.renderer_classes, GeoJSONRenderer)
    filterset_class = PlaceFilterSet
    lookup_field = "slug"
    kind = "place"
    public_models = (Place, Country)
    search_fields = ("name",)
    trigram_fields = ("name",)
    ordering_fields = ("name",)
