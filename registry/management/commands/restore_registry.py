from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from registry.backup import restore


class Command(BaseCommand):
    help = (
        "Restore a backup_registry file, in one transaction (all of it or nothing). Into an empty "
        "database by default; --replace drops what is there first."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path)
        parser.add_argument("--replace", action="store_true", help="Replace the tables that exist.")
        parser.add_argument(
            "--database-name",
            help="Restore into this database on the same server instead of the configured one.",
        )

    def handle(self, *args, dump, replace=False, database_name=None, **options):
        if not dump.exists():
            raise CommandError(f"{dump} does not exist.")
        if not database_name and not replace and _has_tables():
            raise CommandError(
                "The database is not empty: use --replace to overwrite it, or restore elsewhere."
            )
        restore(dump, database=database_name, replace=replace)
        self.stdout.write(
            self.style.SUCCESS(f"Restored {dump} into {database_name or connection.settings_dict['NAME']}.")
        )


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())
