import os
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.management import call_command
from pytest_django.fixtures import _get_databases_for_setup

from tests import parallel_databases, seed_snapshot

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Production serves hashed files from collectstatic's manifest; tests render without collecting."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts with an empty cache (throttling counters, the home page's figures). The API's
    throttling counts in this process's memory, so that the tests' query counts are the views' own;
    tests/test_throttling.py tests the shared table production uses."""
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    }
    cache.clear()
    caches["throttle"].clear()


@pytest.fixture
def seed(db):
    """The four cases of the policy brief, loaded as `make run` loads them (``manage.py seed``, once per test process,
    then copied back in: tests/seed_snapshot.py)."""
    fixtures = sorted(str(path) for path in FIXTURES_DIR.glob("*.yaml"))
    seed_snapshot.load_seed(lambda: call_command("seed", *fixtures, verbosity=0))
    return fixtures


if os.environ.get("PYTEST_XDIST_WORKER"):

    @pytest.fixture(scope="session")
    def django_db_setup(
        request, tmp_path_factory, django_test_environment, django_db_blocker, django_db_modify_db_settings
    ):
        """pytest-django's, except that the worker's test database is made from the run's migrated
        template (tests/parallel_databases.py)."""
        _aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
        shared_dir = tmp_path_factory.getbasetemp().parent  # the run's, seen by every worker
        with django_db_blocker.unblock():
            config = parallel_databases.set_up_worker_databases(shared_dir, serialized_aliases)
        yield
        with django_db_blocker.unblock():
            parallel_databases.tear_down_worker_databases(config)


def pytest_sessionfinish(session):
    """In xdist's controller, once every worker is done: drop the template of their test databases."""
    numprocesses = getattr(session.config.option, "numprocesses", None)
    if numprocesses and not hasattr(session.config, "workerinput"):
        parallel_databases.drop_template()
