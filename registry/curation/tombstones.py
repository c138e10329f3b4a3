"""What the public may still learn of a retracted record: that it existed, what it was called, when
and why it was retracted. Every public surface that would answer "not found" for a record asks
here first; a record that was never published stays unknown (a plain 404)."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError

from registry.choices import ReviewStatus


@dataclass(frozen=True)
class Tombstone:
    kind: str
    identifier: str
    name: str
    retracted_at: datetime | None
    reason: str

    def as_json(self) -> dict:
        return {
            "detail": f"This {self.kind.replace('-', ' ')} was retracted.",
            "kind": self.kind,
            "identifier": self.identifier,
            "name": self.name,
            "retracted_at": self.retracted_at.isoformat() if self.retracted_at else None,
            "reason": self.reason,
        }


def tombstone(model, *, kind: str, field: str, value) -> Tombstone | None:
    """The tombstone of the retracted ``model`` record whose ``field`` is ``value``, if any."""
    try:
        record = model._base_manager.filter(review_status=ReviewStatus.RETRACTED, **{field: value}).first()
    except (ValidationError, ValueError):  # a malformed identifier (not a UUID): nothing was retracted
        return None
    if record is None:
        return None
    return Tombstone(
        kind, str(getattr(record, field)), str(record), record.retracted_at, record.retraction_reason
    )
