"""Import and export of curated records (django-import-export): the base resource every app builds on.

Files carry NATURAL KEYS, never database ids, so a file exported from one registry imports into
another: a country is its ISO code, a vendor, deployment, contract, source or law its slug, a camera
count its ``public_id``; a many-to-many relation is a comma-separated list of codes or slugs, an
array of choices a comma-separated list, an array of free text (vendor aliases) one item per line
of the cell, as the admin edits it. The resources of the three apps only declare ``model``, ``fields`` and ``import_id_fields``;
everything else is here:

- widgets are chosen from the model fields (natural keys for relations, fuzzy dates, strict numbers
  and booleans), and an unknown key or a bad value is a row error naming the column;
- every row is validated with ``full_clean()`` (field validators and CheckConstraints);
- an import is ALL OR NOTHING: it runs in a transaction that is rolled back when any row is refused;
- new and changed curated records are saved as DRAFTS whatever the file says (only reviewers publish,
  through registry/curation/workflow.py); unchanged rows are skipped and keep their status;
- an import never unpublishes anything: a row that changes a PUBLISHED record is never written by it
  but handed to ``changes_to_published()``, which makes it a proposed change for a reviewer
  (registry/curation/revisions.py), and the result counts such rows;
- a ``version`` cell that differs from the stored version refuses the row (someone saved in between);
- the history events of an import carry the importing user and the reason (``pghistory.context``);
- exports are in a stable order (parents before children) and every text cell goes through
  ``registry.imports.csv_safety.escape_formula``, the function the API's CSV uses; numbers stay numbers. On
  import a cell escaped that way (``'=...``) is read back without its quote.

The admin (registry/imports/admin.py) and the ``import_records`` / ``export_records`` commands
use these resources; ``all_resources()`` lists them in dependency order. Each app's ``resources.py``
holds a ``RESOURCES`` list; they are found by app label, as the admin finds ``admin.py``, so imports
still point one way (registry <- vendors <- deployments).
"""

import contextlib
import copy
import datetime
import functools
import gc
import importlib
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import NOT_PROVIDED, Q, QuerySet
from django.utils.encoding import force_str
from import_export import fields as resource_fields
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import Diff
from import_export.results import Result, RowResult

from registry.choices import ReviewStatus
from registry.curation import revisions
from registry.curation.roles import CURATED_APPS
from registry.fields import ISO_DATE_FORMAT, FuzzyDateField, parse_iso_date
from registry.imports.checks import (
    FieldCleaner,
    PendingRow,
    UniqueCheck,
    UniqueLedger,
    check_rows,
    constraint_checks,
    separate_connection,
    unique_checks,
)
from registry.imports.copy_insert import DrawnKeys, copy_insert, prepare_copy
from registry.imports.csv_safety import escape_formula, is_formula
from registry.imports.files import IMPORT_FORMATS, ImportLimits
from registry.imports.write_behind import WriteBehind

# The columns an import never takes from the file: the status is forced to draft, the version is
# checked against the stored one (and then incremented by the save).
IMPORT_READONLY = ("review_status", "version")
NATURAL_KEY_FIELDS = ("slug", "code", "public_id")
INTEGER_TYPES = (
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
)
FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}


def natural_key_field(model) -> str:
    """The field that names a record of ``model`` in files: slug, ISO code or public_id."""
    names = {field.name for field in model._meta.get_fields()}
    for name in NATURAL_KEY_FIELDS:
        if name in names:
            return name
    raise LookupError(f"{model._meta.label} has no natural key field ({', '.join(NATURAL_KEY_FIELDS)}).")


def unescape_formula(value):
    """The inverse of ``escape_formula`` for cells read back: "'=SUM(A1)" -> "=SUM(A1)"."""
    if isinstance(value, str) and value.startswith("'") and is_formula(value[1:]):
        return value[1:]
    return value


def _cell_text(value) -> str:
    """A cell as text. XLSX gives numbers and dates for cells that look like them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- Widgets ---------------------------------------------------------------------------------------


class NaturalKeyLookup:
    """Natural key -> record, looked up in one query per column of a file (``prefetch``) rather than
    once per row. A key the prefetch did not find is unknown without asking again, unless the
    relation points at the model being imported (an earlier row of the file may add the record)."""

    def _lookup_init(self):
        self._found, self._missing, self._complete = {}, set(), False

    def prefetch(self, keys, complete: bool = True) -> None:
        keys = sorted({key for key in keys if key} - self._found.keys())
        for start in range(0, len(keys), 5000):
            chunk = keys[start : start + 5000]
            try:
                self._found.update(
                    (str(getattr(record, self.field)), record) for record in self._records(chunk)
                )
            except ValidationError:  # a key the field cannot hold (a bad UUID): looked up alone
                continue
            if complete:
                self._missing.update(key for key in chunk if key not in self._found)
        self._complete = complete

    def lookup(self, keys: list[str]) -> dict:
        """{key: record} of ``keys`` that exist."""
        unknown = [key for key in keys if key not in self._found and key not in self._missing]
        if unknown:
            with contextlib.suppress(ValidationError):  # a key the field cannot hold: not found
                self._found.update(
                    (str(getattr(record, self.field)), record) for record in self._records(unknown)
                )
        return {key: self._found[key] for key in keys if key in self._found}

    def _records(self, keys: list[str]) -> QuerySet:
        """The records of ``keys``, in no order, without the columns nobody edits (created_at,
        updated_at, search_vector), which an import never reads from a related record: loading them
        was a third of looking up 63,000 deployments."""
        unread = [f.name for f in self.model._meta.concrete_fields if not f.editable and not f.primary_key]
        return self.model._default_manager.order_by().defer(*unread).filter(**{f"{self.field}__any": keys})


class NaturalKeyWidget(NaturalKeyLookup, widgets.ForeignKeyWidget):
    """A foreign key written as the related record's natural key (ISO code or slug)."""

    def __init__(self, model, field: str, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self._lookup_init()

    def keys_of(self, value) -> list[str]:
        key = _cell_text(value).strip()
        return [key] if key else []

    def clean(self, value, row=None, **kwargs):
        key = _cell_text(value).strip()
        if not key:
            return None
        record = self._found.get(key)  # the prefetched record, as lookup() would give it
        if record is not None:
            return record
        found = self.lookup([key])
        if key not in found:
            raise ValueError(
                f"No {self.model._meta.verbose_name} with {self.field} {key!r} "
                "(import it first, or check the spelling)."
            )
        return found[key]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))


class NaturalKeysWidget(NaturalKeyLookup, widgets.ManyToManyWidget):
    """A many-to-many relation written as comma-separated natural keys, sorted."""

    def __init__(self, model, separator=None, field=None, **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self._lookup_init()

    def keys_of(self, value) -> list[str]:
        keys = dict.fromkeys(key.strip() for key in _cell_text(value).split(self.separator))
        return [key for key in keys if key]

    def clean(self, value, row=None, **kwargs):
        keys = self.keys_of(value)
        if not keys:
            return []
        found = self.lookup(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            raise ValueError(
                f"No {self.model._meta.verbose_name} with {self.field} "
                f"{', '.join(repr(key) for key in missing)} (import it first, or check the spelling)."
            )
        return [found[key] for key in keys]

    def render(self, value, obj=None, **kwargs):
        """``value``: a related manager, or the records of a cell (a row's value not yet saved)."""
        if value is None:
            return ""
        records = value.all() if hasattr(value, "all") else value
        return self.separator.join(sorted(str(getattr(item, self.field)) for item in records))


class ArrayWidget(widgets.Widget):
    """A PostgreSQL array: items joined by ``separator`` ("," for choices, a line break for free text,
    one item per line as the admin edits them). Items are trimmed; empty ones are dropped."""

    def __init__(self, separator: str = ",", **kwargs):
        self.separator = separator
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        parts = text.splitlines() if self.separator == "\n" else text.split(self.separator)
        return [item for item in (part.strip() for part in parts) if item]

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(value or ())


class UUIDWidget(widgets.Widget):
    """A UUID (a camera count's public_id); empty for a new record, which then gets a fresh one."""

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value).strip()
        if not text:
            return None
        try:
            return uuid.UUID(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a UUID.") from None


_random_pool = threading.local()


def pooled_uuid4() -> uuid.UUID:
    """``uuid.uuid4()``, its random bytes drawn from ``os.urandom()`` for 1,024 UUIDs at a time: the
    public_id of a new camera count whose cell is empty. Each ``os.urandom()`` lets go of the GIL,
    and once per row that kept the import's write-behind thread waiting (registry/imports/write_behind.py)."""
    pool = getattr(_random_pool, "bytes", b"")
    offset = getattr(_random_pool, "offset", 0)
    if offset >= len(pool):
        pool, offset = os.urandom(16 * 1024), 0
        _random_pool.bytes = pool
    _random_pool.offset = offset + 16
    return uuid.UUID(bytes=pool[offset : offset + 16], version=4)


class FuzzyDateWidget(widgets.CharWidget):
    """A date as precise as its source ("2017", "2017-02", "2017-02-07"); XLSX numbers and dates too."""

    def clean(self, value, row=None, **kwargs):
        return _cell_text(value).strip()


class IsoDateWidget(widgets.DateWidget):
    """A calendar date written YYYY-MM-DD (or an XLSX date cell); 03/05/2024 is refused, saying how to
    write it, never read as a month and a day in some order."""

    def __init__(self):
        super().__init__(format=ISO_DATE_FORMAT)

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value).strip()
        if not text:
            return None
        try:
            return parse_iso_date(text)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class StrictBooleanWidget(widgets.BooleanWidget):
    """1/0, true/false (empty: unknown); anything else is an error rather than a silent False."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
            lowered = value.lower()
            if lowered in ("yes", "no"):
                return lowered == "yes"
        if value in self.NULL_VALUES:
            return None
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(f"{value!r} is not true or false: write 1 or 0 (or leave it empty when unknown).")


class StrictIntegerWidget(widgets.IntegerWidget):
    """A whole number: "12" or 12.0 from a spreadsheet, never a silently truncated 12.5."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 30:
            return int(value)  # the usual cell, "12": read without a Decimal
        if self.is_empty(value):
            return None
        try:
            number = Decimal(_cell_text(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a whole number.") from None
        if not number.is_finite() or number != number.to_integral_value() or number.adjusted() > 30:
            raise ValueError(f"{value!r} is not a whole number.")
        return int(number)


class StrictDecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            number = super().clean(value, row, **kwargs)
        except (InvalidOperation, TypeError):
            raise ValueError(f"{value!r} is not a number.") from None
        if number is not None and not number.is_finite():
            raise ValueError(f"{value!r} is not a number.")
        return number


# --- Loading the records a file names -------------------------------------------------------------


class LockingInstanceLoader(ModelInstanceLoader):
    """Finds the records a file names, in one query per few thousand rows (not one per row), and
    locks them until the import's transaction ends. Records the import adds are remembered, so a
    later row naming the same key finds it, as it would in the database."""

    chunk = 2000

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.records: dict[tuple, models.Model] = {}
        self.stored_pks: dict[tuple, object] = {}  # {key: pk} of the records found in the database
        # {the key cells of a row: its key}, so that get_instance() does not clean them again.
        self.keys_of_cells: dict[tuple, tuple] = {}
        for row in self.rows_of(dataset):
            if (key := self.key_of(row)) is not None:
                self.keys_of_cells[tuple(row.values())] = key
        keys = list(set(self.keys_of_cells.values()))
        for start in range(0, len(keys), self.chunk):
            self.load(keys[start : start + self.chunk])

    def get_queryset(self):
        # The related records come along: comparing and describing a row needs them.
        related = [f.name for f in self.resource._meta.model._meta.concrete_fields if f.many_to_one]
        return super().get_queryset().order_by().select_related(*related).select_for_update(of=("self",))

    def rows_of(self, dataset) -> Iterator[dict]:
        columns = [field.column_name for field in self.key_fields]
        if dataset is None or not set(columns) <= set(dataset.headers or ()):
            return
        indexes = [dataset.headers.index(column) for column in columns]
        for values in dataset:
            cells = [values[index] for index in indexes]
            # An empty cell of a key with a generated default (a new camera count) names no record.
            if any(
                _cell_text(cell).strip() == ""
                and field.default is not NOT_PROVIDED
                and callable(field.default)
                for cell, field in zip(cells, self.key_fields, strict=True)
            ):
                continue
            yield {column: unescape_formula(cell) for column, cell in zip(columns, cells, strict=True)}

    def key_of(self, row) -> tuple | None:
        try:
            return tuple(_comparable(field.clean(row)) for field in self.key_fields)
        except (ValueError, ValidationError, KeyError):
            return None  # reported against its column when the row is imported

    def load(self, keys: list[tuple]) -> None:
        attributes = [field.attribute for field in self.key_fields]
        if len(attributes) == 1:
            queryset = self.get_queryset().filter(**{f"{attributes[0]}__any": [key[0] for key in keys]})
        else:
            named = Q()
            for key in keys:
                named |= Q(**dict(zip(attributes, key, strict=True)))
            queryset = self.get_queryset().filter(named)
        for record in queryset:
            self.stored_pks[self.remember(record)] = record.pk

    def remember(self, record) -> tuple:
        key = tuple(_comparable(getattr(record, field.attribute)) for field in self.key_fields)
        self.records[key] = record
        return key

    def stored_holders(self, check: UniqueCheck) -> dict | None:
        """{values: pk} of the stored records for a unique check over the key fields (in their
        order, as every resource declares them), which this loader looked up for every row of the
        file (those it found are locked until the import ends); None for any other check, which
        then queries. (registry/imports/checks.py)"""
        if check.condition is not None or list(check.fields) != [f.attribute for f in self.key_fields]:
            return None
        return self.stored_pks

    def get_instance(self, row):
        cells = tuple(row.get(field.column_name) for field in self.key_fields)
        key = self.keys_of_cells.get(cells) or self.key_of(row)
        return None if key is None else self.records.get(key)


def _comparable(value):
    """A key value as the loader compares it: a related record by its primary key."""
    return value.pk if isinstance(value, models.Model) else value


# --- A lost database connection ---------------------------------------------------------------------


class DatabaseConnectionLost(OperationalError):
    """The import's database connection is gone: the import stops at once (nothing was written)."""


def stop_if_connection_lost(error: BaseException, row_number: int | None) -> None:
    """Raise ``DatabaseConnectionLost`` if ``error`` is the loss of the database connection. The
    library reports every exception as one row's error and goes on: with the database gone, a
    40,000-row import had written 40,000 errors over a minute."""
    if isinstance(error, DatabaseConnectionLost):
        raise error
    if not isinstance(error, OperationalError | InterfaceError):
        return
    raw = connection.connection
    if raw is not None and not raw.closed and not raw.broken:
        return  # a statement failed (a timeout, a lock), but the connection works
    where = f" at row {row_number}" if row_number else ""
    raise DatabaseConnectionLost(
        f"The database connection was lost{where} ({str(error).strip().splitlines()[0]}). "
        "Nothing was imported: run the import again when the database is back."
    ) from error


# --- Bulk mode ------------------------------------------------------------------------------------


def bulk_checks(model) -> tuple[list, list] | None:
    """The set-based checks of ``model`` (registry/imports/checks.py), or None when its rows must be
    saved one by one: a model that refers to itself (a place's parent may be an earlier row of the
    same file, which must then have its primary key), or a constraint with no set-based check."""
    if any(f.is_relation and f.related_model is model for f in model._meta.get_fields() if f.concrete):
        return None
    try:
        return unique_checks(model), constraint_checks(model)
    except NotImplementedError:
        return None


def all_unique_checks(checks: tuple[list, list]) -> list[UniqueCheck]:
    return [check for check in checks[0] + checks[1] if isinstance(check, UniqueCheck)]


def prepare_bulk_update(instance) -> None:
    """What ``save()`` does to an updated record that ``bulk_update()`` does not: the fields' own
    values (``auto_now``) and the next version (django-concurrency). The record was locked when the
    import loaded it, so the version checked against the file is still the stored one."""
    for field in instance._meta.concrete_fields:
        field.pre_save(instance, add=False)
    version_field = getattr(getattr(instance, "_concurrencymeta", None), "field", None)
    if version_field is not None:
        version_field._set_version_value(instance, version_field._get_next_version(instance))


# What was frozen before any of the registry's code ran: nothing on Python 3.11 and 3.13, a few hundred
# of the interpreter's own objects on 3.12. Only a count above it means someone (registry/wsgi.py) froze.
FROZEN_BEFORE_THE_REGISTRY = gc.get_freeze_count()


@contextlib.contextmanager
def cyclic_gc_paused():
    """Python's cyclic garbage collector off while importing: an import keeps every row's
    record and result until it ends, and the collector's full passes walked them all again and again
    (100,000 camera counts: 14 s of 53). Memory is still freed by reference counting meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # Everything the import allocated is still in the youngest generation, which the first
            # collection would walk whole (0.5 s after 100,000 rows). Frozen and unfrozen (two list
            # splices), it is in the oldest instead, with the long-lived objects; unless something else
            # froze objects, which must then stay frozen.
            if gc.get_freeze_count() <= FROZEN_BEFORE_THE_REGISTRY:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


class RegistryResult(Result):
    """An import's result, with the rows that change a published record (``published_rows``: their
    numbers), which the admin's preview counts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.published_rows: list[int] = []


class RegistryDiff(Diff):
    """The preview's before and after of a row, read by ``RegistryResource.diff_values()``."""

    def __init__(self, resource, instance, new):
        self.left = resource.diff_values(instance)
        self.right = []
        self.new = new

    def compare_with(self, resource, instance):
        self.right = resource.diff_values(instance)


class RegistryRowResult(RowResult):
    """The id and text of a row's record (the admin's log entries) read when they are asked for, not
    during the import: a new record has its id only once its batch is written, and ``str()`` of
    every record of a long import was a second's work that nobody read."""

    changes_published = False  # the row changes a published record (see changes_to_published())

    def add_instance_info(self, instance):
        self._record = instance

    @property
    def object_id(self):
        record = self.__dict__.get("_record")
        return self.__dict__.get("_object_id") if record is None else record.pk

    @object_id.setter
    def object_id(self, value):
        self._object_id = value

    @property
    def object_repr(self):
        record = self.__dict__.get("_record")
        if record is None:
            return self.__dict__.get("_object_repr")
        try:
            return force_str(record)
        except Exception:  # noqa: BLE001 (as the library's add_instance_info(): no text then)
            return None

    @object_repr.setter
    def object_repr(self, value):
        self._object_repr = value


# --- Changes to published records -----------------------------------------------------------------


@dataclass
class PublishedChange:
    """A row of an import that changes a published record: what ``changes_to_published()`` gets."""

    row_number: int
    record: models.Model  # the stored record with the file's cells set; not saved
    changed: list[str]  # the columns whose value the row changes
    many_to_many: dict[str, list]  # {attribute: records} of the row's many-to-many cells
    user: object  # the importing user (None from the command without --user)
    reason: str  # the import's reason for the history ("import <file>" by default)
    dry_run: bool  # the admin's preview or ``import_records --dry-run`` (rolled back anyway)


def changes_to_published(change: PublishedChange) -> None:
    """Where a row that changes a published record goes: the only path an import takes for one.

    The record is never written by the import: the row becomes a proposed change
    (registry/curation/revisions.py) that a reviewer approves or sends back, and the public keeps
    seeing the published version meanwhile; an import never unpublishes anything. A row that cannot
    be proposed (the record already has a proposal waiting, no importing user) is refused with a
    ValidationError: a row error, and the import writes nothing."""
    try:
        revisions.propose_instance(
            change.record, links=change.many_to_many, user=change.user, reason=change.reason
        )
    except PermissionDenied as error:
        raise ValidationError(str(error), code="permission") from error


def stored_as_published(instance) -> bool:
    """``instance`` is a stored record whose status is published (an import never sets the status)."""
    return not instance._state.adding and getattr(instance, "review_status", None) == ReviewStatus.PUBLISHED


# --- The base resource -----------------------------------------------------------------------------


class RegistryResource(resources.ModelResource):
    """The base of every resource: natural keys, validation, drafts, history, safe exports.

    Pass ``progress=callable`` to be called once per row imported or exported (the commands' bar).
    """

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = LockingInstanceLoader
        batch_size = 1000

    def __init__(self, progress: Callable[[], None] | None = None, diff: bool = True, **kwargs):
        """``diff=False`` (the command): no per-row diff of the record before and after, which only
        the admin's preview shows; unchanged rows are still found and skipped."""
        super().__init__(**kwargs)
        self.progress = progress
        self._meta = copy.copy(self._meta)  # these options are this import's, not the class's
        self._meta.skip_diff = not diff
        self._meta.use_bulk = bulk_checks(self._meta.model) is not None
        self._import_fields = None
        self._pending: list[PendingRow] = []
        self._new_written_behind = False
        self._defaults_of: list | None = None  # see init_instance()
        self._m2m_cells: dict[str, list] = {}  # the current row's many-to-many cells: diff_values()

    # Fields and widgets, from the model --------------------------------------------------------

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        readonly = readonly or field_name in IMPORT_READONLY
        widget = cls.registry_widget(django_field)
        if widget is None:
            field = super().field_from_django_field(field_name, django_field, readonly)
            field.readonly = readonly
            return field
        return resource_fields.Field(
            attribute=field_name,
            column_name=field_name,
            widget=widget,
            readonly=readonly,
            default=pooled_uuid4 if django_field.default is uuid.uuid4 else django_field.default,
        )

    @classmethod
    def registry_widget(cls, django_field) -> widgets.Widget | None:
        if django_field.many_to_many:
            related = django_field.related_model
            return NaturalKeysWidget(related, separator=",", field=natural_key_field(related))
        if django_field.many_to_one or django_field.one_to_one:
            related = django_field.related_model
            return NaturalKeyWidget(related, field=natural_key_field(related))
        if isinstance(django_field, ArrayField):
            return ArrayWidget(separator="," if django_field.base_field.choices else "\n")
        if isinstance(django_field, FuzzyDateField):
            return FuzzyDateWidget()
        if isinstance(django_field, models.UUIDField):
            return UUIDWidget()
        if isinstance(django_field, models.TextField):
            return widgets.CharWidget(allow_blank=True)  # an empty XLSX cell is '', not NULL
        if isinstance(django_field, models.BooleanField):
            return StrictBooleanWidget()
        if isinstance(django_field, models.DecimalField):
            return StrictDecimalWidget()
        if django_field.get_internal_type() in INTEGER_TYPES:  # also the version (a BigIntegerField)
            return StrictIntegerWidget()
        if isinstance(django_field, models.DateField) and not isinstance(django_field, models.DateTimeField):
            return IsoDateWidget()
        return None

    # Import --------------------------------------------------------------------------------------

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """Import ``dataset`` in one transaction, rolled back if any row is refused.

        ``user`` (a user) and ``reason`` (default: "import <file_name>") go into the history events.
        """
        user = kwargs.get("user")
        reason = kwargs.get("reason") or f"import {kwargs.get('file_name') or 'file'}"
        self._user, self._reason = user, reason  # for changes_to_published()
        metadata = {"reason": reason}
        if getattr(user, "pk", None) is not None:
            metadata["user"] = user.pk  # the key (and value) pghistory's HistoryMiddleware uses
        # The write-behind's query wrapper outermost: a write in flight is finished before
        # pghistory looks at the transaction's state to set its context.
        try:
            with (
                WriteBehind(connection).active() as self._write_behind,
                separate_connection(connection.alias) as self._evaluating,  # for check_rows()
                pghistory.context(**metadata),
                cyclic_gc_paused(),
            ):
                return super().import_data(
                    dataset,
                    dry_run=dry_run,
                    raise_errors=raise_errors,
                    use_transactions=True,
                    collect_failed_rows=collect_failed_rows,
                    rollback_on_validation_errors=True,
                    **kwargs,
                )
        except (OperationalError, InterfaceError) as error:  # before the first row, or after the last
            stop_if_connection_lost(error, getattr(self, "_row_number", None))
            raise

    def get_row_result_class(self):
        return RegistryRowResult

    def get_result_class(self):
        return RegistryResult

    def get_diff_class(self):
        return RegistryDiff

    def diff_values(self, instance) -> list:
        """The file's columns of ``instance`` as the admin's preview shows them, before or after the row.

        A many-to-many column is read from the row's cell when the row sets it (in bulk mode a
        record's relations are written with its batch, after the preview has read them) and is
        empty for a record not stored yet. The library asked Django's related manager even then,
        which refuses a record without a primary key with a message that formats the record,
        whose text columns are not set yet: "__str__ returned non-string (type NoneType)" for
        every new row with a many-to-many column, in the admin only (the command has no diff)."""
        cells = self._m2m_cells  # empty before import_instance() (the left side), set after
        values = []
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget):
                values.append(field.export(instance))
            elif field.attribute in cells:
                values.append(field.widget.render(cells[field.attribute]))
            elif instance is None or instance._state.adding:
                values.append("")
            else:
                values.append(field.export(instance))
        return values

    def import_data_inner(
        self, dataset, dry_run, raise_errors, using_transactions, collect_failed_rows, **kwargs
    ):
        # A file whose columns are wrong is refused as a whole, before any row: the library reports an
        # error of before_import() and then imports the rows anyway (each failed without its set-up).
        unknown = self.unknown_columns(dataset)
        if unknown:
            result = self.get_result_class()()
            result.diff_headers, result.total_rows = self.get_diff_headers(), len(dataset)
            self.handle_import_error(result, unknown, raise_errors)
            return result
        # In bulk mode each write has a savepoint of its own (write_batch(), the write-behind). The
        # library's savepoint around each batch would be released at once, waiting for the write.
        try:
            result = super().import_data_inner(
                dataset,
                dry_run,
                raise_errors,
                using_transactions and not self._meta.use_bulk,
                collect_failed_rows,
                **kwargs,
            )
            # The last batch's write belongs to this result, which decides whether the import commits.
            self._write_behind.finish()
            result.published_rows = self._published_rows
        except (OperationalError, InterfaceError) as error:  # outside a row: a batch's checks or write
            stop_if_connection_lost(error, getattr(self, "_row_number", None))
            raise
        result.invalid_rows.sort(key=lambda invalid: invalid.number)  # rows refused late are in order
        # The loader points back at this resource: without that cycle, every record of the import is
        # freed as soon as the result is, not by a full pass of the garbage collector (2 s at exit
        # after 100,000 rows).
        self._loader = None
        return result

    def unknown_columns(self, dataset) -> ValueError | None:
        unknown = [name for name in dataset.headers or () if name and name not in self.fields]
        if not unknown:
            return None
        return ValueError(
            f"Unknown column(s) {', '.join(repr(name) for name in unknown)}: the columns of "
            f"{self._meta.model._meta.verbose_name} files are {', '.join(self.get_export_order())}."
        )

    def handle_import_error(self, result, error, raise_errors=False):
        stop_if_connection_lost(error, getattr(self, "_row_number", None))
        super().handle_import_error(result, error, raise_errors)

    def import_row(self, row, instance_loader, **kwargs):
        self._loader = instance_loader
        self._row_changes_published = False  # set by validate_instance()
        try:
            row_result = super().import_row(row, instance_loader, **kwargs)
        finally:
            if self.progress:
                self.progress()
        if self._row_changes_published:
            row_result.changes_published = True
            self._published_rows.append(kwargs.get("row_number"))
        for error in row_result.errors:  # the library reports any exception as the row's error
            stop_if_connection_lost(error.error, kwargs.get("row_number"))
        if self._pending and self._pending[-1].number == kwargs.get("row_number"):
            self._pending[-1].row_result = row_result
        return row_result

    def get_import_fields(self):
        # Asked several times per row by the library; it does not change during an import.
        if self._import_fields is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def before_import(self, dataset, **kwargs):
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at commit, one queued
        # event per row and key. Each query of a BEFORE trigger (deployments/derived.py) then walks
        # that queue, so a long import slowed down with every row (100,000 camera counts: ~140 s of
        # 0.1 s batches growing to 2 s). Checked at the end of each statement, the queue stays short.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self._rows_by_key: dict[tuple, int] = {}
        self._pending = []
        self._ledger = UniqueLedger()
        self._checks = bulk_checks(self._meta.model) if self._meta.use_bulk else None
        self._snapshots: dict[int, tuple] = {}
        self._originals: dict[int, dict] = {}
        self._rows_of: dict[int, dict] = {}
        self._published_before: dict[int, tuple] = {}  # see after_init_instance()
        self._published_rows: list[int] = []
        self._handed_over: set[int] = set()  # records given to changes_to_published()
        self._invalid_index: dict[int, object] = {}  # see _invalid_row()
        self.prefetch_natural_keys(dataset)
        # For validate_instance(), row after row: the foreign keys this import resolves (not looked up
        # again), and the cleaning of the other fields.
        self._resolved_attributes = [
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, NaturalKeyWidget)
        ]
        self._cleaner = FieldCleaner(
            self._meta.model, {field.attribute for field in self.get_import_fields()}
        )
        # For import_instance(): the fields that take a cell of this file, and whether they are
        # many-to-many (saved after the record).
        self._cells = [
            (field, isinstance(field.widget, widgets.ManyToManyWidget))
            for field in self.get_import_fields()
            if not field.readonly and field.attribute and field.column_name in (dataset.headers or ())
        ]
        # New records are written behind the validation of the next batch (registry/imports/write_behind.py),
        # unless their many-to-many cells have to be saved after them, in the same savepoint.
        self._new_written_behind = not any(many_to_many for _field, many_to_many in self._cells)
        self._keys = DrawnKeys(self._meta.model, expected=len(dataset))

    def prefetch_natural_keys(self, dataset) -> None:
        """Look up every related record the file names at once: one query per column, not per row."""
        for field in self.get_import_fields():
            widget = field.widget
            if not isinstance(widget, NaturalKeyLookup) or field.column_name not in dataset.headers:
                continue
            keys = set()
            for value in dataset[field.column_name]:
                keys.update(widget.keys_of(unescape_formula(value)))
            # A key of the model being imported may be added by an earlier row: never "known missing".
            widget.prefetch(keys, complete=widget.model is not self._meta.model)

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number")
        self._m2m_cells = {}
        for column, value in row.items():
            row[column] = unescape_formula(value)

    def after_init_instance(self, instance, new, row, **kwargs):
        if self._meta.skip_diff and not new:  # a new row is never unchanged
            self._snapshots[id(instance)] = self.comparable_values(instance)
        if stored_as_published(instance):  # which columns a change to it changes: hand_over()
            self._published_before[id(instance)] = self.comparable_values(instance)
        if self._checks is not None and not new:
            # The unique values the record holds before this row: freed if the row changes them.
            self._originals[id(instance)] = {
                id(check): check.key(instance) for check in all_unique_checks(self._checks)
            }

    def comparable_values(self, instance) -> tuple:
        """The values of the file's columns in ``instance``; a related record as its key (no query)."""
        values = []
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            if isinstance(field.widget, NaturalKeyWidget):
                values.append(getattr(instance, instance._meta.get_field(field.attribute).attname))
            else:
                values.append(field.get_value(instance))
        return tuple(values)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_diff:
            return super().skip_row(instance, original, row, import_validation_errors)
        # No diff, so no copy of the record as loaded: compare with the snapshot instead.
        before = self._snapshots.pop(id(instance), None)
        if not self._meta.skip_unchanged or import_validation_errors or before is None:
            return False
        if self.comparable_values(instance) != before:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                stored = [] if instance.pk is None else list(field.get_value(instance).all())
                if sorted(item.pk for item in field.clean(row)) != sorted(item.pk for item in stored):
                    return False
        return True

    def key_text(self, column: str, value) -> str:
        text = _cell_text(value).strip()
        return text.lower() if isinstance(self.fields[column].widget, UUIDWidget) else text

    def duplicate_key(self, row, row_number: int | None) -> dict[str, str]:
        """{column: why} when an earlier row of the file names the same record: one row per record,
        never "the last row wins"."""
        columns = self.get_import_id_fields()
        key = tuple(self.key_text(column, row.get(column)) for column in columns)
        if not any(key) or row_number is None:
            return {}  # a new camera count (no public_id yet), or a missing key (reported elsewhere)
        first = self.__dict__.setdefault("_rows_by_key", {}).setdefault(key, row_number)
        if first == row_number:
            return {}
        named = ", ".join(f"{column} {row.get(column)!r}" for column in columns)
        return {columns[0]: f"row {first} of this file names the same record ({named}): one row per record."}

    def init_instance(self, row=None):
        # A new record's cells are set by import_instance(), where an empty cell takes the field's
        # default: the model's defaults of those columns are not computed here first. (A camera
        # count's uuid4() per row did that twice; its os.urandom() let go of the GIL every row, which
        # kept the write-behind thread from getting it back for a whole batch: registry/imports/write_behind.py.)
        # The values are passed by position, in the order of the model's fields, as Django's
        # from_db() does: half the cost of keyword arguments.
        if self._defaults_of is None:
            model = self._meta.model
            cells = {
                model._meta.get_field(field.attribute).attname
                for field in self.get_import_fields()
                if field.attribute
                and not field.readonly
                and not isinstance(field.widget, widgets.ManyToManyWidget)
                and field.column_name in (row or {})
            }
            # None for a column a cell sets, else the field (whose default is taken).
            self._defaults_of = [
                None if field.attname in cells else field for field in model._meta.concrete_fields
            ]
        return self._meta.model(
            *[None if field is None else field.get_default() for field in self._defaults_of]
        )

    def get_instance(self, instance_loader, row):
        # A natural key naming an unknown related record: the row is new, and import_instance()
        # reports the unknown key against its column.
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None

    def import_instance(self, instance, row, **kwargs):
        # The library's Resource.import_instance() does this through three calls per cell
        # (import_field, Field.save, Field.clean), passing the import's keyword arguments down each;
        # at 100,000 rows of 14 cells that was a fifth of an import. Each cell is cleaned by its
        # field (widget, default) here, an error reported against its attribute as the library does.
        errors: dict[str, list] = {}
        for field, many_to_many in self._cells:
            try:
                value = field.clean(row)
            except ValueError as error:
                errors.setdefault(field.attribute, []).append(ValidationError(str(error), code="invalid"))
                continue
            # Many-to-many cells are saved after the record: only checked now, so they are row errors
            # (and kept for the preview's diff_values()).
            if many_to_many:
                if not self._meta.skip_diff:
                    self._m2m_cells[field.attribute] = value
            elif value is not None or field.saves_null_values:
                setattr(instance, field.attribute, value)
        for column, message in self.duplicate_key(row, kwargs.get("row_number")).items():
            errors.setdefault(self.fields[column].attribute, []).append(
                ValidationError(message, code="duplicate")
            )
        stale = self.stale_version(instance, row)
        if stale:
            errors.setdefault("version", []).append(ValidationError(stale, code="stale_version"))
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """``full_clean()`` (validators, ``clean()``, unique and check constraints), except that a
        foreign key this import resolved by its natural key is not looked up in the database again,
        that the columns no file sets and the database or ``save()`` fill in are not validated, and
        that a value found valid on an earlier row is not checked again (``FieldCleaner``).

        In bulk mode the unique and check constraints are checked for a whole batch before it is
        written (``check_pending``): the row waits, and is refused then if it breaks one."""
        if stored_as_published(instance):  # a row that is not unchanged (skip_row() came first)
            self._row_changes_published = True
        errors = dict(import_validation_errors or {})
        exclude = set(errors)
        resolved = {name for name in self._resolved_attributes if getattr(instance, name, None) is not None}
        steps = [
            lambda: self._cleaner.clean_fields(instance, exclude | resolved),
            instance.clean,
        ]
        if self._checks is None:
            steps += [
                lambda: instance.validate_unique(exclude=exclude),
                lambda: instance.validate_constraints(exclude=exclude),
            ]
        for step in steps:
            try:
                step()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
                exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
        if self._checks is not None:
            self._pending.append(
                PendingRow(
                    number=self._row_number,
                    instance=instance,
                    errors={key: list(value) for key, value in errors.items()},
                    original=self._originals.pop(id(instance), {}),
                )
            )
        if errors:
            raise ValidationError(errors)

    def check_pending(self, result) -> None:
        """The unique and check constraints of the rows validated since the last batch, set-based;
        a row breaking one is refused now (and its record is not written)."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        found = check_rows(
            self._meta.model,
            pending,
            self._ledger,
            self._checks,
            self._evaluating,
            self._loader.stored_holders,
        )
        refused = set()
        for row in pending:
            errors = found.get(row.number)
            if errors is None or sum(map(len, errors.values())) == sum(map(len, row.errors.values())):
                continue  # valid, or no error beyond those the row was already refused for
            if self.refuse(result, row, ValidationError(errors)):
                refused.add(id(row.instance))
        if refused:  # not written: once per batch (per refused row, that was quadratic)
            self.create_instances = [i for i in self.create_instances if id(i) not in refused]
            self.update_instances = [i for i in self.update_instances if id(i) not in refused]

    def refuse(self, result, row: PendingRow, error: ValidationError) -> bool:
        """Turn ``row``'s result into a refusal with ``error`` (which includes its earlier errors);
        True if the row had been accepted until now (its record must then not be written).

        The result's refused rows are found by number in an index kept as they are added, and put in
        order once, at the end of the import (``import_data_inner``): a search of the list and a sort
        per refused row had made 5,000, 10,000 and 20,000 refused rows take 4.3, 8.8 and 24.3 s."""
        row_result = row.row_result
        row_result.validation_error = error
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            invalid = self._invalid_row(result, row.number)
            invalid.error, invalid.error_dict = error, error.message_dict
            return False
        result.totals[row_result.import_type] -= 1
        result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
        row_result.import_type = RowResult.IMPORT_TYPE_INVALID
        result.append_invalid_row(row.number, self._rows_of.get(id(row.instance), {}), error)
        return True

    def _invalid_row(self, result, number: int):
        """The refused row ``number`` of ``result``, from an index of ``result.invalid_rows`` that is
        brought up to date with the rows added since it was last asked."""
        for invalid in result.invalid_rows[len(self._invalid_index) :]:
            self._invalid_index[invalid.number] = invalid
        return self._invalid_index[number]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.check_pending(result)
        # Updates first: a value an updated record gives up may be taken by a new one.
        self.bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        if not self._new_written_behind:
            self.write_batch(self.create_instances, copy_insert, result, raise_errors)
            return
        batch = list(self.create_instances)
        self.create_instances.clear()
        for instance in batch:
            self._rows_of.pop(id(instance), None)
        if not batch:
            return
        report = functools.partial(self.handle_import_error, result, raise_errors=raise_errors)
        try:
            self._write_behind.start(prepare_copy(batch, self._keys), on_error=report)
        except Exception as error:  # as write_batch(): reported, the import rolled back
            report(error)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.check_pending(result)
        fields = self.get_bulk_update_fields()
        self.write_batch(
            self.update_instances,
            lambda batch: self._meta.model._default_manager.bulk_update(batch, fields, batch_size=batch_size),
            result,
            raise_errors,
        )

    def get_bulk_update_fields(self):
        # What save() writes: every column (the version and updated_at set in before_save_instance).
        return [field.name for field in self._meta.model._meta.concrete_fields if not field.primary_key]

    def write_batch(self, instances: list, write: Callable[[list], object], result, raise_errors) -> None:
        """Write a batch in a savepoint (a database error is the file's error, never half a batch),
        then its many-to-many cells."""
        batch = list(instances)
        instances.clear()
        if not batch:
            return
        try:
            with transaction.atomic():
                write(batch)
                for instance in batch:
                    self.save_bulk_m2m(instance, self._rows_of.pop(id(instance), {}))
        except Exception as error:  # as the library's bulk_create(): reported, the import rolled back
            self.handle_import_error(result, error, raise_errors)

    def save_bulk_m2m(self, instance, row) -> None:
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                self.import_field(field, instance, row, is_m2m=True)

    def stale_version(self, instance, row) -> str:
        """Why the row's version refuses it ('' if it does not): the record changed since the export."""
        if instance._state.adding or "version" not in row or not hasattr(instance, "version"):
            return ""
        cell = _cell_text(row["version"]).strip()
        if not cell:
            return ""
        try:
            version = int(Decimal(cell))
        except InvalidOperation:
            return f"{cell!r} is not a version number."
        if version != instance.version:
            return (
                "changed in the registry since this file was exported "
                f"(version {instance.version}, file has {version}): export it again and redo the change."
            )
        return ""

    def save_instance(self, instance, is_create, row, **kwargs):
        """The one write path of an import's rows: a new or changed record is written, as a draft
        (before_save_instance()); a change to a published record goes to changes_to_published()
        instead, and the import never writes it."""
        if not is_create and stored_as_published(instance):
            self._handed_over.add(id(instance))
            self.hand_over(instance, row, kwargs.get("row_number"), kwargs.get("dry_run", False))
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if id(instance) not in self._handed_over:  # (in bulk mode, write_batch() saves them)
            super().save_m2m(instance, row, **kwargs)

    def hand_over(self, instance, row, row_number: int | None, dry_run: bool) -> None:
        """Give a row that changes the published ``instance`` to changes_to_published(); its refusal
        is the row's error (also for the batch's set-based checks: a refused row claims no unique
        value)."""
        plain = [f for f in self.get_import_fields() if not isinstance(f.widget, widgets.ManyToManyWidget)]
        before = self._published_before.pop(id(instance), ())
        after = self.comparable_values(instance)
        changed = [f.column_name for f, old, new in zip(plain, before, after, strict=False) if old != new]
        many_to_many = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                records = field.clean(row)
                many_to_many[field.attribute] = records
                stored = field.get_value(instance).all()
                if sorted(record.pk for record in records) != sorted(record.pk for record in stored):
                    changed.append(field.column_name)
        change = PublishedChange(
            row_number=row_number,
            record=instance,
            changed=changed,
            many_to_many=many_to_many,
            user=self._user,
            reason=self._reason,
            dry_run=dry_run,
        )
        try:
            changes_to_published(change)
        except ValidationError as error:
            if self._pending and self._pending[-1].number == row_number:
                self._pending[-1].errors = error.update_error_dict(self._pending[-1].errors)
            raise

    def before_save_instance(self, instance, row, **kwargs):
        # Imports never publish: a new or changed curated record is a draft until a reviewer
        # publishes it through registry/curation/workflow.py. (Unchanged rows are skipped, not saved.)
        if hasattr(instance, "review_status"):
            instance.review_status = ReviewStatus.DRAFT
        if self._meta.use_bulk:
            self._rows_of[id(instance)] = row
            if not instance._state.adding:
                prepare_bulk_update(instance)

    def after_save_instance(self, instance, row, **kwargs):
        if instance._state.adding or self._meta.use_bulk:
            self._loader.remember(instance)  # a later row naming it finds it, as in the database

    # Export --------------------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        return super().export(queryset=self.export_records(queryset), **kwargs)

    def export_records(self, queryset):
        """The records of ``queryset`` in a stable order, parents before children, relations fetched."""
        if not isinstance(queryset, QuerySet):
            return queryset
        model = self._meta.model
        model_fields = [field for field in model._meta.get_fields() if field.concrete]
        records = (
            model._default_manager.filter(pk__in=queryset.order_by().values("pk"))
            .select_related(*(f.name for f in model_fields if f.many_to_one))
            .prefetch_related(*(f.name for f in model_fields if f.many_to_many))
            .order_by(*self.export_ordering())
        )
        self_references = [f for f in model_fields if f.is_relation and f.related_model is model]
        if not self_references:
            return records
        return parents_first(list(records), self_references)

    def export_ordering(self) -> list[str]:
        """The model's ordering, then the natural key, so that equal sort keys keep one order."""
        model = self._meta.model
        ordering = [name for name in model._meta.ordering if name.lstrip("-") not in ("id", "pk")]
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if isinstance(field.widget, NaturalKeyWidget):
                ordering.append(f"{field.attribute}__{field.widget.field}")
            else:
                ordering.append(field.attribute)
        return ordering

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        if isinstance(field.widget, widgets.NumberWidget):
            return value  # a negative number is a number, not a formula
        return escape_formula(value)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        try:
            return super().export_resource(instance, selected_fields, **kwargs)
        finally:
            if self.progress:
                self.progress()


def parents_first(records: list, self_references) -> list:
    """Order ``records`` so that a record comes after the records it points at (its parent, its
    unions), otherwise keeping their order; an import then finds every parent already there."""
    by_pk = {record.pk: record for record in records}
    ordered, placed, visiting = [], set(), set()

    def parents(record) -> Iterator:
        for field in self_references:
            if field.many_to_many:
                yield from (item.pk for item in getattr(record, field.name).all())
            else:
                yield getattr(record, field.attname)

    def place(record):
        if record.pk in placed or record.pk in visiting:
            return
        visiting.add(record.pk)
        for pk in parents(record):
            if pk in by_pk:
                place(by_pk[pk])
        visiting.discard(record.pk)
        placed.add(record.pk)
        ordered.append(record)

    for record in records:
        place(record)
    return ordered


class CitationResource(RegistryResource):
    """A source cited for one record (optionally one field of it, or one item of a list field):
    declare ``Meta.model``."""

    class Meta:
        fields = ("record", "source", "field", "item", "locator", "quote", "confidence")
        import_id_fields = ("record", "source", "field", "item")


# --- Every resource, files and reports (the admin and the commands) -------------------------------


def all_resources() -> list[type[RegistryResource]]:
    """The resources of every curated model, in dependency order (registry, vendors, deployments)."""
    found = []
    for app_label in CURATED_APPS:
        found.extend(importlib.import_module(f"{app_label}.resources").RESOURCES)
    return found


def resource_for(model) -> type[RegistryResource]:
    for resource in all_resources():
        if resource._meta.model is model:
            return resource
    raise LookupError(f"No import/export resource for {model._meta.label}.")


def file_name_for(resource: type[RegistryResource], file_format: str) -> str:
    """The file of a model in a directory written by ``export_records --all``: app.model.csv."""
    return f"{resource._meta.model._meta.label_lower}.{file_format}"


def format_of(path: Path, file_format: str | None = None) -> str:
    name = (file_format or path.suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise ValueError(f"Unknown format {name!r} for {path.name}: use csv or xlsx.")
    return name


def read_dataset(path: Path, file_format: str | None = None):
    """A file as a tablib Dataset (CSV in UTF-8, with or without a byte order mark, or XLSX).

    Raises ``ImportFileError`` (registry/imports/files.py) for a file that is not a well-formed table.
    """
    file_format = format_of(path, file_format)
    ImportLimits.from_settings().check_size(path.stat().st_size)  # before reading it whole
    return IMPORT_FORMATS[file_format]().create_dataset(path.read_bytes())


def export_bytes(resource: RegistryResource, queryset=None, file_format: str = "csv") -> bytes:
    """``queryset`` (default: every record) exported as CSV (UTF-8) or XLSX bytes."""
    format_class = FORMATS[file_format]
    dataset = resource.export(queryset, force_native_type=format_class in base_formats.BINARY_FORMATS)
    data = format_class().export_data(dataset)
    return data.encode("utf-8") if isinstance(data, str) else data


def row_errors(result: Result) -> Iterator[tuple[int | None, str, str]]:
    """Every refusal of an import as (row, column, message); row 1 is the first row under the header.

    The row number is the one the admin's preview shows; in the file it is on line row + 1.
    """
    for error in result.base_errors:
        yield None, "", str(error.error)
    for number, errors in result.row_errors():
        for error in errors:
            yield number, "", str(error.error)
    for invalid in result.invalid_rows:
        for column, messages in invalid.field_specific_errors.items():
            for message in messages:
                yield invalid.number, column, str(message)
        for message in invalid.non_field_specific_errors:
            yield invalid.number, "", str(message)


def describe_row_error(number: int | None, column: str, message: str) -> str:
    where = "file" if number is None else f"row {number} (line {number + 1})"
    if column and column != NON_FIELD_ERRORS:
        where += f", column {column!r}"
    return f"{where}: {message}"


def totals(result: Result) -> dict[str, int]:
    """How many rows are new, changed (update), unchanged (skip) and refused (invalid, error)."""
    return {name: count for name, count in result.totals.items() if count}
