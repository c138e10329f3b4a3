"""The set-up a new user relies on: settings from the environment and the local curator account."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pgtrigger
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.curation.roles import CURATORS_GROUP

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
        DJANGO_SECRET_KEY="test-only-not-a-secret-" + "0123456789abcdef" * 3,  # strong enough to start
        DJANGO_ALLOWED_HOSTS="registry.example.org",
    )
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_database_url_is_used_and_debug_is_off_by_default():
    result = import_settings(
        DATABASE_URL="postgres://u@127.0.0.1:5432/elsewhere",
        DJANGO_SECRET_KEY="test-only-not-a-secret-" + "0123456789abcdef" * 3,  # strong enough to start
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
def test_local_curator_is_not_created_on_a_database_url_and_make_run_goes_on(settings, capsys):
    settings.EMBEDDED_DATABASE = False
    call_command("ensure_local_curator")  # no CommandError: `make run` continues to runserver
    assert "createsuperuser" in capsys.readouterr().out
    assert not get_user_model().objects.filter(username="curator").exists()


@pytest.mark.django_db
def test_local_curator_is_created_on_a_database_url_when_forced(settings, capsys):
    settings.EMBEDDED_DATABASE = False
    call_command("ensure_local_curator", force=True)
    assert "username 'curator', password '" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="curator", is_staff=True).exists()


def test_healthz_answers_when_the_database_does(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_debug_mode_prints_each_log_record_once():
    code = (
        "import django; django.setup(); import logging; "
        "logging.getLogger('django.request').warning('marker-django'); "
        "logging.getLogger('registry.anything').warning('marker-registry')"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="registry.settings",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://u@127.0.0.1:5432/not-connected-to",
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr.count("marker-django") == 1, result.stderr
    assert result.stderr.count("marker-registry") == 1, result.stderr


@pytest.mark.django_db
def test_migrate_installs_a_missing_trigger_once_then_says_nothing(caplog):
    model, trigger = next(
        (model, trigger)
        for model, trigger in pgtrigger.registered()
        if model._meta.db_table == "registry_country_unions" and trigger.name == "insert_insert"
    )
    trigger.uninstall(model)
    assert trigger.get_installation_status(model)[0] == "UNINSTALLED"

    with caplog.at_level(logging.INFO):
        call_command("migrate", verbosity=0)
    installing = [record.getMessage() for record in caplog.records if "Installing" in record.getMessage()]
    assert installing == ["Installing trigger insert_insert on registry_country_unions."]
    assert trigger.get_installation_status(model) == ("INSTALLED", True)

    caplog.clear()
    with caplog.at_level(logging.INFO):
        call_command("migrate", verbosity=0)
    assert [
        record.getMessage() for record in caplog.records if record.name.startswith(("pgtrigger", "registry"))
    ] == []
