"""FilterSets of the registry's public records, and the filter building blocks every app shares.

Relations are filtered by their public identifier (ISO code, slug), never by database id, as
NetBox's ``circuits/filtersets.py`` does. A value that does not validate (an unknown code, an
unknown choice, a malformed date) makes the filterset invalid, and the API answers 400.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef, Q, QuerySet
from drf_spectacular.utils import extend_schema_field as _documented_as

from registry.choices import CountryKind, LegalFrameworkKind, LegalStatus, Organisation, Region, SourceKind
from registry.fuzzydates import FUZZY_DATE_PATTERN
from registry.models import Country, LegalFramework, Source
from registry.selectors import published_country_memberships

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
CODE_PATTERN = r"^[A-Za-z]{2}$"
SLUG_VALIDATOR = RegexValidator(SLUG_PATTERN, "A slug: letters, digits, - and _.")
MULTI_HELP = "Several values: repeat the parameter or separate them with commas (any of them matches)."


class MultiValueWidget(forms.SelectMultiple):
    """Reads ``?x=a&x=b`` and ``?x=a,b`` alike; ``transform`` normalises each value (e.g. str.upper)."""

    def __init__(self, *args, transform=None, **kwargs):
        self.transform = transform
        super().__init__(*args, **kwargs)

    def value_from_datadict(self, data, files, name):
        raw = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        values = []
        for item in raw:
            for value in (item or "").split(","):
                value = value.strip()
                if value:
                    value = self.transform(value) if self.transform else value
                    if value not in values:
                        values.append(value)
        return values


class FuzzyDateFormField(forms.CharField):
    """A bound of a date filter: YYYY, YYYY-MM or YYYY-MM-DD with a month 01-12 and a day 01-31 (the
    pattern the schema states). Dates compare as text, so a day past a month's end (2019-02-30)
    bounds like the next month's first."""

    default_validators = [
        RegexValidator(
            FUZZY_DATE_PATTERN,
            "Not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017, 2017-02, 2017-02-07).",
        )
    ]


@_documented_as({"type": "string", "pattern": FUZZY_DATE_PATTERN})
class FuzzyDateFilter(django_filters.CharFilter):
    """Compare a fuzzy date ("2017", "2017-02", "2017-02-07") with a bound of any precision.

    Stored dates are ISO strings of reduced precision, so they order correctly as text. Bounds are
    inclusive, and a date less precise than the bound counts when its period overlaps the bound
    ("2017" is both after "2017-06" and before "2017-02"). Unknown dates never match.
    """

    field_class = FuzzyDateFormField

    def __init__(self, *args, bound: str, **kwargs):
        if bound not in ("after", "before"):
            raise ValueError(f"bound is 'after' or 'before', not {bound!r}")
        self.bound = bound
        kwargs.setdefault("help_text", f"YYYY, YYYY-MM or YYYY-MM-DD; inclusive ({bound}).")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        name = self.field_name
        if self.bound == "after":
            condition = Q(**{f"{name}__gte": value}) | Q(**{f"{name}__in": [value[:4], value[:7]]})
        else:
            condition = Q(**{f"{name}__lte": value}) | Q(**{f"{name}__startswith": value})
        return qs.filter(condition & ~Q(**{name: ""}))


@_documented_as({"type": "string", "enum": ["true", "false"]})
class BooleanChoiceFilter(django_filters.ChoiceFilter):
    """``true`` or ``false``; anything else is a 400 (django-filter's BooleanFilter ignores it)."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = (("true", "true"), ("false", "false"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return qs.filter(**{self.field_name: value == "true"})


def crosses_many(model, path: str) -> bool:
    """Whether a lookup path goes through a to-many relation (so a join can repeat rows)."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


class RelatedChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """Records related to any of the given records (by slug or code), without ``DISTINCT``.

    django-filter joins and adds ``DISTINCT`` over every selected column, which makes PostgreSQL sort
    whole rows. Through a to-many relation this filter keeps the records whose id is among the
    matching ones (a semi-join); through foreign keys only, it filters in place. Same rows, same order.
    """

    def get_filter_predicate(self, v):
        # By the id of the record the form has looked up: no join to its table, and the planner
        # knows which record it is (a country's deployments in name order, from their index).
        suffix = f"__{self.extra.get('to_field_name')}"
        if v is not None and self.field_name.endswith(suffix):
            return {self.field_name.removesuffix(suffix): v.pk}
        return super().get_filter_predicate(v)

    @staticmethod
    def chosen(value) -> set:
        """The records the form looked up, fetched once; none when the parameter is absent."""
        # An absent parameter is the form's empty queryset: told apart without compiling it (``not
        # value`` ran it, ≈ 0.8 ms for each of a list's five relation filters).
        if value is None or (isinstance(value, QuerySet) and value.query.is_empty()):
            return set()
        return set(value)

    def filter(self, qs, value):
        items = self.chosen(value)
        if not items or self.is_noop(qs, items):
            return qs
        condition = Q()
        for item in items:
            condition |= Q(**self.get_filter_predicate(None if item == self.null_value else item))
        if crosses_many(qs.model, self.field_name):
            return qs.filter(pk__in=matching_ids(qs.model, self.field_name, condition))
        return qs.filter(condition)


def matching_ids(model, path: str, condition: Q):
    """The ids of ``model`` meeting ``condition`` (on ``path``, which crosses a to-many relation).

    Through a many-to-many field, read the link table alone (``deployment_id`` of the links to a
    technology) rather than join ``model`` to it again, which costs a scan of all of ``model``'s ids.
    """
    first, _, _ = path.partition("__")
    field = model._meta.get_field(first)
    if not (field.many_to_many and field.concrete):
        return model._base_manager.filter(condition).values("pk")
    target = field.m2m_reverse_field_name()
    links = field.remote_field.through._base_manager
    return links.filter(_rerooted(condition, first, target)).values(field.m2m_field_name())


def _rerooted(condition: Q, old: str, new: str) -> Q:
    """``condition`` with its lookups starting at ``new`` instead of ``old`` (``old__slug``,
    ``old``: ``new__slug``, ``new``)."""
    rerooted = Q()
    rerooted.connector, rerooted.negated = condition.connector, condition.negated
    rerooted.children = [
        _rerooted(child, old, new) if isinstance(child, Q) else (new + child[0].removeprefix(old), child[1])
        for child in condition.children
    ]
    return rerooted


def by_code(field_name: str, help_text: str = "ISO 3166-1 alpha-2 code, e.g. RS.") -> django_filters.Filter:
    return _identified_by(
        CODE_PATTERN,
        RelatedChoiceFilter(
            field_name=f"{field_name}__code",
            to_field_name="code",
            # Countries are reference data; the filter only needs their ids (countries() would also
            # fetch each one's unions: a second query per request).
            queryset=Country.objects.all(),
            widget=MultiValueWidget(transform=str.upper),
            help_text=f"{help_text} {MULTI_HELP}",
        ),
    )


def by_slug(
    field_name: str, queryset, help_text: str, filter_class=RelatedChoiceFilter, **options
) -> django_filters.Filter:
    """Records related to the records of these slugs; ``filter_class`` (a ``RelatedChoiceFilter``)
    and its ``options`` say how."""
    return _identified_by(
        SLUG_PATTERN,
        filter_class(
            field_name=f"{field_name}__slug",
            to_field_name="slug",
            queryset=queryset,
            widget=MultiValueWidget,
            help_text=f"{help_text} {MULTI_HELP}",
            **options,
        ),
    )


def _identified_by(pattern: str, related: "RelatedChoiceFilter") -> "RelatedChoiceFilter":
    """The filter's values are identifiers of this pattern (in the schema; a value that does not
    match is malformed, a 400, while one that matches but names no record is a 404)."""
    related.value_pattern = re.compile(pattern)
    return _documented_as({"type": "string", "pattern": pattern})(related)


def by_choice(field_name: str, choices, help_text: str = "", **kwargs) -> django_filters.Filter:
    # A choice of the record or of a record it points to: no join repeats rows, no DISTINCT needed.
    kwargs.setdefault("distinct", False)
    return django_filters.MultipleChoiceFilter(
        field_name=field_name,
        choices=choices,
        widget=MultiValueWidget,
        help_text=f"{help_text} {MULTI_HELP}".strip(),
        **kwargs,
    )


def containing_all(field_name: str, choices, help_text: str) -> django_filters.Filter:
    """An array field that contains every given value."""
    return django_filters.MultipleChoiceFilter(
        field_name=field_name,
        choices=choices,
        widget=MultiValueWidget,
        method="filter_array_contains",
        help_text=f"{help_text} Several values: every one must be present.",
    )


class PublicFilterSet(django_filters.FilterSet):
    def get_form_class(self):
        # django-filter builds a form class, and every filter's form field, for each request. These
        # fields depend on no request (their querysets are copied for each form), so the class is
        # built once per filterset class.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def filter_array_contains(self, queryset, name, value: list[str]):
        return queryset.filter(**{f"{name}__contains": list(value)}) if value else queryset


class CountryFilterSet(PublicFilterSet):
    region = by_choice("region", Region.choices)
    kind = by_choice("kind", CountryKind.choices)
    belt_and_road = BooleanChoiceFilter(
        method="filter_belt_and_road",
        help_text="true: joined the Belt and Road Initiative and did not leave (published memberships).",
    )

    class Meta:
        model = Country
        fields = ["region", "kind", "belt_and_road"]

    def filter_belt_and_road(self, queryset, name, value):
        current = published_country_memberships().filter(
            country=OuterRef("pk"), organisation=Organisation.BELT_AND_ROAD, left_on=""
        )
        member = Exists(current)
        return queryset.filter(member) if value == "true" else queryset.exclude(member)


class LegalFrameworkFilterSet(PublicFilterSet):
    jurisdiction = by_code("jurisdictions", "Jurisdiction: ISO 3166-1 alpha-2 code, or EU.")
    kind = by_choice("kind", LegalFrameworkKind.choices)
    status = by_choice("legal_status", LegalStatus.choices)
    covers_biometric_surveillance = BooleanChoiceFilter(field_name="covers_biometric_surveillance")
    adopted_after = FuzzyDateFilter(field_name="adopted_on", bound="after")
    adopted_before = FuzzyDateFilter(field_name="adopted_on", bound="before")

    class Meta:
        model = LegalFramework
        fields = ["jurisdiction", "kind", "status", "covers_biometric_surveillance"]


class SourceFilterSet(PublicFilterSet):
    kind = by_choice("kind", SourceKind.choices)
    language = _documented_as({"type": "string", "pattern": "^[a-z]{2,3}$"})(
        django_filters.CharFilter(
            field_name="language",
            validators=[RegexValidator(r"^[a-z]{2,3}$", "An ISO 639 code in lower case, e.g. en, sr, es.")],
            help_text="ISO 639-1 code, e.g. en, sr, it, es.",
        )
    )
    published_after = FuzzyDateFilter(field_name="published_on", bound="after")
    published_before = FuzzyDateFilter(field_name="published_on", bound="before")

    class Meta:
        model = Source
        fields = ["kind", "language"]
