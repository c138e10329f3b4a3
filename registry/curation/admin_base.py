"""What the curator admin of every app shares: one way to show dates, count citations, edit arrays.

``registry/admin.py``, ``vendors/admin.py`` and ``deployments/admin.py`` build their admins from
these classes and helpers, so a fuzzy date, a citation inline or a published slug behaves the same on
every page.
"""

import operator
from collections.abc import Callable
from functools import reduce

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.text import capfirst, smart_split, unescape_string_literal

from registry.curation.admin import WorkflowAdminMixin
from registry.curation.citations import citable_field_names, item_key
from registry.fuzzydates import format_fuzzy_date
from registry.imports.admin import ImportExportAdminMixin

SITE_TITLE = "Surveillance Deployment Registry"


# --- Columns ---------------------------------------------------------------------------------------


def fuzzy_date_column(field_name: str, description: str | None = None) -> Callable:
    """A list column that shows a fuzzy date as the source gave it ("2017", "Feb 2017")."""

    def column(model_admin, obj):
        return format_fuzzy_date(getattr(obj, field_name))

    column.__name__ = f"{field_name}_display"
    return admin.display(description=description or field_name.replace("_", " "), ordering=field_name)(column)


def joined_column(relation: str, description: str, attribute: str | None = None) -> Callable:
    """A list column listing a prefetched to-many relation (declare it in ``list_prefetch_related``).

    ``attribute`` (an attribute or method of each item) replaces ``str(item)``.
    """

    def label(item):
        if attribute is None:
            return str(item)
        value = getattr(item, attribute)
        return str(value() if callable(value) else value)

    def column(model_admin, obj):
        return ", ".join(dict.fromkeys(label(item) for item in getattr(obj, relation).all()))

    column.__name__ = f"{relation}_list"
    return admin.display(description=description)(column)


# --- Filters --------------------------------------------------------------------------------------


def array_choice_filter(field_name: str, title: str) -> type[admin.SimpleListFilter]:
    """A changelist filter for an ``ArrayField`` of choices: records whose array holds the value."""

    class ArrayChoiceFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            return model_admin.model._meta.get_field(field_name).base_field.choices

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{field_name}__contains": [self.value()]})
            return queryset

    ArrayChoiceFilter.title = title
    ArrayChoiceFilter.__name__ = f"{field_name.title().replace('_', '')}Filter"
    return ArrayChoiceFilter


# --- Form fields for PostgreSQL arrays -------------------------------------------------------------


class ChoiceArrayFormField(forms.TypedMultipleChoiceField):
    """An ``ArrayField`` whose items have choices, edited as one checkbox per choice."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, choices, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=choices, coerce=str, empty_value=[], **kwargs)


class LinesArrayFormField(forms.CharField):
    """An ``ArrayField`` of free text, edited in a textarea with one item per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(item) for item in value]
        text = super().to_python(value)
        lines = [line.strip() for line in text.splitlines()]
        return list(dict.fromkeys(line for line in lines if line))


def array_formfield(db_field: ArrayField) -> forms.Field:
    """Checkboxes for an array of choices, a one-per-line textarea for an array of text."""
    defaults = {
        "label": capfirst(db_field.verbose_name),
        "required": not db_field.blank,
        "help_text": db_field.help_text,
    }
    if db_field.base_field.choices:
        return ChoiceArrayFormField(choices=db_field.base_field.choices, **defaults)
    defaults["help_text"] = db_field.help_text or "One per line."
    return LinesArrayFormField(**defaults)


# --- Base admin classes ----------------------------------------------------------------------------


class RegistryAdminMixin:
    """Shared by every ModelAdmin and inline of the three apps.

    ``str_select_related`` names the relations the model's ``__str__`` reads (Place prints its
    country code): they are joined wherever rows of the model are listed, in the changelist, in
    autocomplete results and in the choices of fields that point at it.
    """

    str_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.str_select_related:
            queryset = queryset.select_related(*self.str_select_related)
        return queryset

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        try:
            related_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        except NotRegistered:
            return queryset
        related = getattr(related_admin, "str_select_related", ())
        if not related:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db).all()
        return queryset.select_related(*related)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, ArrayField):
            return array_formfield(db_field)
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RegistryModelAdmin(WorkflowAdminMixin, ImportExportAdminMixin, RegistryAdminMixin, admin.ModelAdmin):
    """A ModelAdmin of the registry.

    - ``list_prefetch_related``: to-many relations a list column shows, fetched once per page.
    - ``count_related``: ``{"citation_count": "citations"}`` annotates the changelist with counts
      (a subquery per row of the page, no N+1 queries); show them with ``count_column``.
    - The slug is prepopulated from the name when adding a record, and read-only once it is
      published (its public URL; the model and a database trigger refuse a change as well).
    """

    list_prefetch_related: tuple[str, ...] = ()
    count_related: dict[str, str] = {}
    list_per_page = 50
    show_full_result_count = False

    def save_form(self, request, form, change):
        # The record's inlines are validated before its many-to-many values are saved: a citation of
        # one item (a technology added in the same edit) checks the values as the form has them.
        record = super().save_form(request, form, change)
        record.pending_items = {
            field.name: [
                getattr(related, item_key(field.related_model)) for related in form.cleaned_data[field.name]
            ]
            for field in record._meta.many_to_many
            if field.name in form.cleaned_data
        }
        return record

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The changelist only applies list_select_related when nothing is joined yet: join it here.
        if isinstance(self.list_select_related, list | tuple) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        if self.count_related:
            queryset = queryset.annotate(
                **{name: self.related_count(relation) for name, relation in self.count_related.items()}
            )
        return queryset

    def related_count(self, relation: str) -> Subquery:
        """How many ``relation`` records a row has, as a subquery of that row alone. A Count() over
        the changelist's query grouped the whole table before its LIMIT (100,000 deployments: the
        page took 0.3 s, and every list filter's query carried the join); PostgreSQL evaluates this
        for the rows of the page only."""
        counted = (
            self.model._base_manager.filter(pk=OuterRef("pk"))
            .order_by()
            .annotate(count=Count(relation, distinct=True))
            .values("count")
        )
        return Subquery(counted, output_field=models.IntegerField())

    def get_search_results(self, request, queryset, search_term):
        """Django's search (every word must match one of ``search_fields``, ``icontains``), except
        that a field across foreign keys (``deployment__name``) is matched in its own table first:
        ``deployment IN (deployments whose name matches)``. Joining every row to the related
        tables before filtering took 3 s at a million camera counts (now ≈ 1 s). A field with a
        prefix or an explicit lookup, or one across a to-many relation, keeps Django's search."""
        if not search_term:
            return super().get_search_results(request, queryset, search_term)
        matchers = [self._search_matcher(name) for name in self.get_search_fields(request)]
        if not matchers or None in matchers:
            return super().get_search_results(request, queryset, search_term)
        for word in smart_split(search_term):
            if word[:1] in ("'", '"') and word[-1:] == word[:1]:
                word = unescape_string_literal(word)
            queryset = queryset.filter(reduce(operator.or_, (matcher(word) for matcher in matchers)))
        return queryset, False

    def _search_matcher(self, search_field: str):
        """word -> Q for a plain field path through foreign keys; None for anything else."""
        if search_field[:1] in ("^", "=", "@"):
            return None
        first, _, rest = search_field.partition("__")
        try:
            field = self.model._meta.get_field(first)
        except FieldDoesNotExist:
            return None
        if not rest:
            return None if field.is_relation else lambda word: Q(**{f"{first}__icontains": word})
        if not field.many_to_one:
            return None
        related = field.related_model._base_manager
        try:
            related.filter(**{f"{rest}__icontains": ""})  # raises unless a field path, not a lookup
        except FieldError:
            return None
        return lambda word: Q(**{f"{first}__in": related.filter(**{f"{rest}__icontains": word}).values("pk")})

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if self.list_prefetch_related:
            changelist.result_list = changelist.result_list.prefetch_related(*self.list_prefetch_related)
        return changelist

    def get_prepopulated_fields(self, request, obj=None):
        return super().get_prepopulated_fields(request, obj) if obj is None else {}

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and getattr(obj, "is_published", False) and hasattr(obj, "slug"):
            readonly += ("slug",)
        return readonly


def count_column(annotation: str, description: str) -> Callable:
    """A list column for a count annotated by ``RegistryModelAdmin.count_related``."""

    def column(model_admin, obj):
        return getattr(obj, annotation)

    column.__name__ = annotation
    return admin.display(description=description, ordering=annotation)(column)


class RegistryTabularInline(RegistryAdminMixin, admin.TabularInline):
    extra = 0


# --- Citations -------------------------------------------------------------------------------------


class CitationFormMixin:
    """The cited field is chosen from the record's fields; the source is searched by title."""

    autocomplete_fields = ("source",)
    str_select_related = ("record", "source")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "field":
            record_model = db_field.model._meta.get_field("record").related_model
            choices = [("", "(the whole record)")] + [
                (name, capfirst(getattr(record_model._meta.get_field(name), "verbose_name", name)))
                for name in sorted(citable_field_names(record_model))
            ]
            return forms.ChoiceField(
                choices=choices, required=False, label="Field", help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CitationInline(CitationFormMixin, RegistryTabularInline):
    """Sources cited for a record; declare ``model`` in a subclass."""

    fields = ("source", "field", "item", "locator", "quote", "confidence")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CitationAdmin(CitationFormMixin, RegistryModelAdmin):
    """Every citation of one kind of record, to browse by source or confidence."""

    list_display = ("record", "field", "item", "source", "confidence", "locator")
    list_filter = ("confidence", "source__kind")
    search_fields = ("record__name", "source__title", "field", "item", "locator", "quote")
    autocomplete_fields = ("record", "source")
    list_select_related = ("record", "source")
