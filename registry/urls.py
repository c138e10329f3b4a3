from django.contrib import admin
from django.urls import include, path

from registry.admin_workflow import review_queue_view
from registry.views import healthz

urlpatterns = [
    path("admin/review-queue/", admin.site.admin_view(review_queue_view), name="review-queue"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]

handler400 = "registry.views.bad_request"
handler404 = "registry.views.page_not_found"
handler500 = "registry.views.server_error"
