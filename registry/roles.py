"""Who may do what: the Curators and Reviewers groups.

Curators add and change records and send them to review; only Reviewers publish, retract or send
back (registry/workflow.py checks it); only superusers manage users (neither group has auth
permissions). The groups are created by a migration; their model permissions are (re)synced after
every ``migrate`` so that models added later are covered too.
"""

from django.contrib.auth.models import Group, Permission

CURATED_APPS = ("registry", "vendors", "deployments")
CURATORS_GROUP = "Curators"
REVIEWERS_GROUP = "Reviewers"
# Rows that hang off a record and may be removed while editing it inline. Records themselves are
# retracted, never deleted, so their history and public URL stay.
DELETABLE_MODELS = (
    "legalframeworkcitation",
    "vendorcitation",
    "deploymentcitation",
    "contractcitation",
    "contractparty",
    "deploymentvendor",
    "designation",
)


def role_permissions():
    curated = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    history_models = curated.filter(content_type__model__endswith="event")
    editing = curated.exclude(codename__startswith="delete_").exclude(
        content_type__in=history_models.values("content_type")
    )
    deleting = curated.filter(content_type__model__in=DELETABLE_MODELS, codename__startswith="delete_")
    reading_history = history_models.filter(codename__startswith="view_") | Permission.objects.filter(
        content_type__app_label="pghistory", codename__startswith="view_"
    )
    return editing | deleting | reading_history


def ensure_roles() -> tuple[Group, Group]:
    """Create the two groups if needed and give each the model permissions of its role."""
    permissions = list(role_permissions())
    groups = []
    for name in (CURATORS_GROUP, REVIEWERS_GROUP):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups.append(group)
    return groups[0], groups[1]


def ensure_curator_group() -> Group:
    return ensure_roles()[0]


def is_reviewer(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()))


def is_curator(user) -> bool:
    return bool(
        user.is_active
        and (user.is_superuser or user.groups.filter(name__in=(CURATORS_GROUP, REVIEWERS_GROUP)).exists())
    )
