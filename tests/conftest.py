import pytest
from django.core.management import call_command

from registry.choices import ReviewStatus


@pytest.fixture
def seed(db):
    """The four cases of the policy brief, as `make run` loads them."""
    from pathlib import Path

    fixtures = sorted(
        str(path) for path in (Path(__file__).resolve().parent.parent / "fixtures").glob("*.yaml")
    )
    call_command("loaddata", *fixtures, verbosity=0)
    return fixtures


@pytest.fixture
def published():
    return ReviewStatus.PUBLISHED
