"""The Curators and Reviewers groups, so a fresh install has them.

Their permissions are set after every migrate by registry.curation.roles.ensure_roles (post_migrate), once
every app's permissions exist.
"""

from django.db import migrations

GROUPS = ("Curators", "Reviewers")


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in GROUPS:
        group_model.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("registry", "0002_history_and_versions"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
