"""?search= as its users type it: without accents or with them, in Serbian Cyrillic or Latin, a word's
beginning, a vendor's alias or a city instead of the record's own words, and typos in names."""

import pytest
from django.db import connection

from deployments.models import Contract, Deployment, DeploymentVendor, Place
from tests.api_support import api_fixture, generous_throttling_fixture, world_fixture  # noqa: F401
from tests.builders import PUBLISHED, country, deployment, place, vendor

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def found(api, endpoint: str, terms: str, key: str = "slug", **params) -> set[str]:
    response = api.get(f"{BASE}/{endpoint}/", {"search": terms, "page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {str(row[key]) for row in response.json()["results"]}


@pytest.fixture(name="latin_america")
def latin_america_fixture(world):
    co = country("CO", "Colombia", region="latin-america")
    world.bogota = place("bogota", "Bogotá", co)
    world.medellin = place("medellin", "Medellín", co)
    world.bogota_cameras = deployment(
        "bogota-cameras",
        "Cámaras de vigilancia de Bogotá",
        co,
        summary="Ocho cámaras con reconocimiento facial.",
        places=[world.bogota],
    )
    world.medellin_system = deployment(
        "medellin-system", "Medellin video system", co, places=[world.medellin]
    )
    world.beograd = deployment(
        "beograd-sigurni-grad", "Сигурни град Београд", world.rs, summary="Камере у Нишу и Новом Саду."
    )
    world.hikvision = vendor("hikvision", "Hikvision", legal_name="Hangzhou Hikvision Digital Technology")
    DeploymentVendor.objects.create(deployment=world.medellin_system, vendor=world.hikvision, role="supplier")
    return world


def test_accents_are_ignored_both_ways(api, latin_america):
    assert found(api, "deployments", "Bogota") == {"bogota-cameras"}
    assert found(api, "deployments", "Medellín") == {"medellin-system"}  # the record has no accent
    assert found(api, "deployments", "Medellin") == {"medellin-system"}
    assert found(api, "deployments", "camaras") == {"bogota-cameras"}
    assert found(api, "places", "Bogota") == {"bogota"}


def test_serbian_cyrillic_and_latin_find_each_other(api, latin_america):
    assert found(api, "deployments", "Beograd") == {"beograd-sigurni-grad"}
    assert found(api, "deployments", "sigurni grad") == {"beograd-sigurni-grad"}
    assert found(api, "deployments", "Нишу") == {"beograd-sigurni-grad"}
    assert found(api, "deployments", "nisu") == {"beograd-sigurni-grad"}
    assert found(api, "deployments", "СИГУРНИ") == {"beograd-sigurni-grad"}  # capitals too


def test_a_word_finds_its_longer_forms(api, latin_america):
    assert found(api, "deployments", "camera") == {"safe-society"}  # "cameras" in its summary
    assert found(api, "deployments", "cámara") == {"bogota-cameras"}
    assert found(api, "deployments", "reconocimiento fac") == {"bogota-cameras"}
    # Words of one or two letters stay whole words: "ca" is no prefix of everything.
    assert found(api, "deployments", "ca") == set()


def test_web_search_syntax_still_holds(api, latin_america):
    assert found(api, "deployments", '"safe society"') == {"safe-society"}
    assert found(api, "deployments", "huawei -belgrade") == {"cagliari-smart-city"}
    assert found(api, "deployments", "bogota or quito") == {"bogota-cameras", "ecu-911"}


def test_deployments_and_contracts_are_found_by_vendor_alias_and_place(api, latin_america):
    assert found(api, "deployments", "huawei") == {"safe-society", "cagliari-smart-city"}
    assert found(api, "deployments", "Huawei Technologies") == {"safe-society", "cagliari-smart-city"}
    assert found(api, "deployments", "华为") == {"safe-society", "cagliari-smart-city"}
    assert found(api, "deployments", "CEIEC") == {"ecu-911"}
    assert found(api, "deployments", "Hangzhou") == {"medellin-system"}  # a legal name
    assert found(api, "deployments", "Quito") == {"ecu-911"}
    assert found(api, "deployments", "Ministry of Interior") == {"safe-society"}  # its operator
    assert found(api, "contracts", "CEIEC") == {"ecu-911-loan"}
    assert found(api, "contracts", "huawei") == {"safe-society-agreement"}
    # A contract's places: those of its published deployments.
    assert found(api, "contracts", "belgrade") == {"safe-society-agreement"}
    assert found(api, "contracts", "quito") == {"ecu-911-loan"}


def test_unpublished_names_find_nothing(api, latin_america):
    """A draft or retracted vendor's name must not make a public record findable."""
    assert found(api, "deployments", "ShadowCorp") == set()
    assert found(api, "deployments", "Gone Vendor") == set()
    assert found(api, "contracts", "ShadowCorp") == set()
    # Nor by a typo of it (the trigram fallback reads the same published names).
    assert found(api, "deployments", "ShadowCrop") == set()


def test_a_typo_finds_the_name_when_nothing_matches(api, latin_america):
    assert found(api, "deployments", "Hikvison") == {"medellin-system"}
    assert found(api, "vendors", "Hikvison") == {"hikvision"}
    assert found(api, "deployments", "Beograad") == {"beograd-sigurni-grad"}
    assert found(api, "places", "Medelin") == {"medellin"}
    assert found(api, "camera-counts", "Safe Socety", key="cameras") == set()  # no names of their own
    # Only when full-text search finds nothing: an exact word does not drag in look-alikes.
    assert found(api, "deployments", "Hikvision") == {"medellin-system"}
    assert found(api, "deployments", "zzqxj") == set()
    # Nor when the query uses the web-search syntax: its reader asked for exactly that.
    assert found(api, "deployments", "Hikvison -bogota") == set()
    assert found(api, "deployments", '"Beograad"') == set()


def test_renames_and_links_reach_the_stored_documents(api, latin_america):
    w = latin_america
    w.hikvision.aliases = ["海康威视"]
    w.hikvision.save()
    assert found(api, "deployments", "海康威视") == {"medellin-system"}
    Place.objects.filter(pk=w.quito.pk).update(name="San Francisco de Quito")
    assert found(api, "deployments", "francisco") == {"ecu-911"}
    assert found(api, "contracts", "francisco") == {"ecu-911-loan"}
    w.ecu.places.add(w.belgrade)
    assert "ecu-911" in found(api, "deployments", "belgrade")
    w.ecu.places.remove(w.belgrade)
    assert "ecu-911" not in found(api, "deployments", "belgrade")
    DeploymentVendor.objects.filter(deployment=w.medellin_system).delete()
    assert found(api, "deployments", "Hikvision") == set()
    # A vendor published later lends its name from then on.
    w.shadow.review_status = PUBLISHED
    w.shadow.save()
    assert found(api, "deployments", "ShadowCorp") == {"safe-society"}
    # A contract lends the places of its deployments only once they are published.
    assert found(api, "contracts", "medellin") == set()
    w.ecu_loan.deployments.add(w.medellin_system)
    assert found(api, "contracts", "medellin") == {"ecu-911-loan"}
    Deployment.objects.filter(pk=w.medellin_system.pk).update(review_status="draft")
    assert found(api, "contracts", "medellin") == set()


def test_the_stored_search_columns_are_what_the_triggers_compute(latin_america):
    """Nothing is stale: computing every stored column again changes none."""
    for model in (Deployment, Contract):
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE stored AS SELECT id, search_vector, search_names FROM {table}")  # noqa: S608
            cursor.execute(f"UPDATE {table} SET search_vector = DEFAULT")  # noqa: S608
            cursor.execute(
                f"SELECT count(*) FROM {table} t JOIN stored s USING (id) "  # noqa: S608
                "WHERE (t.search_vector, t.search_names) IS DISTINCT FROM (s.search_vector, s.search_names)"
            )
            assert cursor.fetchone()[0] == 0, table
            cursor.execute("DROP TABLE stored")


def test_search_and_its_fallback_use_the_indexes(latin_america):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM deployments_deployment WHERE search_vector @@ registry_search_query('cámara')"
        )
        assert "deployment_search" in " ".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT id FROM deployments_deployment "
            "WHERE registry_search_fold('Hikvison') <% search_names"
        )
        assert "deployment_search_names" in " ".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT id FROM deployments_place WHERE registry_search_document(COALESCE(name, '')) @@ registry_search_query('bogota')"
        )
        assert "place_search" in " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")


def test_the_fold_function(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT registry_search_fold(%s), registry_search_query(%s)::text",
            ["Bogotá ĐORĐE Љубљана Џаковица Ñandú", '"safe city" -huawei or ab'],
        )
        folded, query = cursor.fetchone()
    assert folded == "bogota dorde ljubljana dzakovica nandu"
    assert query == "'safe':* <-> 'city':* & !'huawei':* | 'ab'"
