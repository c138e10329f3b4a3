"""manage.py generate_synthetic: realistic, deterministic, and never mixed into real published data."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deployments.models import CameraCount, Contract, Deployment, Place, PublicBody
from registry.choices import ReviewStatus
from registry.models import LegalFramework, Source
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def generate(**options):
    err = io.StringIO()
    out = io.StringIO()
    call_command("generate_synthetic", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def snapshot():
    """Every generated row, without the database-assigned timestamps."""
    return {
        "deployments": list(
            Deployment.objects.order_by("slug").values_list(
                "id",
                "slug",
                "name",
                "summary",
                "country__code",
                "operator__slug",
                "status",
                "started_on",
                "ended_on",
                "purposes",
                "governance_concerns",
                "review_status",
            )
        ),
        "places": list(
            Deployment.places.through.objects.order_by("id").values_list("deployment_id", "place_id")
        ),
        "vendors": list(
            Vendor.objects.order_by("slug").values_list("slug", "name", "aliases", "review_status")
        ),
        "counts": list(
            CameraCount.objects.order_by("id").values_list(
                "public_id", "deployment__slug", "as_of", "cameras", "kind"
            )
        ),
        "contracts": list(
            Contract.objects.order_by("slug").values_list("slug", "value_amount", "value_currency")
        ),
    }


def test_counts_and_shape():
    out, err = generate(deployments=200, camera_counts=2000, seed=1)
    assert Deployment.objects.count() == 200
    assert CameraCount.objects.count() == 2000
    assert "Generated" in out and "200 deployments" in out
    assert "rows" in err  # the progress bar, on stderr
    for model in (Deployment, Vendor, Source, LegalFramework, Contract, Place, PublicBody):
        assert model.objects.exclude(slug__startswith="syn-").count() == 0, model
        assert model.objects.exists(), model
    # Mostly published, with drafts and retractions so the published-only paths are exercised.
    statuses = set(Deployment.objects.values_list("review_status", flat=True))
    assert {ReviewStatus.PUBLISHED, ReviewStatus.DRAFT} <= statuses
    assert Deployment.objects.published().count() > 150
    assert CameraCount.objects.exclude(review_status=ReviewStatus.PUBLISHED).exists()
    assert Source.objects.exclude(review_status=ReviewStatus.PUBLISHED).exists()
    deployment = Deployment.objects.published().filter(vendors__isnull=False).first()
    assert deployment.places.exists() and deployment.technologies.exists() and deployment.citations.exists()
    assert Contract.objects.filter(parties__isnull=False, deployments__isnull=False).exists()
    assert Place.objects.filter(latitude__isnull=False).exists()
    assert Vendor.objects.exclude(aliases=[]).exists()


def test_the_same_seed_gives_the_same_rows():
    generate(deployments=120, camera_counts=600, seed=5, verbosity=0)
    first = snapshot()
    for model in (CameraCount, Contract.deployments.through, Contract, Deployment):
        model.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    generate(deployments=120, camera_counts=600, seed=5, verbosity=0)
    second = snapshot()
    assert [row[1:] for row in first["deployments"]] == [row[1:] for row in second["deployments"]]
    assert first["counts"] == second["counts"]
    assert first["vendors"] == second["vendors"]
    assert first["contracts"] == second["contracts"]


def test_another_seed_gives_other_rows():
    generate(deployments=50, camera_counts=100, seed=1, verbosity=0)
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    generate(deployments=50, camera_counts=100, seed=2, verbosity=0)
    assert snapshot()["counts"] != first["counts"]


def test_refuses_a_database_with_real_published_data(seed):
    with pytest.raises(CommandError, match="real published data"):
        generate(deployments=10, camera_counts=10, seed=1, verbosity=0)
    assert not Deployment.objects.filter(slug__startswith="syn-").exists()
    generate(deployments=10, camera_counts=10, seed=1, verbosity=0, force=True)
    assert Deployment.objects.filter(slug__startswith="syn-").count() == 10


def test_refuses_to_generate_twice():
    generate(deployments=10, camera_counts=10, seed=1, verbosity=0)
    with pytest.raises(CommandError, match="already holds synthetic data"):
        generate(deployments=10, camera_counts=10, seed=1, verbosity=0)


def test_synthetic_rows_have_no_history_events_and_history_still_works():
    from pghistory.models import Events

    generate(deployments=20, camera_counts=20, seed=1, verbosity=0)
    assert not Events.objects.filter(pgh_obj_model="deployments.Deployment").exists()
    deployment = Deployment.objects.first()
    Deployment.objects.filter(pk=deployment.pk).update(name="Renamed")
    assert Events.objects.filter(pgh_obj_model="deployments.Deployment").exists()
