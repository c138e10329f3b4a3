"""The curator role: who may edit the registry in the admin.

The review workflow (issue: curation) refines this into Curators and Reviewers; for now every
curator may view, add and change every record, and delete only the rows that hang off a record
(citations, parties, vendor roles, designations) so inline editing works.
"""

from django.contrib.auth.models import Group, Permission

CURATED_APPS = ("registry", "vendors", "deployments")
CURATORS_GROUP = "Curators"
DELETABLE_MODELS = (
    "legalframeworkcitation",
    "vendorcitation",
    "deploymentcitation",
    "contractcitation",
    "contractparty",
    "deploymentvendor",
    "designation",
)


def ensure_curator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=CURATED_APPS).exclude(
        codename__startswith="delete_"
    ) | Permission.objects.filter(
        content_type__app_label__in=CURATED_APPS,
        content_type__model__in=DELETABLE_MODELS,
        codename__startswith="delete_",
    )
    group.permissions.set(permissions)
    return group
