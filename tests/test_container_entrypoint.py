"""The Docker image's entrypoint: DATABASE_URL from the PostgreSQL image's variables, URL-encoded, so
that any password (``@ : / # %``, spaces, accents) reaches the database driver unchanged."""

import os
import subprocess
import sys

import environ
import pytest

from registry.container_entrypoint import database_url, environment_with_database_url

AWKWARD_PASSWORDS = ["p@ss:w/rd#1", "100%?&=+", "with space", "ñandú/é", "#", "a:b@c"]


@pytest.mark.parametrize("password", AWKWARD_PASSWORDS)
def test_every_part_survives_the_round_trip_through_django_environ(password):
    url = database_url(user="reg@istry", password=password, host="db", port="5432", name="registry/x")
    parsed = environ.Env.db_url_config(url)
    assert parsed["PASSWORD"] == password
    assert parsed["USER"] == "reg@istry"
    assert parsed["NAME"] == "registry/x"
    assert (parsed["HOST"], parsed["PORT"]) == ("db", 5432)
    assert parsed["ENGINE"] == "django.db.backends.postgresql"


def test_no_password_gives_a_url_without_one():
    assert database_url("registry", "", "db", "5432", "registry") == "postgres://registry@db:5432/registry"


def test_a_port_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="POSTGRES_PORT must be a port number"):
        database_url("registry", "secret", "db", "5432/x", "registry")


def test_database_url_set_by_hand_wins_and_nothing_is_added_without_a_host():
    given = {"DATABASE_URL": "postgres://a@b/c", "POSTGRES_HOST": "db", "POSTGRES_PASSWORD": "x"}
    assert environment_with_database_url(given) == given
    assert "DATABASE_URL" not in environment_with_database_url({"POSTGRES_PASSWORD": "x"})


def test_the_entrypoint_runs_its_command_with_the_url():
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        POSTGRES_HOST="db", POSTGRES_USER="registry", POSTGRES_PASSWORD="p@ss:w/rd#1", POSTGRES_DB="registry"
    )
    command = [sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])"]
    result = subprocess.run(
        [sys.executable, "-m", "registry.container_entrypoint", *command],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "postgres://registry:p%40ss%3Aw%2Frd%231@db:5432/registry"
    assert environ.Env.db_url_config(result.stdout.strip())["PASSWORD"] == "p@ss:w/rd#1"


def test_the_entrypoint_says_what_is_wrong_with_a_bad_port():
    environment = {**os.environ, "POSTGRES_HOST": "db", "POSTGRES_PORT": "fivefour"}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "registry.container_entrypoint", "true"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "POSTGRES_PORT must be a port number, not 'fivefour'." in result.stderr
