"""The review workflow: draft -> in review -> published (-> retracted), on every path.

Curators send records to review; only reviewers publish, send back or retract. A record is
published only with at least one citation whose source is itself published, so the public always
sees who says so. Every transition is a save of the record (history records it, with the reason)
and refuses a stale version. The admin's buttons and actions and the importer all call these.
"""

from dataclasses import dataclass

import pghistory
from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from registry.choices import ReviewStatus
from registry.roles import is_curator, is_reviewer


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    reviewers_only: bool
    needs_reason: bool = False


SUBMIT = Transition(
    "submit", "Send to review", (ReviewStatus.DRAFT,), ReviewStatus.IN_REVIEW, reviewers_only=False
)
PUBLISH = Transition(
    "publish",
    "Publish",
    (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW),
    ReviewStatus.PUBLISHED,
    reviewers_only=True,
)
SEND_BACK = Transition(
    "send_back",
    "Send back to draft",
    (ReviewStatus.IN_REVIEW, ReviewStatus.RETRACTED),
    ReviewStatus.DRAFT,
    reviewers_only=True,
    needs_reason=True,
)
RETRACT = Transition(
    "retract",
    "Retract",
    (ReviewStatus.PUBLISHED,),
    ReviewStatus.RETRACTED,
    reviewers_only=True,
    needs_reason=True,
)
TRANSITIONS = {transition.name: transition for transition in (SUBMIT, PUBLISH, SEND_BACK, RETRACT)}


def allowed_transitions(record, user) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if record.review_status in t.sources and _may(user, t)]


def transition(record, *, name: str, user, reason: str = "", expected_version: int | None = None):
    """Move ``record`` along the workflow, or raise PermissionDenied / ValidationError and change nothing."""
    step = TRANSITIONS[name]
    if not _may(user, step):
        raise PermissionDenied(f"Only reviewers may {step.label.lower()} a record.")
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise ValidationError(f"Give a reason to {step.label.lower()} {record}.", code="reason_required")
    model = type(record)
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=record.pk)
        if expected_version is not None and current.version != expected_version:
            raise RecordModifiedError(target=current)
        if current.review_status not in step.sources:
            status = current.get_review_status_display().lower()
            raise ValidationError(
                f"Cannot {step.label.lower()} {record}: it is {status}.", code="invalid_transition"
            )
        if step.target == ReviewStatus.PUBLISHED:
            missing = missing_citation(current)
            if missing:
                raise ValidationError(f"Cannot publish {record}: {missing}", code="citation_required")
        current.review_status = step.target
        with pghistory.context(reason=reason or step.label, transition=step.name):
            current.save(update_fields=["review_status", "version", "updated_at"])
    record.review_status, record.version = current.review_status, current.version
    return record


def missing_citation(record) -> str:
    """Why ``record`` cannot be published yet for want of sources ('' when it can)."""
    if hasattr(record, "citations"):
        citations = record.citations.select_related("source")
        if not citations:
            return "it has no citation. Add at least one source in its Citations."
        if not any(c.source.review_status == ReviewStatus.PUBLISHED for c in citations):
            return "none of its cited sources is published yet. Publish a source first."
        return ""
    source = getattr(record, "source", None)
    if source is not None and source.review_status != ReviewStatus.PUBLISHED:
        return f"its source ({source}) is not published yet."
    return ""


def _may(user, step: Transition) -> bool:
    return is_reviewer(user) if step.reviewers_only else is_curator(user)
