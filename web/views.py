"""Pages of the public website. Every read goes through the published-only selectors (web/selectors.py
builds on the apps' own) and the API's FilterSets, so a page shows exactly what the API shows."""

from functools import wraps
from types import SimpleNamespace
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from api.conditional import last_modified
from api.filters import FullTextSearchFilter
from api.licence import DATA_LICENCE_NAME, DATA_LICENCE_URL
from api.views.deployments import DeploymentViewSet
from deployments.choices import DeploymentStatus, GovernanceConcern
from deployments.claims import CLAIM_LISTS, CONCERNS, CONFIDENCE_CHOICES, PURPOSES, TECHNOLOGIES, item_claims
from deployments.filtersets import DeploymentFilterSet
from deployments.models import Deployment
from registry.choices import Region
from registry.curation.tombstones import tombstone
from registry.models import LegalFramework, Source
from vendors.models import Vendor
from web import selectors
from web.charts import camera_count_chart
from web.labels import label
from web.releases import latest_release_citation
from web.timeline import deployment_timeline

PAGE_SIZE = 20
HOME_DEPLOYMENTS = 100  # listed and mapped on the home page; more are searched on /deployments/
FIGURES_SECONDS = 300
# The API's identifier of the changes feed, when the registry has one.
CHANGES_FEED_ROUTES = ("api:change-list", "api:changes")
SEARCH_PARAMETER = "search"


def changes_feed_url() -> str | None:
    for name in CHANGES_FEED_ROUTES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _record_changes_url(model: str, identifier: str) -> str | None:
    """The changes feed's published entries of one record, when the API has the feed."""
    feed = changes_feed_url()
    return f"{feed}?{urlencode({'model': model, 'record': identifier})}" if feed else None


def _record_feed(name: str, **filters) -> dict:
    """The Atom feed of the changes concerning one country, vendor or deployment (web/feeds.py)."""
    return {"name": name, "url": f"{reverse('web:changes-feed')}?{urlencode(filters)}"}


def _cite(request, title: str, api_url: str) -> dict:
    """What the "cite this" block shows."""
    return {
        "title": title,
        "url": request.build_absolute_uri(request.path),
        "accessed": timezone.localdate(),
        "api_url": request.build_absolute_uri(api_url),
        "licence_name": DATA_LICENCE_NAME,
        "licence_url": DATA_LICENCE_URL,
        "release": latest_release_citation(request),
    }


def retraction_notice(model, kind: str, field: str = "slug"):
    """A record page's decorator: a retracted record answers 410 Gone with its retraction notice
    (what it was, when and why it was retracted) instead of "not found"."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            try:
                return view(request, **kwargs)
            except Http404:
                gone = tombstone(model, kind=kind, field=field, value=kwargs[field])
                if gone is None:
                    raise
                return render(request, "web/retracted.html", {"gone": gone}, status=410)

        return wrapper

    return decorate


# --- Home ----------------------------------------------------------------------------------------


def home(request):
    figures = cached_headline_figures()
    total = figures.deployments
    # At scale the home page shows the latest deployments, not all of them (88,000 took 40 s).
    ordering = "name" if total <= HOME_DEPLOYMENTS else "-updated_at"
    deployments = list(selectors.deployment_map_list().order_by(ordering)[:HOME_DEPLOYMENTS])
    return render(
        request,
        "web/home.html",
        {
            "figures": figures,
            "deployments": deployments,
            "deployments_total": total,
            "map_points": selectors.map_points(deployments),
            "changes": selectors.latest_changes(),
            "changes_feed_url": changes_feed_url(),
            "cite": _cite(request, _("Surveillance Deployment Registry"), reverse("api:api-root")),
        },
    )


def cached_headline_figures() -> selectors.HeadlineFigures:
    """The home page's figures, computed again after any curated record changes (Last-Modified of
    the API) or after FIGURES_SECONDS: they aggregate whole tables (~0.9 s at a million counts)."""
    changed = last_modified()
    key = f"web:headline-figures:{changed.timestamp() if changed else 0}"
    return cache.get_or_set(key, selectors.headline_figures, FIGURES_SECONDS)


# --- Deployments: search and facets ----------------------------------------------------------------


def _search(queryset, terms: str):
    """The API's own full-text search (api.filters.FullTextSearchFilter) on the API's search fields."""
    request = SimpleNamespace(query_params=QueryDict(mutable=True))
    request.query_params[SEARCH_PARAMETER] = terms
    return FullTextSearchFilter().filter_queryset(request, queryset, DeploymentViewSet)


def _facets(form) -> list[dict]:
    def options(name, pairs):
        chosen = {str(value) for value in (form[name].value() or [])}
        return [{"value": value, "label": text, "checked": value in chosen} for value, text in pairs]

    return [
        {
            "name": "country",
            "legend": _("Country"),
            "options": options("country", [(c.code, c.name) for c in selectors.countries_with_deployments()]),
        },
        {
            "name": "region",
            "legend": _("Region"),
            "options": options("region", [(value, label("region", value)) for value in Region.values]),
        },
        {
            "name": "vendor",
            "legend": _("Vendor"),
            "options": options("vendor", [(v.slug, v.name) for v in selectors.vendors_with_deployments()]),
        },
        {
            "name": "technology",
            "legend": _("Technology"),
            "options": options("technology", [(t.slug, t.name) for t in selectors.technologies()]),
        },
        {
            "name": "status",
            "legend": _("Status"),
            "options": options(
                "status", [(value, label("deployment_status", value)) for value in DeploymentStatus.values]
            ),
        },
        {
            "name": "concern",
            "legend": _("Governance concern"),
            "help": _("A deployment must show every concern you tick."),
            "options": options(
                "concern", [(value, label("concern", value)) for value in GovernanceConcern.values]
            ),
        },
        {
            "name": "confidence",
            "legend": _("How sure the sources are"),
            "help": _("Of the technologies or concerns you tick: confirmed only, for facts."),
            "options": options(
                "confidence", [(value, label("confidence", value)) for value, _text in CONFIDENCE_CHOICES]
            ),
        },
    ]


def _export_query(request, filter_names) -> QueryDict:
    """The page's filters and search only (no page, no unknown parameter), for the API's CSV."""
    query = QueryDict(mutable=True)
    for name in [*filter_names, SEARCH_PARAMETER]:
        values = [value for value in request.GET.getlist(name) if value.strip()]
        if values:
            query.setlist(name, values)
    return query


def deployment_list(request):
    filterset = DeploymentFilterSet(data=request.GET, queryset=selectors.deployment_list())
    terms = request.GET.get(SEARCH_PARAMETER, "").strip()
    errors = []
    if filterset.is_valid():
        queryset = filterset.qs
    else:
        queryset = filterset.queryset.none()
        for name, messages in filterset.errors.items():
            errors.extend({"parameter": name, "message": message} for message in messages)
    if terms:
        try:
            queryset = _search(queryset, terms)
        except APIValidationError as error:
            queryset = queryset.none()
            errors.extend(
                {"parameter": SEARCH_PARAMETER, "message": str(message)}
                for message in error.detail[SEARCH_PARAMETER]
            )
    queryset = queryset.order_by("name", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    export_query = _export_query(request, filterset.filters)
    csv_query = export_query.copy()
    csv_query["format"] = "csv"
    api_list_url = reverse("api:deployment-list")
    context = {
        "page": page,
        "deployments": page.object_list,
        "result_count": page.paginator.count,
        "search": terms,
        "facets": _facets(filterset.form),
        "errors": errors,
        "filtered": bool(export_query),
        "csv_url": f"{api_list_url}?{csv_query.urlencode()}",
        "api_url": f"{api_list_url}?{export_query.urlencode()}" if export_query else api_list_url,
        "page_query": export_query,
        "cite": _cite(request, _("Deployments"), api_list_url),
    }
    context["cite"]["url"] = request.build_absolute_uri()
    return render(request, "web/deployment_list.html", context, status=400 if errors else 200)


# --- A deployment ----------------------------------------------------------------------------------


def _citations_by_field(citations) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for citation in citations:
        grouped.setdefault(citation.field, []).append(citation)
    return grouped


def _link(text, url=None) -> dict:
    return {"text": text, "url": url}


def _item(text, confidence: str) -> dict:
    """An item of a list fact, with how sure its sources are (a badge unless confirmed)."""
    return {**_link(text), "confidence": confidence}


def _deployment_facts(deployment, cited: dict[str, list]) -> list[dict]:
    """The facts of a deployment, each with the citations that support that field; each item of a
    list (a technology, a purpose, a concern) with its own confidence (deployments/claims.py)."""
    confidences = {
        claims.field: {entry[claims.name]: entry["confidence"] for entry in item_claims(deployment, claims)}
        for claims in CLAIM_LISTS
    }
    country_url = reverse("web:country-detail", args=[deployment.country.code])
    operator = deployment.operator
    facts = [
        {"field": "country", "label": _("Country"), "values": [_link(deployment.country.name, country_url)]},
        {"field": "places", "label": _("Places"), "values": [_link(p.name) for p in deployment.places.all()]},
        {"field": "operator", "label": _("Operator"), "values": [_link(operator.name)] if operator else []},
        {
            "field": "status",
            "label": _("Status"),
            "values": [_link(label("deployment_status", deployment.status))],
        },
        {"field": "started_on", "label": _("Started"), "date": deployment.started_on},
        {"field": "ended_on", "label": _("Ended"), "date": deployment.ended_on},
        {
            "field": "technologies",
            "label": _("Technologies"),
            "values": [
                _item(t.name, confidences[TECHNOLOGIES.field][t.slug]) for t in deployment.technologies.all()
            ],
        },
        {
            "field": "purposes",
            "label": _("Purposes"),
            "values": [
                _item(label("purpose", p), confidences[PURPOSES.field][p]) for p in deployment.purposes
            ],
        },
        {
            "field": "data_location",
            "label": _("Data location"),
            "values": [_link(label("data_location", deployment.data_location))],
        },
        {
            "field": "data_managed_by",
            "label": _("Data managed by"),
            "values": [_link(deployment.data_managed_by)] if deployment.data_managed_by else [],
        },
        {
            "field": "governance_concerns",
            "label": _("Governance concerns"),
            "values": [
                _item(label("concern", c), confidences[CONCERNS.field][c])
                for c in deployment.governance_concerns
            ],
        },
    ]
    for fact in facts:
        fact.setdefault("values", [])
        fact.setdefault("date", "")
        fact["citations"] = cited.get(fact["field"], [])
    return facts


@retraction_notice(Deployment, "deployment")
def deployment_detail(request, slug: str):
    deployment = get_object_or_404(selectors.deployment_detail(), slug=slug)
    cited = _citations_by_field(deployment.citations.all())
    counts = list(deployment.camera_counts.all())
    contracts = sorted(deployment.contracts.all(), key=lambda c: (c.signed_on, c.name))
    context = {
        "deployment": deployment,
        "facts": _deployment_facts(deployment, cited),
        "record_citations": cited.get("", []),
        "summary_citations": cited.get("summary", []),
        "vendor_citations": cited.get("vendors", []),
        "legal_citations": cited.get("legal_frameworks", []),
        "vendor_roles": deployment.vendor_roles.all(),
        "contracts": contracts,
        "legal_frameworks": deployment.legal_frameworks.all(),
        "camera_counts": counts,
        "stated_costs": deployment.stated_costs.all(),
        "timeline": deployment_timeline(deployment.timeline_events.all(), contracts, counts),
        "chart": camera_count_chart(counts),
        "measurements": deployment.measurements.all(),
        "map_points": selectors.map_points([deployment]),
        "changes_feed_url": _record_changes_url("deployment", deployment.slug),
        "record_feed": _record_feed(deployment.name, deployment=deployment.slug),
        "cite": _cite(
            request, deployment.name, reverse("api:deployment-detail", kwargs={"slug": deployment.slug})
        ),
    }
    return render(request, "web/deployment_detail.html", context)


# --- Countries, vendors, legal frameworks, sources --------------------------------------------------


def country_detail(request, code: str):
    if code != code.upper():
        return redirect("web:country-detail", code=code.upper(), permanent=True)
    country = get_object_or_404(selectors.country_pages(), code=code)
    related = selectors.country_related(country)
    deployments = list(related["deployments"].order_by("name"))
    context = {
        "country": country,
        "deployments": deployments,
        "vendors": related["vendors"],
        "legal_frameworks": related["legal_frameworks"],
        "map_points": selectors.map_points(deployments),
        "deployments_url": f"{reverse('web:deployment-list')}?country={country.code}",
        "record_feed": _record_feed(country.name, country=country.code),
        "cite": _cite(request, country.name, reverse("api:country-detail", kwargs={"code": country.code})),
    }
    return render(request, "web/country_detail.html", context)


@retraction_notice(Vendor, "vendor")
def vendor_detail(request, slug: str):
    vendor = get_object_or_404(selectors.vendor_detail(), slug=slug)
    context = {
        "vendor": vendor,
        **selectors.vendor_related(vendor),
        "deployments_url": f"{reverse('web:deployment-list')}?vendor={vendor.slug}",
        "record_feed": _record_feed(vendor.name, vendor=vendor.slug),
        "cite": _cite(request, vendor.name, reverse("api:vendor-detail", kwargs={"slug": vendor.slug})),
    }
    return render(request, "web/vendor_detail.html", context)


@retraction_notice(LegalFramework, "legal-framework")
def legal_framework_detail(request, slug: str):
    framework = get_object_or_404(selectors.legal_framework_detail(), slug=slug)
    context = {
        "framework": framework,
        **selectors.legal_framework_related(framework),
        "deployments_url": f"{reverse('web:deployment-list')}?legal_framework={framework.slug}",
        "cite": _cite(
            request, str(framework), reverse("api:legal-framework-detail", kwargs={"slug": framework.slug})
        ),
    }
    return render(request, "web/legal_framework_detail.html", context)


@retraction_notice(Source, "source")
def source_detail(request, slug: str):
    source = get_object_or_404(selectors.source_detail(), slug=slug)
    context = {
        "source": source,
        **selectors.source_uses(source),
        "cite": _cite(request, source.title, reverse("api:source-detail", kwargs={"slug": source.slug})),
    }
    return render(request, "web/source_detail.html", context)
