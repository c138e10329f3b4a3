from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_permissions(sender, **kwargs):
    from registry.roles import CURATED_APPS, ensure_roles

    # post_migrate is sent once per app, after that app's permissions are created: wait for the last.
    if sender.name == CURATED_APPS[-1]:
        ensure_roles()


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry: countries, laws and sources"

    def ready(self):
        from registry import lookups

        lookups.register()
        post_migrate.connect(_sync_role_permissions, dispatch_uid="registry.sync_role_permissions")
