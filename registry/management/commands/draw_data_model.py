"""Write the data model as a Mermaid entity-relationship diagram (docs/data-model-diagram.md), from
the models themselves; ``--check`` fails when the file is not what the models give (CI)."""

from pathlib import Path

import pghistory.models
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

APPS = ("registry", "vendors", "deployments")
DEFAULT_OUTPUT = Path("docs") / "data-model-diagram.md"
HEADER = """# Data model diagram

Every table of the registry's records and how they point at each other, generated from the models
by `manage.py draw_data_model` (CI checks that it is up to date; see [the data model](data-model.md)
for what each record means). Each record also has a history table (`…Event`), not drawn here.

```mermaid
erDiagram
"""


def diagram_models() -> list[type[models.Model]]:
    """The registry's own models, without the history event tables, by app then name."""
    found = [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, pghistory.models.Event)
    ]
    return sorted(found, key=lambda model: (APPS.index(model._meta.app_label), model.__name__))


# A key pointing at an automatic id holds the id's integer, not a counter of its own.
AUTO_TO_INTEGER = {"AutoField": "Integer", "BigAutoField": "BigInteger", "SmallAutoField": "SmallInteger"}


def column_type(field: models.Field) -> str:
    """Django's name of the field's kind, without "Field" (Mermaid takes one word)."""
    kind = field.get_internal_type()
    if field.is_relation:
        target = field.target_field.get_internal_type()
        kind = AUTO_TO_INTEGER.get(target, target)
    return kind.removesuffix("Field") or kind


def attribute(field: models.Field) -> str:
    keys = [key for key, applies in (("PK", field.primary_key), ("FK", field.is_relation)) if applies]
    if field.unique and not field.primary_key:
        keys.append("UK")
    return f"        {column_type(field)} {field.column}{' ' + ', '.join(keys) if keys else ''}"


def relationship(model, field) -> str:
    if isinstance(field, models.OneToOneField):
        shape = "|o--o|" if field.null else "|o--||"
    elif isinstance(field, models.ForeignKey):
        shape = "}o--o|" if field.null else "}o--||"
    else:  # many-to-many
        shape = "}o--o{"
    return f"    {model.__name__} {shape} {field.related_model.__name__} : {field.name}"


def mermaid() -> str:
    drawn = diagram_models()
    lines = []
    for model in drawn:
        lines.append(f"    {model.__name__} {{")
        lines.extend(attribute(field) for field in model._meta.concrete_fields)
        lines.append("    }")
    for model in drawn:
        for field in model._meta.get_fields():
            if field.auto_created or not field.is_relation or field.related_model not in drawn:
                continue
            if field.many_to_many and field.remote_field.through._meta.auto_created is False:
                continue  # an explicit link model (citations, vendor roles) is drawn with its own keys
            lines.append(relationship(model, field))
    return HEADER + "\n".join(lines) + "\n```\n"


class Command(BaseCommand):
    help = "Write the data model as a Mermaid diagram (docs/data-model-diagram.md); --check compares."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; fail if the file differs from the models."
        )

    def handle(self, *args, output: Path, check: bool, **options):
        text = mermaid()
        if check:
            current = output.read_text() if output.exists() else ""
            if current != text:
                raise CommandError(f"{output} is not up to date: run `manage.py draw_data_model`.")
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(text)
        self.stdout.write(f"Wrote {output}.")
