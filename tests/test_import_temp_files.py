"""The admin import's confirmation reads (and then deletes) only the file this user's own preview
kept: a forged ``import_file_name`` naming any other file is refused, and the file is left alone."""

import tempfile
from pathlib import Path

import pytest

from deployments.models import Place
from registry.curation.roles import ensure_roles
from registry.imports.admin import NOT_YOUR_FILE, kept_file_name
from tests.test_import_bad_files import CSV, GOOD, curator_client  # noqa: F401
from tests.test_import_export import admin_url, make_user, snapshot, upload


@pytest.fixture
def someone_elses_file():
    """A file in the temporary directory that no preview of this user made."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as file:
        file.write("slug,name,kind,country\nsecret-town,SECRET CONTENT,city,RS\n")
    path = Path(file.name)
    yield path
    path.unlink(missing_ok=True)


@pytest.mark.parametrize("forged", ["plain name", "path up", "absolute path"])
def test_a_forged_file_name_is_refused_and_the_file_left_alone(
    seed,
    curator_client,  # noqa: F811
    someone_elses_file,
    forged,
):
    preview = upload(curator_client, Place, "places.csv", GOOD, CSV)
    name = {
        "plain name": someone_elses_file.name,
        "path up": f"../{Path(tempfile.gettempdir()).name}/{someone_elses_file.name}",
        "absolute path": str(someone_elses_file),
    }[forged]
    before = snapshot()

    response = curator_client.post(
        admin_url(Place, "process_import"),
        dict(preview.context["confirm_form"].initial, import_file_name=name),
    )

    assert response.status_code == 400
    assert NOT_YOUR_FILE in response.content.decode()
    assert "SECRET CONTENT" not in response.content.decode()
    assert someone_elses_file.exists()
    assert snapshot() == before


def test_another_users_preview_cannot_be_confirmed(seed, client):
    curators = ensure_roles()[0]
    client.force_login(make_user("alice", groups=[curators]))
    preview = upload(client, Place, "places.csv", GOOD, CSV)
    token = preview.context["confirm_form"].initial["import_file_name"]
    kept = Path(tempfile.gettempdir()) / kept_file_name(preview.wsgi_request, token)
    assert kept.exists()

    client.force_login(make_user("mallory", groups=[curators]))
    response = client.post(admin_url(Place, "process_import"), preview.context["confirm_form"].initial)

    assert response.status_code == 400
    assert kept.exists()  # alice's file is neither imported nor deleted by mallory
    assert not Place.objects.filter(slug="town-1").exists()


def test_the_users_own_preview_is_confirmed(seed, curator_client):  # noqa: F811
    preview = upload(curator_client, Place, "places.csv", GOOD, CSV)
    token = preview.context["confirm_form"].initial["import_file_name"]
    kept = Path(tempfile.gettempdir()) / kept_file_name(preview.wsgi_request, token)
    response = curator_client.post(
        admin_url(Place, "process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    assert Place.objects.filter(slug="town-1").exists()
    assert not kept.exists()  # read, then deleted
