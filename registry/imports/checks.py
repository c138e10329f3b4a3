"""What ``Model.validate_unique()`` and ``Model.validate_constraints()`` check, for a batch of imported
rows at once (a few queries per batch instead of one per constraint and row), and ``clean_fields()``
for the rows of an import, each value checked once (``FieldCleaner``).

The checks, their order, the fields they skip and their messages are Django's. A row clashes with a
stored record or with an earlier accepted row of the same import, as with per-row saves. The check
constraints are evaluated by PostgreSQL on the batch's values (one array per column), with the SQL of
each constraint, NULL counting as satisfied as ``Q.check()`` does; that query reads no table, so it
runs on a connection of its own (``separate_connection()``) and never waits for the batch being
written (registry/imports/write_behind.py).
"""

import contextlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models
from django.db.models import Q
from django.db.models.expressions import DatabaseDefault
from django.db.models.sql import Query

from registry.constraints import error_key

IN_CHUNK = 2000  # values per IN (...) query


@dataclass
class PendingRow:
    """A row validated field by field, waiting for the set-based checks of its batch."""

    number: int
    instance: models.Model
    errors: dict = field(default_factory=dict)  # {field: [ValidationError]} so far
    original: dict = field(default_factory=dict)  # stored values of an updated record's unique fields
    row_result: object = None


# --- Each row's fields ---------------------------------------------------------------------------


class FieldCleaner:
    """``Model.clean_fields()`` for the rows of one import, each value found valid remembered.

    Django cleans every field of every row (``to_python()``, choices, validators), mostly the same few
    kinds, dates and confidences again and again. Where a field's cleaning is Django's own (a custom field may add validators, which are functions
    of the value), a value is valid or not whatever its row; so one that was found valid, and that
    cleaning left as it was, is not checked again. Relations (whose check is a query) and unique
    fields (whose values do not repeat) are cleaned as Django does, as is any other value. The
    columns that no file of the import sets (``imported``: its attributes) and that the database or
    ``save()`` fill in (non-editable: a search vector, a timestamp) are not cleaned at all."""

    def __init__(self, model, imported: set[str]):
        # The fields cleaned, in clean_fields()' order: not those computed, nor generated ones.
        self.cleaned = [
            model_field
            for model_field in model._meta.fields
            if (model_field.editable or model_field.name in imported) and not model_field.generated
        ]
        self.valid = {
            model_field.name: set()
            for model_field in model._meta.concrete_fields
            if not model_field.is_relation and not model_field.unique and _cleaned_by_django(model_field)
        }

    def clean_fields(self, instance, exclude: set) -> None:
        """``instance.clean_fields(exclude)``: the same values set, the same errors raised."""
        errors = {}
        for model_field in self.cleaned:
            if model_field.name in exclude:
                continue
            raw_value = getattr(instance, model_field.attname)
            valid = self.valid.get(model_field.name)
            if valid is not None:
                known = (type(raw_value), raw_value)  # by type too: True == 1, but is no integer
                try:
                    if known in valid:
                        continue
                except TypeError:  # a value that cannot be remembered (a list)
                    valid = None
            if (model_field.blank and raw_value in model_field.empty_values) or isinstance(
                raw_value, DatabaseDefault
            ):
                continue
            try:
                value = model_field.clean(raw_value, instance)
            except ValidationError as error:
                errors[model_field.name] = error.error_list
                continue
            setattr(instance, model_field.attname, value)
            if valid is not None and value is raw_value:
                valid.add(known)
        if errors:
            raise ValidationError(errors)


def _cleaned_by_django(model_field) -> bool:
    """Whether ``model_field`` is cleaned by Django's own methods (its class may add validators)."""
    return all(
        getattr(type(model_field), method).__module__.startswith("django.db.models.fields")
        for method in ("clean", "to_python", "validate", "run_validators")
    )


# --- Which checks a model has, in Django's order -----------------------------------------------------


def _references(model, condition) -> set[str]:
    """The field names (or "pk") a condition refers to."""
    return {parts[0] for parts in model._get_expr_references(condition)}


@dataclass
class UniqueCheck:
    """Unique field, ``unique_together`` or UniqueConstraint over fields (with its condition)."""

    model: type
    fields: tuple[str, ...]
    constraint: models.UniqueConstraint | None = None

    @property
    def condition(self):
        return self.constraint.condition if self.constraint is not None else None

    def key(self, instance) -> tuple | None:
        """The instance's values, or None when a NULL means no clash is possible."""
        values = tuple(getattr(instance, self.model._meta.get_field(name).attname) for name in self.fields)
        nulls_distinct = self.constraint is None or self.constraint.nulls_distinct is not False
        if nulls_distinct and any(value is None for value in values):
            return None
        return values

    def skipped(self, exclude: set) -> bool:
        names = set(self.fields) | (_references(self.model, self.condition) if self.condition else set())
        return bool(names & exclude)

    def error(self, instance) -> tuple[str, ValidationError]:
        """The (key, error) Django adds for a clash."""
        if self.constraint is None:  # validate_unique()
            key = self.fields[0] if len(self.fields) == 1 else NON_FIELD_ERRORS
            return key, instance.unique_error_message(self.model, self.fields)
        constraint = self.constraint
        if (
            not constraint.condition
            and constraint.violation_error_message == constraint.default_violation_error_message
        ):
            message = instance.unique_error_message(self.model, constraint.fields)
            error = ValidationError(message, code=message.code)
        else:
            error = ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )
        if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
            return constraint.fields[0], error
        return NON_FIELD_ERRORS, error

    def stored(self, keys: set[tuple]) -> dict[tuple, object]:
        """{values: pk} of the stored records (matching the condition) that have one of ``keys``."""
        attnames = [self.model._meta.get_field(name).attname for name in self.fields]
        queryset = self.model._default_manager.order_by()
        if self.condition:
            queryset = queryset.filter(self.condition)
        found = {}
        keys = sorted(keys, key=repr)
        for start in range(0, len(keys), IN_CHUNK):
            chunk = keys[start : start + IN_CHUNK]
            if len(attnames) == 1:
                filtered = queryset.filter(**{f"{attnames[0]}__any": [key[0] for key in chunk]})
            else:
                any_key = Q()
                for key in chunk:
                    any_key |= Q(**dict(zip(attnames, key, strict=True)))
                filtered = queryset.filter(any_key)
            for *values, pk in filtered.values_list(*attnames, "pk"):
                found[tuple(values)] = pk
        return found


def unique_checks(model) -> list[UniqueCheck]:
    """validate_unique()'s checks: unique_together, then unique fields (the primary key never clashes)."""
    checks = [UniqueCheck(model, tuple(names)) for names in model._meta.unique_together]
    checks += [
        UniqueCheck(model, (f.name,)) for f in model._meta.local_fields if f.unique and not f.primary_key
    ]
    return checks


def constraint_checks(model) -> list:
    """validate_constraints()'s checks, in the model's order: UniqueChecks and CheckConstraints."""
    checks = []
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.CheckConstraint):
            checks.append(constraint)
        elif (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and not constraint.expressions
        ):
            checks.append(UniqueCheck(model, tuple(constraint.fields), constraint))
        else:
            raise NotImplementedError(f"{model._meta.label}: {constraint.name} has no set-based check.")
    return checks


# --- Conditions evaluated on the batch's values ------------------------------------------------------


@contextlib.contextmanager
def separate_connection(using: str = DEFAULT_DB_ALIAS):
    """A second connection to the database of ``using`` (Django's, with its settings), opened on
    first use and closed on leaving; in autocommit, so a query that fails there changes nothing."""
    wrapper = connections[using]
    separate = type(wrapper)(wrapper.settings_dict, using)
    try:
        yield separate
    finally:
        separate.close()


def _cast_type(model_field, evaluating) -> str:
    # varchar(n) would silently cut a longer value; the length is clean_fields()' business.
    return re.sub(r"^varchar\(\d+\)$", "varchar", model_field.cast_db_type(evaluating))


def failing_rows(model, conditions: list, rows: list[PendingRow], evaluating) -> list[set[int]]:
    """For each of ``conditions``, the numbers of ``rows`` for which it is false (not NULL): one
    query for all of them, on ``evaluating`` (``separate_connection()``). A value of a field the row
    already has an error for is sent as NULL (whatever it is, it might not even cast): the checks of
    that field are skipped for that row.

    The values go as one array per column, unnested into rows: a query of a few parameters, not a
    VALUES list whose thousands psycopg would parse and quote. An array column would be flattened by ``unnest``, so a condition on one, as a batch
    PostgreSQL refuses, is evaluated with ``Q.check()`` row by row."""
    if not rows or not conditions:
        return [set() for _condition in conditions]
    names = sorted(set().union(*(_references(model, condition) for condition in conditions)))
    model_fields = [model._meta.pk if name == "pk" else model._meta.get_field(name) for name in names]
    cast_types = [_cast_type(f, evaluating) for f in model_fields]
    if any(cast_type.endswith("]") for cast_type in cast_types):
        return _failing_one_by_one(model, conditions, rows)
    query = Query(model=model, alias_cols=False)
    compiler = query.get_compiler(connection=evaluating)
    tests, params = [], []
    for condition in conditions:
        condition_sql, condition_params = query.build_where(condition).as_sql(compiler, evaluating)
        tests.append(f"NOT COALESCE(({condition_sql}), true)")
        params += condition_params
    params.append([row.number for row in rows])
    for name, model_field in zip(names, model_fields, strict=True):
        params.append(
            [
                None
                if name in row.errors
                else model_field.get_db_prep_value(getattr(row.instance, model_field.attname), evaluating)
                for row in rows
            ]
        )
    arrays = ", ".join(["%s::integer[]", *(f"%s::{cast_type}[]" for cast_type in cast_types)])
    columns = ", ".join(["n", *(evaluating.ops.quote_name(f.column) for f in model_fields)])
    fails = [f"fails_{index}" for index in range(len(conditions))]
    sql = (
        "SELECT * FROM (SELECT v.n, "  # noqa: S608 (columns from the model)
        f"{', '.join(f'{test} AS {name}' for test, name in zip(tests, fails, strict=True))} "
        f"FROM unnest({arrays}) AS v({columns})) AS checked WHERE {' OR '.join(fails)}"
    )
    failing = [set() for _condition in conditions]
    try:
        with evaluating.cursor() as cursor:
            cursor.execute(sql, params)
            for number, *fails in cursor.fetchall():
                for numbers, fail in zip(failing, fails, strict=True):
                    if fail:
                        numbers.add(number)
    except DatabaseError:
        failing = _failing_one_by_one(model, conditions, rows)
    return failing


def _failing_one_by_one(model, conditions: list, rows: list[PendingRow]) -> list[set[int]]:
    return [
        {
            row.number
            for row in rows
            if not _references(model, condition) & row.errors.keys()
            and not _holds_alone(model, condition, row)
        }
        for condition in conditions
    ]


def _holds_alone(model, condition, row: PendingRow) -> bool:
    against = row.instance._get_field_expression_map(meta=model._meta)
    return Q(condition).check(against)


# --- The checks of a batch ------------------------------------------------------------------------


class UniqueLedger:
    """Who holds each unique value during an import: the stored records, as the rows accepted so far
    change them (what per-row saves would have written by then)."""

    def __init__(self):
        self.holders: dict[tuple, dict[tuple, object]] = {}  # {(check id, values): holder}

    def clashes(self, check: UniqueCheck, key: tuple, holder, stored: dict) -> bool:
        owner = self.holders.get((id(check), key), stored.get(key))
        return owner is not None and owner != holder

    def accept(self, check: UniqueCheck, key: tuple | None, old_key: tuple | None, holder) -> None:
        if old_key is not None and old_key != key:
            self.holders[(id(check), old_key)] = None  # the updated record gave its old value up
        if key is not None:
            self.holders[(id(check), key)] = holder


def check_rows(
    model, rows: list[PendingRow], ledger: UniqueLedger, checks, evaluating, stored_holders=None
) -> dict[int, dict]:
    """{row number: {field: [ValidationError]}} of the unique and constraint errors of ``rows``
    (in row order), merged after each row's own errors as ``full_clean()`` would; the conditions
    evaluated on ``evaluating`` (``failing_rows()``).

    ``stored_holders(check)``, when given, answers for the stored records a check would otherwise
    query ({values: pk}, or None to query): an import's loader has already looked up every natural
    key of its file."""
    validate_unique, constraints = checks
    stored = {
        id(check): _stored_for(check, rows, stored_holders)
        for check in validate_unique + constraints
        if isinstance(check, UniqueCheck)
    }
    conditioned = [
        check
        for check in constraints + validate_unique
        if isinstance(check, models.CheckConstraint) or check.condition
    ]
    failing = dict(
        zip(
            map(id, conditioned),
            failing_rows(model, [check.condition for check in conditioned], rows, evaluating),
            strict=True,
        )
    )
    found = {}
    for row in rows:
        errors = {key: list(value) for key, value in row.errors.items()}
        holder = row.instance.pk if not row.instance._state.adding else ("row", row.number)
        exclude = {name for name in errors if name != NON_FIELD_ERRORS}
        step = {}
        for check in validate_unique:
            _unique(check, row, exclude, holder, ledger, stored, failing, step)
        _merge(errors, step)
        exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
        step = {}
        for check in constraints:
            if isinstance(check, UniqueCheck):
                _unique(check, row, exclude, holder, ledger, stored, failing, step)
            elif row.number in failing[id(check)] and not _excluded(check, model, exclude):
                _merge(
                    step,
                    {
                        error_key(check): [
                            ValidationError(
                                check.get_violation_error_message(), code=check.violation_error_code
                            )
                        ]
                    },
                )
        _merge(errors, step)
        if errors:
            found[row.number] = errors
        else:
            _accept(row, validate_unique + constraints, ledger, holder, failing)
    return found


def _stored_for(check: UniqueCheck, rows: list[PendingRow], stored_holders=None) -> dict:
    known = stored_holders(check) if stored_holders is not None else None
    if known is not None:
        return known
    keys = {key for row in rows if (key := check.key(row.instance)) is not None}
    return check.stored(keys) if keys else {}


def _excluded(check, model, exclude: set) -> bool:
    if isinstance(check, UniqueCheck):
        return check.skipped(exclude)
    return bool(_references(model, check.condition) & exclude)


def _unique(check, row, exclude, holder, ledger, stored, failing, step) -> None:
    if check.skipped(exclude):
        return
    key = check.key(row.instance)
    if key is None or (check.condition and row.number in failing[id(check)]):
        return
    if ledger.clashes(check, key, holder, stored[id(check)]):
        name, error = check.error(row.instance)
        _merge(step, {name: [error]})


def _accept(row: PendingRow, checks, ledger: UniqueLedger, holder, failing) -> None:
    for check in checks:
        if not isinstance(check, UniqueCheck):
            continue
        holds = not (check.condition and row.number in failing[id(check)])
        old_key = row.original.get(id(check))
        ledger.accept(check, check.key(row.instance) if holds else None, old_key, holder)


def _merge(errors: dict, more: dict) -> None:
    for key, messages in more.items():
        errors.setdefault(key, []).extend(messages)
