"""The browsable API renders styled under the site's Content-Security-Policy (style-src 'self', no
'unsafe-inline'): no inline style in its HTML, and a real browser reports no violation."""

import re

import pytest

from tests.test_web_browser import SCREENSHOTS, browser, page, seeded  # noqa: F401

PAGES = [
    "/api/v1/",
    "/api/v1/deployments/?search=belgrade&ordering=name",
    "/api/v1/deployments/belgrade-safe-society/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_the_html_has_no_inline_style_and_the_policy_allows_none(client, seed, path):
    """With the filters shown: a search and an ordering chosen, as DRF marks them."""
    response = client.get(path, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    inline = re.findall(r".{40}(?:<style|style=).{40}", html)
    assert inline == []
    assert "api/browsable-api.css" in html
    policy = response["Content-Security-Policy"]
    style_src = next(part for part in policy.split(";") if part.strip().startswith("style-src"))
    assert style_src.split() == ["style-src", "'self'"]


def test_a_browser_shows_it_styled_with_no_violation(page):  # noqa: F811
    page.goto("/api/v1/deployments/?search=belgrade", wait_until="networkidle")
    navbar = page.locator(".navbar").first
    # Bootstrap's inverse navbar, and DRF's float of the Filters button, as in DRF's own pages.
    assert (
        navbar.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(44, 44, 44)"
    )  # bootstrap-tweaks.css
    filters = page.locator("button[data-target='#filtersModal']")
    assert filters.evaluate("element => getComputedStyle(element).cssFloat") == "right"
    assert page.locator(".highlight, .prettyprint").first.evaluate(
        "element => getComputedStyle(element).fontFamily"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "browsable-api.png"))
    assert page.problems == []
