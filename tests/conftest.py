from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Production serves hashed files from collectstatic's manifest; tests render without collecting."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (throttling counters, the home page's figures)."""
    cache.clear()


@pytest.fixture
def seed(db):
    """The four cases of the policy brief, loaded as `make run` loads them."""
    fixtures = sorted(str(path) for path in FIXTURES_DIR.glob("*.yaml"))
    call_command("loaddata", *fixtures, verbosity=0)
    return fixtures
