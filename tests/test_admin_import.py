"""Import in the curator admin, as a curator does it: upload, preview, confirm.

New records with many-to-many columns (deployments, laws), refused rows written out in the preview
(row, column, message), unchanged rows counted, changes to published records counted and refused
(registry/imports/resources.py: ``changes_to_published()``): an import never unpublishes anything.
"""

import html
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deployments.models import Deployment, Place
from deployments.resources import DeploymentResource
from registry.choices import ReviewStatus
from registry.curation.models import Revision
from registry.imports.resources import export_bytes
from registry.models import LegalFramework
from registry.resources import LegalFrameworkResource
from tests.test_import_export import (  # noqa: F401
    as_drafts,
    confirm,
    csv_bytes,
    csv_rows,
    curator,
    roles,
    snapshot,
    upload,
)


def page_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text)


def new_row(header: list[str], template: list[str], slug: str, **cells) -> list[str]:
    row = list(template)
    row[header.index("slug")] = slug
    row[header.index("version")] = ""
    for column, value in cells.items():
        row[header.index(column)] = value
    return row


@pytest.fixture
def curating(client, curator):  # noqa: F811
    client.force_login(curator)
    return client


@pytest.fixture
def deployment_rows(seed) -> list[list[str]]:
    return csv_rows(export_bytes(DeploymentResource()))


# --- New records with many-to-many columns --------------------------------------------------------


def test_new_deployments_with_many_to_many_columns_import_in_the_admin(deployment_rows, curating):
    header, template = deployment_rows[0], deployment_rows[1]
    first = new_row(
        header, template, "admin-import-one", name="Admin import one", country="RS",
        places="belgrade", technologies="facial-recognition,video-surveillance", legal_frameworks="",
    )  # fmt: skip
    second = new_row(
        header, template, "admin-import-two", name="Admin import two", country="CO",
        places="bogota", technologies="video-surveillance", legal_frameworks="co-ley-1581-2012",
    )  # fmt: skip

    preview = upload(curating, Deployment, "deployments.csv", csv_bytes([header, first, second]))

    result = preview.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert (result.totals["new"], result.totals["error"]) == (2, 0)
    # The preview shows what the new records will hold, their relations included.
    places = header.index("places")
    assert [re.sub(r"<[^>]+>", "", row.diff[places]) for row in result.valid_rows()] == ["belgrade", "bogota"]
    assert not Deployment.objects.filter(slug__startswith="admin-import-").exists()  # a dry run

    response = confirm(curating, Deployment, preview)

    assert response.status_code == 302
    one = Deployment.objects.get(slug="admin-import-one")
    two = Deployment.objects.get(slug="admin-import-two")
    assert (one.review_status, two.review_status) == (ReviewStatus.DRAFT, ReviewStatus.DRAFT)
    assert list(one.places.values_list("slug", flat=True)) == ["belgrade"]
    assert sorted(one.technologies.values_list("slug", flat=True)) == [
        "facial-recognition",
        "video-surveillance",
    ]
    assert not one.legal_frameworks.exists()
    assert list(two.legal_frameworks.values_list("slug", flat=True)) == ["co-ley-1581-2012"]


def test_new_laws_with_their_jurisdictions_import_in_the_admin(seed, curating):
    rows = csv_rows(export_bytes(LegalFrameworkResource()))
    header = rows[0]
    law = new_row(
        header, rows[1], "rs-admin-import-law", name="A law imported in the admin", short_name="",
        jurisdictions="RS,EC",
    )  # fmt: skip

    preview = upload(curating, LegalFramework, "laws.csv", csv_bytes([header, law]))

    assert preview.context["result"].totals["new"] == 1
    assert "confirm_form" in preview.context
    assert confirm(curating, LegalFramework, preview).status_code == 302
    imported = LegalFramework.objects.get(slug="rs-admin-import-law")
    assert imported.review_status == ReviewStatus.DRAFT
    assert sorted(imported.jurisdictions.values_list("code", flat=True)) == ["EC", "RS"]


# --- Refused rows, written out --------------------------------------------------------------------


def test_refused_rows_show_row_column_and_message_in_the_preview(deployment_rows, curating):
    header, template = deployment_rows[0], deployment_rows[1]
    good = new_row(header, template, "admin-import-good", name="Good", places="belgrade")
    bad = new_row(
        header, template, "admin-import-bad", name="Bad", places="belgrade,atlantis", started_on="2019-13"
    )
    before = snapshot()

    preview = upload(curating, Deployment, "deployments.csv", csv_bytes([header, good, bad]))

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    text = page_text(preview)
    assert "1 row refused" in text
    assert "2 (line 3)" in text
    assert "places : No place with slug 'atlantis' (import it first, or check the spelling)." in text
    assert "started_on : 2019-13 is not a date" in text
    # Written out in the page, not in the library's hover-only box.
    assert "validation-error-container" not in preview.content.decode()
    assert snapshot() == before


# --- Unchanged rows, changes to published records -------------------------------------------------


def test_unchanged_rows_are_counted_not_listed(deployment_rows, curating):
    as_drafts(Deployment.objects.filter(slug=deployment_rows[1][0]))
    header = deployment_rows[0]
    rows = [list(row) for row in deployment_rows]
    rows[1][header.index("data_managed_by")] = "The city's police"
    unchanged = len(rows) - 2

    preview = upload(curating, Deployment, "deployments.csv", csv_bytes(rows))

    result = preview.context["result"]
    assert (result.totals["update"], result.totals["skip"]) == (1, unchanged)
    text = page_text(preview)
    assert f"0 new, 1 changed, {unchanged} unchanged." in text
    assert f"{unchanged} unchanged rows (not listed)" in text
    assert "This file changes no published record." in text
    page = preview.content.decode()
    assert page.count('<tr class="update">') == 1
    assert '<tr class="skip">' not in page  # only the one row that counts them
    names = {row[0]: row[header.index("name")] for row in rows[1:]}
    assert html.escape(names[rows[2][0]]) not in page


def test_changes_to_published_records_are_counted_and_become_proposals(
    deployment_rows,
    curating,
    curator,  # noqa: F811 (fixture)
):
    header = deployment_rows[0]
    rows = [list(row) for row in deployment_rows]
    draft_slug, published_slug, relinked_slug = rows[1][0], rows[2][0], rows[3][0]
    as_drafts(Deployment.objects.filter(slug=draft_slug))
    rows[1][header.index("summary")] = "A draft's new summary."
    rows[2][header.index("summary")] = "A published record's new summary."
    rows[3][header.index("places")] = "belgrade"  # only a many-to-many cell
    published = {d.slug: (d.summary, d.version) for d in Deployment.objects.published()}

    preview = upload(curating, Deployment, "deployments.csv", csv_bytes(rows))

    result = preview.context["result"]
    assert result.published_rows == [2, 3]
    assert not result.invalid_rows
    assert "This file would change 2 published records (rows 2, 3)." in page_text(preview)
    assert not Revision.objects.exists()  # the preview proposes nothing
    assert confirm(curating, Deployment, preview).status_code == 302

    # The published records are unchanged; each change waits as a proposal by the importing curator.
    assert {d.slug: (d.summary, d.version) for d in Deployment.objects.published()} == published
    proposals = {r.record.slug: r for r in Revision.objects.filter(status="pending")}
    assert set(proposals) == {published_slug, relinked_slug}
    assert all(r.proposed_by == curator for r in proposals.values())
    assert (
        proposals[published_slug].proposed["record"]["fields"]["summary"]
        == "A published record's new summary."
    )
    belgrade = Place.objects.get(slug="belgrade")
    assert proposals[relinked_slug].proposed["record"]["fields"]["places"] == [belgrade.pk]
    # The draft was changed directly, and stays a draft.
    assert Deployment.objects.get(slug=draft_slug).summary == "A draft's new summary."

    # A second file changing a record with a proposal waiting is refused, row by row.
    again = upload(curating, Deployment, "deployments.csv", csv_bytes(rows))
    assert "already has a proposed change waiting for review" in page_text(again)
    assert "confirm_form" not in again.context


def test_the_command_never_unpublishes_either(deployment_rows, tmp_path, capsys):
    header = deployment_rows[0]
    rows = [list(row) for row in deployment_rows[:2]]
    rows[1][header.index("name")] = "Renamed by a file"
    path = tmp_path / "deployments.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot()

    # Without --user the change has no author to propose it: refused, nothing written.
    with pytest.raises(CommandError, match="1 refusal"):
        call_command("import_records", "deployments.Deployment", str(path), verbosity=0)
    assert "import it as a curator (manage.py import_records --user NAME)" in capsys.readouterr().err
    assert snapshot() == before
    assert Deployment.objects.published().filter(slug=rows[1][0]).exists()


def test_a_published_record_stays_public_after_an_admin_import_is_refused(deployment_rows, curating, client):
    header = deployment_rows[0]
    rows = [list(deployment_rows[0]), list(deployment_rows[1])]
    slug = rows[1][0]
    rows[1][header.index("status")] = "ended"
    preview = upload(curating, Deployment, "deployments.csv", csv_bytes(rows))
    assert preview.context["result"].published_rows == [1]

    client.logout()
    response = client.get(f"/api/v1/deployments/{slug}/")
    assert response.status_code == 200
    assert response.json()["status"] != "ended"
