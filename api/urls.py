"""/api/v1/ (the public, read-only API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI).

No Redoc: its page loads fonts from Google's CDN, which the registry neither calls nor allows (CSP).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.licence import LicensedAPIRootView
from api.views.changes import ChangeViewSet
from api.views.citations import CitationViewSet
from api.views.deployments import (
    CameraCountViewSet,
    ContractViewSet,
    DeploymentViewSet,
    EventViewSet,
    MeasurementViewSet,
    OrganisationViewSet,
    PlaceViewSet,
    PublicBodyViewSet,
    StatedCostViewSet,
    TechnologyViewSet,
)
from api.views.ftm import FtMExportViewSet
from api.views.registry import CountryViewSet, LegalFrameworkViewSet, SourceViewSet
from api.views.vendors import VendorViewSet

app_name = "api"

router = DefaultRouter()
router.APIRootView = LicensedAPIRootView
router.register("countries", CountryViewSet, basename="country")
router.register("legal-frameworks", LegalFrameworkViewSet, basename="legal-framework")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("deployments", DeploymentViewSet, basename="deployment")
router.register("contracts", ContractViewSet, basename="contract")
router.register("camera-counts", CameraCountViewSet, basename="camera-count")
router.register("events", EventViewSet, basename="event")
router.register("measurements", MeasurementViewSet, basename="measurement")
router.register("stated-costs", StatedCostViewSet, basename="stated-cost")
router.register("sources", SourceViewSet, basename="source")
router.register("technologies", TechnologyViewSet, basename="technology")
router.register("places", PlaceViewSet, basename="place")
router.register("public-bodies", PublicBodyViewSet, basename="public-body")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("citations", CitationViewSet, basename="citation")
router.register("changes", ChangeViewSet, basename="change")

urlpatterns = [
    path("v1/export/ftm", FtMExportViewSet.as_view({"get": "list"}), name="export-ftm"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (the CSP allows no inline script), and
    # api/swagger_ui.html its page's style block (nor inline style).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
]
