"""Who may do what: the Curators and Reviewers groups, and three permissions per curated model.

Curators add and change records, send them to review and propose changes to published ones.
Publishing (and sending back), retracting and approving proposed changes are the permissions
``publish_<model>``, ``retract_<model>`` and ``approve_<model>``, which the Reviewers group has and an
administrator can also give to one person for one kind of record (registry/curation/workflow.py and
revisions.py check them). Countries, which have no review status, are corrected by reviewers only.
Only superusers manage users (neither group has auth permissions). The
groups are created by a migration; their permissions are (re)synced after every ``migrate`` so that
models added later are covered too.
"""

import pghistory.models
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from registry.curation.models import is_curated

CURATED_APPS = ("registry", "vendors", "deployments")
CURATORS_GROUP = "Curators"
REVIEWERS_GROUP = "Reviewers"
# Rows that hang off a record and may be removed while editing it inline. Records themselves are
# retracted, never deleted, so their history and public URL stay.
DELETABLE_MODELS = (
    "legalframeworkcitation",
    "countrymembershipcitation",
    "vendorcitation",
    "deploymentcitation",
    "contractcitation",
    "contractparty",
    "deploymentvendor",
    "designation",
)


# Reference data loaded by a migration (every ISO 3166-1 country): no role adds or deletes it, and
# only a reviewer corrects it: it has no review status, so what is saved is public at once.
LOADED_ONLY = (("registry", "country"),)
# The review permissions of every curated model: (action, what the permission's name says).
REVIEW_ACTIONS = {
    "publish": "publish or send back",
    "retract": "retract",
    "approve": "approve or reject proposed changes to",
}


def review_permission(model, action: str) -> str:
    """``app_label.action_model``, as ``user.has_perm`` takes it."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def curated_models() -> list:
    return [
        model
        for app_label in CURATED_APPS
        for model in apps.get_app_config(app_label).get_models()
        if is_curated(model)
    ]


def ensure_review_permissions() -> list[Permission]:
    permissions = []
    for model in curated_models():
        content_type = ContentType.objects.get_for_model(model)
        for action, verb in REVIEW_ACTIONS.items():
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model._meta.model_name}",
                defaults={"name": f"Can {verb} {model._meta.verbose_name}"},
            )
            permissions.append(permission)
    return permissions


def role_permissions():
    curated = Permission.objects.filter(content_type__app_label__in=CURATED_APPS).exclude(
        codename__regex=rf"^({'|'.join(REVIEW_ACTIONS)})_"
    )
    for app_label, model in LOADED_ONLY:
        curated = curated.exclude(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__regex=r"^(add|change|delete)_",
        )
    # The history tables (pghistory's event models, e.g. DeploymentEvent), known by their class: a
    # name ending in "event" is no sign of one (deployments.Event is a curated record).
    history_types = ContentType.objects.get_for_models(
        *(model for model in apps.get_models() if issubclass(model, pghistory.models.Event))
    ).values()
    history_models = curated.filter(content_type__in=history_types)
    editing = curated.exclude(codename__startswith="delete_").exclude(content_type__in=history_types)
    deleting = curated.filter(content_type__model__in=DELETABLE_MODELS, codename__startswith="delete_")
    reading_history = history_models.filter(codename__startswith="view_") | Permission.objects.filter(
        content_type__app_label="pghistory", codename__startswith="view_"
    )
    proposals = Permission.objects.filter(content_type__app_label="curation", codename__startswith="view_")
    return editing | deleting | reading_history | proposals


def loaded_only_corrections():
    """The permissions to change the reference data no role adds (a reviewer's)."""
    corrections = Permission.objects.none()
    for app_label, model in LOADED_ONLY:
        corrections |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model, codename__startswith="change_"
        )
    return corrections


def ensure_roles() -> tuple[Group, Group]:
    """Create the two groups if needed and give each the model permissions of its role."""
    editing = list(role_permissions())
    reviewing = ensure_review_permissions() + list(loaded_only_corrections())
    curators, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    curators.permissions.set(editing)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    reviewers.permissions.set(editing + reviewing)
    return curators, reviewers


def ensure_curator_group() -> Group:
    return ensure_roles()[0]


def is_reviewer(user) -> bool:
    """In the Reviewers group (or superuser): sees the review queue. What a reviewer may do to a
    kind of record is its review permissions (``may_review``)."""
    return bool(user.is_active and (user.is_superuser or user.groups.filter(name=REVIEWERS_GROUP).exists()))


def may_review(user, model, action: str) -> bool:
    return bool(user.is_active and user.has_perm(review_permission(model, action)))


def is_curator(user) -> bool:
    """In either group (or superuser). Looked up once per user object: the admin asks often."""
    cached = getattr(user, "_is_curator", None)
    if cached is None:
        cached = bool(
            user.is_active
            and (user.is_superuser or user.groups.filter(name__in=(CURATORS_GROUP, REVIEWERS_GROUP)).exists())
        )
        user._is_curator = cached
    return cached
