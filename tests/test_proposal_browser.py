"""A curator proposes a change to a published deployment and a reviewer approves it, in a real
browser (headless Chromium driven by Playwright, as tests/test_web_browser.py): the public page
keeps the published text until the approval. Screenshots go to test-artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from deployments.models import Deployment
from registry.choices import ReviewStatus
from registry.curation.models import Revision
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP, ensure_roles
from tests.test_web_browser import browser, screenshot, seeded  # noqa: F401 (fixtures)

PASSWORD = "a long browser test password"
NEW_SENTENCE = "Proposedsentence: the city council confirmed the figure in 2024."


def make_user(username: str, group: str):
    ensure_roles()
    user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.set(Group.objects.filter(name=group))
    return user


@pytest.fixture
def tab(browser, live_server, seeded):  # noqa: F811 (fixtures)
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def log_in(tab, username: str) -> None:
    tab.context.clear_cookies()
    tab.goto("/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/admin/")


def test_a_curator_proposes_and_a_reviewer_approves(tab):
    make_user("cora", CURATORS_GROUP)
    make_user("rey", REVIEWERS_GROUP)
    deployment = Deployment.objects.filter(review_status=ReviewStatus.PUBLISHED).order_by("pk").first()
    public_url = f"/deployments/{deployment.slug}/"

    log_in(tab, "cora")
    tab.goto(f"/admin/deployments/deployment/{deployment.pk}/change/")
    expect(tab.get_by_text("saving this form proposes your change")).to_be_visible()
    summary = tab.locator("#id_summary")
    summary.fill(summary.input_value() + " " + NEW_SENTENCE)
    tab.fill("#id_change_reason", "Council minutes of 2024")
    tab.locator("input[name=_continue]").click()
    tab.wait_for_load_state()
    expect(tab.get_by_text("is proposed and waits for a reviewer")).to_be_visible()
    expect(tab.get_by_text("A proposed change is waiting for review")).to_be_visible()
    screenshot(tab, "admin-proposal-made")

    tab.goto(public_url)
    assert NEW_SENTENCE not in tab.content()  # the public still sees the published version

    log_in(tab, "rey")
    tab.goto("/admin/review-queue/")
    tab.get_by_role("link", name=deployment.name).first.click()
    tab.wait_for_url("**/admin/curation/revision/*/change/")
    tab.get_by_text("What would change (published → proposed)").wait_for()
    assert NEW_SENTENCE in tab.locator("#proposal-diff").inner_text()
    screenshot(tab, "admin-proposal-review")
    tab.fill("#id_decision_reason", "Checked the minutes")
    tab.get_by_role("button", name="Approve and publish").click()
    tab.wait_for_load_state()
    expect(tab.get_by_text("was approved and published")).to_be_visible()

    tab.goto(public_url)
    assert NEW_SENTENCE in tab.content()
    revision = Revision.objects.get()
    assert (revision.status, revision.proposed_by.username, revision.decided_by.username) == (
        "approved",
        "cora",
        "rey",
    )
