"""Run a streaming hot standby of the registry's PostgreSQL server on this machine, to try read
replicas: it prints the DATABASE_REPLICA_URLS value to start the registry with, and runs until
interrupted (Ctrl-C or SIGTERM), then stops and removes the copy. See registry/standby.py."""

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from registry.standby import StandbyError, start_standby


class Command(BaseCommand):
    help = "Run a local hot standby of the registry's PostgreSQL server until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, help="Port on 127.0.0.1 (default: a free one).")

    def handle(self, *args, port=None, **options):
        primary = connections[DEFAULT_DB_ALIAS].settings_dict
        self.stderr.write("Copying the server with pg_basebackup...")
        try:
            standby = start_standby(primary, port=port)
        except StandbyError as error:
            raise CommandError(str(error)) from error
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self.stdout.write(f"DATABASE_REPLICA_URLS={standby.url()}")
            self.stderr.write(f"Streaming from the primary; data in {standby.workdir}. Ctrl-C stops it.")
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            standby.destroy()
            self.stderr.write("Standby stopped and removed.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
