"""Change history (django-pghistory): database triggers write an event for every insert, update and
delete of a tracked model, on every path — admin, import, ``QuerySet.update()``, ``bulk_create``.

Each model is decorated with ``@track_history``; many-to-many links without a model of their
own are tracked with ``track_links``, so the history also shows which places, technologies or laws
were linked and unlinked. The request's user and URL (HistoryMiddleware) and a curator's reason
(``pghistory.context(reason=...)``) are stored with each event.
"""

import logging

import pghistory
import pgtrigger
from pgtrigger.core import INSTALLED, OUTDATED, UNINSTALLED

logger = logging.getLogger(__name__)

# Columns the database derives from other rows (deployments/derived.py: search vectors, a camera
# count's visibility). No curator edits them: a renamed country must not show as an edit of each of
# its deployments.
DERIVED_FIELDS = frozenset({"search_vector", "search_names", "is_public", "timeline_date"})


def _trackers(model) -> tuple[pghistory.Tracker, ...]:
    # An update that changes nothing but the revision number (loading the seed again) is no event.
    unchanged = [field.name for field in model._meta.fields if field.name == "version"]
    return (
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=unchanged, exclude_auto=True)),
        pghistory.DeleteEvent(),
    )


def track_history(model):
    """Class decorator: keep every insert, update and delete of ``model`` in its event table."""
    derived = [field.name for field in model._meta.fields if field.name in DERIVED_FIELDS]
    return pghistory.track(*_trackers(model), exclude=derived)(model)


def track_links(*many_to_many_descriptors) -> None:
    for descriptor in many_to_many_descriptors:
        through = descriptor.through
        name = through._meta.object_name.replace("_", " ").title().replace(" ", "")
        pghistory.track(*_trackers(through), model_name=f"{name}Event")(through)


def install_missing_triggers(using: str = "default", **kwargs) -> None:
    """post_migrate: install the triggers that are missing or outdated (those of the many-to-many
    links, which have no migrations), one log line each, then prune the orphans. Nothing to do, nothing
    said: pgtrigger's own install on migrate reinstalled and logged all of them every time."""
    for model, trigger in pgtrigger.registered():
        status, enabled = trigger.get_installation_status(model, database=using)
        if status in (UNINSTALLED, OUTDATED) or (status == INSTALLED and not enabled):
            logger.info("Installing trigger %s on %s.", trigger.name, model._meta.db_table)
            trigger.install(model, database=using)
    pgtrigger.prune(database=using)
