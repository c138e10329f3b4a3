"""Input the database cannot store, refused before any view: a JSON 400 (or 404 for a path), never an
HTML 500 from PostgreSQL, and never an export cut off mid-stream."""

from django.http import JsonResponse

# Longest request target (path and query) the API answers; a longer one is a 414. Below gunicorn's
# own limit (a request line of 4,094 bytes), so the answer is this JSON one and not the server's page.
MAX_URL_LENGTH = 4000


class RefuseUnstorableInputMiddleware:
    """Under /api/: a NUL byte (PostgreSQL text cannot hold one) in a query parameter's name or value
    is a 400, in the path a 404 (no record has such an identifier); an overlong URL is a 414."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    @staticmethod
    def refusal(request) -> JsonResponse | None:
        target = request.META.get("RAW_URI") or request.get_full_path()
        if len(target) > MAX_URL_LENGTH:
            return JsonResponse(
                {"detail": f"The URL is longer than {MAX_URL_LENGTH} characters."}, status=414
            )
        if "\x00" in request.path_info:
            return JsonResponse({"detail": "Not found."}, status=404)
        bad = sorted(
            {name for name, values in request.GET.lists() for value in [name, *values] if "\x00" in value}
        )
        if bad:
            message = "A NUL character (%00) is not allowed."
            return JsonResponse({name.replace("\x00", "\\x00"): [message] for name in bad}, status=400)
        return None
