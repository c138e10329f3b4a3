"""``manage.py seed`` never touches what the registry holds: a curator's edit of a seeded record, a
retraction, an unlinked place or a removed citation all survive every seeding path (`make seed`,
`make run`, docker-compose's ``migrate`` service), while an empty registry gets the whole seed."""

import io
import re
from collections import Counter
from pathlib import Path

import pghistory.models
import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command

from deployments.models import Deployment, DeploymentCitation, Place, Technology
from registry.choices import ReviewStatus
from registry.models import Country, CountryMembership

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted(str(path) for path in (ROOT / "fixtures").glob("*.yaml"))


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed", *args, stdout=out)
    return out.getvalue()


def fixture_counts() -> Counter:
    """How many objects of each model the seed files hold."""
    counts = Counter()
    for path in FIXTURES:
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8")):
            counts[apps.get_model(item["model"])] += 1
    return counts


def snapshot() -> dict:
    """Every row of every seeded model (and of their links), as the database holds it."""
    rows = {}
    for model in fixture_counts():
        rows[model._meta.label] = sorted(map(repr, model._base_manager.order_by("pk").values_list()))
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            rows[through._meta.label] = sorted(map(repr, through._base_manager.values_list()))
    return rows


def test_an_empty_registry_gets_the_whole_seed():
    assert not Deployment.objects.exists()  # after migrate: the ISO countries and nothing else

    output = seed()

    for model, count in fixture_counts().items():
        if model is Country:  # the migration loaded every ISO country; the seed's are among them
            assert Country.objects.count() >= 249
        else:
            assert model._base_manager.count() == count, model._meta.label
    assert Deployment.objects.published().count() == 11
    assert (
        output
        == f"Seed: inserted {sum(fixture_counts().values()) - 7} records; left 7 that were there as they are.\n"
    )


def test_a_second_run_inserts_nothing_and_says_so():
    seed()
    before, events = snapshot(), pghistory.models.Events.objects.count()

    output = seed()

    assert output.count("\n") == 1
    assert output.startswith("Seed: nothing to insert; the registry already holds the seed")
    assert snapshot() == before
    assert pghistory.models.Events.objects.count() == events


def test_seeding_again_keeps_curators_edits_retractions_and_removals():
    seed()
    belgrade = Deployment.objects.get(slug="belgrade-safe-society")
    Deployment.objects.filter(pk=belgrade.pk).update(
        summary="A curator's corrected summary.", started_on="2016"
    )
    belgrade.places.remove(Place.objects.get(slug="belgrade"))
    removed = DeploymentCitation.objects.filter(record=belgrade).first()
    removed.delete()
    Deployment.objects.filter(slug="ecu-911").update(review_status=ReviewStatus.RETRACTED)
    Technology.objects.filter(slug="drones").update(
        name="Unmanned aircraft", review_status=ReviewStatus.DRAFT
    )
    CountryMembership.objects.filter(slug="rs-belt-and-road-2015").update(
        review_status=ReviewStatus.RETRACTED
    )
    Country.objects.filter(code="IT").update(name="Italia")
    before = snapshot()

    output = seed()

    assert output.startswith("Seed: nothing to insert")
    assert snapshot() == before
    belgrade.refresh_from_db()
    assert (belgrade.summary, belgrade.started_on) == ("A curator's corrected summary.", "2016")
    assert not belgrade.places.filter(slug="belgrade").exists()
    assert not DeploymentCitation.objects.filter(pk=removed.pk).exists()
    assert Deployment.objects.get(slug="ecu-911").review_status == ReviewStatus.RETRACTED
    assert Technology.objects.get(slug="drones").review_status == ReviewStatus.DRAFT
    assert CountryMembership.objects.get(slug="rs-belt-and-road-2015").review_status == ReviewStatus.RETRACTED
    assert Country.objects.get(code="IT").name == "Italia"


def test_a_missing_record_is_inserted_with_its_parts_and_nothing_else_changes():
    seed()
    ecu = Deployment.objects.get(slug="ecu-911")
    parts = {
        "citations": ecu.citations.count(),
        "vendor_roles": ecu.vendor_roles.count(),
        "technologies": ecu.technologies.count(),
    }
    # Only a superuser can delete a deployment; its counts, measurements and events would hold it
    # (PROTECT).
    ecu.camera_counts.all().delete()
    ecu.measurements.all().delete()
    ecu.timeline_events.all().delete()
    ecu.delete()
    Deployment.objects.filter(slug="belgrade-safe-society").update(summary="Edited.")

    output = seed()

    assert output.startswith("Seed: inserted ")
    again = Deployment.objects.get(slug="ecu-911")
    assert {
        "citations": again.citations.count(),
        "vendor_roles": again.vendor_roles.count(),
        "technologies": again.technologies.count(),
    } == parts
    assert again.camera_counts.exists()
    assert again.timeline_events.count() == 3
    assert again.measurements.count() == 2
    assert Deployment.objects.get(slug="belgrade-safe-society").summary == "Edited."


def test_a_broken_seed_changes_nothing(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "- model: deployments.place\n"
        "  fields: {slug: nowhere, name: Nowhere, kind: city, country: [XX], review_status: published,"
        " created_at: '2026-11-26T00:00:00Z', updated_at: '2026-11-26T00:00:00Z'}\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="nothing changed"):
        seed(FIXTURES[1], str(broken))
    assert not Technology.objects.exists()  # 02_technologies.yaml came first, and was rolled back
    with pytest.raises(CommandError, match="No seed file"):
        seed(str(tmp_path / "absent.yaml"))


def test_every_seeding_path_runs_the_command_not_loaddata():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    seed_target = re.search(r"^seed:.*?(?=^\S)", makefile, flags=re.MULTILINE | re.DOTALL).group(0)
    assert "manage.py seed" in seed_target
    assert re.search(r"^run: seed\b", makefile, flags=re.MULTILINE)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command = compose["services"]["migrate"]["command"]
    assert "manage.py migrate" in command and "manage.py seed" in command
    for path in [ROOT / "Makefile", ROOT / "docker-compose.yml", ROOT / "Dockerfile", ROOT / ".ci" / "run"]:
        assert "loaddata" not in path.read_text(encoding="utf-8"), path
