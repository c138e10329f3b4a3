"""What the place hierarchy and the per-item claims cost: p50 / p99 (ms) of

- a page of 100 deployments as SQL-written JSON (api/json_rows.py), with and without the three
  ``*_claims`` fields;
- the first page of ids of ``place=`` (a region and its cities; a nationwide place) against the
  same filter on the place alone (as before the hierarchy) and against ``country=``.

Run against a database built by ``manage.py generate_synthetic`` (DATABASE_URL):
``.venv/bin/python bench/places_and_claims.py --repeat 50``.
"""

import argparse
import os
import statistics
import time

import django


def timed(*functions, repeat: int) -> list[str]:
    """p50 / p99 of each function, run in turn (interleaved: a loaded machine's drift hits all alike)."""
    for function in functions:
        function()  # warm: prepared statements, caches
    times = [[] for _ in functions]
    for _ in range(repeat):
        for function, own in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            own.append((time.perf_counter() - start) * 1000)
    return [f"{statistics.median(t):.1f} / {sorted(t)[int(len(t) * 0.99) - 1]:.1f} ms" for t in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    django.setup()
    from django.test import RequestFactory

    from api import json_rows
    from deployments.filtersets import DeploymentFilterSet
    from deployments.models import Deployment, Place
    from deployments.selectors import places, published_deployments
    from registry.filtersets import PublicFilterSet, by_slug

    request = RequestFactory().get("/api/v1/deployments/", HTTP_HOST="localhost")
    ids = list(published_deployments().order_by("name", "pk").values_list("pk", flat=True)[:100])

    def without_claims(request):
        fields = json_rows.deployment_summary(request)
        return {key: value for key, value in fields.items() if not key.endswith("_claims")}

    with_claims, without = timed(
        lambda: json_rows.deployment_summaries(request, ids),
        lambda: json_rows.json_rows(request, Deployment, without_claims, ids),
        repeat=args.repeat,
    )
    print(f"page of 100 deployments, SQL JSON: with claims {with_claims}; without {without}")

    class Before(PublicFilterSet):
        """The place filter as it was: the place alone."""

        place = by_slug("places", places(), "")

        class Meta:
            model = Deployment
            fields = ["place"]

    def first_page(filterset, data):
        def run():
            rows = filterset(data=data, queryset=published_deployments()).qs.order_by("name", "pk")
            return list(rows.values_list("pk", flat=True)[:100])

        return run

    region = Place.objects.published().filter(kind="region", parent__isnull=False).order_by("pk").first()
    nation = region.parent
    figures = timed(
        first_page(DeploymentFilterSet, {"place": region.slug}),
        first_page(Before, {"place": region.slug}),
        first_page(DeploymentFilterSet, {"place": nation.slug}),
        first_page(Before, {"place": nation.slug}),
        first_page(DeploymentFilterSet, {"country": nation.country.code}),
        repeat=args.repeat,
    )
    inside = Place.objects.filter(parent=region).count()
    print(
        f"place={region.slug} (a region, {inside} places inside): {figures[0]}; the place alone (before) {figures[1]}"
    )
    print(f"place={nation.slug} (nationwide): {figures[2]}; the place alone (before) {figures[3]}")
    print(f"country={nation.country.code}: {figures[4]}")


if __name__ == "__main__":
    main()
