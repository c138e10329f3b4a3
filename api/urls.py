"""/api/v1/ (the public, read-only API), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI).

No Redoc: its page loads fonts from Google's CDN, which the registry neither calls nor allows (CSP).
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.views.changes import ChangeViewSet
from api.views.deployments import (
    CameraCountViewSet,
    ContractViewSet,
    DeploymentViewSet,
    PlaceViewSet,
    TechnologyViewSet,
)
from api.views.registry import CountryViewSet, LegalFrameworkViewSet, SourceViewSet
from api.views.vendors import VendorViewSet

app_name = "api"

router = DefaultRouter()
router.register("countries", CountryViewSet, basename="country")
router.register("legal-frameworks", LegalFrameworkViewSet, basename="legal-framework")
router.register("vendors", VendorViewSet, basename="vendor")
router.register("deployments", DeploymentViewSet, basename="deployment")
router.register("contracts", ContractViewSet, basename="contract")
router.register("camera-counts", CameraCountViewSet, basename="camera-count")
router.register("sources", SourceViewSet, basename="source")
router.register("technologies", TechnologyViewSet, basename="technology")
router.register("places", PlaceViewSet, basename="place")
router.register("changes", ChangeViewSet, basename="change")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
