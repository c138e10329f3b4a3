"""A figure dated by its observation, or else by its source: sources often give a number without
saying when it held ("the system has about 3,000 cameras"), and the date they published it is then
the figure's date ("reported on"). A figure with neither date cannot be placed on a timeline, so it
is refused: by ``clean()`` (forms, imports) and by the database (deployments/derived.py
``timeline_date``), which also stores the date the timeline uses in ``timeline_date``.
"""

from django.core.exceptions import ValidationError
from django.db import models

from deployments.derived import UNDATED_MESSAGE
from registry.fields import FuzzyDateField
from registry.fuzzydates import format_fuzzy_date

AS_OF = "as_of"
REPORTED_ON = "reported_on"


class ReportedDate(models.Model):
    """``as_of`` (blank: not given by the source) and ``source`` with its ``published_on``."""

    AS_OF_HELP = (
        "The date the figure is as of, as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD. Leave "
        "it blank when the source gives none: the source's published date is then its date."
    )

    class Meta:
        abstract = True

    @staticmethod
    def timeline_date_field() -> FuzzyDateField:
        return FuzzyDateField(
            editable=False,
            help_text="The date on the timeline: as_of, else the source's published date (database-kept).",
        )

    @property
    def reported_on(self) -> str:
        """The date the source reported the figure: its published date."""
        return self.source.published_on

    @property
    def timeline_date_basis(self) -> str:
        """Which date the timeline uses: "as_of" (observed) or "reported_on" (the source's)."""
        return AS_OF if self.as_of else REPORTED_ON

    def dated(self) -> str:
        """The timeline's date, computed here (``timeline_date`` is the database's, once saved)."""
        return self.as_of or self.reported_on

    def dated_display(self) -> str:
        if self.as_of:
            return format_fuzzy_date(self.as_of)
        return f"reported {format_fuzzy_date(self.reported_on)}"

    def clean(self):
        super().clean()
        if not self.as_of and self.source_id is not None and not self.source.published_on:
            raise ValidationError({"as_of": UNDATED_MESSAGE}, code="undated")
