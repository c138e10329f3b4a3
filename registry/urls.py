from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from registry.curation.admin import review_queue_view
from registry.views import healthz

urlpatterns = [
    path("admin/review-queue/", admin.site.admin_view(review_queue_view), name="review-queue"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include("api.urls")),
    # The language switcher on every public page. Without CSRF, so that the pages carry no token
    # and shared caches may keep them; the worst a forged request can do is switch the language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("web.urls")),
]

handler400 = "registry.views.bad_request"
handler403 = "registry.views.permission_denied"
handler404 = "registry.views.page_not_found"
handler500 = "registry.views.server_error"
