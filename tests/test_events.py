"""A deployment's dated, cited events: curated (admin, review bundle), imported and exported,
public through the API (list, filters, detail, CSV) and the deployment page's timeline, and never
when a draft or retracted."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from deployments.models import Deployment, Event
from deployments.resources import EventResource
from registry.choices import ReviewStatus
from registry.curation.roles import CURATORS_GROUP, REVIEWERS_GROUP
from registry.curation.workflow import WorkflowRefused, transition
from registry.imports.resources import export_bytes
from registry.models import LegalFramework, Source
from tests import builders
from tests.test_admin import add_inline_row, all_errors, build_world, change_url, form_data
from tests.test_admin_workflow import make_user, publishable, set_status

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, RETRACTED = (
    ReviewStatus.DRAFT,
    ReviewStatus.IN_REVIEW,
    ReviewStatus.PUBLISHED,
    ReviewStatus.RETRACTED,
)
EVENTS = "/api/v1/events/"


def public_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def timeline(db):
    """A published deployment with a contract, camera counts and events of every precision, and,
    beside them, the events no public surface may show."""
    rs = builders.country("RS", "Serbia")
    src = builders.source("share-timeline", title="SHARE timeline")
    deployment = builders.deployment("safe-society", "Safe Society", rs)
    contract = builders.contract(
        "strategic-partnership", "Strategic Partnership", signed_on="2017-02", deployments=[deployment]
    )
    law = builders.legal_framework("draft-law", "Draft Law on Internal Affairs", [rs])
    events = {
        "year": builders.event(deployment, "2017", src, kind="phase-announced", description="Phase 1."),
        "day": builders.event(deployment, "2017-02-07", src, kind="pilot", description="A pilot began."),
        "month": builders.event(
            deployment,
            "2019-03",
            src,
            kind="information-removed",
            description="Case study removed.",
            confidence="confirmed",
            locator="§2",
            quote="removed from its website",
        ),  # fmt: skip
        "withdrawn": builders.event(
            deployment,
            "2022-12",
            src,
            kind="law-withdrawn",
            description="The draft was withdrawn.",
            legal_framework=law,
            confidence="reported",
        ),  # fmt: skip
        "draft": builders.event(deployment, "2018", src, DRAFT, description="Draft event, never public."),
        "in_review": builders.event(deployment, "2018", src, IN_REVIEW, description="In review, not public."),
        "retracted": builders.event(
            deployment,
            "2018",
            src,
            RETRACTED,
            description="Retracted event.",
            retraction_reason="Wrong date.",
        ),
        "draft_source": builders.event(
            deployment, "2018", builders.source("leak", DRAFT), description="From a draft source."
        ),
        "draft_deployment": builders.event(
            builders.deployment("hidden", "Hidden", rs, DRAFT), "2018", src, description="Of a draft."
        ),
    }
    builders.camera_count(deployment, "2017-02", 47, src)
    return {"deployment": deployment, "contract": contract, "law": law, "source": src, **events}


PUBLIC = ["year", "day", "month", "withdrawn"]
HIDDEN = ["draft", "in_review", "retracted", "draft_source", "draft_deployment"]


# --- Curation --------------------------------------------------------------------------------------


@pytest.fixture
def curator_client(client):
    client.force_login(make_user("cora", CURATORS_GROUP))
    return client


def test_an_event_is_added_through_the_deployment_inline_as_a_draft(curator_client):
    world = build_world(0)
    deployment = world[Deployment]
    data = form_data(curator_client.get(change_url(deployment)))
    add_inline_row(
        data,
        "timeline_events",
        occurred_on="2019-03-30",
        kind="information-removed",
        description="Huawei's case study on Belgrade was removed from its website.",
        source=world[Source].pk,
        legal_framework=world[LegalFramework].pk,
        locator="para. 4",
        confidence="confirmed",
    )
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 302, all_errors(response)
    added = deployment.timeline_events.get(occurred_on="2019-03-30")
    assert (added.kind, added.review_status, added.locator) == ("information-removed", DRAFT, "para. 4")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"occurred_on": "30/03/2019"}, "is not a date"),
        ({"occurred_on": ""}, "This field is required"),
        ({"description": ""}, "This field is required"),
        ({"kind": "coup"}, "Select a valid choice"),
    ],
    ids=["bad-date", "no-date", "no-description", "unknown-kind"],
)
def test_a_bad_event_in_the_inline_is_a_form_error_and_saves_nothing(curator_client, fields, message):
    world = build_world(0)
    deployment = world[Deployment]
    before = Event.objects.count()
    data = form_data(curator_client.get(change_url(deployment)))
    row = {"occurred_on": "2019", "kind": "pilot", "description": "A pilot.", "source": world[Source].pk}
    add_inline_row(data, "timeline_events", **{**row, **fields})
    response = curator_client.post(change_url(deployment), data)
    assert response.status_code == 200
    assert any(message in error for error in all_errors(response)), all_errors(response)
    assert Event.objects.count() == before


def test_the_event_admin_lists_and_shows_events(curator_client):
    world = build_world(0)
    response = curator_client.get(reverse("admin:deployments_event_changelist"), {"kind": "agreement-signed"})
    assert list(response.context["cl"].result_list) == [world[Event]]
    assert curator_client.get(change_url(world[Event])).status_code == 200


def test_a_reviewer_publishes_a_deployment_with_its_new_event(client):
    world = build_world(0)
    publishable(world)
    deployment, event = world[Deployment], world[Event]
    set_status(event, DRAFT)  # a new event of the deployment, reviewed with it
    curator, reviewer = make_user("cora", CURATORS_GROUP), make_user("rey", REVIEWERS_GROUP)
    transition(deployment, name="submit", user=curator)
    event.refresh_from_db()
    assert event.review_status == IN_REVIEW
    assert public_ids(client.get(EVENTS)) == []
    transition(deployment, name="publish", user=reviewer)
    event.refresh_from_db()
    assert event.review_status == PUBLISHED
    assert public_ids(client.get(EVENTS)) == [str(event.public_id)]
    transition(deployment, name="retract", user=reviewer, reason="Wrong deployment")
    event.refresh_from_db()
    assert event.review_status == RETRACTED
    assert public_ids(client.get(EVENTS)) == []


def test_an_event_is_not_published_before_its_source(client):
    world = build_world(0)
    publishable(world)
    set_status(world[Source], DRAFT)
    set_status(world[Event], DRAFT)
    with pytest.raises(WorkflowRefused, match="publish the source first|publish that source first"):
        transition(world[Event], name="publish", user=make_user("rey", REVIEWERS_GROUP))
    assert Event.objects.get(pk=world[Event].pk).review_status == DRAFT


# --- Import and export -----------------------------------------------------------------------------


def test_events_round_trip_through_a_csv_file(timeline, tmp_path):
    exported = export_bytes(EventResource(), Event.objects.order_by("public_id"))
    header = exported.decode().splitlines()[0].split(",")
    assert header[:4] == ["public_id", "deployment", "kind", "occurred_on"]
    assert "safe-society" in exported.decode() and "draft-law" in exported.decode()  # natural keys
    path = tmp_path / "events.csv"
    path.write_bytes(exported)
    Event.objects.all().delete()
    call_command("import_records", "deployments.Event", str(path), verbosity=0)
    assert Event.objects.count() == len(PUBLIC) + len(HIDDEN)
    reimported = export_bytes(EventResource(), Event.objects.order_by("public_id"))
    # An import creates drafts at version 1: everything else comes back as it was.
    rows = list(csv.reader(io.StringIO(exported.decode())))
    status, version = header.index("review_status"), header.index("version")
    for row in rows[1:]:
        row[status], row[version] = DRAFT, "1"
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(rows)
    assert reimported.decode() == expected.getvalue()
    withdrawn = Event.objects.get(public_id=timeline["withdrawn"].public_id)
    assert (withdrawn.legal_framework, withdrawn.deployment) == (timeline["law"], timeline["deployment"])


def test_an_import_with_a_bad_event_row_changes_nothing(timeline, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "public_id,deployment,kind,occurred_on,description,source,confidence\n"
        ",safe-society,pilot,2020,A pilot.,share-timeline,confirmed\n"
        ",safe-society,pilot,2020-13,Bad month.,share-timeline,confirmed\n"
    )
    before = Event.objects.count()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_records", "deployments.Event", str(path), verbosity=0, stderr=errors)
    assert "2020-13 is not a date" in errors.getvalue()
    assert Event.objects.count() == before


# --- API -------------------------------------------------------------------------------------------


def test_the_list_shows_published_events_only_in_date_order(client, timeline):
    ids = public_ids(client.get(EVENTS))
    assert ids == [str(timeline[name].public_id) for name in ("year", "day", "month", "withdrawn")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"deployment": "safe-society"}, PUBLIC),
        ({"country": "RS"}, PUBLIC),
        ({"country": "IT"}, []),
        ({"kind": "pilot"}, ["day"]),
        ({"kind": ["pilot", "law-withdrawn"]}, ["day", "withdrawn"]),
        ({"confidence": "confirmed"}, ["month"]),
        ({"legal_framework": "draft-law"}, ["withdrawn"]),
        ({"occurred_after": "2019"}, ["month", "withdrawn"]),
        ({"occurred_before": "2017-01"}, ["year"]),  # "2017" overlaps Jan 2017
        ({"occurred_after": "2017-02", "occurred_before": "2017-02"}, ["year", "day"]),
        ({"search": "case study"}, ["month"]),
    ],
)
def test_list_filters(client, timeline, query, expected):
    assert public_ids(client.get(EVENTS, query)) == [str(timeline[name].public_id) for name in expected]


@pytest.mark.parametrize(
    "query",
    [
        {"deployment": "not a slug"},
        {"country": "Serbia"},
        {"kind": "coup"},
        {"confidence": "certain"},
        {"occurred_after": "2019-13"},
        {"occurred_before": "last year"},
        {"sort": "occurred_on"},
    ],
)
def test_a_bad_filter_value_is_a_400_with_a_message(client, timeline, query):
    response = client.get(EVENTS, query)
    assert response.status_code == 400
    (name,) = query
    assert response.json()[name]


def test_a_draft_deployment_is_as_unknown_as_a_made_up_one(client, timeline):
    for slug in ("hidden", "made-up"):
        assert client.get(EVENTS, {"deployment": slug}).status_code == 404


def test_the_detail_of_an_event(client, timeline):
    event = timeline["withdrawn"]
    body = client.get(f"{EVENTS}{event.public_id}/").json()
    assert body["kind"] == "law-withdrawn"
    assert (body["occurred_on"], body["occurred_on_display"], body["occurred_on_precision"]) == (
        "2022-12",
        "Dec 2022",
        "month",
    )
    assert body["deployment"]["slug"] == "safe-society"
    assert body["legal_framework"]["slug"] == "draft-law"
    assert body["contract"] is None
    assert body["source"]["slug"] == "share-timeline"
    assert body["confidence"] == "reported"


def test_hidden_events_have_no_detail_and_a_retracted_one_is_gone(client, timeline):
    for name in ("draft", "in_review", "draft_source", "draft_deployment"):
        assert client.get(f"{EVENTS}{timeline[name].public_id}/").status_code == 404, name
    gone = client.get(f"{EVENTS}{timeline['retracted'].public_id}/")
    assert gone.status_code == 410
    assert gone.json()["reason"] == "Wrong date."
    assert client.get(f"{EVENTS}not-a-uuid/").status_code == 404


def test_a_draft_contract_or_law_is_no_link_of_a_public_event(client, timeline):
    set_status(timeline["law"], DRAFT)
    body = client.get(f"{EVENTS}{timeline['withdrawn'].public_id}/").json()
    assert body["legal_framework"] is None
    (row,) = csv_rows(client.get(EVENTS, {"format": "csv", "kind": "law-withdrawn"}))
    assert row["legal_framework_slug"] == ""


def test_the_csv_export(client, timeline):
    rows = csv_rows(client.get(EVENTS, {"format": "csv"}))
    assert [row["public_id"] for row in rows] == [str(timeline[name].public_id) for name in PUBLIC]
    month = rows[2]
    assert month["deployment_slug"] == "safe-society"
    assert month["country_code"] == "RS"
    assert month["occurred_on"] == "2019-03"
    assert month["quote"] == "removed from its website"
    assert month["source_slug"] == "share-timeline"
    filtered = csv_rows(client.get(EVENTS, {"format": "csv", "kind": "pilot"}))
    assert [row["public_id"] for row in filtered] == [str(timeline["day"].public_id)]


def test_the_deployment_links_its_events(client, timeline, settings):
    for sql_json in (True, False):
        settings.API_JSON_SQL = sql_json
        body = client.get("/api/v1/deployments/safe-society/").json()
        assert body["events_url"].endswith("/api/v1/events/?deployment=safe-society"), sql_json


def test_the_change_feed_has_public_events_only(client, timeline):
    body = client.get("/api/v1/changes/", {"model": "event"}).json()
    # Never published (a draft, in review, created retracted, of a draft deployment or source): unknown.
    assert {entry["identifier"] for entry in body["results"]} == {str(timeline[n].public_id) for n in PUBLIC}
    month = timeline["month"]
    transition(month, name="retract", user=make_user("rey", REVIEWERS_GROUP), reason="Misdated.")
    body = client.get("/api/v1/changes/", {"model": "event"}).json()
    (retracted,) = [entry for entry in body["results"] if entry["kind"] == "retracted"]
    assert (retracted["identifier"], retracted["retraction_reason"]) == (str(month.public_id), "Misdated.")
    withdrawn = timeline["withdrawn"]
    withdrawn.description = "The second draft was withdrawn in late December."
    withdrawn.save()
    changes = client.get("/api/v1/changes/", {"model": "event", "record": str(withdrawn.public_id)}).json()
    latest = {change["field"]: change for change in changes["results"][0]["changes"]}
    assert latest["description"]["after"] == "The second draft was withdrawn in late December."
    assert set(latest) == {"description"}


# --- Website ---------------------------------------------------------------------------------------


def test_the_deployment_page_shows_its_timeline_in_date_order(client, timeline):
    page = text_of(client.get("/deployments/safe-society/"))
    section = page[page.index('id="timeline-heading"') : page.index('id="vendors-heading"')]
    entries = re.findall(r'<li class="timeline-entry timeline-([a-z-]+)">.*?datetime="([0-9-]+)"', section)
    # A year alone comes before the months and days of that year; on one date, the contract first.
    assert entries == [
        ("event", "2017"),
        ("contract", "2017-02"),
        ("camera-count", "2017-02"),
        ("event", "2017-02-07"),
        ("event", "2019-03"),
        ("event", "2022-12"),
    ]
    assert "Case study removed." in section and "removed from its website" in section
    assert "Mar 2019" in section and "7 Feb 2017" in section
    assert "Strategic Partnership" in section
    assert "/sources/share-timeline/" in section
    assert "/legal-frameworks/draft-law/" in section
    for name in HIDDEN:
        assert timeline[name].description not in page, name


def test_an_agreement_signed_event_stands_for_its_contract_in_the_timeline(client, timeline):
    builders.event(
        timeline["deployment"],
        "2017-02-03",
        timeline["source"],
        kind="agreement-signed",
        contract=timeline["contract"],
        description="Signed in early February.",
    )
    page = text_of(client.get("/deployments/safe-society/"))
    section = page[page.index('id="timeline-heading"') : page.index('id="vendors-heading"')]
    assert "timeline-contract" not in section
    assert "Signed in early February." in section


# --- Seed ------------------------------------------------------------------------------------------


def test_the_seed_events(seed):
    published = Event.objects.filter(review_status=PUBLISHED)
    assert published.filter(
        deployment__slug="belgrade-safe-society",
        kind="agreement-signed",
        occurred_on="2017-02",
        contract__slug="rs-moi-huawei-strategic-partnership-2017",
        source__slug="share-hiljade-kamera-timeline",
        confidence="confirmed",
    ).exists()
    assert published.filter(
        deployment__slug="belgrade-safe-society",
        kind="information-removed",
        occurred_on="2019-03-30",
        source__slug="share-2019-03-huawei-knows-everything-about-cameras",
    ).exists()
    assert published.filter(
        kind="law-withdrawn",
        occurred_on="2022-12",
        legal_framework__slug="rs-draft-law-on-internal-affairs-2022",
        source__slug="edri-2023-02-16-serbia-retracts-biometric-surveillance",
    ).exists()
    # A year the source does not give is inferred: reported, never confirmed.
    assert (
        published.get(kind="dpa-decision", deployment__slug="belgrade-safe-society").confidence == "reported"
    )
    assert published.filter(
        deployment__slug="sardinia-intelligent-region",
        kind="agreement-signed",
        occurred_on="2015",
        contract__slug="sardinia-huawei-hannover-agreement-2015",
    ).exists()
    assert set(
        published.filter(legal_framework__slug="it-facial-recognition-moratorium").values_list(
            "occurred_on", "confidence"
        )
    ) == {("2021", "confirmed"), ("2023", "reported")}
    assert list(
        published.filter(deployment__slug="ecu-911")
        .order_by("occurred_on")
        .values_list("occurred_on", "kind")
    ) == [("2011-12-29", "law-adopted"), ("2012", "launched"), ("2016-11", "official-visit")]
    # The Garante's SARI decision concerns no deployment of the seed: no event ties it to one.
    assert not Event.objects.filter(legal_framework__slug="it-garante-sari-real-time-2021").exists()
    assert not Event.objects.exclude(review_status=PUBLISHED).exists()


def test_the_seed_timeline_of_belgrade(client, seed):
    events = client.get(EVENTS, {"deployment": "belgrade-safe-society"}).json()["results"]
    dates = [event["occurred_on"] for event in events]
    assert dates == sorted(dates)
    assert len(dates) == 11
    page = text_of(client.get("/deployments/belgrade-safe-society/"))
    section = page[page.index('id="timeline-heading"') : page.index('id="vendors-heading"')]
    assert section.index("2011") < section.index("Dec 2014") < section.index("Feb 2017")
    assert "Huawei&#x27;s case study on Belgrade" in section or "Huawei's case study on Belgrade" in section
