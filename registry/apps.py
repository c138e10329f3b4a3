from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_permissions(sender, **kwargs):
    from registry.curation.roles import CURATED_APPS, ensure_roles

    # post_migrate is sent once per app, after that app's permissions are created: wait for the last.
    if sender.name == CURATED_APPS[-1]:
        ensure_roles()


def _create_cache_tables(sender, using, **kwargs):
    # The database caches' tables (the API's throttling counters): migrate makes them too.
    if sender.name == "registry":
        from django.core.management import call_command

        call_command("createcachetable", database=using, verbosity=0)


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry: countries, laws and sources"

    def ready(self):
        from registry.curation.history import install_missing_triggers
        from registry.imports import lookups
        from registry.publication import register_publication_triggers

        lookups.register()
        register_publication_triggers()
        post_migrate.connect(_sync_role_permissions, dispatch_uid="registry.sync_role_permissions")
        post_migrate.connect(_create_cache_tables, dispatch_uid="registry.create_cache_tables")
        post_migrate.connect(install_missing_triggers, sender=self, dispatch_uid="registry.install_triggers")
