from django.db import connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and docker-compose: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
