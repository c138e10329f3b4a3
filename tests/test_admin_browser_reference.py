"""A curator adds a technology with the "+" beside a deployment's field, in a real browser (Debian's
chromium driven by Playwright): the pop-up saves it as a draft, the deployment form selects it, and
the public API does not show it until a reviewer publishes it. A country, which only reviewers
correct, is read-only for the curator."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from deployments.models import Technology
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, ensure_roles
from registry.models import Country
from tests.test_web_browser import FIXTURES_DIR, browser  # noqa: F401 (the module's browser fixture)

PASSWORD = "a long test password"


@pytest.fixture
def curator(transactional_db):
    call_command("seed", *sorted(str(path) for path in FIXTURES_DIR.glob("*.yaml")), verbosity=0)
    ensure_roles()
    user = get_user_model().objects.create_user("curator", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user


def curators_page(browser, live_server, path: str):  # noqa: F811
    """A browser tab of the curator, logged in through the login form and sent on to ``path``."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"/admin/login/?next={path}")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{path}")
    return context, page


def test_a_technology_added_from_the_plus_pop_up_is_a_draft(browser, live_server, curator):  # noqa: F811
    context, page = curators_page(browser, live_server, "/admin/deployments/deployment/add/")

    with page.expect_popup() as opened:
        page.click("#add_id_technologies")
    popup = opened.value
    popup.wait_for_load_state()
    popup.locator("#id_name").press_sequentially("Gait recognition")
    assert popup.input_value("#id_slug") == "gait-recognition"  # prepopulated from the name
    popup.check("#id_biometric")
    # Listening before the click: the pop-up may close before a wait started after it would begin.
    with popup.expect_event("close"):
        popup.click("input[name=_save]")

    # The deployment form now has the new technology selected.
    selected = page.locator("#id_technologies option:checked").all_inner_texts()
    assert selected == ["Gait recognition"]
    technology = Technology.objects.get(slug="gait-recognition")
    assert technology.review_status == ReviewStatus.DRAFT
    assert technology.biometric is True

    api = context.request
    assert api.get("/api/v1/technologies/gait-recognition/?format=json").status == 404
    listing = api.get("/api/v1/technologies/?page_size=500&format=json").json()
    assert "gait-recognition" not in [item["slug"] for item in listing["results"]]
    assert listing["count"] == 11  # the seed's, published
    context.close()


def test_a_curator_sees_a_country_read_only(browser, live_server, curator):  # noqa: F811
    """A country has no review status (what is saved is public at once): only a reviewer corrects it."""
    serbia = Country.objects.get(code="RS")
    context, page = curators_page(browser, live_server, f"/admin/registry/country/{serbia.pk}/change/")
    expect(page.locator("h1")).to_have_text("View country")
    assert page.locator("input[name=name], select[name=region], input[type=submit][name=_save]").count() == 0
    # Its cited memberships stay one click away, each on its own reviewed page.
    page.get_by_role("link", name="Belt and Road Initiative", exact=False).first.click()
    page.wait_for_url("**/admin/registry/countrymembership/*/change/")
    context.close()
