"""Filters by code or slug, search, ordering, pagination, and the 400s for bad values."""

import pytest

from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def keys(api, path, key="slug"):
    response = api.get(f"{BASE}/{path}")
    assert response.status_code == 200, response.content
    return [item[key] for item in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=RS", ["safe-society"]),
        ("country=RS&country=EC", ["ecu-911", "safe-society"]),
        ("country=rs,ec", ["ecu-911", "safe-society"]),
        ("region=europe", ["cagliari-smart-city", "safe-society"]),
        ("region=latin-america", ["ecu-911"]),
        ("place=quito", ["ecu-911"]),
        ("vendor=huawei", ["cagliari-smart-city", "safe-society"]),
        ("vendor=huawei,ceiec", ["cagliari-smart-city", "ecu-911", "safe-society"]),
        ("vendor=huawei&region=europe", ["cagliari-smart-city", "safe-society"]),
        ("technology=facial-recognition", ["safe-society"]),
        ("technology=video-surveillance", ["cagliari-smart-city", "ecu-911", "safe-society"]),
        ("status=piloting", ["cagliari-smart-city"]),
        ("status=active,piloting", ["cagliari-smart-city", "ecu-911", "safe-society"]),
        ("operator=mup-serbia", ["safe-society"]),
        ("data_location=abroad", ["ecu-911"]),
        ("concern=no-legal-basis", ["cagliari-smart-city", "safe-society"]),
        ("concern=no-legal-basis&concern=confidential-contract", ["safe-society"]),
        ("purpose=public-safety", ["safe-society"]),
        ("legal_framework=eu-ai-act", ["cagliari-smart-city"]),
        ("started_after=2017", ["cagliari-smart-city", "safe-society"]),
        ("started_after=2017-03", ["cagliari-smart-city"]),
        ("started_after=2019-06", ["cagliari-smart-city"]),  # "2019" may be after June 2019
        ("started_before=2017", ["ecu-911", "safe-society"]),
        ("started_before=2017-01", ["ecu-911"]),
        ("started_before=2011-06-01", ["ecu-911"]),
        ("started_after=2012&started_before=2018", ["safe-society"]),
    ],
)
def test_deployment_filters(api, world, query, expected):
    assert sorted(keys(api, f"deployments/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vendor=huawei", ["safe-society-agreement"]),
        ("vendor=ceiec", ["ecu-911-loan"]),
        ("buyer=ecu-911-service", ["ecu-911-loan"]),
        ("buyer_country=RS", ["safe-society-agreement"]),
        ("deployment=safe-society", ["safe-society-agreement"]),
        ("kind=loan-agreement", ["ecu-911-loan"]),
        ("signed_after=2015", ["safe-society-agreement"]),
        ("signed_before=2015", ["ecu-911-loan"]),
        # Amounts compare in the one currency given (tests/test_api_bad_input.py: without one, a 400).
        ("value_min=200000000&currency=USD", ["ecu-911-loan"]),
        ("value_max=200000000&currency=EUR", ["safe-society-agreement"]),
        ("value_min=100000000&value_max=300000000&currency=EUR", ["safe-society-agreement"]),
        ("currency=EUR", ["safe-society-agreement"]),
        ("disclosure=leaked", ["ecu-911-loan"]),
        ("procurement_method=unknown", ["ecu-911-loan", "safe-society-agreement"]),
    ],
)
def test_contract_filters(api, world, query, expected):
    assert sorted(keys(api, f"contracts/?{query}")) == expected


def test_camera_count_filters(api, world):
    def counts(query):
        return sorted(item["cameras"] for item in api.get(f"{BASE}/camera-counts/?{query}").json()["results"])

    assert counts("deployment=safe-society") == [1000, 8100]
    assert counts("country=EC") == [4300]
    assert counts("kind=planned") == [8100]
    assert counts("place=belgrade") == [1000]
    assert counts("as_of_after=2019") == [1000, 8100]
    assert counts("as_of_before=2019") == [1000, 4300]
    assert counts("as_of_after=2020&as_of_before=2021") == [8100]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("headquarters_country=CN", ["ceiec", "huawei"]),
        ("ownership=state-owned", ["ceiec"]),
        ("designation=us-entity-list", ["huawei"]),
        ("designation=fcc-covered-list", []),  # its only source is a draft
        ("designation=ofac-sdn", []),  # the designated vendor is a draft
    ],
)
def test_vendor_filters(api, world, query, expected):
    assert sorted(keys(api, f"vendors/?{query}")) == expected


def test_legal_framework_source_country_place_technology_filters(api, world):
    assert keys(api, "legal-frameworks/?jurisdiction=EU") == ["eu-ai-act"]
    assert keys(api, "legal-frameworks/?kind=ai-law") == ["eu-ai-act"]
    assert sorted(keys(api, "legal-frameworks/?status=in-force")) == [
        "eu-ai-act",
        "serbia-data-protection-law",
    ]
    assert keys(api, "legal-frameworks/?adopted_after=2020") == ["eu-ai-act"]
    assert keys(api, "sources/?language=es") == ["el-comercio-2019"]
    assert keys(api, "sources/?kind=news&published_after=2020") == ["bird-report-2020"]
    # Colombia's region comes with the ISO countries' migration (the seed's regions).
    assert keys(api, "countries/?region=latin-america", "code") == ["CO", "EC"]
    assert keys(api, "countries/?kind=union", "code") == ["EU"]
    assert keys(api, "countries/?belt_and_road=true", "code") == ["CN"]
    assert keys(api, "places/?country=IT") == ["cagliari"]
    assert keys(api, "places/?has_coordinates=false") == ["serbia"]
    assert keys(api, "technologies/?biometric=true") == ["facial-recognition"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("deployments/?search=belgrade", ["safe-society"]),  # in the summary
        ("deployments/?search=safe society", ["safe-society"]),
        ('deployments/?search="smart city"', ["cagliari-smart-city"]),
        ("deployments/?search=ecuador", ["ecu-911"]),  # country name
        ("deployments/?search=society -belgrade", []),
        ("deployments/?search=nothing-like-this", []),
        ("vendors/?search=华为", ["huawei"]),  # an alias, in any script
        ("vendors/?search=HUAWEI technologies", ["huawei"]),
        ("contracts/?search=loan", ["ecu-911-loan"]),
        ("legal-frameworks/?search=intelligence", ["eu-ai-act"]),
        ("sources/?search=cámaras", ["el-comercio-2019"]),
        ("technologies/?search=facial", ["facial-recognition"]),
        ("places/?search=quito", ["quito"]),
    ],
)
def test_search(api, world, path, expected):
    assert sorted(keys(api, path)) == expected


def test_search_countries_and_camera_counts(api, world):
    assert keys(api, "countries/?search=serbia", "code") == ["RS"]
    assert len(keys(api, "camera-counts/?search=safe", "public_id")) == 2


def test_ordering(api, world):
    assert keys(api, "deployments/") == ["cagliari-smart-city", "ecu-911", "safe-society"]
    assert keys(api, "deployments/?ordering=started_on") == ["ecu-911", "safe-society", "cagliari-smart-city"]
    assert keys(api, "deployments/?ordering=-started_on") == [
        "cagliari-smart-city",
        "safe-society",
        "ecu-911",
    ]
    assert keys(api, "contracts/?ordering=-value_amount") == ["ecu-911-loan", "safe-society-agreement"]
    assert keys(api, "countries/?ordering=-code&region=europe", "code") == ["SE", "RS", "IT", "EU"]


def test_pagination(api, world):
    first = api.get(f"{BASE}/deployments/?page_size=2").json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    second = api.get(first["next"]).json()
    assert [item["slug"] for item in second["results"]] == ["safe-society"]
    assert second["next"] is None
    assert api.get(f"{BASE}/deployments/?page_size=500").status_code == 200
    assert (
        api.get(f"{BASE}/deployments/?page=last&page_size=2").json()["results"][0]["slug"] == "safe-society"
    )


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("deployments/?country=XX", "country"),
        ("deployments/?country=RS,ZZ", "country"),
        ("deployments/?region=atlantis", "region"),
        ("deployments/?status=dormant", "status"),
        ("deployments/?vendor=no-such-vendor", "vendor"),
        ("deployments/?vendor=shadowcorp", "vendor"),  # a draft is as unknown as a made-up slug
        ("deployments/?technology=telepathy", "technology"),
        ("deployments/?concern=bad-vibes", "concern"),
        ("deployments/?legal_framework=serbia-internal-affairs-bill", "legal_framework"),
        ("deployments/?started_after=2019-13", "started_after"),
        ("deployments/?started_before=last-year", "started_before"),
        ("deployments/?page_size=501", "page_size"),
        ("deployments/?page_size=0", "page_size"),
        ("deployments/?page_size=ten", "page_size"),
        ("deployments/?page=two", "page"),
        ("deployments/?page=-1", "page"),
        ("deployments/?ordering=id", "ordering"),
        ("deployments/?ordering=name,review_status", "ordering"),
        ("deployments/?contry=RS", "contry"),
        ("deployments/?search=" + "x" * 201, "search"),
        ("contracts/?value_min=lots", "value_min"),
        ("contracts/?currency=XYZ", "currency"),
        ("contracts/?deployment=secret-pilot", "deployment"),
        ("camera-counts/?as_of_after=2019-1", "as_of_after"),
        ("camera-counts/?kind=imagined", "kind"),
        ("vendors/?headquarters_country=Q1", "headquarters_country"),
        ("vendors/?designation=naughty-list", "designation"),
        ("legal-frameworks/?covers_biometric_surveillance=maybe", "covers_biometric_surveillance"),
        ("sources/?language=English", "language"),
        ("countries/?belt_and_road=yes", "belt_and_road"),
        ("places/?has_coordinates=1", "has_coordinates"),
        ("technologies/?biometric=", None),  # empty means no filter
        ("deployments/safe-society/?country=RS", "country"),
    ],
)
def test_bad_values_are_400_naming_the_parameter(api, world, path, parameter):
    response = api.get(f"{BASE}/{path}")
    if parameter is None:
        assert response.status_code == 200
        return
    # A well-formed identifier naming no published record is a 404 (api/filters.py), like a detail URL.
    expected = 404 if path in NAMING_NO_RECORD else 400
    assert response.status_code == expected, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert parameter in body
    assert body[parameter] and all(isinstance(message, str) and message for message in body[parameter])


NAMING_NO_RECORD = {
    "deployments/?country=XX",
    "deployments/?country=RS,ZZ",
    "deployments/?vendor=no-such-vendor",
    "deployments/?vendor=shadowcorp",
    "deployments/?technology=telepathy",
    "deployments/?legal_framework=serbia-internal-affairs-bill",
    "contracts/?deployment=secret-pilot",
}


def test_bad_values_on_csv_are_json_errors(api, world):
    response = api.get(f"{BASE}/deployments/?format=csv&country=XX")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "country" in response.json()


def test_page_past_the_end_is_404(api, world):
    response = api.get(f"{BASE}/deployments/?page=9")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_each_filterset_class_builds_its_form_class_once_and_forms_stay_apart():
    from django.http import QueryDict

    from deployments.filtersets import CameraCountFilterSet, DeploymentFilterSet

    bad = DeploymentFilterSet(QueryDict("started_after=not-a-date"))
    good = DeploymentFilterSet(QueryDict("started_after=2015"))
    assert type(bad.form) is type(good.form)  # one class, built once
    assert type(CameraCountFilterSet(QueryDict("")).form) is not type(good.form)
    assert not bad.is_valid() and "started_after" in bad.errors
    assert good.is_valid() and not good.errors  # no state shared between the two forms
