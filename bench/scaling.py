"""Serving past one machine, measured on this one: read replicas and the nginx cache in front
(docs/operations.md "Scaling"; figures in docs/performance.md).

    .venv/bin/python bench/scaling.py                  # 10,000 deployments, 100,000 camera counts
    .venv/bin/python bench/scaling.py --quick          # 1,000 / 10,000, shorter slices

Like bench/run.py it builds a synthetic database (``registry_scaling_bench``) on the registry's
PostgreSQL server (the embedded one, or DATABASE_URL's) and drops it at the end. Then:

1. Replicas: a streaming hot standby of that server (registry/standby.py) on a spare port; the
   benchmark's concurrent mix (bench/run.py's lists, details and searches) against gunicorn on the
   primary alone and against gunicorn with ``DATABASE_REPLICA_URLS`` naming the standby, in
   alternating slices; how many transactions each database ran in each.
2. The cache check: nginx (Debian's ``nginx-light``) with deploy/nginx/registry.conf.template in
   front of an app whose pages say ``max-age=2``: a second request is a HIT; a change to a published
   deployment is not shown while the cached copy is fresh, and is shown once max-age has passed.
3. The cache's figures: requests/s and hit ratio for the home page and a deployment page through
   nginx (default max-age, 60 s), against the same pages straight from gunicorn.

Every server is on 127.0.0.1, started here and stopped by its own process id; every load loop is
bounded in requests and seconds (bench/load.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import pwd
import shutil
import sys
import tempfile
import time
from pathlib import Path
from string import Template

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ROOT, Bench, Server, free_port, log  # noqa: E402

NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "registry.conf.template"
CHECK_MAX_AGE = 2


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        raise SystemExit("nginx is not installed: apt-get install nginx-light (Debian's package).")
    return found


class Nginx(Server):
    """nginx with the repository's configuration, in front of ``upstream_port``, in its own directory."""

    def __init__(self, upstream_port: int):
        # Its own directory, readable by nginx's workers (nobody) unlike the benchmark's (0700).
        workdir = self.workdir = Path(tempfile.mkdtemp(prefix="registry-nginx-"))
        self.access_log = workdir / "access.log"
        port = free_port()
        cache_dir = workdir / "cache"
        for directory in (cache_dir, workdir / "temp"):
            directory.mkdir(parents=True, exist_ok=True)
        workdir.chmod(0o755)
        site = Template(NGINX_TEMPLATE.read_text()).safe_substitute(
            REGISTRY_UPSTREAM=f"127.0.0.1:{upstream_port}",
            CACHE_LISTEN=f"127.0.0.1:{port}",
            CACHE_DIR=cache_dir,
        )
        (workdir / "registry.conf").write_text(site)
        user = ""
        if os.geteuid() == 0:  # nginx's workers drop to nobody: give them the cache and temp files
            nobody = pwd.getpwnam("nobody")
            for directory in (cache_dir, workdir / "temp"):
                os.chown(directory, nobody.pw_uid, nobody.pw_gid)
            user = "user nobody nogroup;"
        (workdir / "nginx.conf").write_text(
            f"""{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format cache "$upstream_cache_status $status $request_uri";
    access_log {self.access_log} cache;
    client_body_temp_path {workdir}/temp/body;
    proxy_temp_path {workdir}/temp/proxy;
    include {workdir}/registry.conf;
}}
"""
        )
        argv = [nginx_binary(), "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"]
        super().__init__(argv, dict(os.environ), port, "/healthz")

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def statuses(self) -> dict[str, int]:
        """How many requests were served each way (HIT, MISS, ...) since the last call."""
        counts: dict[str, int] = {}
        if self.access_log.exists():
            for line in self.access_log.read_text().splitlines():
                status = line.split(" ", 1)[0]
                counts[status] = counts.get(status, 0) + 1
            self.access_log.write_text("")
        return counts


def fetch(port: int, path: str) -> tuple[int, str, str]:
    """(status, X-Cache-Status, body) of one GET."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("X-Cache-Status", ""), response.read().decode()
    finally:
        connection.close()


class Scaling(Bench):
    def transactions(self, standby) -> dict[str, int]:
        """Committed transactions so far of the benchmark database on the primary and the standby."""
        query = "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s"
        with self.pg(self.args.database) as conn:
            primary = conn.execute(query, [self.args.database]).fetchone()[0]
        with standby.connect(self.args.database) as conn:
            replica = conn.execute(query, [self.args.database]).fetchone()[0]
        return {"primary": primary, "replica": replica}

    def replicas(self, standby) -> None:
        from registry.standby import primary_lsn

        standby.wait_for_replay(primary_lsn(self.db))
        plan = self.api_plan(self.samples())
        alone = self.gunicorn(self.args.workers, {"DATABASE_REPLICA_URLS": ""})
        replicated = self.gunicorn(
            self.args.workers, {"DATABASE_REPLICA_URLS": standby.url(self.args.database)}
        )
        for server in (alone, replicated):  # each worker compiles and prepares its statements once
            self.load(server.port, {"latency": {"warm-up": plan["mix"][:40]}, "repeat": 40, "warmup": 8})
        log(f"mix: primary alone vs primary + replica, {self.args.threads} clients, alternating slices")
        before = self.transactions(standby)
        measured = self.throughput({"primary alone": (alone.port, plan["mix"])}, rounds=1)
        middle = self.transactions(standby)
        measured |= self.throughput({"primary + replica": (replicated.port, plan["mix"])}, rounds=1)
        after = self.transactions(standby)
        measured |= {
            f"{name} (2)": value
            for name, value in self.throughput(
                {
                    "primary + replica": (replicated.port, plan["mix"]),
                    "primary alone": (alone.port, plan["mix"]),
                },
                rounds=1,
            ).items()
        }
        self.results["replicas"] = {
            "throughput": measured,
            "transactions_alone": {key: middle[key] - before[key] for key in before},
            "transactions_replicated": {key: after[key] - middle[key] for key in before},
        }
        self.replicated = replicated

    def cache_check(self) -> None:
        """A second request is a HIT; a published change shows once max-age has passed."""
        from deployments.models import Deployment

        app = self.gunicorn(
            2,
            {
                "DJANGO_API_CACHE_MAX_AGE": str(CHECK_MAX_AGE),
                "DJANGO_WEB_CACHE_MAX_AGE": str(CHECK_MAX_AGE),
                "DATABASE_REPLICA_URLS": self.standby.url(self.args.database),
            },
        )
        nginx = Nginx(app.port)
        self.servers.append(nginx)
        deployment = Deployment.objects.published().order_by("pk").first()
        page, api = f"/deployments/{deployment.slug}/", f"/api/v1/deployments/{deployment.slug}/"
        check = {}
        for path in ("/", page, api):
            first, second = fetch(nginx.port, path), fetch(nginx.port, path)
            check[path] = [first[1], second[1]]
            assert first[0] == second[0] == 200 and second[1] == "HIT", (path, first[:2], second[:2])
        renamed = "renamed by bench/scaling.py"
        deployment.name = f"{deployment.name} ({renamed})"
        deployment.save()
        changed = time.monotonic()
        timeline = []
        while time.monotonic() - changed < CHECK_MAX_AGE + 15:
            status, cache, body = fetch(nginx.port, page)
            timeline.append((round(time.monotonic() - changed, 2), cache, renamed in body))
            if renamed in body:
                break
            time.sleep(0.25)
        shown = [t for t, _, visible in timeline if visible]
        assert shown, f"the change never showed: {timeline}"
        assert not any(visible for t, _, visible in timeline if t < CHECK_MAX_AGE - 0.5), timeline
        self.results["cache_check"] = {"second_request": check, "timeline": timeline, "shown_after": shown[0]}
        nginx.stop()
        app.stop()

    def cache_figures(self) -> None:
        from deployments.models import Deployment

        nginx = Nginx(self.replicated.port)
        self.servers.append(nginx)
        slug = Deployment.objects.published().order_by("pk").values_list("slug", flat=True)[1]
        figures = {}
        for name, path in (("home page", "/"), ("deployment page", f"/deployments/{slug}/")):
            for side, port in (("gunicorn", self.replicated.port), ("nginx cache", nginx.port)):
                nginx.statuses()
                plan = {"throughput": [path], "threads": self.args.threads, "seconds": self.args.seconds / 2}
                measured = self.load(port, {**plan, "max_requests": 200_000})["throughput"]
                figures[f"{name}, {side}"] = {
                    **measured,
                    "cache": nginx.statuses() if side != "gunicorn" else {},
                }
        self.results["cache"] = figures

    def run(self) -> None:
        from registry.standby import start_standby

        started = time.monotonic()
        self.results["load_before"] = os.getloadavg()
        try:
            self.build()
            # The website's pages name their static files from collectstatic's manifest, as in production.
            self.manage("collectstatic", "--noinput", "-v0")
            log("starting a hot standby of the server")
            self.standby = start_standby(self.db)
            try:
                self.replicas(self.standby)
                log("cache check: HIT, then a change shown after max-age")
                self.cache_check()
                log("cache figures: home page and a deployment page")
                self.cache_figures()
            finally:
                for server in self.servers:
                    server.stop()
                self.standby.destroy()
        finally:
            if not self.args.keep:
                log(f"dropping {self.args.database}")
                self.drop_database()
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.results["load_after"] = os.getloadavg()
        self.results["total_seconds"] = time.monotonic() - started
        report(self.args, self.results)


def rate(measured: dict) -> str:
    return f"{measured['requests'] / measured['seconds']:,.0f} requests/s ({measured['requests']:,} in {measured['seconds']:.1f} s, {measured['errors']} errors)"


def report(args, r: dict) -> None:
    p = print
    p("=" * 100)
    p(
        f"Scaling: {args.deployments:,} deployments, {args.camera_counts:,} camera counts; {os.cpu_count()} cores; "
        f"PostgreSQL {r.get('postgres')}; gunicorn {args.workers} sync workers; {args.threads} clients"
    )
    p(
        "Load average before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
            *r["load_before"], *r["load_after"]
        )
    )
    p("1. The concurrent mix (lists, details, searches), slices in the order run")
    for name, measured in r["replicas"]["throughput"].items():
        p(f"   {name:<24}{rate(measured)}")
    alone, replicated = r["replicas"]["transactions_alone"], r["replicas"]["transactions_replicated"]
    p(f"   transactions, primary alone slice: primary {alone['primary']:,}, replica {alone['replica']:,}")
    p(
        f"   transactions, replica slice:       primary {replicated['primary']:,}, replica {replicated['replica']:,}"
    )
    check = r["cache_check"]
    p(f"2. Cache check (max-age {CHECK_MAX_AGE} s): first and second request {check['second_request']}")
    p(f"   after the change, the deployment page: {check['timeline']}")
    p(f"   the change was shown {check['shown_after']:.2f} s after it was committed")
    p("3. Cache figures (max-age 60 s)")
    for name, measured in r["cache"].items():
        cache = measured["cache"]
        served = sum(cache.values())
        ratio = f"; hit ratio {cache.get('HIT', 0) / served:.1%} {cache}" if served else ""
        p(f"   {name:<32}{rate(measured)}{ratio}")
    p(f"Whole run {r['total_seconds']:.0f} s")
    p("=" * 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deployments", type=int, default=10_000)
    parser.add_argument("--camera-counts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="1,000 deployments, 10,000 camera counts.")
    parser.add_argument("--database", default="registry_scaling_bench")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database at the end.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers.")
    parser.add_argument("--threads", type=int, default=8, help="Concurrent clients.")
    parser.add_argument("--seconds", type=float, default=20, help="Seconds of each measured slice.")
    args = parser.parse_args()
    if args.quick:
        args.deployments, args.camera_counts, args.seconds = 1_000, 10_000, 5
    nginx_binary()
    Scaling(args).run()


if __name__ == "__main__":
    main()
