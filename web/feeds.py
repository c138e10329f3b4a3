"""Atom feeds of the public change feed (api/changes.py): /feeds/changes.atom, and the same for one
country, vendor, deployment or kind of record (``?country=RS``, ``?vendor=huawei``,
``?deployment=<slug>``, ``?kind=deployment``; several filters narrow each other).

An entry is one published change or retraction, exactly as /api/v1/changes/ lists it (the same
published-only query): its changed fields, before and after, or the public retraction reason. It links
to the record's page on the website (the API detail for a record without a page). Its id names the
history event, so a reader never sees an entry twice.

Which changes concern a country or a vendor goes through the published links only (a draft vendor
role never ties a deployment to a vendor's feed):

- a country: its deployments and their camera counts, the contracts of its deployments or of its public
  bodies, the vendors headquartered there or supplying its deployments, its legal frameworks;
- a vendor: itself, the deployments it supplies and their camera counts, its contracts;
- a deployment: itself, its camera counts, its contracts.
"""

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from api.changes import FEED_MODELS, public_change_events, resolve_changes
from deployments.models import CameraCount, Contract, Deployment
from deployments.selectors import (
    published_contract_links,
    published_deployments,
    published_parties,
    published_vendor_roles,
)
from registry.models import Country, LegalFramework
from registry.selectors import countries
from vendors.models import Vendor
from vendors.selectors import published_vendors

ENTRIES = 50
FILTERS = ("country", "vendor", "deployment", "kind")
# The website's page of each kind of record (the others link to their API detail).
WEB_PAGES = {
    "deployment": "web:deployment-detail",
    "vendor": "web:vendor-detail",
    "legal-framework": "web:legal-framework-detail",
    "source": "web:source-detail",
}


class BadFilter(Exception):
    """A filter the feed cannot apply: a 400 with this message."""

    status = 400


class NoSuchRecord(BadFilter):
    """A filter naming no public country, vendor or deployment: a 404 with this message."""

    status = 404


def _pks(queryset) -> QuerySet:
    return queryset.order_by().values("pk")


def _deployment_scope(deployments: QuerySet) -> dict[str, QuerySet]:
    """The deployments, their camera counts and the contracts linked to them."""
    contract_ids = published_contract_links().filter(deployment__in=_pks(deployments)).values("contract")
    return {
        "deployment": _pks(deployments),
        "camera-count": _pks(CameraCount._base_manager.filter(deployment__in=_pks(deployments))),
        "contract": _pks(Contract._base_manager.filter(pk__in=contract_ids)),
    }


def country_scope(country: Country) -> dict[str, QuerySet]:
    scope = _deployment_scope(Deployment._base_manager.filter(country=country))
    supplying = published_vendor_roles().filter(deployment__country=country).values("vendor")
    scope["vendor"] = _pks(
        Vendor._base_manager.filter(headquarters_country=country)
        | Vendor._base_manager.filter(pk__in=supplying)
    )
    scope["contract"] = _pks(
        Contract._base_manager.filter(pk__in=scope["contract"])
        | Contract._base_manager.filter(buyer__country=country)
    )
    scope["legal-framework"] = _pks(LegalFramework._base_manager.filter(jurisdictions=country))
    return scope


def vendor_scope(vendor: Vendor) -> dict[str, QuerySet]:
    supplied = published_vendor_roles().filter(vendor=vendor).values("deployment")
    scope = _deployment_scope(Deployment._base_manager.filter(pk__in=supplied))
    scope["vendor"] = _pks(Vendor._base_manager.filter(pk=vendor.pk))
    scope["contract"] = _pks(
        Contract._base_manager.filter(pk__in=published_parties().filter(vendor=vendor).values("contract"))
    )
    return scope


def deployment_scope(deployment: Deployment) -> dict[str, QuerySet]:
    return _deployment_scope(Deployment._base_manager.filter(pk=deployment.pk))


def narrowed(scope: dict | None, more: dict) -> dict:
    """Both scopes at once: the kinds in both, the records in both."""
    if scope is None:
        return more
    return {name: scope[name].filter(pk__in=more[name]) for name in scope if name in more}


class ChangesFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except BadFilter as error:
            return HttpResponse(str(error), status=error.status, content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        """The filters of the query string: {"scope", "kind", "title", "query"}."""
        unknown = sorted(set(request.GET) - set(FILTERS))
        if unknown:
            raise BadFilter(
                f"Unknown parameter {', '.join(unknown)}: this feed accepts {', '.join(FILTERS)}."
            )
        chosen = {
            name: request.GET.get(name, "").strip() for name in FILTERS if request.GET.get(name, "").strip()
        }
        scope, titles = None, []
        if "country" in chosen:
            country = countries().filter(code=chosen["country"].upper()).first()
            if country is None:
                raise NoSuchRecord(f"No country with the code {chosen['country']!r}.")
            scope = narrowed(scope, country_scope(country))
            titles.append(country.name)
        if "vendor" in chosen:
            vendor = published_vendors().filter(slug=chosen["vendor"]).first()
            if vendor is None:
                raise NoSuchRecord(f"No published vendor {chosen['vendor']!r}.")
            scope = narrowed(scope, vendor_scope(vendor))
            titles.append(vendor.name)
        if "deployment" in chosen:
            deployment = published_deployments().filter(slug=chosen["deployment"]).first()
            if deployment is None:
                raise NoSuchRecord(f"No published deployment {chosen['deployment']!r}.")
            scope = narrowed(scope, deployment_scope(deployment))
            titles.append(deployment.name)
        kind = chosen.get("kind")
        if kind is not None:
            if kind not in FEED_MODELS:
                raise BadFilter(f"kind: choose one of {', '.join(FEED_MODELS)}.")
            titles.append(kind)
        return {
            "scope": scope,
            "kind": kind,
            "titles": titles,
            "query": request.GET.urlencode(),
            "base": request.build_absolute_uri(reverse("web:changes-feed")),
        }

    def title(self, obj):
        base = _("Changes · Surveillance Deployment Registry")
        return f"{' · '.join(obj['titles'])} · {base}" if obj["titles"] else base

    def subtitle(self, obj):
        return _("Published records added, changed or retracted, newest first.")

    def link(self, obj):
        return reverse("web:home")

    def feed_url(self, obj):
        url = reverse("web:changes-feed")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def items(self, obj):
        rows = list(public_change_events(model=obj["kind"], scope=obj["scope"])[:ENTRIES])
        changes = resolve_changes(rows)
        counts = _camera_counts(changes)
        for row, change in zip(rows, changes, strict=True):
            change.guid = f"{obj['base']}#{change.model}-{row['pgh_id']}"
            change.page = _page(change)
            if change.identifier in counts:
                change.name, change.page = counts[change.identifier]
        return changes

    def item_title(self, change):
        verbs = {"published": _("published"), "updated": _("updated"), "retracted": _("retracted")}
        return f"{change.name} ({change.model}) {verbs[change.kind]}"

    def item_link(self, change):
        return change.page

    def item_guid(self, change):
        return change.guid

    def item_guid_is_permalink(self, change):
        return False

    def item_updateddate(self, change):
        return change.changed_at

    def item_pubdate(self, change):
        return change.changed_at

    def item_categories(self, change):
        return (change.model, change.kind)

    def item_description(self, change):
        if change.kind == "retracted":
            return format_html("<p>{}</p><p>{}</p>", _("Retracted:"), change.retraction_reason or "")
        if not change.changes:
            return format_html("<p>{}</p>", _("First published."))
        rows = format_html_join(
            "",
            "<li><strong>{}</strong>: {} → {}</li>",
            ((c["field"], _shown(c["before"]), _shown(c["after"])) for c in change.changes),
        )
        return format_html("<ul>{}</ul>", rows)


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    return "; ".join(map(str, value)) if isinstance(value, list) else str(value)


def _page(change) -> str:
    if change.model in WEB_PAGES:
        return reverse(WEB_PAGES[change.model], kwargs={"slug": change.identifier})
    return change.url


def _camera_counts(changes) -> dict[str, tuple[str, str]]:
    """{public_id: (its name in the feed, its page)} of the feed's camera counts (one query): a count
    is named after its published deployment, whose page shows it."""
    ids = [change.identifier for change in changes if change.model == "camera-count"]
    if not ids:
        return {}
    counts = CameraCount._base_manager.filter(public_id__in=ids, deployment__in=_pks(published_deployments()))
    return {
        str(public_id): (
            _("Camera count of %(deployment)s, %(as_of)s") % {"deployment": name, "as_of": as_of},
            reverse("web:deployment-detail", kwargs={"slug": slug}),
        )
        for public_id, name, slug, as_of in counts.values_list(
            "public_id", "deployment__name", "deployment__slug", "as_of"
        )
    }
