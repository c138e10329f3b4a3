import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from deployments import derived
from deployments.choices import ContractKind, Disclosure, PartyRole, ProcurementMethod, VendorRole
from registry.choices import Confidence
from registry.constraints import FieldCheckConstraint
from registry.curation.citations import Citation
from registry.curation.history import track_history, track_links
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import CurrencyField, FuzzyDateField
from registry.publication import track_publication


@track_publication
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
    # What ?search= matches, related records' names included, and those names for the trigram
    # fallback; computed by the database (deployments/derived.py).
    search_vector = SearchVectorField(null=True, editable=False)
    search_names = models.TextField(default="", editable=False)

    objects = CuratedManager()
    review_parts = ("citations", "parties")

    class Meta:
        ordering = ["signed_on", "name"]
        indexes = [
            models.Index(fields=["signed_on", "name", "id"], name="contract_list_order"),
            models.Index(fields=["kind"], name="contract_kind"),
            models.Index(fields=["value_amount"], name="contract_value_amount"),
            GinIndex(fields=["search_vector"], name="contract_search"),
            GinIndex(OpClass("search_names", name="gin_trgm_ops"), name="contract_search_names"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="contract_updated_at"),
        ]
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(value_amount__isnull=True) | models.Q(value_amount__gte=0),
                field="value_amount",
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
    def get_by_natural_key(
        self, contract_slug, vendor_slug, public_body_slug, organisation_slug, source_slug
    ):
        return self.get(
            contract__slug=contract_slug,
            **{
                f"{relation}__slug" if slug is not None else f"{relation}__isnull": slug
                if slug is not None
                else True
                for relation, slug in (
                    ("vendor", vendor_slug),
                    ("public_body", public_body_slug),
                    ("organisation", organisation_slug),
                    ("source", source_slug),
                )
            },
        )


# Which of a party's three relations is set, and what the API and the CSV call that kind of party.
PARTY_KINDS = {"vendor": "vendor", "public_body": "public-body", "organisation": "organisation"}


def _exactly_one_party() -> models.Q:
    condition = models.Q()
    for chosen in PARTY_KINDS:
        condition |= models.Q(**{f"{name}__isnull": name != chosen for name in PARTY_KINDS})
    return condition


@track_publication
@track_history
class ContractParty(models.Model):
    """A party to a contract (a vendor, a public body or another organisation) in one or more OCDS
    roles, with what it contributes where a source says so, and that source.

    Never merged: two sources giving the party different contributions are two rows, each cited.
    """

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, null=True, blank=True, related_name="contract_parties"
    )
    public_body = models.ForeignKey(
        "deployments.PublicBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_parties",
    )
    organisation = models.ForeignKey(
        "deployments.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_parties",
        help_text="A state, lender or research centre that is neither a vendor nor a public body.",
    )
    roles = ArrayField(
        models.CharField(max_length=20, choices=PartyRole.choices),
        default=list,
        help_text="OCDS party roles: supplier, funder, payer, interestedParty...",
    )
    role = models.CharField(
        max_length=20,
        choices=VendorRole.choices,
        blank=True,
        verbose_name="vendor role",
        help_text="A vendor's finer role (integrator, subcontractor...); only for a vendor.",
    )
    contribution_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    contribution_currency = CurrencyField()
    source = models.ForeignKey(
        "registry.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract_parties",
        help_text="Who says so; empty when the contract's own citations do.",
    )
    locator = models.CharField(max_length=255, blank=True, help_text="Page, section or timestamp.")
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default=Confidence.REPORTED)

    objects = ContractPartyManager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "contract parties"
        triggers = derived.CONTRACT_PARTY_LINKED
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_party(),
                name="contract_party_is_one_organisation",
                violation_error_message=(
                    "A party is exactly one of: a vendor, a public body or an organisation. "
                    "Choose one and leave the other two empty."
                ),
            ),
            FieldCheckConstraint(
                condition=~models.Q(roles=[]),
                field="roles",
                name="contract_party_has_a_role",
                violation_error_message="Give the party at least one role.",
            ),
            FieldCheckConstraint(
                condition=models.Q(role="") | models.Q(vendor__isnull=False),
                field="role",
                name="contract_party_vendor_role_of_vendor",
                violation_error_message="Only a vendor has a vendor role: leave it empty for this party.",
            ),
            FieldCheckConstraint(
                condition=models.Q(contribution_amount__isnull=True) | models.Q(contribution_amount__gte=0),
                field="contribution_amount",
                name="contract_party_contribution_not_negative",
                violation_error_message="A contribution cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(contribution_amount__isnull=True, contribution_currency="")
                | (models.Q(contribution_amount__isnull=False) & ~models.Q(contribution_currency="")),
                name="contract_party_contribution_has_currency",
                violation_error_message="A contribution needs its ISO 4217 currency, and a currency needs an amount.",
            ),
            # One row per party and source: another source's figure is another row.
            models.UniqueConstraint(
                fields=["contract", "vendor", "public_body", "organisation", "source"],
                nulls_distinct=False,
                name="contract_party_once_per_source",
                violation_error_message="This party is already recorded for this contract from this source.",
            ),
        ]

    def __str__(self):
        return f"{self.party} ({', '.join(self.roles or ())})"

    def validate_constraints(self, exclude=None):
        # An inline form leaves its contract out of validation, and Django's own formset check skips
        # rows with an empty relation (two of the three always are): checked with it, a second row
        # for the same party and source is a form error, not a failed insert.
        if exclude and self.contract_id is not None:
            exclude = set(exclude) - {"contract"}
        super().validate_constraints(exclude=exclude)

    @property
    def party(self):
        """The vendor, public body or organisation."""
        return self.vendor or self.public_body or self.organisation

    @property
    def kind(self) -> str:
        """ "vendor", "public-body" or "organisation"."""
        return next((kind for name, kind in PARTY_KINDS.items() if getattr(self, f"{name}_id")), "")

    @property
    def role_codes(self) -> str:
        """The OCDS roles joined by commas, as the CSV writes them."""
        return ",".join(self.roles or ())

    def natural_key(self):
        return (
            self.contract.slug,
            *(
                related.slug if related else None
                for related in (self.vendor, self.public_body, self.organisation)
            ),
            self.source.slug if self.source else None,
        )

    natural_key.dependencies = [
        "vendors.vendor",
        "deployments.publicbody",
        "deployments.organisation",
        "registry.source",
    ]


@track_publication
@track_history
class ContractCitation(Citation):
    record = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(Contract.deployments)
track_publication(Contract.deployments.through)
# The auto-created link table has no migrations: pgtrigger installs these after every migrate.
pgtrigger.register(*derived.CONTRACT_DEPLOYMENT_LINKED)(Contract.deployments.through)
