"""Secure by default: production settings, login lockout, CSP, and a clear 503 when the database is away."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

PROJECT_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENVIRONMENT = {
    # The production environment the README documents.
    "DATABASE_URL": "postgres://registry:secret@db.example.org:5432/registry",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-that-is-not-in-the-repo-0123456789",
    "DJANGO_ALLOWED_HOSTS": "registry.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://registry.example.org",
    "DJANGO_SECURE_HSTS_PRELOAD": "true",
}


def run_manage(*args, **environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_gives_no_warning_with_the_documented_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_allowed_hosts():
    environment = {**PRODUCTION_ENVIRONMENT}
    del environment["DJANGO_ALLOWED_HOSTS"]
    result = run_manage("check", **environment)
    assert result.returncode != 0
    assert "Set DJANGO_ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "short",
        "x" * 60,  # long, but fewer than 5 different characters
        "abcd" * 20,
        "django-insecure-" + "q8#v2!mz@w4l9e&r7t0y1u3i5o6p" * 2,  # startproject's throwaway prefix
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(weak_key):
    result = run_manage("check", **{**PRODUCTION_ENVIRONMENT, "DJANGO_SECRET_KEY": weak_key})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is weak" in result.stderr
    assert weak_key not in result.stderr  # the key is never printed


def test_a_weak_key_is_still_fine_for_local_development():
    environment = {key: value for key, value in PRODUCTION_ENVIRONMENT.items() if key != "DATABASE_URL"}
    result = run_manage("check", **{**environment, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode == 0, result.stderr


def test_production_defaults_are_locked_down():
    code = (
        "import registry.settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PRODUCTION_ENVIRONMENT)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.split() == ["False", "True", "True", "True"], result.stderr


@pytest.mark.parametrize("password", ["short", "password1234", "123456789012", "curator2026!"])
def test_weak_passwords_are_refused(password, db):
    user = get_user_model()(username="curator")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_admin_login_locks_out_after_five_failures(client):
    get_user_model().objects.create_user("cora", password="a sound passphrase 2024", is_staff=True)
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "cora", "password": "guess"})
        assert response.status_code in (200, 429)
    locked = client.post("/admin/login/", {"username": "cora", "password": "a sound passphrase 2024"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    other_user = Client().post("/admin/login/", {"username": "someone", "password": "x"})
    assert other_user.status_code == 200  # the lockout is per username and address, not global


@pytest.mark.django_db
def test_a_correct_login_before_the_limit_works_and_resets_the_count(client):
    get_user_model().objects.create_user("cora", password="a sound passphrase 2024", is_staff=True)
    for _ in range(4):
        client.post("/admin/login/", {"username": "cora", "password": "guess"})
    response = client.post("/admin/login/", {"username": "cora", "password": "a sound passphrase 2024"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.django_db
def test_public_responses_forbid_inline_script_and_style(client):
    policy = client.get("/api/v1/deployments/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_only_the_admin_may_use_inline_styles(admin_client):
    policy = admin_client.get("/admin/").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert (
        "script-src 'self'" in policy
        and "'unsafe-inline' " not in policy.split("script-src")[1].split(";")[0]
    )


@pytest.mark.django_db(transaction=True)
def test_database_going_away_gives_a_503_and_the_app_recovers():
    client = Client(raise_request_exception=False)
    assert client.get("/healthz").status_code == 200
    saved = dict(connection.settings_dict)
    try:
        connection.close()
        # Nothing listens on port 1: the real driver fails to connect, as when the server is down.
        connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "1"})
        for path in ("/healthz", "/api/v1/deployments/", "/api/v1/countries/RS/"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert response["Retry-After"] == "30"
            assert "database is unavailable" in response.content.decode()
            assert "Traceback" not in response.content.decode()
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/deployments/").status_code == 200
