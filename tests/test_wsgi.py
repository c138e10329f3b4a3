"""The WSGI module readies a worker before its first request (registry/wsgi.py)."""

from django.urls import URLResolver, clear_url_caches, get_resolver, reverse
from django.utils import translation

from registry.wsgi import build_reverse_maps


def test_a_worker_builds_every_reverse_map_before_its_first_request(monkeypatch, settings):
    """No ``reverse()`` of a request builds a map of URL names, in any language of the site."""
    clear_url_caches()
    build_reverse_maps(get_resolver())
    built = []
    build = URLResolver._populate
    monkeypatch.setattr(
        URLResolver, "_populate", lambda resolver: (built.append(resolver), build(resolver))[1]
    )
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("api:deployment-list")
            reverse("api:deployment-detail", kwargs={"slug": "x"})
            reverse("admin:index")
    assert built == []
