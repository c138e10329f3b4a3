"""``manage.py seed``: insert the seed records (fixtures/*.yaml) that the registry does not have yet.

Unlike ``loaddata``, it never writes over what is there: a record found by its natural key (ISO code,
slug, public id...) is left exactly as it is, edited, unpublished or retracted, with its links and
its inline rows (citations, vendor roles, camera counts, parties); a part (an inline row) of a
record that was already there is not added either. Into an empty registry it loads the whole seed;
run again, it inserts nothing and says so. `make seed`, `make run` and docker-compose's
``migrate`` service run it after ``migrate``.
"""

from collections import Counter
from pathlib import Path

import pghistory
from django.conf import settings
from django.contrib import admin
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, IntegrityError, transaction
from django.forms.models import _get_foreign_key

SEED_DIR = Path(settings.BASE_DIR) / "fixtures"


def seed_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.yaml"))


def owner_fields() -> dict[type, str]:
    """{model: foreign key to the record it is an inline row of}, from the curator admin's inlines."""
    owners = {}
    for parent, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            owners[inline.model] = _get_foreign_key(parent, inline.model, inline.fk_name).name
    return owners


class Seeder:
    """Inserts the missing objects of a stream of deserialized fixture objects, in order."""

    def __init__(self):
        self.owners = owner_fields()
        self.inserted: set[tuple[type, object]] = set()
        self.deferred = []
        self.counts: Counter = Counter()
        self.kept = 0

    def offer(self, item) -> None:
        obj = item.object
        model = type(obj)
        if obj.pk is None and not hasattr(obj, "natural_key"):
            raise CommandError(f"A seed {model._meta.verbose_name} has neither a natural key nor an id.")
        if obj.pk is not None and self._exists(model, obj.pk):
            self.kept += 1  # there already: never updated, relinked or republished
            return
        if self._owner_was_there(obj):
            self.kept += 1  # an inline row of a record the registry had: curators decide its rows
            return
        item.save()
        self.inserted.add((model, obj.pk))
        self.counts[model._meta.verbose_name_plural] += 1
        if item.deferred_fields:
            self.deferred.append(item)

    def finish(self) -> None:
        for item in self.deferred:
            item.save_deferred_fields()

    def _exists(self, model, pk) -> bool:
        return (model, pk) in self.inserted or model._base_manager.filter(pk=pk).exists()

    def _owner_was_there(self, obj) -> bool:
        name = self.owners.get(type(obj))
        if name is None:
            return False
        field = obj._meta.get_field(name)
        owner_pk = getattr(obj, field.attname)
        return owner_pk is not None and (field.related_model, owner_pk) not in self.inserted


class Command(BaseCommand):
    help = (
        "Insert the seed records (fixtures/*.yaml) the registry does not have yet; "
        "never change, relink or republish one that is there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fixtures", nargs="*", help="Fixture files, in order (default: fixtures/*.yaml, sorted)."
        )

    def handle(self, *args, fixtures=(), **options):
        paths = [Path(name) for name in fixtures] or seed_files()
        missing = [str(path) for path in paths if not path.is_file()]
        if missing or not paths:
            raise CommandError(f"No seed file at {', '.join(missing) or SEED_DIR}.")
        seeder = Seeder()
        try:
            with transaction.atomic(), pghistory.context(reason="Seed: records the registry did not have"):
                for path in paths:
                    with path.open(encoding="utf-8") as stream:
                        items = serializers.deserialize("yaml", stream, handle_forward_references=True)
                        for item in items:
                            seeder.offer(item)
                seeder.finish()
        except (
            serializers.base.DeserializationError,
            ObjectDoesNotExist,
            IntegrityError,
            DatabaseError,
        ) as error:
            raise CommandError(f"The seed was not loaded (nothing changed): {error}") from error
        if options["verbosity"] >= 1:
            self.stdout.write(summary(seeder, detailed=options["verbosity"] >= 2))


def summary(seeder: Seeder, detailed: bool = False) -> str:
    """One line; with ``-v 2`` the records inserted of each kind too."""
    if not seeder.counts:
        return f"Seed: nothing to insert; the registry already holds the seed ({seeder.kept} records left as they are)."
    total = sum(seeder.counts.values())
    parts = ", ".join(f"{count} {name}" for name, count in seeder.counts.most_common())
    inserted = f"inserted {total} records ({parts})" if detailed else f"inserted {total} records"
    return f"Seed: {inserted}; left {seeder.kept} that were there as they are."
