"""What shared caches may keep (registry/http_cache.py): public responses carry s-maxage,
stale-while-revalidate and Vary; the admin, a 429, a signed-in request and a response that sets a
cookie are never stored. (bench/scaling.py runs the nginx cache of deploy/nginx/ against these.)"""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from tests.builders import build_world

SHARED = "public, max-age=60, s-maxage=60, stale-while-revalidate=30"
PUBLIC_PAGES = ["/", "/deployments/", "/deployments/safe-society/", "/countries/RS/", "/vendors/huawei/"]


@pytest.fixture
def world(db):
    return build_world()


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_website_pages_are_public_for_shared_caches(client, world, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response) == set(SHARED.split(", "))
    assert {"accept-language", "cookie"} <= vary(response)  # the browser's language, the language cookie
    assert not response.cookies  # no CSRF token, no session: nothing per visitor in the page


@pytest.mark.parametrize("path", ["/api/v1/deployments/", "/api/v1/deployments/safe-society/"])
def test_api_reads_are_public_for_shared_caches(client, world, path):
    response = client.get(path)
    assert directives(response) == set(SHARED.split(", "))
    assert {"accept", "accept-language"} <= vary(response)


def test_shared_cache_lifetimes_are_settings(client, world, settings):
    settings.HTTP_CACHE_S_MAXAGE = 600
    settings.HTTP_CACHE_STALE_WHILE_REVALIDATE = 120
    settings.WEB_CACHE_MAX_AGE = 30
    assert directives(client.get("/")) == {
        "public",
        "max-age=30",
        "s-maxage=600",
        "stale-while-revalidate=120",
    }
    api = directives(client.get("/api/v1/countries/"))
    assert api == {"public", "max-age=60", "s-maxage=600", "stale-while-revalidate=120"}


def test_a_304_keeps_the_cache_headers(client, world):
    first = client.get("/deployments/safe-society/")
    again = client.get("/deployments/safe-society/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert directives(again) == directives(first)


def test_a_throttled_429_is_never_stored(client, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "export": "1/minute"},
    }
    cache.clear()
    assert client.get("/api/v1/countries/").status_code == 200
    throttled = client.get("/api/v1/countries/")
    assert throttled.status_code == 429
    assert throttled["Cache-Control"] == "no-store"


def test_errors_and_missing_pages_are_not_public(client, world):
    for response in (
        client.get("/api/v1/deployments/?country=XX"),
        client.get("/deployments/no-such-thing/"),
    ):
        assert response.status_code in (400, 404)
        assert "public" not in directives(response)


def test_the_admin_and_a_signed_in_curator_are_never_stored(client, world):
    login = client.get("/admin/login/")
    assert {"no-store", "private"} <= directives(login) and "csrftoken" in login.cookies
    user = get_user_model().objects.create_user("curator", password="a long test password", is_staff=True)
    client.force_login(user)
    for path in ["/admin/", "/deployments/safe-society/", "/api/v1/deployments/safe-society/"]:
        response = client.get(path)
        assert response.status_code == 200
        assert {"no-store", "private"} <= directives(response) and "public" not in directives(response), path


def test_the_language_switcher_works_without_a_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in page
    response = browser.post("/i18n/setlang/", {"language": "es", "next": "/deployments/"})
    assert response.status_code == 302 and response["Location"] == "/deployments/"
    assert '<html lang="es">' in browser.get("/deployments/").content.decode()
