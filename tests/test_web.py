"""The public website (web/): every page of published records, nothing of drafts, the API's filters,
Spanish, no inline script or style, and a constant number of queries per page."""

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deployments.models import Deployment
from registry.choices import ReviewStatus
from tests import builders
from tests.builders import build_world
from web import views

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "web" / "locale" / "es" / "LC_MESSAGES"

PUBLISHED_PAGES = [
    "/",
    "/deployments/",
    "/deployments/safe-society/",
    "/deployments/cagliari-smart-city/",
    "/deployments/ecu-911/",
    "/countries/RS/",
    "/countries/IT/",
    "/countries/EU/",
    "/vendors/huawei/",
    "/vendors/ceiec/",
    "/vendors/huawei-sub/",
    "/legal-frameworks/serbia-data-protection-law/",
    "/legal-frameworks/eu-ai-act/",
    "/sources/bird-report-2020/",
    "/sources/el-comercio-2019/",
]
HIDDEN_PAGES = [
    "/deployments/secret-pilot/",
    "/deployments/under-review/",
    "/deployments/retracted-system/",
    "/vendors/shadowcorp/",
    "/vendors/gone-vendor/",
    "/legal-frameworks/serbia-internal-affairs-bill/",
    "/sources/draft-leak/",
    "/sources/retracted-story/",
    "/countries/ZZ/",
    "/deployments/no-such-thing/",
]
HIDDEN_TEXT = [
    "secret-pilot",
    "Secret pilot",
    "under-review",
    "Under review",
    "retracted-system",
    "Retracted system",
    "shadowcorp",
    "ShadowCorp",
    "gone-vendor",
    "Gone Vendor",
    "serbia-internal-affairs-bill",
    "Draft Law on Internal Affairs",
    "draft-leak",
    "Unverified leak",
    "retracted-story",
    "Retracted story",
    "draft-contract",
    "Draft contract",
    "OFAC",
    'data-cameras="4000"',
    'data-cameras="9999"',
    'data-cameras="77"',
    'data-cameras="66"',
    "9,999",
]


@pytest.fixture
def world():
    return build_world()


def text_of(response) -> str:
    return response.content.decode()


def result_slugs(response) -> list[str]:
    return [deployment.slug for deployment in response.context["deployments"]]


# --- Published pages, hidden records -----------------------------------------------------------------


@pytest.mark.parametrize("url", PUBLISHED_PAGES)
def test_published_pages_answer_and_show_nothing_unpublished(client, world, url):
    response = client.get(url)
    assert response.status_code == 200
    page = text_of(response)
    for needle in HIDDEN_TEXT:
        assert needle not in page, needle


@pytest.mark.parametrize("url", PUBLISHED_PAGES)
def test_every_cite_block_gives_the_data_licence_and_leaves_the_sources_their_terms(client, world, url):
    page = text_of(client.get(url))
    cite = page[page.index('<section class="cite"') :]
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in cite
    assert "Each source keeps its own terms" in cite


def test_the_licence_is_translated(client, world):
    page = text_of(client.get("/", HTTP_ACCEPT_LANGUAGE="es"))
    assert "Cada fuente conserva sus propias condiciones" in page


@pytest.mark.parametrize("url", HIDDEN_PAGES)
def test_draft_retracted_and_unknown_identifiers_are_404(client, world, url):
    # A retracted record was public once: its page is a retraction notice (410), not "not found".
    expected = 410 if any(word in url for word in ("retracted", "gone")) else 404
    assert client.get(url).status_code == expected


def test_country_codes_in_lower_case_redirect_to_the_iso_code(client, world):
    response = client.get("/countries/rs/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/RS/"


def test_a_record_unpublished_later_disappears(client, world):
    assert client.get("/deployments/ecu-911/").status_code == 200
    world.ecu.review_status = ReviewStatus.RETRACTED
    world.ecu.save()
    assert client.get("/deployments/ecu-911/").status_code == 410
    assert "ecu-911" not in text_of(client.get("/"))
    assert 'href="/deployments/ecu-911/"' not in text_of(client.get("/vendors/ceiec/"))


# --- Home --------------------------------------------------------------------------------------------


def test_home_figures_count_published_records_only(client, world):
    figures = client.get("/").context["figures"]
    assert figures.deployments == 3
    assert figures.countries == 3  # RS, IT, EC
    assert figures.vendors == 2  # Huawei and CEIEC; ShadowCorp is a draft, Gone Vendor retracted
    # Latest published, sourced "installed" count per deployment: Safe Society 1000 (the 2020 draft and
    # the 2022 count from a draft source do not count; 2021 is "planned"), ECU 911 4300.
    assert figures.cameras == 1000 + 4300
    assert figures.deployments_with_cameras == 2


def test_home_explains_cameras_recorded(client, world):
    page = text_of(client.get("/"))
    assert "5,300" in page
    assert "the most recent such count a source gives" in page
    assert "Planned and announced cameras are not included" in page


def test_home_map_shows_the_located_places_of_published_deployments(client, world):
    response = client.get("/")
    points = response.context["map_points"]
    assert sorted((p["slug"], p["place"]) for p in points) == [
        ("cagliari-smart-city", "Cagliari"),
        ("ecu-911", "Quito"),
        ("safe-society", "Belgrade"),
    ]
    page = text_of(response)
    assert 'id="map-points" type="application/json"' in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert "/static/web/map.js" in page


def test_home_at_scale_lists_and_maps_only_the_latest_deployments(client, world, monkeypatch):
    monkeypatch.setattr(views, "HOME_DEPLOYMENTS", 2)
    Deployment.objects.filter(slug="safe-society").update(updated_at=timezone.now())  # the latest
    response = client.get("/")
    listed = [deployment.slug for deployment in response.context["deployments"]]
    assert len(listed) == 2 and listed[0] == "safe-society"
    assert {point["slug"] for point in response.context["map_points"]} <= set(listed)
    page = text_of(response)
    assert "The 2 most recently updated deployments of 3" in page
    assert 'href="/deployments/">search them all</a>' in page
    assert response.context["figures"].deployments == 3  # the figures still count every deployment


def test_home_lists_every_deployment_by_name_when_there_are_few(client, world):
    response = client.get("/")
    assert [d.name for d in response.context["deployments"]] == sorted(
        d.name for d in response.context["deployments"]
    )
    assert len(response.context["deployments"]) == 3
    assert "most recently updated deployments" not in text_of(response)


def test_home_figures_are_recomputed_once_a_record_changes(client, world):
    assert client.get("/").context["figures"].deployments == 3
    draft = Deployment.objects.get(slug="secret-pilot")
    draft.review_status = ReviewStatus.PUBLISHED
    draft.save()
    assert client.get("/").context["figures"].deployments == 4


def test_home_lists_latest_changes_and_links_the_changes_feed(client, world):
    response = client.get("/")
    names = [change.name for change in response.context["changes"]]
    assert "Safe Society" in names
    assert "Secret pilot" not in names
    feed = views.changes_feed_url()
    if feed:
        assert f'href="{feed}"' in text_of(response)


# --- Deployments: search, filters, CSV ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["cagliari-smart-city", "ecu-911", "safe-society"]),
        ("country=RS", ["safe-society"]),
        ("country=rs,ec", ["ecu-911", "safe-society"]),
        ("region=latin-america", ["ecu-911"]),
        ("vendor=huawei", ["cagliari-smart-city", "safe-society"]),
        ("technology=facial-recognition", ["safe-society"]),
        ("status=piloting", ["cagliari-smart-city"]),
        ("concern=no-legal-basis", ["cagliari-smart-city", "safe-society"]),
        ("concern=no-legal-basis&concern=confidential-contract", ["safe-society"]),
        ("search=facial", ["safe-society"]),
        ("search=Belgrade", ["safe-society"]),
        ("search=Ecuador", ["ecu-911"]),
        ("search=huawei&status=piloting", ["cagliari-smart-city"]),  # by its vendor's name
        ("legal_framework=eu-ai-act", ["cagliari-smart-city"]),
        ("started_after=2018", ["cagliari-smart-city"]),
    ],
)
def test_search_and_filters_match_the_api(client, world, query, expected):
    response = client.get(f"/deployments/?{query}")
    assert response.status_code == 200
    assert result_slugs(response) == expected
    assert response.context["result_count"] == len(expected)
    api = client.get(f"/api/v1/deployments/?{query}&page_size=500").json()
    assert sorted(item["slug"] for item in api["results"]) == expected


def test_filter_state_is_in_the_form(client, world):
    page = text_of(client.get("/deployments/?country=RS&concern=no-legal-basis&search=cameras"))
    assert re.search(r'name="country" value="RS"\s+checked', page)
    assert re.search(r'name="concern" value="no-legal-basis"\s+checked', page)
    assert not re.search(r'name="country" value="IT"\s+checked', page)
    assert 'value="cameras"' in page


def test_facets_offer_published_values_only(client, world):
    response = client.get("/deployments/")
    facets = {
        facet["name"]: [option["value"] for option in facet["options"]]
        for facet in response.context["facets"]
    }
    assert facets["country"] == ["EC", "IT", "RS"]
    assert facets["vendor"] == ["ceiec", "huawei"]
    assert "shadowcorp" not in facets["vendor"]
    assert set(facets) == {"country", "region", "vendor", "technology", "status", "concern", "confidence"}


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("country=ZZ", "country"),
        ("vendor=shadowcorp", "vendor"),  # a draft's slug is as unknown as a made-up one
        ("status=exploded", "status"),
        ("concern=bad", "concern"),
        ("started_after=last-year", "started_after"),
        ("search=" + "x" * 201, "search"),
    ],
)
def test_a_bad_filter_value_shows_a_clear_message(client, world, query, parameter):
    response = client.get(f"/deployments/?{query}")
    assert response.status_code == 400
    page = text_of(response)
    assert "Some filters could not be applied" in page
    assert f"<code>{parameter}</code>" in page
    assert response.context["result_count"] == 0


def test_the_csv_link_exports_the_same_rows(client, world):
    response = client.get("/deployments/?country=RS&country=IT&page=1&utm_source=news")
    link = response.context["csv_url"]
    assert urlparse(link).path == "/api/v1/deployments/"
    assert parse_qs(urlparse(link).query) == {"country": ["RS", "IT"], "format": ["csv"]}
    assert f'href="{link.replace("&", "&amp;")}"' in text_of(response)
    export = client.get(link)
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert sorted(row["slug"] for row in rows) == sorted(result_slugs(response))


def test_pagination_keeps_the_filters(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    response = client.get("/deployments/?vendor=huawei")
    assert result_slugs(response) == ["cagliari-smart-city"]
    assert "?vendor=huawei&amp;page=2" in text_of(response)
    assert result_slugs(client.get("/deployments/?vendor=huawei&page=2")) == ["safe-society"]
    assert result_slugs(client.get("/deployments/?vendor=huawei&page=99")) == ["safe-society"]
    assert client.get("/deployments/?page=abc").status_code == 200


# --- A deployment ------------------------------------------------------------------------------------


def test_deployment_page_shows_facts_with_sources_vendors_contracts_laws_and_counts(client, world):
    response = client.get("/deployments/safe-society/")
    page = text_of(response)
    started = next(fact for fact in response.context["facts"] if fact["field"] == "started_on")
    assert started["date"] == "2017-02"
    assert [c.source.slug for c in started["citations"]] == ["bird-report-2020"]
    assert "Feb 2017" in page
    assert "p. 12" in page  # the citation's locator
    assert "Reported" in page  # its confidence
    assert 'href="/vendors/huawei/"' in page
    assert "Supplier" in page
    assert "EUR 150,000,000" in page
    assert "Confidential" in page
    assert 'href="/legal-frameworks/serbia-data-protection-law/"' in page
    assert "Contract kept confidential" in page
    marks = re.findall(r'data-cameras="(\d+)" data-kind="(\w+)"', page)
    assert sorted(marks) == [("1000", "installed"), ("8100", "planned")]
    assert "<caption" in page and "Camera counts, as each source gives them" in page
    assert response.context["map_points"][0]["place"] == "Belgrade"


def test_deployment_page_links_its_json_and_cite_block(client, world):
    page = text_of(client.get("/deployments/safe-society/"))
    assert 'href="http://testserver/api/v1/deployments/safe-society/"' in page
    assert "http://testserver/deployments/safe-society/" in page
    assert "Cite this" in page
    assert "CC BY 4.0" in page
    assert "Date accessed" in page


def test_seed_belgrade_chart_shows_its_twelve_conflicting_counts_side_by_side(client, seed):
    response = client.get("/deployments/belgrade-safe-society/")
    page = text_of(response)
    paths = re.findall(r'<path class="mark mark-\w+" d="([^"]+)" data-cameras', page)
    assert len(paths) == 12
    assert len(set(paths)) == 12  # no two marks drawn on top of each other
    assert page.count("<tr>\n        <td>") >= 12
    chart = response.context["chart"]
    same_date = [mark for mark in chart["marks"] if mark.count.as_of == "2017"]
    assert len(same_date) >= 2 and len({mark.x for mark in same_date}) == len(same_date)


# --- Country, vendor, legal framework, source --------------------------------------------------------


def test_country_page_links_what_is_connected(client, world):
    page = text_of(client.get("/countries/IT/"))
    assert 'href="/deployments/cagliari-smart-city/"' in page
    assert 'href="/legal-frameworks/eu-ai-act/"' in page  # EU law applies in its member states
    assert 'href="/countries/EU/"' in page
    page = text_of(client.get("/countries/CN/"))
    assert 'href="/vendors/huawei/"' in page and 'href="/vendors/ceiec/"' in page


def test_vendor_page_lists_published_deployments_contracts_and_designations(client, world):
    page = text_of(client.get("/vendors/huawei/"))
    assert 'href="/deployments/safe-society/"' in page
    assert 'href="/deployments/cagliari-smart-city/"' in page
    assert "Strategic partnership agreement" in page
    assert "US Entity List" in page
    assert "FCC Covered List" not in page  # its source is a draft
    assert 'href="/sources/bird-report-2020/"' in page
    # A published vendor whose parent is a draft shows no parent.
    assert "Parent company" not in text_of(client.get("/vendors/huawei-sub/"))


def test_legal_framework_page(client, world):
    page = text_of(client.get("/legal-frameworks/serbia-data-protection-law/"))
    assert 'href="/deployments/safe-society/"' in page
    assert 'href="/countries/RS/"' in page
    assert 'href="/sources/bird-report-2020/"' in page


def test_source_page_lists_what_it_supports(client, world):
    page = text_of(client.get("/sources/bird-report-2020/"))
    assert 'href="/deployments/safe-society/"' in page
    assert "Started" in page and "p. 12" in page
    assert 'href="/vendors/huawei/"' in page
    assert "1,000" in page and "8,100" in page
    assert "Strategic partnership agreement" in page


def test_every_page_links_its_json_in_the_api(client, world):
    expected = {
        "/countries/RS/": "/api/v1/countries/RS/",
        "/vendors/huawei/": "/api/v1/vendors/huawei/",
        "/legal-frameworks/eu-ai-act/": "/api/v1/legal-frameworks/eu-ai-act/",
        "/sources/bird-report-2020/": "/api/v1/sources/bird-report-2020/",
        "/deployments/": "/api/v1/deployments/",
    }
    for url, api_path in expected.items():
        page = text_of(client.get(url))
        assert f'href="http://testserver{api_path}"' in page, url
        assert client.get(api_path).status_code == 200


# --- Languages ---------------------------------------------------------------------------------------


def test_spanish_from_the_browser_language(client, world):
    page = text_of(client.get("/deployments/safe-society/", HTTP_ACCEPT_LANGUAGE="es"))
    assert '<html lang="es">' in page
    for text in [
        "Registro de despliegues de vigilancia",
        "Datos y sus fuentes",
        "Recuentos de cámaras a lo largo del tiempo",
        "Activo",
        "Contrato mantenido confidencial",
        "Cómo citar",
        "Proveedor",
        "Saltar al contenido principal",
    ]:
        assert text in page, text
    assert "Feb. 2017" in page
    assert "150\xa0000\xa0000" in page  # Spanish groups digits with a non-breaking space


def test_language_switcher_sets_spanish_and_back(client, world):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/deployments/?country=RS"})
    assert response.status_code == 302
    assert response["Location"] == "/deployments/?country=RS"
    page = text_of(client.get("/deployments/?country=RS"))
    assert "1 despliegue encontrado" in page
    assert "Descargar estos en CSV" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "1 deployment found" in text_of(client.get("/deployments/?country=RS"))


def test_spanish_catalogue_is_complete_and_compiled():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert (LOCALE / "django.mo").exists()
    assert (LOCALE / "django.mo").stat().st_mtime >= (LOCALE / "django.po").stat().st_mtime - 1
    assert "#, fuzzy" not in po
    empty = re.findall(r'^msgstr(?:\[\d\])? ""\n\n', po, flags=re.MULTILINE)
    assert empty == [], "untranslated strings"


# --- No inline script or style (Content-Security-Policy without 'unsafe-inline') -----------------------


@pytest.mark.parametrize("url", [*PUBLISHED_PAGES, "/deployments/?country=ZZ"])
def test_no_inline_scripts_or_styles(client, world, url):
    page = text_of(client.get(url))
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


# --- Queries: constant per page -----------------------------------------------------------------------


def more_records(world, n: int) -> None:
    """n more published deployments, each with a place, a vendor, a count and a citation."""
    for i in range(n):
        place = builders.place(f"town-{i}", f"Town {i}", world.rs, latitude=44 + i / 100, longitude=20)
        deployment = builders.deployment(
            f"system-{i}",
            f"System {i}",
            world.rs,
            vendors=[(world.huawei, "supplier")],
            technologies=[world.video, world.face],
            places=[place],
            legal_frameworks=[world.pdp_law],
        )
        builders.camera_count(deployment, f"20{10 + i}", 100 + i, world.src)


PAGES_AND_LIMITS = [
    ("/", 12),
    ("/deployments/", 12),
    ("/deployments/?country=RS&vendor=huawei&search=huawei", 14),
    # its stated costs, its contracts' parties, its events, its measurements: one query each
    ("/deployments/safe-society/", 18),
    ("/countries/RS/", 15),
    ("/vendors/huawei/", 10),
    ("/legal-frameworks/serbia-data-protection-law/", 8),
    ("/sources/bird-report-2020/", 10),
]


@pytest.mark.parametrize(("url", "limit"), PAGES_AND_LIMITS)
def test_pages_run_a_constant_number_of_queries(client, world, url, limit, django_assert_max_num_queries):
    client.get(url)  # warm up (session, content types)
    cache.clear()  # both requests compute what the pages cache (the home page's figures)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    more_records(world, 6)
    cache.clear()
    with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
