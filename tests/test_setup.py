"""The set-up a new user relies on: settings from the environment and the local curator account."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry.roles import CURATORS_GROUP

PROJECT_DIR = Path(__file__).resolve().parent.parent


def import_settings(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import registry.settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'])",
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_database_url_without_secret_key_refuses_to_start():
    result = import_settings(DATABASE_URL="postgres://u@127.0.0.1:5432/registry")
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_database_url_must_be_postgresql():
    result = import_settings(
        DATABASE_URL="sqlite:///registry.db",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="registry.example.org",
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_database_url_is_used_and_debug_is_off_by_default():
    result = import_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/elsewhere",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="registry.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "elsewhere"]


@pytest.mark.django_db
def test_local_curator_password_is_printed_once(settings, capsys):
    settings.EMBEDDED_DATABASE = True
    call_command("ensure_local_curator")
    first = capsys.readouterr().out
    assert "username 'curator', password '" in first
    password = first.split("password '")[1].split("'")[0]
    user = get_user_model().objects.get(username="curator")
    assert user.check_password(password)
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [CURATORS_GROUP]
    assert user.has_perm("deployments.change_deployment")
    assert not user.has_perm("deployments.delete_deployment")

    call_command("ensure_local_curator")
    second = capsys.readouterr().out
    assert password not in second
    assert "exists" in second
    assert get_user_model().objects.get(username="curator").check_password(password)


@pytest.mark.django_db
def test_local_curator_is_refused_on_a_database_url(settings):
    settings.EMBEDDED_DATABASE = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("ensure_local_curator")
    assert not get_user_model().objects.filter(username="curator").exists()


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
