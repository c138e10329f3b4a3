"""The public website in a real browser: headless Chromium (Debian's package) driven by Playwright,
against a live server with the seed loaded. Screenshots go to test-artifacts/screenshots/.

Map tiles are blocked, as they are when OpenStreetMap cannot be reached: the markers and the
list must still be there, with the fallback message.
"""

import csv
import io
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from playwright import sync_api
from playwright.sync_api import expect

from deployments.selectors import published_camera_counts, published_deployments
from web import selectors

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
TILES = "https://tile.openstreetmap.org/**"

# No skipping: CI installs Debian's chromium (.ci/run); a machine without it fails here, saying so.
assert CHROMIUM.exists(), "The browser tests need Debian's chromium: apt-get install -y chromium"


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
    # itself (loading the seed, counting rows) are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", *sorted(str(path) for path in FIXTURES_DIR.glob("*.yaml")), verbosity=0)


@pytest.fixture
def page(browser, live_server, seeded):
    """A fresh page (English, desktop size) whose JavaScript errors and CSP violations are collected."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
    )
    context.route(TILES, lambda route: route.abort())
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
    yield tab
    assert tab.problems == []
    context.close()


def screenshot(tab, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def result_names(tab) -> list[str]:
    return tab.locator(".results .card h3").all_inner_texts()


def test_home_shows_every_located_deployment_on_the_map_without_tiles(page):
    expected = selectors.map_points(selectors.deployment_map_list())
    assert expected, "the seed has located deployments"
    page.goto("/")
    markers = page.locator(".leaflet-overlay-pane path.map-marker")
    markers.first.wait_for()
    assert markers.count() == len(expected)
    expect(page.locator("#map-status")).to_be_visible()  # tiles blocked: the fallback message shows
    for deployment in published_deployments():
        expect(page.get_by_role("link", name=deployment.name, exact=True).first).to_be_visible()
    screenshot(page, "home")


def test_search_narrows_results_and_a_filter_url_reloads_to_the_same_results(page):
    page.goto("/deployments/")
    everything = result_names(page)
    assert len(everything) == published_deployments().count()

    page.get_by_role("searchbox", name="Search").fill("Belgrade")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**search=Belgrade**")
    found = result_names(page)
    assert 0 < len(found) < len(everything)
    assert "Safe Society (Belgrade)" in found

    page.get_by_role("searchbox", name="Search").fill("")
    page.get_by_role("checkbox", name="Ecuador").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**country=EC**")
    in_ecuador = result_names(page)
    assert in_ecuador == sorted(
        published_deployments().filter(country__code="EC").values_list("name", flat=True)
    )
    shared_url = page.url
    screenshot(page, "deployments-filtered")

    page.goto("/")
    page.goto(shared_url)
    assert result_names(page) == in_ecuador
    assert page.get_by_role("checkbox", name="Ecuador").is_checked()


def test_the_csv_link_downloads_the_filtered_rows(page):
    page.goto("/deployments/?country=RS&country=CO")
    shown = result_names(page)
    link = page.get_by_role("link", name="Download these as CSV")
    query = parse_qs(urlparse(link.get_attribute("href")).query)
    assert query == {"country": ["RS", "CO"], "format": ["csv"]}
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert sorted(row["name"] for row in rows) == sorted(shown)
    assert {row["country_code"] for row in rows} == {"RS", "CO"}


def test_the_chart_shows_belgrades_camera_counts_and_the_map_its_place(page):
    counts = published_camera_counts().filter(deployment__slug="belgrade-safe-society")
    assert counts.count() == 12
    page.goto("/deployments/belgrade-safe-society/")
    marks = page.locator("svg[data-count-chart] path.mark")
    assert marks.count() == 12
    drawn = sorted(int(value) for value in marks.evaluate_all("nodes => nodes.map(n => n.dataset.cameras)"))
    assert drawn == sorted(counts.values_list("cameras", flat=True))
    # Conflicting counts of the same date are side by side, not on top of each other.
    positions = marks.evaluate_all("nodes => nodes.map(n => n.getAttribute('d'))")
    assert len(set(positions)) == 12
    assert page.locator("table.counts:has(#counts-caption) tbody tr").count() == 12
    page.locator(".leaflet-overlay-pane path.map-marker").first.wait_for()
    assert page.locator(".leaflet-overlay-pane path.map-marker").count() == 1
    screenshot(page, "deployment-belgrade")


def test_keyboard_users_can_skip_to_the_content(page):
    page.goto("/deployments/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("node => node === document.activeElement")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_to_spanish(page):
    page.goto("/deployments/belgrade-safe-society/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert page.url.endswith("/deployments/belgrade-safe-society/")
    expect(page.get_by_role("heading", name="Recuentos de cámaras a lo largo del tiempo")).to_be_visible()
    expect(page.get_by_role("link", name="Despliegues").first).to_be_visible()
    screenshot(page, "deployment-belgrade-es")
    page.goto("/")
    expect(page.get_by_role("heading", name="Registro de despliegues de vigilancia")).to_be_visible()


def test_pages_work_on_a_phone(browser, live_server, seeded):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.route(TILES, lambda route: route.abort())
    tab = context.new_page()
    tab.goto("/deployments/?technology=facial-recognition")
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling of the page itself"
    screenshot(tab, "deployments-phone")
    tab.goto("/deployments/belgrade-safe-society/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(tab, "deployment-belgrade-phone")
    context.close()


def test_the_api_documentation_renders_under_the_content_security_policy(page):
    page.goto("/api/docs/")
    operations = page.locator(".swagger-ui .opblock")
    operations.first.wait_for()
    assert operations.count() >= 19  # every list and detail of /api/v1/
    screenshot(page, "api-docs")
