import contextlib
import gc
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import translation

from registry.database import limit_web_database_work

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
application = get_wsgi_application()
# The web's statements have a time limit (a hung database answers 503); commands' do not.
limit_web_database_work()


def build_reverse_maps(resolver: URLResolver, namespace: str = "") -> None:
    """What Django builds on a process's first ``reverse()`` in each language and URL namespace:
    the maps of URL names, which a worker's first page would otherwise pay for. A name nobody uses
    makes ``reverse()`` build them, then fail."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code), contextlib.suppress(NoReverseMatch):
            reverse(f"{namespace}-no-such-url-")
    for inner, (_prefix, included) in resolver.namespace_dict.items():
        build_reverse_maps(included, f"{namespace}{inner}:")


# Python's cyclic garbage collector now and then walks every long-lived object (the whole of Django,
# DRF and the registry's modules), and those walks were the slowest API requests. Import every view
# now (the URLconf), then move what exists out of the collector's reach.
build_reverse_maps(get_resolver())
gc.freeze()
