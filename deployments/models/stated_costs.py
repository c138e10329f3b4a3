"""What a source says a deployment cost or what was spent on it: "over COP 136bn since 2015",
"COP 7,753m for 20 cameras". Part of its deployment (reviewed and published with it, like its vendor
roles); never merged: another source's figure is another row, with its own source. Listed on its own
by the API (``/api/v1/stated-costs/``), as camera counts and measurements are."""

import uuid

from django.db import models

from deployments.choices import Qualifier
from registry.choices import Confidence
from registry.constraints import FieldCheckConstraint
from registry.curation.history import track_history
from registry.fields import CurrencyField, FuzzyDateField
from registry.fuzzydates import fuzzy_dates_in_order
from registry.publication import track_publication


class StatedCostManager(models.Manager):
    def get_by_natural_key(self, deployment_slug, source_slug, description):
        return self.get(deployment__slug=deployment_slug, source__slug=source_slug, description=description)


@track_publication
@track_history
class StatedCost(models.Model):
    # Its stable public identifier (the API's /stated-costs/<public_id>/).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deployment = models.ForeignKey(
        "deployments.Deployment", on_delete=models.CASCADE, related_name="stated_costs"
    )
    description = models.CharField(
        max_length=300,
        help_text='What the amount is for, as the source puts it, e.g. "20 facial-recognition cameras".',
    )
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = CurrencyField(blank=False)
    period_start = FuzzyDateField(help_text='From when, e.g. "2015" for "since 2015".')
    period_end = FuzzyDateField(help_text="Until when, or the date of the figure; empty when open.")
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="stated_costs")
    locator = models.CharField(max_length=255, blank=True, help_text="Page, section or timestamp.")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)

    objects = StatedCostManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(amount__gte=0),
                field="amount",
                name="stated_cost_not_negative",
                violation_error_message="A cost cannot be negative.",
            ),
            FieldCheckConstraint(
                condition=~models.Q(currency=""),
                field="currency",
                name="stated_cost_has_currency",
                violation_error_message="Give the ISO 4217 currency of the amount, e.g. COP.",
            ),
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("period_start", "period_end"),
                field="period_end",
                name="stated_cost_period_in_order",
                violation_error_message="A period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["deployment", "source", "description"],
                name="stated_cost_once_per_source",
                violation_error_message="This source's figure for this is already recorded for this deployment.",
            ),
        ]

    def __str__(self):
        return f"{self.get_qualifier_display()} {self.amount:,.0f} {self.currency}: {self.description}"

    def natural_key(self):
        return (self.deployment.slug, self.source.slug, self.description)

    natural_key.dependencies = ["deployments.deployment", "registry.source"]
