"""Write a citable data release of every published record (registry/releases/).

    manage.py make_release [--output DIR] [--version VERSION] [--base-url https://registry.example.org]

The release goes into DIR/VERSION (DIR: REGISTRY_RELEASES_DIR; VERSION: today's date, 2026.12.07, or
2026.12.07.2 for a second release that day); the website lists the releases of REGISTRY_RELEASES_DIR
at /releases/.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.management.base import BaseCommand, CommandError

from registry.releases.build import ReleaseError, make_release


class Command(BaseCommand):
    help = "Write a dated, versioned release of every published record (CSV, datapackage.json, CITATION.cff)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # --version is the release's here, not Django's.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--output", help="The directory of releases (default: REGISTRY_RELEASES_DIR).")
        parser.add_argument(
            "--version", dest="release_version", help="The release's version (default: the date)."
        )
        parser.add_argument(
            "--base-url",
            help="The registry's public address, for the links in the CSV files (default: REGISTRY_PUBLIC_URL).",
        )

    def handle(self, *args, output=None, release_version=None, base_url=None, verbosity=1, **options):
        root = Path(output or settings.REGISTRY_RELEASES_DIR)
        base_url = base_url or settings.REGISTRY_PUBLIC_URL
        try:
            directory = make_release(root, base_url, release_version)
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        except DisallowedHost:
            raise CommandError(
                f"{base_url} is not among DJANGO_ALLOWED_HOSTS: add its host name, or choose --base-url."
            ) from None
        if verbosity > 0:
            self.stdout.write(f"Wrote release {directory.name} to {directory}.")
