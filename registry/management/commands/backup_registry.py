from pathlib import Path

from django.core.management.base import BaseCommand

from registry.backup import backup


class Command(BaseCommand):
    help = "Save the whole registry (records, history, users) to a pg_dump custom-format file."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="File to write, e.g. registry-2026-11-26.dump")

    def handle(self, *args, output, **options):
        backup(output)
        self.stdout.write(
            self.style.SUCCESS(f"Saved the registry to {output} ({output.stat().st_size:,} bytes).")
        )
