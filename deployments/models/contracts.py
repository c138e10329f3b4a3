from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from deployments import derived
from deployments.choices import ContractKind, Disclosure, ProcurementMethod, VendorRole
from registry.fields import CurrencyField, FuzzyDateField
from registry.history import track_history, track_links
from registry.models import Citation, CuratedManager, CuratedModel, protect_published_slug


@track_history
class Contract(CuratedModel):
    """An agreement behind a deployment: MoU, framework agreement, procurement contract or loan."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    kind = models.CharField(max_length=30, choices=ContractKind.choices)
    buyer = models.ForeignKey("deployments.PublicBody", on_delete=models.PROTECT, related_name="contracts")
    signed_on = FuzzyDateField()
    value_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    value_currency = CurrencyField()
    value_note = models.CharField(max_length=300, blank=True, help_text='E.g. "over", "initial price".')
    financing = models.CharField(max_length=500, blank=True)
    disclosure = models.CharField(max_length=16, choices=Disclosure.choices, default=Disclosure.UNKNOWN)
    procurement_method = models.CharField(
        max_length=30, choices=ProcurementMethod.choices, default=ProcurementMethod.UNKNOWN
    )
    deployments = models.ManyToManyField("deployments.Deployment", blank=True, related_name="contracts")
    vendors = models.ManyToManyField(
        "vendors.Vendor", through="deployments.ContractParty", related_name="contracts"
    )
    # What ?search= matches, buyer name included; computed by the database (deployments/derived.py).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = CuratedManager()

    class Meta:
        ordering = ["signed_on", "name"]
        indexes = [
            models.Index(fields=["signed_on", "name", "id"], name="contract_list_order"),
            models.Index(fields=["kind"], name="contract_kind"),
            models.Index(fields=["value_amount"], name="contract_value_amount"),
            GinIndex(fields=["search_vector"], name="contract_search"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="contract_updated_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_amount__isnull=True) | models.Q(value_amount__gte=0),
                name="contract_value_not_negative",
                violation_error_message="A contract value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(value_amount__isnull=True, value_currency="")
                | (models.Q(value_amount__isnull=False) & ~models.Q(value_currency="")),
                name="contract_value_has_currency",
                violation_error_message="A value needs its ISO 4217 currency, and a currency needs a value.",
            ),
        ]
        triggers = [protect_published_slug(), derived.CONTRACT_SEARCH]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class ContractPartyManager(models.Manager):
    def get_by_natural_key(self, contract_slug, vendor_slug, role):
        return self.get(contract__slug=contract_slug, vendor__slug=vendor_slug, role=role)


@track_history
class ContractParty(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="contract_parties")
    role = models.CharField(max_length=20, choices=VendorRole.choices)

    objects = ContractPartyManager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "contract parties"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "vendor", "role"],
                name="contract_party_role_unique",
                violation_error_message="This vendor is already a party to this contract in this role.",
            )
        ]

    def __str__(self):
        return f"{self.vendor} ({self.get_role_display()})"

    def natural_key(self):
        return (self.contract.slug, self.vendor.slug, self.role)


@track_history
class ContractCitation(Citation):
    record = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(Contract.deployments)
