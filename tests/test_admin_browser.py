"""The curator admin in a real browser (headless Chromium, as tests/test_web_browser.py): a curator
logs in and goes through the pages docs/curating.md describes, with no JavaScript error and no
Content-Security-Policy violation. Screenshots go to test-artifacts/screenshots/admin/, or to the
directory REGISTRY_SCREENSHOTS names: `make screenshots` writes docs/img/ for the documentation."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from registry.curation.roles import ensure_roles
from tests.test_web_browser import browser, seeded  # noqa: F401

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCREENSHOTS = PROJECT_DIR / os.environ.get("REGISTRY_SCREENSHOTS", "test-artifacts/screenshots/admin")
PASSWORD = "a-long-test-password-0192"


def screenshot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"admin-{name}.png"))


@pytest.fixture
def logged_in(browser, live_server, seeded, django_user_model):  # noqa: F811
    """A reviewer's browser tab, logged in through the login form, its problems collected."""
    _, reviewers = ensure_roles()
    user = django_user_model.objects.create_user("rosa", password=PASSWORD, is_staff=True)
    user.groups.add(reviewers)
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    tab = context.new_page()
    tab.problems = []
    tab.on("pageerror", lambda error: tab.problems.append(f"JavaScript error: {error}"))
    tab.on(
        "console",
        lambda message: (
            tab.problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    tab.goto("/admin/login/")
    tab.get_by_label("Username").fill("rosa")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/admin/")
    yield tab
    assert tab.problems == []
    context.close()


def test_the_admin_index_lists_the_records_and_the_review_queue(logged_in):
    expect(logged_in.get_by_role("link", name="Deployments").first).to_be_visible()
    expect(logged_in.get_by_role("link", name="Sources").first).to_be_visible()
    screenshot(logged_in, "index")
    logged_in.goto("/admin/review-queue/")
    assert logged_in.locator("h1").inner_text().strip() != ""
    screenshot(logged_in, "review-queue")


def test_the_deployment_list_filters_and_its_change_page_shows_rows_reason_and_history(logged_in):
    logged_in.goto("/admin/deployments/deployment/?country__region__exact=europe")
    rows = logged_in.locator("#result_list tbody tr")
    assert rows.count() >= 1
    screenshot(logged_in, "deployments")

    logged_in.goto("/admin/deployments/deployment/?q=Safe+Society")
    logged_in.locator("#result_list tbody tr th a").first.click()
    logged_in.wait_for_selector("#deployment_form")
    # The form's element is there before the rest of the page is parsed: wait for the whole page.
    logged_in.wait_for_load_state()
    expect(logged_in.get_by_label("Reason for this change")).to_be_visible()
    # vendor roles, camera counts, measurements, stated costs, events, citations
    assert logged_in.locator(".inline-group").count() == 6
    screenshot(logged_in, "deployment")

    history = logged_in.goto(logged_in.locator(".object-tools a.historylink").get_attribute("href"))
    assert history.status == 200
    assert logged_in.locator("#content").inner_text().count("Safe Society") >= 1
    screenshot(logged_in, "history")


def test_the_import_page_offers_csv_and_xlsx(logged_in):
    logged_in.goto("/admin/deployments/cameracount/import/")
    formats = logged_in.locator("select[name=format] option").all_inner_texts()
    assert any("csv" in option.lower() for option in formats)
    assert any("xlsx" in option.lower() for option in formats)
    screenshot(logged_in, "import")
