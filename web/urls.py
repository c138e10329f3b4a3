"""The public website: stable, linkable pages whose identifiers are the API's (slug, ISO code)."""

from django.urls import path

from web import releases, views
from web.feeds import ChangesFeed

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("deployments/", views.deployment_list, name="deployment-list"),
    path("deployments/<slug:slug>/", views.deployment_detail, name="deployment-detail"),
    path("countries/<str:code>/", views.country_detail, name="country-detail"),
    path("vendors/<slug:slug>/", views.vendor_detail, name="vendor-detail"),
    path("legal-frameworks/<slug:slug>/", views.legal_framework_detail, name="legal-framework-detail"),
    path("sources/<slug:slug>/", views.source_detail, name="source-detail"),
    path("feeds/changes.atom", ChangesFeed(), name="changes-feed"),
    path("releases/", releases.release_list, name="release-list"),
    path("releases/<str:version>/<str:name>", releases.release_file, name="release-file"),
]
