"""What shared caches (a CDN, the nginx cache of deploy/nginx/) may keep: the rule, in one place.

- A public response gets ``s-maxage`` (how long a shared cache serves it without asking again) and
  ``stale-while-revalidate`` (how long after that it may still serve it while it fetches a fresh copy
  in the background). Public are the API's successful reads (api/views/base.py sets ``public,
  max-age``) and the website's pages (a 200 to a GET or HEAD, made public here with
  ``WEB_CACHE_MAX_AGE``).
- ``Vary`` names what the response depends on: ``Accept`` on the API (format negotiation),
  ``Accept-Language`` and ``Cookie`` on the website (the browser's language, or the language cookie
  set by the language switcher).
- Never stored by a shared cache: a throttled 429 (``no-store``), a response that sets a cookie
  (a CSRF token, a session), anything for a request that carries a session cookie (a signed-in
  curator, who reads the primary: registry/db_router.py), and the admin (Django's never_cache).
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from registry.db_router import public_area

VARY = {"api": ("Accept", "Accept-Language"), "web": ("Accept-Language", "Cookie")}
DEFAULT_MAX_AGE = 60
DEFAULT_STALE_WHILE_REVALIDATE = 30


class SharedCacheMiddleware:
    """Placed inside ConditionalGetMiddleware (its 304s copy these headers) and outside
    CsrfViewMiddleware (so the CSRF cookie is already on the response)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        apply_cache_policy(request, response)
        return response


def apply_cache_policy(request, response) -> None:
    if response.status_code == 429:
        response["Cache-Control"] = "no-store"
        return
    area = public_area(request)
    if area is None:
        return
    if response.cookies or settings.SESSION_COOKIE_NAME in request.COOKIES:
        add_never_cache_headers(response)
        return
    patch_vary_headers(response, VARY[area])
    if area == "web" and response.status_code == 200 and not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=_setting("WEB_CACHE_MAX_AGE", DEFAULT_MAX_AGE))
    cache_control = response.get("Cache-Control", "")
    if "public" in cache_control and "s-maxage" not in cache_control:
        max_age = _setting("HTTP_CACHE_S_MAXAGE", None)
        patch_cache_control(
            response,
            s_maxage=max_age if max_age is not None else _max_age(cache_control),
            stale_while_revalidate=_setting(
                "HTTP_CACHE_STALE_WHILE_REVALIDATE", DEFAULT_STALE_WHILE_REVALIDATE
            ),
        )


def _max_age(cache_control: str) -> int:
    for directive in cache_control.split(","):
        name, _, value = directive.strip().partition("=")
        if name == "max-age" and value.isdigit():
            return int(value)
    return DEFAULT_MAX_AGE


def _setting(name: str, default):
    return getattr(settings, name, default)
