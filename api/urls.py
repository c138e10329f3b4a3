"""/api/v1/ (the public, read-only API), /api/schema/ (OpenAPI 3), /api/docs/ and /api/redoc/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
