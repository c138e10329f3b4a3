"""The review workflow: draft -> in review -> published (-> retracted), on every path.

Curators send records to review; reviewers (the ``publish_``/``retract_`` permissions of
registry/curation/roles.py) publish, send back or retract. A record is reviewed with its parts
(``review_parts``: its draft camera counts go to review, are published and retracted with it), and
published only when nothing it shows the public is unpublished: at least one citation, every cited
source published, every linked record (operator, places, vendors, laws) published. A part is never
published before its record, and a source that published records depend on cannot be retracted.
Every transition is a save (history records it, with the reason) and refuses a stale version. The
admin's buttons and actions and the importer all call ``transition``.
"""

from dataclasses import dataclass

import pghistory
import pghistory.models
from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from registry.choices import ReviewStatus
from registry.curation.models import is_curated
from registry.curation.roles import REVIEW_ACTIONS, is_curator, may_review


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str = ""  # the review action it needs (roles.REVIEW_ACTIONS); "" = any curator
    needs_reason: bool = False


SUBMIT = Transition("submit", "Send to review", (ReviewStatus.DRAFT,), ReviewStatus.IN_REVIEW)
PUBLISH = Transition(
    "publish",
    "Publish",
    (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW),
    ReviewStatus.PUBLISHED,
    permission="publish",
)
SEND_BACK = Transition(
    "send_back",
    "Send back to draft",
    (ReviewStatus.IN_REVIEW, ReviewStatus.RETRACTED),
    ReviewStatus.DRAFT,
    permission="publish",
    needs_reason=True,
)
RETRACT = Transition(
    "retract",
    "Retract",
    (ReviewStatus.PUBLISHED,),
    ReviewStatus.RETRACTED,
    permission="retract",
    needs_reason=True,
)
TRANSITIONS = {transition.name: transition for transition in (SUBMIT, PUBLISH, SEND_BACK, RETRACT)}


@dataclass(frozen=True)
class Blocker:
    """Why a step cannot be taken, and the record to fix (the admin links it)."""

    message: str
    record: models.Model | None = None


class WorkflowRefused(ValidationError):
    """A refused step with each thing that blocks it."""

    def __init__(self, summary: str, blockers: list[Blocker], code: str):
        super().__init__([summary, *(blocker.message for blocker in blockers)], code=code)
        self.summary = summary
        self.blockers = blockers


def may_take(user, model, step: Transition) -> bool:
    return may_review(user, model, step.permission) if step.permission else is_curator(user)


def allowed_transitions(record, user) -> list[Transition]:
    model = type(record)
    return [t for t in TRANSITIONS.values() if record.review_status in t.sources and may_take(user, model, t)]


def transition(record, *, name: str, user, reason: str = "", expected_version: int | None = None):
    """Move ``record`` and its parts along the workflow, or raise PermissionDenied /
    ValidationError (``WorkflowRefused`` naming each blocker) and change nothing."""
    step = TRANSITIONS[name]
    model = type(record)
    noun = model._meta.verbose_name
    if not may_take(user, model, step):
        needed = f"“Can {REVIEW_ACTIONS[step.permission]} {noun}”" if step.permission else "curator"
        raise PermissionDenied(
            f"You may not {step.label.lower()} a {noun}: that needs the {needed} permission, "
            "which the Reviewers group has. Ask a reviewer, or an administrator for the permission."
        )
    reason = reason.strip()
    if step.needs_reason and not reason:
        raise ValidationError(f"Give a reason to {step.label.lower()} {record}.", code="reason_required")
    with transaction.atomic():
        current = model._base_manager.select_for_update().get(pk=record.pk)
        if expected_version is not None and current.version != expected_version:
            raise RecordModifiedError(target=current)
        if current.review_status not in step.sources:
            status = current.get_review_status_display().lower()
            raise ValidationError(
                f"Cannot {step.label.lower()} {record}: it is {status}.", code="invalid_transition"
            )
        if step is PUBLISH:
            blockers = publication_blockers(current)
            if blockers:
                raise WorkflowRefused(f"Cannot publish {record} yet:", blockers, code="blocked")
        if step is RETRACT:
            blockers = retraction_blockers(current)
            if blockers:
                raise WorkflowRefused(
                    f"Cannot retract {record}: these published records depend on it. Give them "
                    "another published source, or retract them first:",
                    blockers,
                    code="depended_on",
                )
        _move(current, step, reason)
        with pghistory.context(reason=reason or step.label, transition=step.name):
            current.save(update_fields=["review_status", "version", "updated_at", *_TOMBSTONE])
            for part in curated_parts(current, statuses=step.sources):
                _move(part, step, reason)
                part.save(update_fields=["review_status", "version", "updated_at", *_TOMBSTONE])
    record.review_status, record.version = current.review_status, current.version
    record.retracted_at, record.retraction_reason = current.retracted_at, current.retraction_reason
    return record


_TOMBSTONE = ("retracted_at", "retraction_reason")


def _move(record, step: Transition, reason: str) -> None:
    record.review_status = step.target
    if step is RETRACT:
        record.retracted_at, record.retraction_reason = timezone.now(), reason
    elif step is PUBLISH:
        record.retracted_at, record.retraction_reason = None, ""


def curated_parts(record, *, statuses=None) -> list:
    """The record's parts that have a review status of their own (camera counts), optionally only
    those in ``statuses``."""
    found = []
    for name in type(record).review_parts:
        related = getattr(record, name)
        if not is_curated(related.model):
            continue
        rows = related.all() if statuses is None else related.filter(review_status__in=statuses)
        found.extend(rows.select_for_update().order_by("pk"))
    return found


# --- What blocks a publication ---------------------------------------------------------------------


def publication_blockers(record) -> list[Blocker]:
    """Everything that keeps ``record`` (with the parts published with it) from being public: no
    citation, unpublished cited sources, unpublished linked records, an unpublished owner."""
    blockers = []
    model = type(record)
    if model.part_of:
        owner = getattr(record, model.part_of)
        if owner.review_status != ReviewStatus.PUBLISHED:
            blockers.append(
                Blocker(
                    f"Its {model._meta.get_field(model.part_of).verbose_name} “{owner}” is "
                    f"{owner.get_review_status_display().lower()}: publish it first (its review "
                    f"publishes this {model._meta.verbose_name} with it).",
                    owner,
                )
            )
    blockers += _citation_blockers(record)
    blockers += _link_blockers(record, skip={model.part_of})
    for part in curated_parts(record, statuses=PUBLISH.sources):
        blockers += [
            Blocker(
                f"{part._meta.verbose_name.capitalize()} “{part}”: {b.message[0].lower()}{b.message[1:]}",
                b.record,
            )
            for b in _link_blockers(part, skip={type(part).part_of})
        ]
    for name in model.review_parts:
        related = getattr(record, name)
        if is_curated(related.model) or "record" in {f.name for f in related.model._meta.fields}:
            continue  # curated parts are checked above, citations by _citation_blockers
        for part in related.all():  # vendor roles, parties, designations: what they link to
            blockers += _link_blockers(part, skip=_owner_fields(part, model))
    return blockers


def _owner_fields(part, owner_model) -> set[str]:
    return {
        field.name
        for field in part._meta.concrete_fields
        if field.is_relation and field.related_model is owner_model
    }


def _citation_blockers(record) -> list[Blocker]:
    if not hasattr(record, "citations"):
        return []
    citations = list(record.citations.select_related("source"))
    if not citations:
        return [Blocker("It has no citation: add at least one source in its Citations.")]
    return [
        Blocker(
            f"It cites the source “{citation.source}”, which is "
            f"{citation.source.get_review_status_display().lower()}: publish the source first.",
            citation.source,
        )
        for citation in citations
        if citation.source.review_status != ReviewStatus.PUBLISHED
    ]


def _link_blockers(record, *, skip=frozenset()) -> list[Blocker]:
    """Curated records that ``record`` links to (foreign keys, many-to-many) and that are not
    published: the public would see a link to nothing."""
    blockers = []
    for field in record._meta.get_fields():
        if not (field.concrete and field.is_relation) or field.name in skip or field.auto_created:
            continue
        target = field.related_model
        if target is None or not is_curated(target):
            continue
        if field.many_to_many:
            if not field.remote_field.through._meta.auto_created:
                continue  # a through model of its own is a part (vendor roles): checked as such
            linked = list(getattr(record, field.name).exclude(review_status=ReviewStatus.PUBLISHED))
        else:
            value = getattr(record, field.name)
            linked = [value] if value is not None and value.review_status != ReviewStatus.PUBLISHED else []
        for other in linked:
            blockers.append(
                Blocker(
                    f"Its {field.verbose_name} “{other}” is {other.get_review_status_display().lower()}: "
                    f"publish that {target._meta.verbose_name} first, or remove the link.",
                    other,
                )
            )
    return blockers


def retraction_blockers(record) -> list[Blocker]:
    """Published records that would be left without a published source if ``record`` (a source)
    were retracted: records whose only published citations cite it, and published rows that name
    it as their source (camera counts, designations)."""
    from registry.curation.citations import Citation  # noqa: PLC0415 (abstract base; no cycle)

    blockers = []
    for relation in record._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many and relation.field.name == "source"):
            continue
        model = relation.related_model
        if issubclass(model, pghistory.models.Event) or not model._meta.managed:  # history, SQL views
            continue
        rows = model._base_manager.filter(source=record)
        if issubclass(model, Citation):
            for citation in rows.select_related("record"):
                owner = citation.record
                if owner.review_status != ReviewStatus.PUBLISHED:
                    continue
                others = owner.citations.exclude(source=record).filter(
                    source__review_status=ReviewStatus.PUBLISHED
                )
                if not others.exists():
                    blockers.append(
                        Blocker(
                            f"{owner._meta.verbose_name.capitalize()} “{owner}” cites no other published source.",
                            owner,
                        )
                    )
        elif is_curated(model):
            for row in rows.filter(review_status=ReviewStatus.PUBLISHED):
                blockers.append(
                    Blocker(f"{model._meta.verbose_name.capitalize()} “{row}” gives it as its source.", row)
                )
        else:
            owner_field = next(
                f
                for f in model._meta.concrete_fields
                if f.is_relation and f.name != "source" and is_curated(f.related_model)
            )
            for row in rows.filter(**{f"{owner_field.name}__review_status": ReviewStatus.PUBLISHED}):
                blockers.append(
                    Blocker(
                        f"{model._meta.verbose_name.capitalize()} “{row}” gives it as its source.",
                        getattr(row, owner_field.name),
                    )
                )
    return blockers
