import pycountry
from django.core.exceptions import ValidationError
from django.db import models

from registry.choices import CountryKind, Region
from registry.fields import FuzzyDateField
from registry.fuzzydates import fuzzy_dates_in_order
from registry.history import track_history, track_links

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
    """A country, or a union of countries (the EU) whose law applies in its member states."""

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
    belt_and_road_joined = FuzzyDateField("joined the Belt and Road Initiative")
    belt_and_road_left = FuzzyDateField("left the Belt and Road Initiative")

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_is_two_capitals",
                violation_error_message="A country code is two capital letters (ISO 3166-1 alpha-2).",
            ),
            models.CheckConstraint(
                condition=fuzzy_dates_in_order("belt_and_road_joined", "belt_and_road_left"),
                name="country_bri_left_after_joined",
                violation_error_message="A country cannot leave the Belt and Road Initiative before joining it.",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


track_links(Country.unions)
