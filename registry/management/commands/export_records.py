"""Export the records of one curated model, or of every one, as CSV or XLSX with natural keys.

    manage.py export_records deployments.Deployment -o deployments.csv [--format csv|xlsx]
    manage.py export_records --all DIR [--format csv|xlsx]

``--all`` writes one file per model (DIR/app.model.csv), which ``import_records --all DIR`` imports
into another registry in dependency order. Every record is exported, whatever its review status.
"""

import sys
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from registry.imports.resources import (
    FORMATS,
    all_resources,
    export_bytes,
    file_name_for,
    format_of,
    resource_for,
)
from registry.management.progress import ProgressBar


class Command(BaseCommand):
    help = "Export the records of a curated model (or of all, with --all DIR) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument(
            "model", nargs="?", help="The model, as app_label.Model, e.g. deployments.Deployment."
        )
        parser.add_argument("-o", "--output", help="The file to write (default: standard output, CSV only).")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help="csv or xlsx (default: from -o, else csv)."
        )
        parser.add_argument(
            "--all", metavar="DIR", dest="all_dir", help="Export every curated model into DIR, one file each."
        )

    def handle(self, *args, model=None, output=None, format=None, all_dir=None, verbosity=1, **options):
        if bool(model) == bool(all_dir):
            raise CommandError("Name one model (app_label.Model) or give --all DIR.")
        if all_dir:
            file_format = format or "csv"
            directory = Path(all_dir)
            directory.mkdir(parents=True, exist_ok=True)
            jobs = [
                (resource, directory / file_name_for(resource, file_format)) for resource in all_resources()
            ]
        else:
            try:
                resource = resource_for(apps.get_model(model))
            except (LookupError, ValueError) as error:
                raise CommandError(f"{model}: {error}") from None
            path = Path(output) if output else None
            try:
                file_format = format_of(path, format) if path and not format else (format or "csv")
            except ValueError as error:
                raise CommandError(str(error)) from None
            if path is None and file_format != "csv":
                raise CommandError("XLSX is binary: give a file with -o.")
            jobs = [(resource, path)]

        for resource_class, path in jobs:
            model_class = resource_class._meta.model
            bar = ProgressBar(
                model_class._meta.label_lower, model_class._default_manager.count(), enabled=verbosity > 0
            )
            data = export_bytes(resource_class(progress=bar.step), file_format=file_format)
            bar.close()
            if path is None:
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
            else:
                path.write_bytes(data)
                if verbosity > 0:
                    self.stderr.write(f"Wrote {bar.done} rows to {path}.")
