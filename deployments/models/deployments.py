import pgtrigger
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from deployments import derived
from deployments.choices import DataLocation, DeploymentStatus, GovernanceConcern, Purpose, VendorRole
from registry.choices import ReviewStatus
from registry.constraints import FieldCheckConstraint
from registry.curation.citations import Citation
from registry.curation.history import track_history, track_links
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import FuzzyDateField
from registry.fuzzydates import fuzzy_dates_in_order
from registry.publication import track_publication

PUBLISHED = models.Q(review_status=ReviewStatus.PUBLISHED)


@track_publication
@track_history
class Deployment(CuratedModel):
    """A surveillance system in operation or planned somewhere, e.g. Belgrade's "Safe Society"."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="deployments")
    places = models.ManyToManyField("deployments.Place", blank=True, related_name="deployments")
    operator = models.ForeignKey(
        "deployments.PublicBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_deployments",
    )
    status = models.CharField(max_length=16, choices=DeploymentStatus.choices)
    started_on = FuzzyDateField()
    ended_on = FuzzyDateField()
    technologies = models.ManyToManyField("deployments.Technology", blank=True, related_name="deployments")
    purposes = ArrayField(models.CharField(max_length=24, choices=Purpose.choices), default=list, blank=True)
    data_location = models.CharField(
        max_length=12, choices=DataLocation.choices, default=DataLocation.UNKNOWN
    )
    data_managed_by = models.CharField(
        max_length=300, blank=True, help_text="Who runs the data centre or holds the data."
    )
    governance_concerns = ArrayField(
        models.CharField(max_length=40, choices=GovernanceConcern.choices), default=list, blank=True
    )
    legal_frameworks = models.ManyToManyField(
        "registry.LegalFramework", blank=True, related_name="deployments"
    )
    vendors = models.ManyToManyField(
        "vendors.Vendor", through="deployments.DeploymentVendor", related_name="deployments"
    )
    # What ?search= matches, related records' names included, and those names for the trigram
    # fallback; computed by the database (deployments/derived.py).
    search_vector = SearchVectorField(null=True, editable=False)
    search_names = models.TextField(default="", editable=False)

    objects = CuratedManager()
    review_parts = (
        "citations",
        "vendor_roles",
        "camera_counts",
        "measurements",
        "stated_costs",
        "timeline_events",
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["governance_concerns"], name="deployment_concerns_gin"),
            GinIndex(fields=["purposes"], name="deployment_purposes_gin"),
            # The public list (published): search, default order, and filters with their COUNTs.
            GinIndex(fields=["search_vector"], name="deployment_search"),
            GinIndex(OpClass("search_names", name="gin_trgm_ops"), name="deployment_search_names"),
            models.Index(fields=["review_status", "name", "id"], name="deployment_published_name"),
            # Whatever the status: camera counts of a country are listed by deployment name too.
            models.Index(fields=["country", "name", "id"], name="deployment_country_name"),
            models.Index(
                fields=["started_on", "id"], condition=PUBLISHED, name="deployment_public_started_on"
            ),
            models.Index(fields=["status", "id"], condition=PUBLISHED, name="deployment_public_status"),
            # Camera counts are listed by deployment name, whatever its status.
            models.Index(fields=["name", "id"], name="deployment_name"),
            models.Index(fields=["data_location"], name="deployment_data_location"),
            # Last-Modified of the API is MAX(updated_at) of every curated table (api/conditional.py).
            models.Index(fields=["updated_at"], name="deployment_updated_at"),
        ]
        constraints = [
            FieldCheckConstraint(
                condition=fuzzy_dates_in_order("started_on", "ended_on"),
                field="ended_on",
                name="deployment_ended_after_started",
                violation_error_message="A deployment cannot end before it starts.",
            ),
        ]
        triggers = [
            protect_published_slug(),
            derived.DEPLOYMENT_SEARCH,
            derived.DEPLOYMENT_RENAMED,
            derived.DEPLOYMENT_REVIEWED,
            derived.DEPLOYMENT_REVIEWED_MEASUREMENTS,
            derived.DEPLOYMENT_PUBLICATION,
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class DeploymentVendorManager(models.Manager):
    def get_by_natural_key(self, deployment_slug, vendor_slug, role):
        return self.get(deployment__slug=deployment_slug, vendor__slug=vendor_slug, role=role)


@track_publication
@track_history
class DeploymentVendor(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="vendor_roles")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="deployment_roles")
    role = models.CharField(max_length=20, choices=VendorRole.choices)
    notes = models.CharField(max_length=300, blank=True)

    objects = DeploymentVendorManager()

    class Meta:
        ordering = ["id"]
        verbose_name = "vendor role"
        triggers = derived.DEPLOYMENT_VENDOR_LINKED
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "vendor", "role"],
                name="deployment_vendor_role_unique",
                violation_error_message="This vendor already has this role in this deployment.",
            )
        ]

    def __str__(self):
        return f"{self.vendor} as {self.get_role_display()} of {self.deployment}"

    def natural_key(self):
        return (self.deployment.slug, self.vendor.slug, self.role)


@track_publication
@track_history
class DeploymentCitation(Citation):
    record = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(Deployment.places, Deployment.technologies, Deployment.legal_frameworks)
for _link in (Deployment.places, Deployment.technologies, Deployment.legal_frameworks):
    track_publication(_link.through)
# The auto-created link table has no migrations: pgtrigger installs these after every migrate.
pgtrigger.register(*derived.DEPLOYMENT_PLACE_LINKED)(Deployment.places.through)
