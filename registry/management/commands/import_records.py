"""Import a CSV or XLSX file of one curated model, or a directory of every model, all or nothing.

    manage.py import_records deployments.Deployment deployments.csv [--dry-run] [--user NAME] [--reason TEXT]
    manage.py import_records --all DIR [--dry-run] [--user NAME] [--reason TEXT]

The rules are those of the admin's import (registry/imports/resources.py): natural keys, every row validated,
new and changed records saved as drafts, a stale ``version`` refused, history events carrying the user
and the reason. If any row of any file is refused, the command prints each refusal (row, column,
message), writes nothing at all and exits with status 1. ``--all`` imports the files
``export_records --all`` writes (DIR/app.model.csv or .xlsx) in dependency order, in one transaction.
"""

from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from registry.curation.roles import is_curator
from registry.imports.files import ImportFileError
from registry.imports.resources import (
    FORMATS,
    DatabaseConnectionLost,
    all_resources,
    describe_row_error,
    file_name_for,
    read_dataset,
    resource_for,
    row_errors,
)
from registry.management.progress import ProgressBar

LABELS = {"new": "new", "update": "changed", "skip": "unchanged", "invalid": "refused", "error": "failed"}


class Command(BaseCommand):
    help = "Import a CSV/XLSX file of a curated model (or a directory, with --all DIR): all rows or none."

    def add_arguments(self, parser):
        parser.add_argument(
            "model", nargs="?", help="The model, as app_label.Model, e.g. deployments.Deployment."
        )
        parser.add_argument("file", nargs="?", help="The CSV or XLSX file to import.")
        parser.add_argument("--all", metavar="DIR", dest="all_dir", help="Import every model's file in DIR.")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), help="csv or xlsx (default: from the file name)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row and report; write nothing."
        )
        parser.add_argument("--user", help="Username of the curator the history records as the importer.")
        parser.add_argument("--reason", help='Why, for the history (default: "import <file name>").')

    def handle(self, *args, model=None, file=None, all_dir=None, verbosity=1, **options):
        user = self.importing_user(options["user"])
        jobs = self.jobs(model, file, all_dir, options["format"])
        refused = None
        try:
            with transaction.atomic():
                for resource_class, path, file_format in jobs:
                    refused = self.import_file(resource_class, path, file_format, user, options, verbosity)
                    if refused:
                        break
                if refused or options["dry_run"]:
                    transaction.set_rollback(True)
        except DatabaseConnectionLost as error:
            raise CommandError(str(error)) from None
        if refused:
            path, count = refused
            raise CommandError(f"Nothing was imported: {count} refusal(s) in {path}.")
        if options["dry_run"] and verbosity > 0:
            self.stdout.write("Dry run: every row is valid; nothing was written.")

    def importing_user(self, username):
        if not username:
            return None
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        if not is_curator(user):
            raise CommandError(f"{username} is not an active curator or reviewer: only they may import.")
        return user

    @staticmethod
    def forbidden_rows(model, result, user) -> str:
        """What the file would add or change that the user's role may not (the admin's rule): a
        curator adds no country and changes none, which only reviewers correct."""
        if user is None:
            return ""
        opts = model._meta
        for action, total in (("add", result.totals["new"]), ("change", result.totals["update"])):
            if total and not user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}"):
                return (
                    f"{user.get_username()} may not {action} {opts.verbose_name_plural} "
                    f"({total} row(s) would {action} one)"
                )
        return ""

    def jobs(self, model, file, all_dir, file_format):
        if all_dir:
            if model or file:
                raise CommandError("Give either a model and a file, or --all DIR.")
            directory = Path(all_dir)
            jobs = []
            for resource in all_resources():
                names = [
                    file_name_for(resource, name) for name in ([file_format] if file_format else FORMATS)
                ]
                found = [directory / name for name in names if (directory / name).is_file()]
                if found:
                    jobs.append((resource, found[0], file_format))
            if not jobs:
                raise CommandError(f"No app.model.csv or .xlsx file in {directory}.")
            return jobs
        if not (model and file):
            raise CommandError("Name a model (app_label.Model) and a file, or give --all DIR.")
        try:
            resource = resource_for(apps.get_model(model))
        except (LookupError, ValueError) as error:
            raise CommandError(f"{model}: {error}") from None
        if not Path(file).is_file():
            raise CommandError(f"No file {file}.")
        return [(resource, Path(file), file_format)]

    def import_file(self, resource_class, path, file_format, user, options, verbosity):
        """Import one file (in the caller's transaction); return (path, refusals) if rows were refused."""
        label = resource_class._meta.model._meta.label_lower
        try:
            dataset = read_dataset(path, file_format)
        except (ImportFileError, ValueError, OSError) as error:
            raise CommandError(f"Nothing was imported: {path}: {error}") from None
        bar = ProgressBar(label, len(dataset), enabled=verbosity > 0)
        result = resource_class(progress=bar.step, diff=False).import_data(
            dataset,
            dry_run=False,
            user=user,
            file_name=path.name,
            reason=options["reason"] or f"import {path.name}",
        )
        bar.close()
        if verbosity > 0:
            counts = ", ".join(
                f"{result.totals[key]} {name}" for key, name in LABELS.items() if result.totals[key]
            )
            self.stdout.write(
                f"{path.name}: {counts or 'no rows'} ({len(dataset)} rows in {bar.seconds:.1f} s, "
                f"{len(dataset) / bar.seconds if bar.seconds else 0:.0f} rows/s)"
            )
        forbidden = self.forbidden_rows(resource_class._meta.model, result, user)
        if forbidden:
            self.stderr.write(f"{path}: {forbidden}; nothing will be written.")
            return path, 1
        if not (result.has_errors() or result.has_validation_errors()):
            return None
        problems = list(row_errors(result))
        self.stderr.write(f"{path}: {len(problems)} refusal(s); nothing will be written.")
        for problem in problems:
            self.stderr.write(f"  {describe_row_error(*problem)}")
        return path, len(problems)
