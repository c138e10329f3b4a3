"""API throttling: the client is the socket's address unless proxies are configured (a client's own
X-Forwarded-For is never its identity), and every worker counts against one budget, in the database
cache that production uses (settings.CACHES["throttle"])."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

PROJECT_DIR = Path(__file__).resolve().parent.parent
COUNTRIES = "/api/v1/countries/"


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}


def statuses(requests: int, **client_headers) -> list[int]:
    return [APIClient(**client_headers).get(COUNTRIES).status_code for _ in range(requests)]


@pytest.mark.django_db
def test_without_proxies_a_new_forwarded_header_each_time_does_not_reset_the_count(three_a_minute):
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0  # DJANGO_API_NUM_PROXIES unset
    codes = [
        APIClient(REMOTE_ADDR="5.5.5.5", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}").get(COUNTRIES).status_code
        for number in range(6)
    ]
    assert codes == [200, 200, 200, 429, 429, 429]
    assert statuses(1, REMOTE_ADDR="7.7.7.7") == [200]  # another client has its own budget


@pytest.mark.django_db
def test_behind_one_proxy_the_address_the_proxy_appended_is_the_client(three_a_minute, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    codes = [
        APIClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, 5.5.5.5")
        .get(COUNTRIES)
        .status_code
        for number in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert statuses(1, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="5.5.5.6") == [200]


def test_production_counts_in_a_database_table_unless_a_cache_server_is_configured():
    code = "import registry.settings as s; print(s.CACHES['throttle']['BACKEND'])"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_API_THROTTLE_CACHE_URL"}
    backend = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    env["DJANGO_API_THROTTLE_CACHE_URL"] = "redis://127.0.0.1:6379/1"
    backend = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    assert backend == "django.core.cache.backends.redis.RedisCache"


REQUESTS_FROM_ONE_WORKER = """
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="203.0.113.9")
print(" ".join(str(client.get("/api/v1/countries/").status_code) for _ in range(4)))
"""


def worker_environment() -> dict:
    """A process of the registry on this test's database, with production's throttle cache."""
    database = connection.settings_dict
    host = database["HOST"] or "localhost"
    url = f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
    url += (
        f"/{database['NAME']}?host={host}"
        if host.startswith("/")
        else f"{host}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="registry.settings",
        DJANGO_SECRET_KEY="test-only-" + "0123456789abcdef" * 4,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_API_ANON_RATE="6/minute",
    )
    return env


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_one_budget():
    env = worker_environment()
    runs = [
        subprocess.run(
            [sys.executable, "-c", REQUESTS_FROM_ONE_WORKER],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        for _worker in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
    first, second = (run.stdout.split()[-4:] for run in runs)
    # 6 a minute in all: the second worker has 2 requests left, not 6 of its own.
    assert first == ["200"] * 4
    assert second == ["200", "200", "429", "429"]
