"""A deployment's history on its page: its events, the signing of its contracts and its camera
counts, merged in date order, each entry with what it is, its date as precise as its source gives
it, its text and its sources.

Fuzzy dates are sorted as the text they are stored as (ISO 8601 of reduced precision), which puts a
date known only to the year before the months and days of that year ("2017" before "2017-02"
before "2017-02-07"): the entry is read as "in 2017", the heading of that year's dated steps, never
placed at a guessed day. On one date, contracts come first (the agreement), then events, then camera
counts. A contract whose signing date is unknown comes last, as "date not known". A contract whose
signing is an event of its own ("agreement signed", with the contract) is shown once, as that event.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from deployments.choices import EventKind
from web.labels import label

CONTRACT, EVENT, CAMERA_COUNT = "contract", "event", "camera-count"
ORDER_ON_ONE_DATE = {CONTRACT: 0, EVENT: 1, CAMERA_COUNT: 2}


@dataclass
class TimelineEntry:
    category: str  # contract, event or camera-count (a CSS class too)
    date: str  # a fuzzy date, "" when not known
    kind: str  # what happened, translated
    text: str
    citations: list = field(default_factory=list)  # rows with source, locator, confidence (and quote)
    cameras: int | None = None  # a camera count's figure (the template formats it)
    legal_framework: object = None  # the published law or decision an event concerns, if any

    def sort_key(self) -> tuple:
        return (self.date == "", self.date, ORDER_ON_ONE_DATE[self.category])


def _contract_entry(contract) -> TimelineEntry:
    citations = contract.citations.all()
    dated = [c for c in citations if c.field == "signed_on"] or [c for c in citations if not c.field]
    return TimelineEntry(
        CONTRACT,
        contract.signed_on,
        _("Signed: %(kind)s") % {"kind": label("contract_kind", contract.kind)},
        contract.name,
        dated,
    )


def _event_entry(event) -> TimelineEntry:
    return TimelineEntry(
        EVENT,
        event.occurred_on,
        label("event_kind", event.kind),
        event.description,
        [event],  # an event is one source's statement: its source, locator, quote and confidence
        legal_framework=event.legal_framework,
    )


def _camera_count_entry(count) -> TimelineEntry:
    kind = _("Camera count (%(kind)s)") % {"kind": label("count_kind", count.kind).lower()}
    return TimelineEntry(CAMERA_COUNT, count.as_of, kind, count.phase, [count], cameras=count.cameras)


def deployment_timeline(events, contracts, camera_counts) -> list[TimelineEntry]:
    """The published ``events``, ``contracts`` and ``camera_counts`` of a deployment (each read
    through the published-only selectors) as one list in date order."""
    events = list(events)
    signed = {event.contract_id for event in events if event.kind == EventKind.AGREEMENT_SIGNED}
    entries = [
        *(_contract_entry(contract) for contract in contracts if contract.pk not in signed),
        *(_event_entry(event) for event in events),
        *(_camera_count_entry(count) for count in camera_counts),
    ]
    return sorted(entries, key=TimelineEntry.sort_key)  # stable: each list keeps its own order on ties
