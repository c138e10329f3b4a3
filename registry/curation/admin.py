"""The review workflow, history and conflicting edits in the curator admin: one mixin, in the bases of
every ModelAdmin of the registry (``RegistryModelAdmin``).

- ``review_status`` is read-only in every form, for everyone. It changes only through
  ``registry.curation.workflow.transition``: the buttons of a change page (one POST-only, CSRF-protected URL,
  ``<pk>/transition/``) and the changelist actions, which call it record by record and report what
  was refused and why. A curator never publishes: the transition refuses (403 for the URL, a message
  for an action), whatever is posted.
- Every change form has an optional "Reason for this change", stored with the history events of the
  save (the record, its inline rows and its links are saved inside the same ``pghistory.context``).
- A change form carries the revision it was rendered from. If someone saved the record meanwhile,
  the save is refused and the page shows the stored version next to the submitted one, field by
  field; saving again (after comparing) is then based on the stored revision. Actions carry the
  revision of each listed row too, so a transition of a record changed since the list was loaded is
  refused for that record.
- "History" shows the trigger history (django-pghistory) of the record and of the rows that point at
  it (citations, camera counts, vendor roles, parties, links), with who, when, why, and the
  differences between consecutive snapshots.
- Saving the change form of a PUBLISHED record proposes the change instead of making it
  (registry/curation/revisions.py): the form, its inlines and links are saved in a savepoint, read
  back as a pending proposal and rolled back, so the public keeps the published version until a
  reviewer approves. The change page shows the pending proposal and recent decisions; "Proposed
  changes" (``RevisionAdmin``) lists them with their diff and the approve / send back / withdraw
  buttons.
- ``review_queue_view``: everything in review and every pending proposal, for reviewers
  (``/admin/review-queue/``).
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field

import pghistory
from concurrency.exceptions import RecordModifiedError
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from registry.choices import ReviewStatus
from registry.curation import revisions
from registry.curation.models import Revision, RevisionStatus, is_curated
from registry.curation.roles import is_curator, is_reviewer
from registry.curation.workflow import TRANSITIONS, WorkflowRefused, allowed_transitions, may_take, transition

REASON_FIELD = "change_reason"
VERSION_FIELD = "seen_version"
EXTRA_FORM_FIELDS = (REASON_FIELD, VERSION_FIELD)
# Bookkeeping columns: never shown as a "change" in a history or a comparison.
UNINTERESTING_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
HISTORY_PAGE_SIZE = 100


def is_versioned(model) -> bool:
    return hasattr(model, "_concurrencymeta")


# --- Forms -----------------------------------------------------------------------------------------


class CuratedFormMixin(forms.Form):
    """Added to the admin form of every model: the reason, and for versioned records the revision."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Optional; kept in the history with your change (e.g. the source that prompted it).",
    )
    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    conflict = None  # the stored record, when it changed since the form was rendered

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_versioned(self._meta.model):
            del self.fields[VERSION_FIELD]
        elif self.instance.pk is not None and not self.is_bound:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if VERSION_FIELD in self.fields and self.instance.pk is not None:
            self._refuse_stale_revision(cleaned.get(VERSION_FIELD))
        return cleaned

    def _refuse_stale_revision(self, seen: int | None) -> None:
        # The admin saves inside a transaction: the lock holds until the save is written.
        model = self._meta.model
        stored = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is None or stored.version == seen:
            return
        self.conflict = stored
        # The form comes back with the user's values, based on the stored revision: saving it
        # again after comparing is a deliberate choice, not a silent overwrite.
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(stored.version)
        self.data = data
        name = model._meta.verbose_name
        if seen is None:
            problem = f"This form did not say which revision of the {name} it was based on."
        else:
            problem = (
                f"Someone else saved this {name} while you were editing it "
                f"(you started from revision {seen}; it is now at revision {stored.version})."
            )
        raise ValidationError(
            f"{problem} Nothing was saved. Compare the stored version with yours below, keep what "
            "should stay, and save again.",
            code="stale_revision",
        )


class WorkflowActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label="Reason:",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 30, "placeholder": "needed to send back or retract"}),
    )


# --- Showing values --------------------------------------------------------------------------------


def model_field_by_attname(model, name: str):
    for model_field in model._meta.concrete_fields:
        if model_field.attname == name or model_field.name == name:
            return model_field
    return None


def display_value(model_field, value, related: dict | None = None) -> str:
    """A stored value as a curator reads it: choice labels, linked records by name, lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if model_field is not None and model_field.is_relation and related is not None:
        target = related.get((model_field.related_model, _as_key(value)))
        return str(target) if target is not None else f"#{value} (no longer exists)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        base = getattr(model_field, "base_field", None)
        return ", ".join(display_value(base, item) for item in value)
    choices = dict(model_field.flatchoices) if model_field is not None and model_field.choices else {}
    if choices:
        return str(choices.get(value, value))
    return str(value)


def _as_key(value):
    return str(value)


def fetch_related(wanted: dict[type, set]) -> dict:
    """``{(model, str(pk)): obj}`` for the linked records a history or a comparison names."""
    found = {}
    for model, pks in wanted.items():
        queryset = model._base_manager.filter(pk__in=pks)
        try:
            related_admin = admin.site.get_model_admin(model)
        except admin.exceptions.NotRegistered:
            related_admin = None
        str_related = getattr(related_admin, "str_select_related", ())
        if str_related:
            queryset = queryset.select_related(*str_related)
        for obj in queryset:
            found[(model, _as_key(obj.pk))] = obj
    return found


def describe_values(model, before: dict, after: dict) -> list[revisions.FieldChange]:
    """The fields whose serialized values differ between two snapshots of a row, as a curator
    reads them (a proposal's diff)."""
    names = [
        f.name
        for f in (*model._meta.concrete_fields, *model._meta.many_to_many)
        if f.name in {**before, **after}
        and f.name not in UNINTERESTING_FIELDS
        and before.get(f.name) != after.get(f.name)
    ]
    wanted: dict[type, set] = defaultdict(set)
    for name in names:
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            for value in (before.get(name), after.get(name)):
                for item in value if isinstance(value, list) else [value]:
                    if item is not None:
                        wanted[model_field.related_model].add(item)
    related = fetch_related(wanted)

    def shown(model_field, value) -> str:
        if model_field.many_to_many:
            items = [related.get((model_field.related_model, _as_key(pk)), f"#{pk}") for pk in value or []]
            return ", ".join(str(item) for item in items) or "—"
        if isinstance(model_field, ArrayField) and isinstance(value, str):
            value = json.loads(value)
        return display_value(model_field, value, related)

    changes = []
    for name in names:
        model_field = model._meta.get_field(name)
        old = shown(model_field, before.get(name)) if name in before else "—"
        new = shown(model_field, after.get(name)) if name in after else "—"
        inline = word_diff(old, new) if isinstance(model_field, models.TextField) and name in before else ""
        changes.append(revisions.FieldChange(capfirst(model_field.verbose_name), old, new, inline))
    return changes


def word_diff(before: str, after: str) -> str:
    """``after`` with the words taken out of ``before`` struck through and the new ones marked: a
    reviewer reads one sentence changed in a long summary without comparing two columns."""
    old, new = before.split(" "), after.split(" ")
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            parts.append(format_html("<del>{}</del>", " ".join(old[i1:i2])))
        if op in ("replace", "insert"):
            parts.append(format_html("<ins>{}</ins>", " ".join(new[j1:j2])))
        if op == "equal":
            parts.append(format_html("{}", " ".join(old[i1:i2])))
    return mark_safe(" ".join(parts))  # noqa: S308 (every part escaped by format_html)


def admin_link(obj) -> str:
    """A record as a link to its admin page (plain text if it has none)."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except Exception:  # noqa: BLE001 (not registered in the admin)
        return format_html("{}", obj)
    return format_html('<a href="{}">{}</a>', url, obj)


def refusal_message(error: WorkflowRefused):
    """A refused step as one message: the summary, then each blocker with a link to fix it."""
    return format_html(
        "{}<ul>{}</ul>",
        error.summary,
        format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (blocker.message, format_html(" ({})", admin_link(blocker.record)) if blocker.record else "")
                for blocker in error.blockers
            ),
        ),
    )


# --- History ---------------------------------------------------------------------------------------


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    event: object
    what: str
    action: str
    is_record: bool
    user: object = None
    reason: str = ""
    transition: str = ""
    changes: list[Change] = field(default_factory=list)


LABEL_ACTIONS = {"insert": "added", "update": "changed", "delete": "deleted"}


def history_entries(obj, events) -> list[HistoryEntry]:
    """Readable history rows for a page of ``pghistory.models.Events`` that reference ``obj``."""
    tracked = {event.pgh_slug: apps.get_model(event.pgh_obj_model) for event in events}
    wanted: dict[type, set] = defaultdict(set)
    user_ids = set()
    for event in events:
        model = tracked[event.pgh_slug]
        for name, value in _event_values(event):
            model_field = model_field_by_attname(model, name)
            if model_field is not None and model_field.is_relation:
                for item in value:
                    if item is not None:
                        wanted[model_field.related_model].add(item)
        user_id = (event.pgh_context or {}).get("user")
        if user_id is not None:
            user_ids.add(user_id)
    related = fetch_related(wanted)
    users = get_user_model()._base_manager.in_bulk(user_ids)
    entries = []
    for event in events:
        model = tracked[event.pgh_slug]
        context = event.pgh_context or {}
        is_record = model is obj._meta.concrete_model and str(event.pgh_obj_id) == str(obj.pk)
        entries.append(
            HistoryEntry(
                event=event,
                what=_describe_row(model, is_record),
                action=LABEL_ACTIONS.get(event.pgh_label, event.pgh_label),
                is_record=is_record,
                user=users.get(context.get("user")),
                reason=context.get("reason", ""),
                transition=TRANSITIONS[context["transition"]].label
                if context.get("transition") in TRANSITIONS
                else "",
                changes=_event_changes(model, event, related),
            )
        )
    return entries


def _event_values(event):
    """(field, [values]) of an event: every value of a snapshot, or both sides of a diff."""
    if event.pgh_diff:
        for name, (before, after) in event.pgh_diff.items():
            yield name, [before, after]
    else:
        for name, value in (event.pgh_data or {}).items():
            yield name, [value]


def _describe_row(model, is_record: bool) -> str:
    if is_record:
        return capfirst(model._meta.verbose_name)
    if model._meta.auto_created:  # a many-to-many link without a model of its own
        source, target = (f for f in model._meta.fields if f.is_relation)
        return f"Link {source.related_model._meta.verbose_name} – {target.related_model._meta.verbose_name}"
    return capfirst(model._meta.verbose_name)


def _event_changes(model, event, related) -> list[Change]:
    rows = []
    if event.pgh_label == "update" and event.pgh_diff:
        items = [(name, before, after) for name, (before, after) in event.pgh_diff.items()]
    elif event.pgh_label == "delete":
        items = [(name, value, None) for name, value in (event.pgh_data or {}).items()]
    else:
        items = [(name, None, value) for name, value in (event.pgh_data or {}).items()]
    for name, before, after in items:
        if name in UNINTERESTING_FIELDS or (before in (None, "", []) and after in (None, "", [])):
            continue
        model_field = model_field_by_attname(model, name)
        label = capfirst(model_field.verbose_name) if model_field is not None else name
        rows.append(
            Change(
                label, display_value(model_field, before, related), display_value(model_field, after, related)
            )
        )
    return rows


# --- The mixin -------------------------------------------------------------------------------------


class WorkflowAdminMixin:
    """Review workflow, history and stale-edit refusal for a ModelAdmin (see the module docstring)."""

    change_form_template = "admin/registry/workflow_change_form.html"
    object_history_template = "admin/registry/object_history.html"
    action_form = WorkflowActionForm
    workflow_actions = ("submit_selected", "publish_selected", "send_back_selected", "retract_selected")

    # Forms: read-only status, reason, revision

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if is_curated(self.model) and "review_status" not in readonly:
            readonly += ("review_status",)
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.pop("form", self.form)
        if not issubclass(base, CuratedFormMixin):
            base = type(base.__name__, (CuratedFormMixin, base), {})
        return super().get_form(request, obj, change, form=base, **kwargs)

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name not in EXTRA_FORM_FIELDS]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        reason = request.POST.get(REASON_FIELD, "").strip() if request.method == "POST" else ""
        if request.method == "POST" and object_id is not None and is_curated(self.model):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and obj.review_status == ReviewStatus.PUBLISHED:
                return self._propose_change(request, obj, object_id, form_url, extra_context, reason)
        # One context around the whole save: the record, its inlines and its links.
        with pghistory.context(**({"reason": reason} if reason else {})):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _propose_change(self, request, obj, object_id, form_url, extra_context, reason):
        """The form of a published record: its save (inlines and links too) becomes a proposal."""
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(self._admin_url_name("change"), args=[obj.pk])
        request.proposing_change = True  # the admin's "changed successfully" would be untrue
        try:
            with revisions.capture_proposal(obj, user=request.user, reason=reason) as capture:
                response = super().changeform_view(request, object_id, form_url, extra_context)
                if response.status_code != 302:  # the form came back with errors: nothing saved
                    capture.abandon()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(change_url)
        finally:
            request.proposing_change = False
        if capture.abandoned:
            return response
        if capture.revision is None:
            messages.info(request, f"Nothing changed in {obj}: no proposal was made.")
        else:
            url = reverse(f"{self.admin_site.name}:curation_revision_change", args=[capture.revision.pk])
            messages.success(
                request,
                format_html(
                    "Your change to {} is proposed and waits for a reviewer; the public sees the "
                    'published version until it is approved. <a href="{}">See the proposal</a>.',
                    obj,
                    url,
                ),
            )
        return HttpResponseRedirect(change_url)

    def message_user(self, request, message, *args, **kwargs):
        if not getattr(request, "proposing_change", False):
            super().message_user(request, message, *args, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context.update(
            reason_field=form[REASON_FIELD] if REASON_FIELD in form.fields else None,
            version_field=form[VERSION_FIELD] if VERSION_FIELD in form.fields else None,
            conflict=self._conflict_rows(request, form) if form.conflict is not None else None,
            workflow=self._workflow_context(request, obj) if obj is not None and change else None,
            proposals=self._proposals_context(obj) if obj is not None and change else None,
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _conflict_rows(self, request, form) -> list[dict]:
        stored = form.conflict
        rows = []
        wanted: dict[type, set] = defaultdict(set)
        pairs = []
        for name in form.fields:
            if name in EXTRA_FORM_FIELDS:
                continue
            try:
                model_field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_many:
                before = sorted(str(item) for item in getattr(stored, name).all())
                submitted = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
                after = sorted(str(item) for item in submitted) if submitted is not None else []
                pairs.append((model_field, ", ".join(before) or "—", ", ".join(after) or "—"))
                continue
            before_value = getattr(stored, model_field.attname)
            if name in getattr(form, "cleaned_data", {}):
                after_value = form.cleaned_data[name]
                if isinstance(after_value, models.Model):
                    after_value = after_value.pk
            else:
                after_value = form.data.get(form.add_prefix(name))
            if model_field.is_relation:
                for value in (before_value, after_value):
                    if value not in (None, ""):
                        wanted[model_field.related_model].add(value)
            pairs.append((model_field, before_value, after_value))
        related = fetch_related(wanted)
        for model_field, before, after in pairs:
            if not model_field.many_to_many:
                before = display_value(model_field, before, related)
                after = display_value(model_field, after, related)
            rows.append(
                {
                    "label": capfirst(model_field.verbose_name),
                    "stored": before,
                    "submitted": after,
                    "differs": before != after,
                }
            )
        if is_curated(self.model):
            status = stored.get_review_status_display()
            rows.insert(
                0, {"label": "Review status", "stored": status, "submitted": status, "differs": False}
            )
        return rows

    def _workflow_context(self, request, obj) -> dict | None:
        if not is_curated(self.model):
            return None
        may_change = self.has_change_permission(request, obj)
        return {
            "status": obj.get_review_status_display(),
            "status_value": obj.review_status,
            "transitions": allowed_transitions(obj, request.user) if may_change else [],
            "url": reverse(self._admin_url_name("workflow_transition"), args=[obj.pk]),
            "version": getattr(obj, "version", None),
            "needs_reason": any(t.needs_reason for t in allowed_transitions(obj, request.user)),
        }

    def _proposals_context(self, obj) -> dict | None:
        if not is_curated(self.model):
            return None
        records = Revision.objects.filter(
            content_type__app_label=self.model._meta.app_label,
            content_type__model=self.model._meta.model_name,
            object_id=obj.pk,
        ).select_related("proposed_by", "decided_by")
        recent = list(records[:5])
        return {
            "is_published": obj.review_status == ReviewStatus.PUBLISHED,
            "pending": next((r for r in recent if r.status == RevisionStatus.PENDING), None),
            "recent": recent,
        }

    def _admin_url_name(self, suffix: str) -> str:
        opts = self.model._meta
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{suffix}"

    # The transition URL

    def get_urls(self):
        urls = super().get_urls()
        if not is_curated(self.model):
            return urls
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.workflow_transition_view),
                name=f"{opts.app_label}_{opts.model_name}_workflow_transition",
            ),
            *urls,
        ]

    def workflow_transition_view(self, request, object_id):
        """POST only (CSRF-checked by admin_view): move one record along the workflow."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with this ID.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        name = request.POST.get("transition", "")
        if name not in TRANSITIONS:
            return HttpResponseBadRequest("Unknown transition.")
        seen = request.POST.get("seen_version", "")
        expected_version = int(seen) if seen.isdigit() else None
        change_url = reverse(self._admin_url_name("change"), args=[obj.pk])
        # PermissionDenied (a curator publishing) propagates: 403.
        ok = self._run_transition(request, obj, name, request.POST.get("reason", ""), expected_version)
        if ok:
            messages.success(
                request,
                f"{TRANSITIONS[name].label}: done for {obj} (now {obj.get_review_status_display().lower()}).",
            )
        return HttpResponseRedirect(change_url)

    def _run_transition(self, request, obj, name, reason, expected_version) -> bool:
        """Transition ``obj`` or tell the user why not; PermissionDenied propagates."""
        try:
            transition(obj, name=name, user=request.user, reason=reason, expected_version=expected_version)
        except RecordModifiedError:
            messages.error(
                request,
                f"{obj} was changed by someone else since you loaded the page; nothing was done. "
                "Check the current version and try again.",
            )
        except WorkflowRefused as error:
            messages.error(request, refusal_message(error))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            return True
        return False

    # Actions

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_curated(self.model) or self.actions is None or "_popup" in request.GET:
            return actions
        for name in self.workflow_actions:
            func, action_name, description = self.get_action(name)
            step = TRANSITIONS[func.workflow_transition]
            if may_take(request.user, self.model, step) and self.has_change_permission(request):
                actions[action_name] = (func, action_name, description)
        return actions

    def action_checkbox(self, obj):
        """The row checkbox carries the revision the list showed, so actions refuse stale rows."""
        if not is_versioned(type(obj)):
            return super().action_checkbox(obj)
        attrs = {
            "class": "action-select",
            "aria-label": format_html("Select this object for an action - {}", obj),
        }
        checkbox = forms.CheckboxInput(attrs, lambda value: False)
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, f"{obj.pk}:{obj.version}")

    action_checkbox.short_description = mark_safe('<input type="checkbox" id="action-toggle">')

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        seen = {}
        pks = []
        for value in selected:
            pk, _, version = value.partition(":")
            pks.append(pk)
            if version.isdigit():
                seen[pk] = int(version)
        if seen:
            post = request.POST.copy()
            post.setlist(helpers.ACTION_CHECKBOX_NAME, pks)
            request.POST = post
        request.workflow_seen_versions = seen
        return super().response_action(request, queryset)

    def _transition_selected(self, request, queryset, name: str):
        step = TRANSITIONS[name]
        reason = request.POST.get("reason", "")
        seen = getattr(request, "workflow_seen_versions", {})
        done, refused = [], 0
        for obj in queryset.order_by("pk"):
            try:
                ok = self._run_transition(request, obj, name, reason, seen.get(str(obj.pk)))
            except PermissionDenied as error:
                messages.error(request, f"Cannot {step.label.lower()} {obj}: {error}")
                ok = False
            if ok:
                done.append(str(obj))
            else:
                refused += 1
        if done:
            opts = self.model._meta
            noun = opts.verbose_name if len(done) == 1 else opts.verbose_name_plural
            messages.success(request, f"{step.label}: done for {len(done)} {noun} ({', '.join(done)}).")
        if refused:
            messages.warning(request, f"{refused} not changed; see why above.")

    @admin.action(description="Send selected to review")
    def submit_selected(self, request, queryset):
        self._transition_selected(request, queryset, "submit")

    @admin.action(description="Publish selected")
    def publish_selected(self, request, queryset):
        self._transition_selected(request, queryset, "publish")

    @admin.action(description="Send selected back to draft (give a reason)")
    def send_back_selected(self, request, queryset):
        self._transition_selected(request, queryset, "send_back")

    @admin.action(description="Retract selected (give a reason)")
    def retract_selected(self, request, queryset):
        self._transition_selected(request, queryset, "retract")

    submit_selected.workflow_transition = "submit"
    publish_selected.workflow_transition = "publish"
    send_back_selected.workflow_transition = "send_back"
    retract_selected.workflow_transition = "retract"

    # History

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        events = pghistory.models.Events.objects.references(obj).order_by("-pgh_created_at", "-pgh_id")
        paginator = Paginator(events, HISTORY_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("p", 1))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "entries": history_entries(obj, list(page.object_list)),
            "page_obj": page,
            "pagination_required": paginator.num_pages > 1,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


# --- The reviewer's queue ---------------------------------------------------------------------------


def review_queue_view(request):
    """Everything in review, across models, oldest submission first, with who sent it and when."""
    site = admin.site
    rows = []
    for model, model_admin in site._registry.items():
        if not is_curated(model) or not model_admin.has_view_or_change_permission(request):
            continue
        records = list(model._base_manager.filter(review_status=ReviewStatus.IN_REVIEW))
        if not records:
            continue
        submissions = _latest_submissions(model, [record.pk for record in records])
        for record in records:
            event = submissions.get(record.pk)
            rows.append(
                {
                    "model": capfirst(model._meta.verbose_name),
                    "record": record,
                    "url": reverse(
                        f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_change",
                        args=[record.pk],
                    ),
                    "history_url": reverse(
                        f"{site.name}:{model._meta.app_label}_{model._meta.model_name}_history",
                        args=[record.pk],
                    ),
                    "user_id": (event.pgh_context.metadata or {}).get("user")
                    if event and event.pgh_context
                    else None,
                    "sent_at": event.pgh_created_at if event else record.updated_at,
                    "reason": (event.pgh_context.metadata or {}).get("reason", "")
                    if event and event.pgh_context
                    else "",
                }
            )
    users = get_user_model()._base_manager.in_bulk({row["user_id"] for row in rows if row["user_id"]})
    for row in rows:
        row["user"] = users.get(row["user_id"])
    rows.sort(key=lambda row: row["sent_at"])
    pending = Revision.objects.filter(status=RevisionStatus.PENDING).select_related(
        "proposed_by", "content_type"
    )
    proposals = [
        {
            "revision": revision,
            "model": capfirst(revision.content_type.model_class()._meta.verbose_name),
            "url": reverse(f"{site.name}:curation_revision_change", args=[revision.pk]),
        }
        for revision in pending.order_by("proposed_at", "pk")
    ]
    context = {
        **site.each_context(request),
        "title": "Review queue",
        "subtitle": None,
        "rows": rows,
        "proposals": proposals,
        "is_reviewer": is_reviewer(request.user),
    }
    request.current_app = site.name
    return TemplateResponse(request, "admin/registry/review_queue.html", context)


def _latest_submissions(model, pks) -> dict:
    """The latest event that sent each record to review (or, for a record that arrived in review by
    another path, its first snapshot in review)."""
    event_model = model.pgh_event_models["update"]
    submitted = Q(pgh_context__metadata__transition="submit")
    events = (
        event_model.objects.filter(pgh_obj_id__in=pks, review_status=ReviewStatus.IN_REVIEW)
        .annotate(is_submission=ExpressionWrapper(submitted, output_field=models.BooleanField()))
        .select_related("pgh_context")
        .order_by("pgh_obj_id", F("is_submission").desc(nulls_last=True), "-pgh_id")
        .distinct("pgh_obj_id")
    )
    return {event.pgh_obj_id: event for event in events}


# --- Proposed changes -------------------------------------------------------------------------------


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Proposed changes to published records: read-only lists and pages with the field-by-field
    diff; reviewers approve or send back, the author may withdraw (one POST URL, CSRF-checked)."""

    list_display = ("record_name", "kind", "status", "proposed_by", "proposed_at", "decided_by", "decided_at")
    list_filter = ("status", "content_type")
    search_fields = ("record_name", "reason", "decision_reason")
    list_select_related = ("content_type", "proposed_by", "decided_by")
    decision_template = "admin/curation/revision_detail.html"

    @admin.display(description="kind", ordering="content_type__model")
    def kind(self, revision):
        return capfirst(revision.content_type.model_class()._meta.verbose_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Every curator and reviewer reads the proposals (their own and the ones they decide), by role.
    def has_view_permission(self, request, obj=None):
        return is_curator(request.user)

    def has_module_permission(self, request):
        return is_curator(request.user)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="curation_revision_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        model = revision.content_type.model_class()
        record = model._base_manager.filter(pk=revision.object_id).first()
        may_decide = revision.is_pending and revisions.may_decide(request.user, revision)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Proposed change to {revision.record_name}",
            "subtitle": None,
            "revision": revision,
            "diff": revisions.revision_diff(revision),
            "record": record,
            "record_link": admin_link(record) if record is not None else revision.record_name,
            "may_decide": may_decide,
            "is_own": revision.proposed_by_id == request.user.pk,
            "decide_url": reverse(f"{self.admin_site.name}:curation_revision_decide", args=[revision.pk]),
            "opts": self.opts,
            "object": revision,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.decision_template, context)

    def decide_view(self, request, object_id):
        """POST only: approve, send back or withdraw a proposal; refusals explain themselves."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        revision = self.get_object(request, unquote(object_id))
        if revision is None:
            raise Http404("No such proposal.")
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "")
        url = reverse(f"{self.admin_site.name}:curation_revision_change", args=[revision.pk])
        actions = {
            "approve": lambda: revisions.approve(revision, user=request.user, reason=reason),
            "reject": lambda: revisions.reject(revision, user=request.user, reason=reason),
            "withdraw": lambda: revisions.withdraw(revision, user=request.user),
        }
        if decision not in actions:
            return HttpResponseBadRequest("Unknown decision.")
        try:
            actions[decision]()
        except PermissionDenied as error:
            messages.error(request, str(error) or "You may not decide this proposal.")
        except WorkflowRefused as error:
            messages.error(request, refusal_message(error))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            done = {"approve": "approved and published", "reject": "sent back", "withdraw": "withdrawn"}
            messages.success(request, f"The proposed change to {revision.record_name} was {done[decision]}.")
        return HttpResponseRedirect(url)
