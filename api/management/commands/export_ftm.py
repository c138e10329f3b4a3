"""Export every published record as FollowTheMoney entities, one JSON object per line.

    manage.py export_ftm > registry.ftm.json
    manage.py export_ftm --output registry.ftm.json

The same entities as ``/api/v1/export/ftm`` (api/ftm.py); docs/using-the-data-elsewhere.md shows how
to inspect them with the ``ftm`` command and load them into Aleph.
"""

from django.core.management.base import BaseCommand, CommandError

from api.ftm import entities, json_lines


class Command(BaseCommand):
    help = "Export every published record as FollowTheMoney entities (JSON lines)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="The file to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        if output is None:
            self.write(self.stdout)
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                count = self.write(handle)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        self.stderr.write(f"Wrote {count:,} entities to {output}.")

    def write(self, handle) -> int:
        count = 0
        for count, line in enumerate(json_lines(entities()), start=1):  # noqa: B007
            handle.write(line)
        return count
