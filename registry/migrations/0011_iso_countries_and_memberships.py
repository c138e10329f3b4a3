"""Reference data every registry has, and the Belt and Road dates moved into cited memberships.

- Every ISO 3166-1 country (pycountry), and the European Union (ISO reserves "EU" for it) with its
  member states linked to it (EU law applies there). A country already in the registry is left as
  it is; the seed's countries get the seed's names, regions and sub-regions.
- ``Country.belt_and_road_joined/left`` (removed by the next migration) become a
  ``CountryMembership`` each. The seed's two (Serbia 2015, Italy 2019-2023) keep the sources the
  seed gives for them (fixtures/06_country_memberships.yaml) and stay published when that source
  is; any other is a draft without a citation, not public until a curator cites it and a reviewer
  publishes it.
"""

import pycountry
from django.db import migrations
from django.utils import timezone
from django.utils.text import slugify

# The seed's countries (fixtures/01_countries.yaml): name, kind, region, UN M49 sub-region.
SEED_COUNTRIES = {
    "EU": ("European Union", "union", "europe", ""),
    "RS": ("Serbia", "country", "europe", "Southern Europe"),
    "IT": ("Italy", "country", "europe", "Southern Europe"),
    "SE": ("Sweden", "country", "europe", "Northern Europe"),
    "EC": ("Ecuador", "country", "latin-america", "South America"),
    "CO": ("Colombia", "country", "latin-america", "South America"),
    "CN": ("China", "country", "asia", "Eastern Asia"),
}
EU_MEMBER_STATES = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
# The seed's Belt and Road dates and the sources the seed gives for each (a published one keeps the
# membership published).
SEED_BELT_AND_ROAD = {
    ("RS", "2015", ""): [
        (
            "stg-policy-brief-2024-17",
            "§2.1.1",
            "in 2015, memorandums were signed for Serbia's entry into the Belt and Road Initiative (BRI)",
            "claimed",
        ),
    ],
    ("IT", "2019-03-23", "2023-12"): [
        (
            "reuters-2023-12-italy-exits-belt-and-road",
            "MoU 23 Mar 2019; exit notified early Dec 2023",
            "",
            "confirmed",
        ),
        (
            "stg-policy-brief-2024-17",
            "§2.1.2",
            "In 2019, the Italian government joined China's BRI",
            "reported",
        ),
    ],
}
BELT_AND_ROAD = "belt-and-road"


def iso_countries():
    """(code, name) of every ISO 3166-1 country, by its common name where it has one."""
    for country in pycountry.countries:
        yield country.alpha_2, getattr(country, "common_name", country.name)


def load_countries(apps, schema_editor):
    Country = apps.get_model("registry", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    rows = {code: (name, "country", "", "") for code, name in iso_countries()}
    rows.update(SEED_COUNTRIES)
    Country.objects.bulk_create(
        Country(code=code, name=name, kind=kind, region=region, subregion=subregion)
        for code, (name, kind, region, subregion) in sorted(rows.items())
        if code not in existing
    )
    eu = Country.objects.get(code="EU")
    for member in Country.objects.filter(code__in=EU_MEMBER_STATES):
        member.unions.add(eu)


def move_belt_and_road(apps, schema_editor):
    Country = apps.get_model("registry", "Country")
    Source = apps.get_model("registry", "Source")
    Membership = apps.get_model("registry", "CountryMembership")
    Citation = apps.get_model("registry", "CountryMembershipCitation")
    now = timezone.now()
    for country in Country.objects.exclude(belt_and_road_joined="").order_by("code"):
        joined, left = country.belt_and_road_joined, country.belt_and_road_left
        cited = [
            (source, locator, quote, confidence)
            for slug, locator, quote, confidence in SEED_BELT_AND_ROAD.get((country.code, joined, left), [])
            if (source := Source.objects.filter(slug=slug).first()) is not None
        ]
        membership = Membership.objects.create(
            slug=slugify(f"{country.code}-{BELT_AND_ROAD}-{joined}"),
            country=country,
            organisation=BELT_AND_ROAD,
            joined_on=joined,
            left_on=left,
            review_status="published" if any(c[0].review_status == "published" for c in cited) else "draft",
            created_at=now,
            updated_at=now,
        )
        for source, locator, quote, confidence in cited:
            Citation.objects.create(
                record=membership, source=source, locator=locator, quote=quote, confidence=confidence
            )


def move_belt_and_road_back(apps, schema_editor):
    Membership = apps.get_model("registry", "CountryMembership")
    for membership in Membership.objects.filter(organisation=BELT_AND_ROAD).select_related("country"):
        country = membership.country
        country.belt_and_road_joined, country.belt_and_road_left = membership.joined_on, membership.left_on
        country.save(update_fields=["belt_and_road_joined", "belt_and_road_left"])
        membership.citations.all().delete()
        membership.delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_country_memberships")]

    operations = [
        migrations.RunPython(load_countries, migrations.RunPython.noop),
        migrations.RunPython(move_belt_and_road, move_belt_and_road_back),
    ]
