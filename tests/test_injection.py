"""HTML/JS injection: hostile text in every text field of every curated record renders escaped.

Curators paste text from leaks, vendor brochures and hostile web pages; journalists and curators then
read it. Each payload is written (bypassing validation, as legacy or loaded data would be) into every
free-text field of every record, and every page that shows records is read back: the curator admin
(changelist, change form, history, review queue, import preview), the API's browsable HTML and the
public website. The raw payload never appears; its escaped form does; no link carries a
``javascript:`` URL. URL fields refuse such schemes wherever a record is written (model validation,
admin form, import), and CSV exports (API and admin) escape formula cells.
"""

import csv
import io
import re

import pghistory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.urls import reverse

from deployments.models import Organisation
from registry.choices import ReviewStatus
from registry.curation.admin_base import SITE_TITLE  # noqa: F401  (the admin is loaded)
from registry.fields import FuzzyDateField
from registry.imports.csv_safety import escape_formula
from registry.imports.resources import all_resources, resource_for
from registry.models import Country
from tests.api_support import generous_throttling_fixture  # noqa: F401
from tests.builders import build_world
from tests.formula_payloads import FORMULA_PAYLOADS
from tests.test_import_export import admin_url, csv_bytes, csv_rows, export_form_data, upload

# (payload, text that must never appear, text that must appear instead)
PAYLOADS = [
    ("<script>alert(1)</script>", "<script>alert(1)", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "<img src=x onerror", "&lt;img src=x onerror=alert(1)&gt;"),
    ("</textarea><svg onload=alert(1)>", "<svg onload", "&lt;/textarea&gt;&lt;svg onload=alert(1)&gt;"),
    ("{{7*7}}", None, "{{7*7}}"),  # shown as typed, never evaluated by a template engine
    ("javascript:alert(1)", None, "javascript:alert(1)"),  # text is fine; a link to it is not
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]
JAVASCRIPT_LINK = re.compile(
    r"""(href|src|action|formaction)\s*=\s*["']?\s*(javascript|vbscript|data):""", re.I
)
CURATED_MODELS = [resource._meta.model for resource in all_resources()]
KEY_FIELDS = {"slug", "code", "public_id", "version", "review_status"}


# --- Poisoning every text field ------------------------------------------------------------------


def text_fields(model) -> list:
    """Free-text fields: character and text fields without choices, and arrays of free text."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.name in KEY_FIELDS or field.choices or isinstance(field, FuzzyDateField | models.URLField):
            continue
        if (
            isinstance(field, ArrayField)
            and not field.base_field.choices
            or isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, ArrayField)
        ):
            fields.append(field)
    return fields


def poison(payload: str) -> list[str]:
    """Write ``payload`` into every text field of every record (as loaded data would, unvalidated).

    Returns the fields the database refused (a CHECK constraint, a length limit) and that keep their value.
    """
    refused = []
    for model in {*CURATED_MODELS, Country}:
        for field in text_fields(model):
            value = [payload] if isinstance(field, ArrayField) else payload
            try:
                with transaction.atomic():
                    model._base_manager.update(**{field.name: value})
            except (IntegrityError, DataError):
                refused.append(f"{model._meta.label}.{field.name}")
    return refused


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", password="a long test password")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture(params=PAYLOADS, ids=["script", "attribute", "textarea", "template", "javascript"])
def poisoned(request, db):
    payload, raw, escaped = request.param
    world = build_world()
    refused = poison(payload)
    # A record sent to review with a hostile reason, for the review queue and the history.
    with pghistory.context(reason=payload):
        world.reviewing.refresh_from_db()
        world.reviewing.review_status = ReviewStatus.IN_REVIEW
        world.reviewing.save()
    world.payload, world.raw, world.escaped, world.refused = payload, raw, escaped, refused
    return world


def assert_safe(html: str, world, where: str, *, shows_payload: bool = True):
    if world.raw is not None:
        assert world.raw not in html, f"{where}: the payload is not escaped"
    if shows_payload:
        assert world.escaped in html, f"{where}: the escaped payload is missing"
    assert not JAVASCRIPT_LINK.search(html), f"{where}: a link carries a script URL"


def get_ok(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return response.content.decode()


def test_every_text_field_takes_the_payload(poisoned):
    """The fixture really poisons the records (else the rendering tests below would prove nothing)."""
    assert poisoned.refused == [] or all(".name" not in name for name in poisoned.refused), poisoned.refused
    poisoned.safe_society.refresh_from_db()
    assert poisoned.safe_society.name == poisoned.payload
    assert poisoned.safe_society.summary == poisoned.payload


# --- The curator admin --------------------------------------------------------------------------------


def admin_models():
    from django.contrib import admin

    return [model for model in CURATED_MODELS if model in admin.site._registry]


def admin_pages(model) -> dict[str, str]:
    """The changelist, and the change form and history page of the model's first record."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = {"changelist": reverse(f"{info}_changelist")}
    record = model._base_manager.order_by("pk").first()
    if record is not None:
        pages["change form"] = reverse(f"{info}_change", args=[record.pk])
        pages["history"] = reverse(f"{info}_history", args=[record.pk])
    return pages


def test_admin_pages_render_the_payload_escaped(poisoned, superuser_client):
    for model in admin_models():
        if not model._base_manager.exists():
            continue
        for page, url in admin_pages(model).items():
            html = get_ok(superuser_client, url)
            assert_safe(html, poisoned, f"{model._meta.label} {page}")


def test_review_queue_renders_the_payload_escaped(poisoned, superuser_client):
    html = get_ok(superuser_client, reverse("review-queue"))
    assert_safe(html, poisoned, "review queue")


def test_import_preview_renders_the_payload_escaped(poisoned, superuser_client):
    header = ["slug", "name", "legal_name", "description", "aliases"]
    rows = [header, ["huawei", "Huawei", poisoned.payload + " (new)", poisoned.payload + " (new)", "x"]]
    rows.append(["new-vendor", poisoned.payload, poisoned.payload, poisoned.payload, poisoned.payload])
    from vendors.models import Vendor

    response = upload(superuser_client, Vendor, "vendors.csv", csv_bytes(rows))

    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 1, response.context["result"].invalid_rows
    assert_safe(response.content.decode(), poisoned, "import preview")


# --- The API's browsable HTML ---------------------------------------------------------------------------

API_LISTS = ["deployments", "vendors", "sources", "legal-frameworks", "contracts", "camera-counts", "places"]


def test_browsable_api_renders_the_payload_escaped(poisoned, client):
    for name in API_LISTS:
        html = get_ok(client, f"/api/v1/{name}/", HTTP_ACCEPT="text/html")
        assert_safe(html, poisoned, f"API {name} list")
    for url in (
        f"/api/v1/deployments/{poisoned.safe_society.slug}/",
        f"/api/v1/vendors/{poisoned.huawei.slug}/",
        f"/api/v1/sources/{poisoned.src.slug}/",
    ):
        assert_safe(get_ok(client, url, HTTP_ACCEPT="text/html"), poisoned, url)


# --- The public website ---------------------------------------------------------------------------------


def web_pages(world) -> dict[str, str]:
    return {
        "home": reverse("web:home"),
        "deployment list": reverse("web:deployment-list"),
        "deployment search": reverse("web:deployment-list") + "?search=alert",
        "deployment": reverse("web:deployment-detail", args=[world.safe_society.slug]),
        "country": reverse("web:country-detail", args=[world.rs.code]),
        "vendor": reverse("web:vendor-detail", args=[world.huawei.slug]),
        "legal framework": reverse("web:legal-framework-detail", args=[world.pdp_law.slug]),
        "source": reverse("web:source-detail", args=[world.src.slug]),
    }


def test_web_pages_render_the_payload_escaped(poisoned, client):
    for page, url in web_pages(poisoned).items():
        html = get_ok(client, url)
        assert_safe(html, poisoned, f"web {page}", shows_payload=page != "deployment search")


def test_search_terms_are_echoed_escaped(db, client):
    build_world()
    for payload, raw, _escaped in PAYLOADS[:3]:
        for url, headers in (
            (reverse("web:deployment-list"), {}),
            ("/api/v1/deployments/", {"HTTP_ACCEPT": "text/html"}),
        ):
            response = client.get(url, {"search": payload}, **headers)
            assert response.status_code == 200, url
            assert raw not in response.content.decode(), url


# --- URL fields refuse script schemes ---------------------------------------------------------------


def url_fields():
    return [
        (model, field.name)
        for model in {*CURATED_MODELS, Country}
        for field in model._meta.concrete_fields
        if isinstance(field, models.URLField)
    ]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_url_fields_refuse_script_schemes(db, url):
    world = build_world()
    Organisation.objects.create(slug="lender", name="Lender", kind="lender")  # the world has none
    records = {model: model._base_manager.first() for model, _ in url_fields()}
    assert len(url_fields()) >= 5  # source url and archived url, vendor and body websites, law text
    for model, name in url_fields():
        record = records[model]
        setattr(record, name, url)
        with pytest.raises(ValidationError) as refused:
            record.full_clean()
        assert name in refused.value.message_dict, (model, name)
        record.refresh_from_db()
    assert world


def test_admin_form_refuses_a_javascript_url(superuser_client, db):
    world = build_world()
    url = reverse("admin:registry_source_change", args=[world.src.pk])
    form = get_ok(superuser_client, url)
    assert "csrfmiddlewaretoken" in form
    response = superuser_client.post(
        url,
        {
            "slug": world.src.slug,
            "title": world.src.title,
            "kind": world.src.kind,
            "url": "javascript:alert(1)",
            "language": "en",
            "seen_version": world.src.version,
        },
    )
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    world.src.refresh_from_db()
    assert world.src.url == ""


def test_import_refuses_a_javascript_url(superuser_client, db):
    build_world()
    from registry.models import Source

    rows = [["slug", "title", "kind", "url"], ["hostile", "Hostile", "news", "javascript:alert(1)"]]
    response = upload(superuser_client, Source, "sources.csv", csv_bytes(rows))
    (invalid,) = response.context["result"].invalid_rows
    assert "url" in invalid.field_specific_errors
    assert not Source.objects.filter(slug="hostile").exists()


def test_links_never_carry_a_script_url_even_from_unvalidated_data(client, superuser_client):
    """Data loaded without validation (fixtures, a restored backup) may hold such a URL: no link to it."""
    world = build_world()
    for model, name in url_fields():
        for pk in model._base_manager.values_list("pk", flat=True):  # (source URLs are unique)
            model._base_manager.filter(pk=pk).update(**{name: f"javascript:alert({pk})"})
    for model in admin_models():
        for page, url in admin_pages(model).items():
            html = get_ok(superuser_client, url)
            assert not JAVASCRIPT_LINK.search(html), f"admin {model._meta.label} {page}: a script URL link"
    superuser_client.logout()
    for page, url in web_pages(world).items():
        html = get_ok(superuser_client, url)
        assert not JAVASCRIPT_LINK.search(html), f"web {page}: a link carries a script URL"
    for name in ("sources", "vendors", "legal-frameworks"):
        html = get_ok(superuser_client, f"/api/v1/{name}/", HTTP_ACCEPT="text/html")
        assert "javascript:alert(" in html  # the API shows the stored value, as text
        assert not JAVASCRIPT_LINK.search(html), f"API {name}: a link carries a script URL"


# --- CSV exports escape formula cells ------------------------------------------------------------------

FORMULAS = FORMULA_PAYLOADS


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("copy", [True, False], ids=["copy", "serializer"])
def test_api_csv_escapes_formula_cells(db, client, settings, formula, copy):
    settings.API_CSV_COPY = copy
    world = build_world()
    poison(formula)
    for name in ("deployments", "vendors", "sources", "camera-counts", "legal-frameworks", "contracts"):
        response = client.get(f"/api/v1/{name}/?format=csv")
        assert response.status_code == 200, name
        cells = [
            cell
            for row in csv_rows(
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            for cell in row
        ]
        assert escape_formula(formula) in cells, (name, formula)
        assert formula not in cells, (name, formula)
    assert world


@pytest.mark.parametrize("formula", FORMULAS)
def test_admin_csv_export_escapes_formula_cells(superuser_client, formula):
    build_world()
    poison(formula)
    for model in admin_models():
        resource = resource_for(model)
        response = superuser_client.post(admin_url(model, "export"), export_form_data(resource, 0))
        rows = csv_rows(response.content)
        cells = [cell for row in rows[1:] for cell in row]
        if any(text_fields(model)) and model._base_manager.exists():
            assert escape_formula(formula) in cells or any(cell.startswith("'") for cell in cells), (
                model._meta.label
            )
        assert formula not in cells, model._meta.label
        assert not [
            cell
            for cell in cells
            if cell and (cell[0] in "=+@\t\r" or (cell[0] == "-" and not _number(cell)))
        ]


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_rows_helper_keeps_carriage_returns():
    assert csv_rows(b'a\r\n"\r=1"\r\n') == [["a"], ["\r=1"]]
    assert list(csv.reader(io.StringIO('"\t=1"\n')))[0] == ["\t=1"]
