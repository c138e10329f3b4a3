"""Changes to published records are proposals: the public tables keep the published state until a
reviewer approves.

As Wagtail keeps "draft changes to a live page" (the live row stays the published state; a pending
change is a serialized revision; one action applies it with its permission check and log), a change
to a published record is captured as a ``Revision``: the record and its parts (``review_parts``:
citations, camera counts, vendor roles, parties, designations, with its many-to-many links) as
serialized rows, both as published (``base``) and as proposed. Whatever makes the change (the
admin form with its inlines, an import, the shell) runs for real inside a savepoint, so every
validator, constraint and trigger checks it; the proposed state is read back and the savepoint is
rolled back (``capture_proposal``). Approving applies the proposed rows in one transaction, with the
proposer, the approver and both reasons in the history; it is refused if the record changed since
the proposal (nothing is merged silently). One record has at most one pending proposal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core import serializers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from registry.choices import ReviewStatus
from registry.curation.models import Revision, RevisionStatus, is_curated
from registry.curation.roles import is_curator, may_review, review_permission
from registry.curation.workflow import WorkflowRefused, publication_blockers

# Columns that are the registry's bookkeeping or derived by the database, not a curator's facts:
# never part of a proposal, never compared.
BOOKKEEPING = frozenset(
    {
        "version",
        "review_status",
        "created_at",
        "updated_at",
        "retracted_at",
        "retraction_reason",
        "search_vector",
        "is_public",
    }
)


# --- Snapshots --------------------------------------------------------------------------------------


def serialize_row(obj) -> dict:
    """One row as ``{"model", "pk", "fields"}`` (Django's serializer: foreign keys and many-to-many
    links by primary key), without the bookkeeping columns."""
    (row,) = json.loads(serializers.serialize("json", [obj]))
    links = {f.name for f in obj._meta.many_to_many}
    # Lists of choices are sets: the form may save them in another order than an import did.
    choice_lists = {
        f.name for f in obj._meta.concrete_fields if isinstance(f, ArrayField) and f.base_field.choices
    }
    row["fields"] = {
        name: sorted(value) if name in links else _sorted_list(value) if name in choice_lists else value
        for name, value in row["fields"].items()
        if name not in BOOKKEEPING
    }
    return row


def _sorted_list(serialized: str) -> str:
    return json.dumps(sorted(json.loads(serialized)))


def snapshot(record) -> dict:
    """The record and its parts as stored now: ``{"record": row, "parts": {name: [rows]}}``."""
    return {
        "record": serialize_row(record),
        "parts": {
            name: [serialize_row(part) for part in getattr(record, name).order_by("pk")]
            for name in type(record).review_parts
        },
    }


def _locked(record):
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


# --- Proposing ----------------------------------------------------------------------------------------


class _Discard(Exception):
    """Rolls the savepoint of a captured change back."""


@dataclass
class ProposalCapture:
    revision: Revision | None = None
    unchanged: bool = False
    abandoned: bool = False

    def abandon(self) -> None:
        """The change was not made (an invalid form): propose nothing."""
        self.abandoned = True


def pending_revision(record) -> Revision | None:
    return (
        Revision.objects.filter(
            content_type=ContentType.objects.get_for_model(record, for_concrete_model=True),
            object_id=record.pk,
            status=RevisionStatus.PENDING,
        )
        .select_related("proposed_by")
        .first()
    )


def refuse_second_proposal(record) -> None:
    pending = pending_revision(record)
    if pending is not None:
        raise ValidationError(
            f"{record} already has a proposed change waiting for review (by {pending.proposed_by}, "
            f"{pending.proposed_at:%Y-%m-%d %H:%M} UTC). Nothing was saved: a reviewer must approve or "
            "send it back first, or its author can withdraw it.",
            code="pending_proposal",
        )


@contextmanager
def capture_proposal(record, *, user, reason: str = "") -> Iterator[ProposalCapture]:
    """Run the block's writes to the published ``record`` (and its parts) for real in a savepoint,
    then roll them back and keep what they would have stored as a pending ``Revision``
    (``capture.revision``; ``None`` when nothing changed or the block abandoned the change)."""
    if not is_curator(user):
        raise PermissionDenied("Only curators and reviewers may propose changes.")
    capture = ProposalCapture()
    with transaction.atomic():
        current = _locked(record)
        if current.review_status != ReviewStatus.PUBLISHED:
            raise ValidationError(f"{record} is not published: change it directly.", code="not_published")
        refuse_second_proposal(current)
        base, base_version = snapshot(current), current.version
        proposed = None
        try:
            with transaction.atomic():
                yield capture
                if not capture.abandoned:
                    proposed = snapshot(_locked(record))
                raise _Discard
        except _Discard:
            pass
        if proposed is None:
            return
        if proposed == base:
            capture.unchanged = True
            return
        capture.revision = Revision.objects.create(
            content_type=ContentType.objects.get_for_model(current, for_concrete_model=True),
            object_id=current.pk,
            record_name=str(current)[:300],
            base_version=base_version,
            base=base,
            proposed=proposed,
            proposed_by=user,
            reason=reason.strip(),
        )


def propose_change(
    record, *, user, reason: str = "", changes: dict, links: dict | None = None
) -> Revision | None:
    """The service for scripts and the shell: propose new values for fields (``changes``) and new
    many-to-many links (``links``: name -> records) of a published record. Validated as a save."""
    with capture_proposal(record, user=user, reason=reason) as capture:
        stored = _locked(record)
        for name, value in changes.items():
            setattr(stored, name, value)
        stored.full_clean()
        stored.save()
        for name, value in (links or {}).items():
            getattr(stored, name).set(value)
    return capture.revision


def propose_instance(record, *, links: dict, user, reason: str = "") -> Revision | None:
    """An import's row: ``record`` is the stored published record with the file's values set (not
    saved; validated by the import), ``links`` its many-to-many cells (name -> records). Its parts
    stay as published. Nothing is written to the record."""
    if user is None:
        raise ValidationError(
            "This row changes a published record, which becomes a proposal with its author: import "
            "it as a curator (manage.py import_records --user NAME).",
            code="proposal_needs_user",
        )
    if not is_curator(user):
        raise PermissionDenied("Only curators and reviewers may propose changes.")
    model = type(record)
    with transaction.atomic():
        stored = model._base_manager.select_for_update().get(pk=record.pk)
        refuse_second_proposal(stored)
        base = snapshot(stored)
        row = serialize_row(record)
        for name, related in links.items():
            row["fields"][name] = sorted(item.pk for item in related)
        proposed = {**base, "record": row}
        if proposed == base:
            return None
        return Revision.objects.create(
            content_type=ContentType.objects.get_for_model(stored, for_concrete_model=True),
            object_id=stored.pk,
            record_name=str(stored)[:300],
            base_version=stored.version,
            base=base,
            proposed=proposed,
            proposed_by=user,
            reason=reason.strip(),
        )


# --- Deciding -----------------------------------------------------------------------------------------


def may_decide(user, revision: Revision) -> bool:
    return may_review(user, revision.content_type.model_class(), "approve")


def _check_decider(user, revision: Revision, *, approving: bool) -> None:
    model = revision.content_type.model_class()
    if not may_decide(user, revision):
        raise PermissionDenied(
            f"You may not approve or send back changes to a {model._meta.verbose_name}: that needs the "
            f"“{review_permission(model, 'approve')}” permission, which the Reviewers group has."
        )
    if approving and revision.proposed_by_id == user.pk and not settings.REGISTRY_ALLOW_SELF_APPROVAL:
        raise PermissionDenied(
            "You proposed this change: another reviewer must approve it (four eyes). A team with a "
            "single reviewer can allow self-approval with REGISTRY_ALLOW_SELF_APPROVAL."
        )
    if not revision.is_pending:
        raise ValidationError(
            f"This proposal is already {revision.get_status_display().lower()}.", code="decided"
        )


def approve(revision: Revision, *, user, reason: str = "") -> None:
    """Apply the proposed change in one transaction, or raise and change nothing."""
    _check_decider(user, revision, approving=True)
    model = revision.content_type.model_class()
    with transaction.atomic():
        revision = Revision.objects.select_for_update().get(pk=revision.pk)
        _check_decider(user, revision, approving=True)
        record = model._base_manager.select_for_update().get(pk=revision.object_id)
        if record.version != revision.base_version or snapshot(record) != revision.base:
            raise ValidationError(
                f"{record} changed after this proposal was made (it was at revision "
                f"{revision.base_version}, it is now at {record.version}). Nothing was applied: send "
                "the proposal back and propose the change again from the current version.",
                code="stale_proposal",
            )
        context = {
            "reason": reason.strip() or revision.reason or "Approved proposed change",
            "transition": "approve",
            "proposal": revision.pk,
            "proposed_by": revision.proposed_by_id,
            "proposal_reason": revision.reason,
            "approved_by": user.pk,
        }
        with pghistory.context(**context):
            _apply(record, revision.proposed)
            record.refresh_from_db()
            blockers = publication_blockers(record)
            if blockers:
                raise WorkflowRefused(
                    f"Cannot approve: {record} would not stay publishable:", blockers, code="blocked"
                )
        revision.status = RevisionStatus.APPROVED
        revision.decided_by, revision.decided_at = user, timezone.now()
        revision.decision_reason = reason.strip()
        revision.save()


def reject(revision: Revision, *, user, reason: str) -> None:
    """Send the proposal back with a reason its author sees; nothing public changes."""
    _check_decider(user, revision, approving=False)
    if not reason.strip():
        raise ValidationError("Give the curator a reason to send the proposal back.", code="reason_required")
    _decide(revision, RevisionStatus.REJECTED, user=user, reason=reason)


def withdraw(revision: Revision, *, user) -> None:
    if revision.proposed_by_id != user.pk:
        raise PermissionDenied("Only the curator who proposed a change may withdraw it.")
    if not revision.is_pending:
        raise ValidationError(
            f"This proposal is already {revision.get_status_display().lower()}.", code="decided"
        )
    _decide(revision, RevisionStatus.WITHDRAWN, user=user, reason="")


def _decide(revision: Revision, status: str, *, user, reason: str) -> None:
    updated = Revision.objects.filter(pk=revision.pk, status=RevisionStatus.PENDING).update(
        status=status, decided_by=user, decided_at=timezone.now(), decision_reason=reason.strip()
    )
    if not updated:
        raise ValidationError("Someone decided this proposal meanwhile.", code="decided")
    revision.refresh_from_db()


# --- Applying -----------------------------------------------------------------------------------------


def _deserialize(row: dict):
    (item,) = serializers.deserialize("python", [row])
    return item


def _copy_fields(target, source) -> None:
    for model_field in target._meta.concrete_fields:
        if model_field.primary_key or model_field.name in BOOKKEEPING:
            continue
        setattr(target, model_field.attname, getattr(source, model_field.attname))


def _apply(record, proposed: dict) -> None:
    item = _deserialize(proposed["record"])
    _copy_fields(record, item.object)
    record.full_clean()
    record.save()
    for name, pks in item.m2m_data.items():
        getattr(record, name).set(pks)
    for name, rows in proposed["parts"].items():
        _apply_part(record, name, rows)


def _apply_part(record, name: str, rows: list[dict]) -> None:
    related = getattr(record, name)
    curated = is_curated(related.model)
    stored = {part.pk: part for part in related.select_for_update().order_by("pk")}
    proposed = {row["pk"]: row for row in rows}
    for pk in stored.keys() - proposed.keys():  # removed in the proposal (first: a row re-added
        part = stored.pop(pk)  # with the same unique key must find its place free)
        if curated:
            raise ValidationError(
                f"The proposal removes {part}, which is reviewed on its own: retract it instead.",
                code="part_removed",
            )
        part.delete()
    for row in rows:
        item = _deserialize(row)
        part = stored.get(item.object.pk)
        if part is not None:
            if serialize_row(part) == row:
                continue
            _copy_fields(part, item.object)
        else:  # new in the proposal: inserted with the key it was given then
            part = item.object
        if curated:
            part.review_status = ReviewStatus.PUBLISHED
        part.full_clean(validate_unique=False)
        part.save(force_insert=part.pk not in stored)
        for m2m_name, pks in item.m2m_data.items():
            getattr(part, m2m_name).set(pks)


# --- Showing a proposal ---------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    inline: str = ""  # for long texts: the words removed and added, marked in the text (safe HTML)


@dataclass
class PartChange:
    kind: str  # "added", "removed", "changed"
    description: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class RevisionDiff:
    fields: list[FieldChange]
    parts: list[tuple[str, list[PartChange]]]  # (label of the relation, its changed rows)

    @property
    def is_empty(self) -> bool:
        return not self.fields and not any(changes for _, changes in self.parts)


def revision_diff(revision: Revision) -> RevisionDiff:
    """Field by field, against the published state it was proposed on, inline rows included."""
    from registry.curation.admin import describe_values  # noqa: PLC0415 (the admin's display rules)

    model = revision.content_type.model_class()
    base, proposed = revision.base, revision.proposed
    fields = describe_values(model, base["record"]["fields"], proposed["record"]["fields"])
    parts = []
    for name, rows in proposed["parts"].items():
        relation = getattr(model, name).rel
        part_model = relation.related_model
        before = {row["pk"]: row for row in base["parts"].get(name, [])}
        changes = []
        for row in rows:
            old = before.pop(row["pk"], None)
            if old is None:
                changes.append(
                    PartChange("added", _describe(row), describe_values(part_model, {}, row["fields"]))
                )
            elif old != row:
                changes.append(
                    PartChange(
                        "changed", _describe(row), describe_values(part_model, old["fields"], row["fields"])
                    )
                )
        for old in before.values():
            changes.append(PartChange("removed", _describe(old)))
        parts.append((str(part_model._meta.verbose_name_plural).capitalize(), changes))
    return RevisionDiff(fields, parts)


def _describe(row: dict) -> str:
    try:
        return str(_deserialize(row).object)
    except Exception:  # noqa: BLE001 (a row naming a record deleted since: say what it was)
        return f"{row['model']} #{row['pk']}"
