"""Settings of the benchmark's servers: the registry's own settings, on the benchmark database.

``REGISTRY_BENCH_DB`` names the database (created and dropped by bench/run.py on the same server as
the registry's: the embedded PostgreSQL, or DATABASE_URL's). ``REGISTRY_BENCH_CSV_COPY=0`` serves CSV
through the serializers instead of COPY (to compare the two paths). Throttling is out of the way.
"""

import os

from registry.settings import *  # noqa: F403
from registry.settings import DATABASES, REST_FRAMEWORK

DATABASES["default"]["NAME"] = os.environ["REGISTRY_BENCH_DB"]
API_CSV_COPY = os.environ.get("REGISTRY_BENCH_CSV_COPY", "1") == "1"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000000/minute", "export": "1000000000/minute"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
