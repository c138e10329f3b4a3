import pycountry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify

from registry.choices import CountryKind, Organisation, Region
from registry.constraints import FieldCheckConstraint
from registry.curation.citations import Citation
from registry.curation.history import track_history, track_links
from registry.curation.models import CuratedManager, CuratedModel, protect_published_slug
from registry.fields import FuzzyDateField
from registry.fuzzydates import format_fuzzy_date, fuzzy_dates_in_order

# ISO 3166-1 alpha-2, plus "EU", which ISO reserves for the European Union (a legal jurisdiction here).
ISO_COUNTRY_CODES = frozenset(country.alpha_2 for country in pycountry.countries) | {"EU"}


def validate_country_code(value: str) -> None:
    if value not in ISO_COUNTRY_CODES:
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-2 code (e.g. RS, IT, EC, CO).",
            code="unknown_country",
            params={"value": value},
        )


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


@track_history
class Country(models.Model):
    """A country, or a union of countries (the EU) whose law applies in its member states.

    Reference data: every ISO 3166-1 country is loaded by a migration, so no curator creates one.
    What a country joined or left (the Belt and Road Initiative...) is a cited, reviewed
    ``CountryMembership``, not a field of the country.
    """

    code = models.CharField(
        max_length=2,
        unique=True,
        validators=[validate_country_code],
        help_text="ISO 3166-1 alpha-2, e.g. RS.",
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=CountryKind.choices, default=CountryKind.COUNTRY)
    region = models.CharField(max_length=20, choices=Region.choices, blank=True)
    subregion = models.CharField(
        max_length=60, blank=True, help_text="UN M49 sub-region, e.g. Southern Europe."
    )
    unions = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="member_states",
        limit_choices_to={"kind": CountryKind.UNION},
        help_text="Unions this country belongs to (their law applies here).",
    )

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            FieldCheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                field="code",
                name="country_code_is_two_capitals",
                violation_error_message="A country code is two capital letters (ISO 3166-1 alpha-2).",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


@track_history
class CountryMembership(CuratedModel):
    """A country's membership of an organisation or initiative (joined, perhaps left), with its
    sources: public only once a reviewer publishes it, like every other curated record."""

    slug = models.SlugField(
        max_length=120,
        unique=True,
        blank=True,
        help_text="Left empty, it is made from the country, the organisation and the date joined.",
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="memberships",
        limit_choices_to={"kind": CountryKind.COUNTRY},
    )
    organisation = models.CharField(max_length=24, choices=Organisation.choices)
    joined_on = FuzzyDateField(
        blank=False, help_text="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."
    )
    left_on = FuzzyDateField(help_text="Empty while still a member.")
    notes = models.TextField(blank=True)

    objects = CuratedManager()
    review_parts = ("citations",)

    class Meta:
        ordering = ["country__name", "organisation", "joined_on"]
        indexes = [models.Index(fields=["updated_at"], name="countrymembership_updated_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "organisation", "joined_on"],
                name="countrymembership_once_per_date",
                violation_error_message="This membership is already recorded.",
            ),
            models.CheckConstraint(
                condition=~models.Q(joined_on=""),
                name="countrymembership_has_joined_on",
                violation_error_message="Give the date the country joined (YYYY, YYYY-MM or YYYY-MM-DD).",
            ),
            models.CheckConstraint(
                condition=fuzzy_dates_in_order("joined_on", "left_on"),
                name="countrymembership_left_after_joined",
                violation_error_message="A country cannot leave before it joins.",
            ),
        ]
        triggers = [protect_published_slug()]

    def __str__(self):
        period = format_fuzzy_date(self.joined_on) + "–" + format_fuzzy_date(self.left_on)
        return f"{self.country} – {self.get_organisation_display()} ({period})"

    def natural_key(self):
        return (self.slug,)

    @property
    def interval(self) -> str:
        """ "belt-and-road 2019-03-23/2023-12", "belt-and-road 2015/.." (an ISO 8601 interval; ".."
        while still a member): the membership in one CSV cell."""
        return f"{self.organisation} {self.joined_on}/{self.left_on or '..'}"

    def save(self, *args, **kwargs):
        if not self.slug and self.country_id:
            self.slug = membership_slug(self.country.code, self.organisation, self.joined_on)
        super().save(*args, **kwargs)


def membership_slug(country_code: str, organisation: str, joined_on: str) -> str:
    return slugify(f"{country_code}-{organisation}-{joined_on}")


@track_history
class CountryMembershipCitation(Citation):
    record = models.ForeignKey(CountryMembership, on_delete=models.CASCADE, related_name="citations")

    class Meta(Citation.Meta):
        pass


track_links(Country.unions)
