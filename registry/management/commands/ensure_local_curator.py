"""Create the local curator account of the embedded default, printing its password once.

On a DATABASE_URL database it creates nothing and says so (without failing, so `make run` goes on):
accounts there are made on purpose, with `manage.py createsuperuser`."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from registry.curation.roles import ensure_curator_group

USERNAME = "curator"


class Command(BaseCommand):
    help = "Create a local curator account (embedded database only) and print its generated password once."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Also on a DATABASE_URL database.")

    def handle(self, *args, force=False, **options):
        if not settings.EMBEDDED_DATABASE and not force:
            self.stdout.write(
                "No local curator account on a DATABASE_URL database: create accounts with "
                "`manage.py createsuperuser` (or run this command with --force)."
            )
            return
        group = ensure_curator_group()
        user_model = get_user_model()
        user = user_model.objects.filter(username=USERNAME).first()
        if user is not None:
            user.groups.add(group)
            self.stdout.write(
                f"Curator account '{USERNAME}' exists; its password was printed when it was created."
            )
            return
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(USERNAME, password=password, is_staff=True)
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created curator account at /admin/: username '{USERNAME}', password '{password}' "
                "(shown once; `manage.py changepassword curator` to change it)."
            )
        )
