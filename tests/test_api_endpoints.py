"""Every endpoint answers, list and detail, by its public identifier, with its own URL."""

import pycountry
import pytest

from registry.models import Country
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"

LISTS = {
    "countries": ("code", {"CN", "EC", "EU", "IT", "RS"}),
    "legal-frameworks": ("slug", {"serbia-data-protection-law", "eu-ai-act"}),
    "vendors": ("slug", {"huawei", "ceiec", "huawei-sub"}),
    "deployments": ("slug", {"safe-society", "cagliari-smart-city", "ecu-911"}),
    "contracts": ("slug", {"safe-society-agreement", "ecu-911-loan"}),
    "sources": ("slug", {"bird-report-2020", "el-comercio-2019"}),
    "technologies": ("slug", {"video-surveillance", "facial-recognition"}),
    "places": ("slug", {"belgrade", "serbia", "cagliari", "quito"}),
}


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("endpoint", LISTS)
def test_list_and_detail(api, world, endpoint):
    key, expected = LISTS[endpoint]
    body = api.get(f"{BASE}/{endpoint}/", {"page_size": 500}).json()
    listed = {item[key] for item in body["results"]}
    if endpoint == "countries":  # every ISO 3166-1 country (and the EU), loaded by a migration
        assert body["count"] == Country.objects.count() == len(pycountry.countries) + 1
        assert expected <= listed
    else:
        assert body["count"] == len(expected)
        assert listed == expected
    for item in (item for item in body["results"] if item[key] in expected):
        assert item["url"] == f"http://testserver{BASE}/{endpoint}/{item[key]}/"
        detail = api.get(item["url"])
        assert detail.status_code == 200
        # A deployment's detail adds its camera-count timeline to what its list item says.
        assert {k: v for k, v in detail.json().items() if k != "camera_counts"} == item
    assert api.get(f"{BASE}/{endpoint}/does-not-exist/").status_code == 404


def test_camera_counts_by_public_id(api, world):
    items = results(api.get(f"{BASE}/camera-counts/"))
    assert {item["public_id"] for item in items} == {
        str(world.count_2019.public_id),
        str(world.count_2021.public_id),
        str(world.count_ecu.public_id),
    }
    detail = api.get(f"{BASE}/camera-counts/{world.count_2019.public_id}/").json()
    assert detail["url"].endswith(f"/camera-counts/{world.count_2019.public_id}/")
    assert detail["deployment"]["slug"] == "safe-society"
    assert detail["country"]["code"] == "RS"
    assert detail["as_of"] == "2019"
    assert detail["as_of_display"] == "2019"
    assert detail["as_of_precision"] == "year"
    assert detail["source"]["slug"] == "bird-report-2020"
    assert detail["place"]["slug"] == "belgrade"
    assert api.get(f"{BASE}/camera-counts/{world.count_2019.pk}/").status_code == 404


def test_deployment_detail_answers_what_we_know_and_who_says_so(api, world):
    body = api.get(f"{BASE}/deployments/safe-society/").json()
    assert body["name"] == "Safe Society"
    assert body["country"] == {
        "code": "RS",
        "name": "Serbia",
        "url": f"http://testserver{BASE}/countries/RS/",
    }
    assert body["region"] == "europe"
    assert body["operator"] == {
        "slug": "mup-serbia",
        "name": "Ministry of Interior of Serbia",
        "kind": "ministry",
        "url": f"http://testserver{BASE}/public-bodies/mup-serbia/",
    }
    assert (body["started_on"], body["started_on_display"], body["started_on_precision"]) == (
        "2017-02",
        "Feb 2017",
        "month",
    )
    assert body["ended_on"] == "" and body["ended_on_precision"] is None
    assert [(v["slug"], v["role"]) for v in body["vendors"]] == [("huawei", "supplier")]
    assert body["vendors"][0]["url"] == f"http://testserver{BASE}/vendors/huawei/"
    assert {t["slug"] for t in body["technologies"]} == {"video-surveillance", "facial-recognition"}
    assert [p["slug"] for p in body["places"]] == ["belgrade", "serbia"]
    assert body["places"][0]["latitude"] == 44.8178
    assert [lf["slug"] for lf in body["legal_frameworks"]] == ["serbia-data-protection-law"]
    assert [c["slug"] for c in body["contracts"]] == ["safe-society-agreement"]
    contract = body["contracts"][0]
    assert contract["value_amount"] == 150000000.0 and contract["value_currency"] == "EUR"
    assert [v["slug"] for v in contract["vendors"]] == ["huawei"]
    assert contract["signed_on_display"] == "Feb 2017"
    assert [(c["as_of"], c["cameras"], c["kind"]) for c in body["camera_counts"]] == [
        ("2019", 1000, "installed"),
        ("2021-03", 8100, "planned"),
    ]
    assert body["camera_counts"][1]["as_of_display"] == "Mar 2021"
    assert body["citations"] == [
        {
            "source": {
                "slug": "bird-report-2020",
                "title": "Safe Society in Serbia",
                "publisher": "",
                "kind": "news",
                "published_on": "2020-03",
                "url": f"http://testserver{BASE}/sources/bird-report-2020/",
                "original_url": "",
                "archived_url": "",
            },
            "field": "started_on",
            "item": "",
            "confidence": "reported",
            "locator": "p. 12",
            "quote": "",
        }
    ]
    assert body["governance_concerns"] == ["confidential-contract", "no-legal-basis"]
    assert "id" not in body


def test_vendor_detail(api, world):
    body = api.get(f"{BASE}/vendors/huawei/").json()
    assert body["aliases"] == ["华为", "Huawei Technologies"]
    assert body["headquarters_country"]["code"] == "CN"
    assert [(d["list"], d["designated_on"], d["designated_on_display"]) for d in body["designations"]] == [
        ("us-entity-list", "2019-05", "May 2019")
    ]
    assert [c["source"]["slug"] for c in body["citations"]] == ["bird-report-2020"]
    assert body["deployments"] == f"http://testserver{BASE}/deployments/?vendor=huawei"
    assert api.get(body["deployments"]).json()["count"] == 2


def test_contract_detail(api, world):
    body = api.get(f"{BASE}/contracts/safe-society-agreement/").json()
    assert body["buyer"]["slug"] == "mup-serbia"
    assert body["buyer_country"]["code"] == "RS"
    assert [d["slug"] for d in body["deployments"]] == ["safe-society"]
    assert [(v["slug"], v["role"]) for v in body["vendors"]] == [("huawei", "supplier")]
    assert body["signed_on_precision"] == "month"


def test_country_legal_framework_place_technology_details(api, world):
    italy = api.get(f"{BASE}/countries/IT/").json()
    assert italy["unions"] == [
        {"code": "EU", "name": "European Union", "url": f"http://testserver{BASE}/countries/EU/"}
    ]
    assert italy["deployments"].endswith("/deployments/?country=IT")
    china = api.get(f"{BASE}/countries/CN/").json()
    (membership,) = china["memberships"]
    citations = membership.pop("citations")
    assert membership == {
        "organisation": "belt-and-road",
        "organisation_name": "Belt and Road Initiative (memorandum with China)",
        "joined_on": "2013",
        "joined_on_display": "2013",
        "left_on": "",
        "left_on_display": "",
        "notes": "",
    }
    assert [(c["source"]["slug"], c["confidence"]) for c in citations] == [("bird-report-2020", "reported")]
    law = api.get(f"{BASE}/legal-frameworks/serbia-data-protection-law/").json()
    assert [j["code"] for j in law["jurisdictions"]] == ["RS"]
    assert law["status"] == "in-force"
    assert [c["source"]["slug"] for c in law["citations"]] == ["bird-report-2020"]
    belgrade = api.get(f"{BASE}/places/belgrade/").json()
    assert (belgrade["latitude"], belgrade["longitude"]) == (44.8178, 20.4569)
    assert belgrade["country"]["code"] == "RS"
    face = api.get(f"{BASE}/technologies/facial-recognition/").json()
    assert face["biometric"] is True
    assert api.get(face["deployments"]).json()["count"] == 1


def test_api_root_lists_every_endpoint_and_the_data_licence(api, world):
    response = api.get(f"{BASE}/")
    body = response.json()
    assert set(body) == {
        *LISTS,
        "camera-counts",
        "events",
        "measurements",
        "stated-costs",
        "changes",
        "public-bodies",
        "organisations",
        "citations",
        "licence",
    }
    assert body["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'


def test_browsable_html(api, world):
    response = api.get(f"{BASE}/deployments/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"Safe Society" in response.content
