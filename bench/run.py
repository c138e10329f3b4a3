"""The registry's benchmark: one run builds a synthetic dataset in a separate database and prints,
side by side with their anchors, the figures of the issue "Scale and speed".

    .venv/bin/python bench/run.py --deployments 100000 --camera-counts 1000000
    .venv/bin/python bench/run.py --quick          # 1,000 deployments, 10,000 camera counts

It never touches the registry's database: it creates ``registry_bench`` (``--database``) on the same
PostgreSQL server (the embedded one under var/, or DATABASE_URL's), fills it with
``manage.py generate_synthetic``, serves it with gunicorn on 127.0.0.1, and drops it at the end
(``--keep`` keeps it). Datasette (``pip install -e '.[bench]'``) serves the same rows from SQLite.

1. CSV export of every deployment (joined columns) and every camera count through HTTP, against
   PostgreSQL's ``COPY (the same query) TO STDOUT`` read by a client: rows/s, first byte, and the peak
   RSS of the gunicorn worker; the serializer path (no COPY) for reference.
2. API: p50/p99 of filtered lists (page of 100) and details, one client; requests/s with concurrent
   clients (bench/load.py, a second process).
3. Search: p50/p99 of ``?search=``.
4. Peer: the same list, search and CSV requests against Datasette on SQLite. Latencies are measured
   request by request against both servers (bench/load.py ``paired``), requests/s in alternating
   slices, so that the ratio holds on a machine whose speed drifts.

The machine line gives a fixed pure-Python workload's time (``python_reference``), to compare runs
made on machines (or hours) of different speed.
5. Import: rows/s of ``manage.py import_records`` on a camera-count file, against ``COPY FROM`` of
   the same file (bounded by ``--import-budget`` seconds; a longer import is measured on a prefix).
   And refused rows: a dry run of N and of 2N source rows that a check constraint refuses, whose
   time must double, not more (``--refused-rows``).
6. OCDS: the release package of every published contract (``/api/v1/contracts/?format=ocds``,
   streamed) through gunicorn: releases/s, first byte and the worker's peak RSS, beside the same
   contracts' CSV (``--only ocds`` builds the data and measures this part alone).
7. FollowTheMoney: every published record as FtM entities (api/ftm.py), by ``manage.py export_ftm
   --output`` and by ``/api/v1/export/ftm`` through gunicorn: entities/s and the peak RSS of the
   command and of the gunicorn worker (``--only ftm`` measures this alone).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = str(ROOT / "manage.py")


# --- helpers ----------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def python_reference() -> float:
    """Seconds of a fixed pure-Python workload (dicts, strings, a sort), best of three: how fast this
    machine runs Python code like the registry's, right now. Lower is faster."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        rows = [{"id": i, "name": f"row {i}", "value": i * 7919 % 1000} for i in range(200_000)]
        rows.sort(key=lambda row: (row["value"], row["name"]))
        sum(len(row["name"]) for row in rows)
        best = min(best, time.perf_counter() - started)
    return best


def pages(rows: int, wanted: tuple[int, ...], size: int = 100) -> list[int]:
    """The pages of ``wanted`` that exist among ``rows`` rows (a --quick run has fewer)."""
    return [page for page in wanted if page == 1 or (page - 1) * size < rows]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


class RSSSampler:
    """The peak resident memory of a process tree's children (the server's workers), every 20 ms."""

    def __init__(self, pid: int, include_self: bool = False):
        self.pid, self.include_self = pid, include_self
        self.peak = 0.0
        self.baseline = self.sample()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> float:
        pids = children(self.pid) + ([self.pid] if self.include_self else [])
        return max((rss_mb(pid) for pid in pids), default=0.0)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.sample())
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def http_get_stream(
    port: int, path: str, sampler_pid: int | None = None, include_self=False, max_seconds: float | None = None
) -> dict:
    """GET path, reading the body as it streams: first byte, total time, bytes, rows, server peak RSS."""
    sampler = RSSSampler(sampler_pid, include_self) if sampler_pid else None
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    started = time.perf_counter()
    first = None
    size = rows = 0
    truncated = False
    context = sampler if sampler else _Null()
    with context:
        connection.request("GET", path)
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status} {response.read()[:300]!r}")
        while True:
            chunk = response.read1(1 << 16)
            if not chunk:
                break
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            rows += chunk.count(b"\n")
            if max_seconds and time.perf_counter() - started > max_seconds:
                truncated = True
                break
    seconds = time.perf_counter() - started
    connection.close()
    return {
        "seconds": seconds,
        "first_byte": first or seconds,
        "bytes": size,
        "lines": rows,
        "peak_rss_mb": sampler.peak if sampler else None,
        "base_rss_mb": sampler.baseline if sampler else None,
        "truncated": truncated,
    }


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def wait_for(port: int, path: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer {path}")


class Server:
    """A server process we started (and only we stop, by its pid)."""

    def __init__(self, argv: list[str], env: dict, port: int, ready_path: str):
        self.port = port
        self.process = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for(port, ready_path)
        except SystemExit:
            self.stop()
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- the run ------------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.results: dict = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="registry-bench-"))
        self.servers: list[Server] = []
        os.environ["REGISTRY_BENCH_DB"] = args.database
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
        if "DATABASE_URL" in os.environ:
            os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret-" + "0123456789abcdef" * 3)
            os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        self.db = dict(settings.DATABASES["default"])
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_LOG_LEVEL": "WARNING"}

    # PostgreSQL connections outside Django (server-level statements, COPY anchors).
    def pg(self, dbname: str):
        import psycopg

        return psycopg.connect(
            dbname=dbname,
            host=self.db["HOST"] or None,
            port=self.db["PORT"] or None,
            user=self.db["USER"] or None,
            password=self.db["PASSWORD"] or None,
            autocommit=True,
        )

    def create_database(self):
        from registry.embedded_db import EMBEDDED_DB_NAME

        name = self.args.database
        if name in (EMBEDDED_DB_NAME, os.environ.get("REGISTRY_MAIN_DB", "")) or not name.endswith("bench"):
            raise SystemExit(f"refusing to use {name!r}: the benchmark database's name ends with 'bench'")
        with self.pg("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
            self.results["postgres"] = conn.execute("SHOW server_version").fetchone()[0]

    def drop_database(self):
        from django.db import connections

        connections.close_all()
        with self.pg("postgres") as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')

    def manage(self, *argv: str, capture=False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, MANAGE, *argv],
            env=self.env,
            cwd=ROOT,
            check=True,
            text=True,
            stdout=subprocess.PIPE if capture else None,
        )

    def build(self):
        log(f"creating database {self.args.database} and migrating")
        self.create_database()
        self.manage("migrate", "-v0")
        log(f"generating {self.args.deployments:,} deployments, {self.args.camera_counts:,} camera counts")
        started = time.monotonic()
        self.manage(
            "generate_synthetic",
            f"--deployments={self.args.deployments}",
            f"--camera-counts={self.args.camera_counts}",
            f"--seed={self.args.seed}",
        )
        self.results["generate_seconds"] = time.monotonic() - started
        # What autovacuum does after a bulk load (visibility map, hint bits, statistics), done now:
        # the figures are those of a settled database, not of autovacuum's first pass over 1M rows.
        log("VACUUM ANALYZE")
        started = time.monotonic()
        with self.pg(self.args.database) as conn:
            conn.execute("VACUUM ANALYZE")
        self.results["vacuum_seconds"] = time.monotonic() - started
        from deployments.models import Deployment
        from deployments.selectors import published_camera_counts

        self.results["published_deployments"] = Deployment.objects.published().count()
        self.results["published_camera_counts"] = published_camera_counts().count()

    def gunicorn(self, workers: int, extra_env: dict | None = None) -> Server:
        port = free_port()
        argv = [
            PYTHON, "-m", "gunicorn", "registry.wsgi:application",
            "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "3600",
            "--worker-class", "sync", "--keep-alive", "30",
        ]  # fmt: skip
        server = Server(argv, {**self.env, **(extra_env or {})}, port, "/healthz")
        self.servers.append(server)
        return server

    # --- 1. CSV -----------------------------------------------------------------------------------
    def export_sql(self, path: str, with_header: bool = False) -> tuple:
        """The SQL of the API's COPY export for ``path`` (the view's own filtered queryset)."""
        from rest_framework.request import Request
        from rest_framework.test import APIRequestFactory

        from api import copy_export
        from api.urls import router

        endpoint = path.split("/")[3]
        view_class = next(entry[1] for entry in router.registry if entry[0] == endpoint)
        request = Request(APIRequestFactory().get(path, HTTP_HOST="127.0.0.1"))
        view = view_class(request=request, format_kwarg=None, action="list", kwargs={})
        queryset = view.filter_queryset(view.get_queryset())
        serializer = view.export_serializer_class(context=view.get_serializer_context())
        sql, params, header = copy_export.export_query(queryset, serializer)
        return (sql, params, header) if with_header else (sql, params)

    def copy_anchor(self, path: str) -> dict:
        sql, params = self.export_sql(path)
        import psycopg

        with self.pg(self.args.database) as conn:
            cursor = psycopg.ClientCursor(conn)
            started = time.perf_counter()
            first = None
            size = rows = 0
            with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params or None) as copy:
                for block in copy:
                    if first is None:
                        first = time.perf_counter() - started
                    size += len(block)
                    rows += 1
            return {
                "seconds": time.perf_counter() - started,
                "first_byte": first,
                "bytes": size,
                "rows": rows,
            }

    def csv_bench(self):
        server = self.gunicorn(1)
        paths = {
            "deployments": "/api/v1/deployments/?format=csv",
            "camera-counts": "/api/v1/camera-counts/?format=csv",
        }
        out = {}
        for name, path in paths.items():
            log(f"CSV {name}: PostgreSQL COPY of the same query")
            anchor = self.copy_anchor(path)
            log(f"CSV {name}: the API (COPY path) through gunicorn")
            api = http_get_stream(server.port, path, sampler_pid=server.pid)
            api["rows"] = anchor["rows"]
            out[name] = {"copy": anchor, "api": api}
        server.stop()
        # The serializer path, for reference (bounded: deployments only, or a prefix when too slow).
        slow = self.gunicorn(1, {"REGISTRY_BENCH_CSV_COPY": "0"})
        log("CSV deployments: the serializer path (no COPY), for reference")
        result = http_get_stream(
            slow.port, paths["deployments"], sampler_pid=slow.pid, max_seconds=self.args.serializer_seconds
        )
        # Lines, not rows, when cut short (a few cells hold line breaks): close enough for a rate.
        result["rows"] = result["lines"] - 1 if result["truncated"] else out["deployments"]["copy"]["rows"]
        out["deployments"]["serializers"] = result
        slow.stop()
        self.results["csv"] = out

    # --- 6. OCDS ---------------------------------------------------------------------------------------
    def ocds_bench(self):
        from deployments.selectors import published_contracts

        contracts = published_contracts().count()
        server = self.gunicorn(1)
        out = {}
        for name, path in (
            ("ocds", "/api/v1/contracts/?format=ocds"),
            ("csv", "/api/v1/contracts/?format=csv"),
        ):
            log(f"contracts as {name}: every published contract through gunicorn")
            out[name] = {**http_get_stream(server.port, path, sampler_pid=server.pid), "rows": contracts}
        server.stop()
        self.results["ocds"] = out

    # --- 2 and 3. API latency, throughput, search ---------------------------------------------------
    def samples(self) -> dict:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.code FROM deployments_deployment d JOIN registry_country c ON c.id = d.country_id "
                "WHERE d.review_status = 'published' GROUP BY c.code ORDER BY count(*) DESC, c.code LIMIT 40"
            )
            countries = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT slug FROM deployments_deployment WHERE review_status = 'published' ORDER BY md5(slug) LIMIT 200"
            )
            slugs = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT public_id FROM deployments_cameracount c WHERE review_status = 'published' AND EXISTS "
                "(SELECT 1 FROM deployments_deployment d WHERE d.id = c.deployment_id AND d.review_status = 'published') "
                "AND EXISTS (SELECT 1 FROM registry_source s WHERE s.id = c.source_id AND s.review_status = 'published') "
                "ORDER BY md5(public_id::text) LIMIT 200"
            )
            counts = [str(row[0]) for row in cursor.fetchall()]
            cursor.execute("SELECT slug FROM deployments_technology WHERE slug LIKE 'syn-%%' ORDER BY slug")
            technologies = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT name FROM registry_country WHERE code = ANY(%s) ORDER BY code", [countries[:10]]
            )
            country_names = [row[0] for row in cursor.fetchall()]
            # Selective searches: "<place> <number>", as in a few deployment names.
            cursor.execute(
                "SELECT phrase FROM (SELECT DISTINCT substring(name from '^([A-Za-z ]+ [0-9]+) ') AS phrase "
                "FROM deployments_deployment WHERE review_status = 'published') AS p "
                "WHERE phrase IS NOT NULL ORDER BY md5(phrase) LIMIT 12"
            )
            phrases = [row[0] for row in cursor.fetchall()]
        return {
            "countries": countries,
            "slugs": slugs,
            "counts": counts,
            "technologies": technologies,
            "country_names": country_names,
            "phrases": phrases,
        }

    # Broad searches: words of thousands of synthetic names and summaries (tens of thousands of rows).
    BROAD_TERMS = [
        "safe city",
        "police cameras",
        "traffic control -pilot",
        "intelligent policing or emergency",
    ]

    def api_plan(self, s: dict) -> dict:
        statuses = ["active", "planned", "piloting", "announced"]
        q = "page_size=100"
        latency = {
            "deployments ?country= (page of 100)": [
                f"/api/v1/deployments/?country={c}&{q}" for c in s["countries"]
            ],
            "deployments ?status=&technology=": [
                f"/api/v1/deployments/?status={statuses[i % 4]}&technology={t}&{q}"
                for i, t in enumerate(s["technologies"])
            ],
            "deployments ?started_after=&ordering=-started_on": [
                f"/api/v1/deployments/?started_after={2010 + i % 12}&ordering=-started_on&{q}"
                for i in range(12)
            ],
            "camera-counts ?country= (page of 100)": [
                f"/api/v1/camera-counts/?country={c}&{q}" for c in s["countries"]
            ],
            "camera-counts ?deployment=": [
                f"/api/v1/camera-counts/?deployment={slug}&{q}" for slug in s["slugs"]
            ],
            "camera-counts ?kind=&as_of_after=&country=": [
                f"/api/v1/camera-counts/?kind=installed&as_of_after={2012 + i % 10}&country={c}&{q}"
                for i, c in enumerate(s["countries"])
            ],
            "camera-counts unfiltered (page of 100)": [
                f"/api/v1/camera-counts/?{q}&page={p}"
                for p in pages(self.results["published_camera_counts"], (1, 2, 3, 50))
            ],
            "deployments unfiltered, pages 1-500 (page of 100)": [
                f"/api/v1/deployments/?{q}&page={p}"
                for p in pages(self.results["published_deployments"], (1, 2, 50, 500))
            ],
            "deployment detail": [f"/api/v1/deployments/{slug}/" for slug in s["slugs"]],
            "camera-count detail": [f"/api/v1/camera-counts/{uuid}/" for uuid in s["counts"]],
        }
        selective = [f'"{phrase}"' for phrase in s["phrases"]] + [
            "sigurni grad " + name.split(",")[0] for name in s["country_names"][:4]
        ]
        search = {
            "deployments ?search= (selective)": [
                f"/api/v1/deployments/?search={quote(t)}&{q}" for t in selective
            ],
            "deployments ?search= (broad)": [
                f"/api/v1/deployments/?search={quote(t)}&{q}" for t in self.BROAD_TERMS
            ],
            "camera-counts ?search= (selective)": [
                f"/api/v1/camera-counts/?search={quote(t)}&{q}" for t in selective
            ],
            "camera-counts ?search= (broad)": [
                f"/api/v1/camera-counts/?search={quote(t)}&{q}" for t in self.BROAD_TERMS
            ],
        }
        mix = (
            latency["deployments ?country= (page of 100)"]
            + latency["camera-counts ?deployment="][:40]
            + latency["deployment detail"][:40]
            + latency["camera-count detail"][:40]
            + search["deployments ?search= (selective)"]
        )
        return {"latency": latency, "search": search, "mix": mix}

    def load(self, port: int, plan: dict) -> dict:
        result = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "load.py"), str(port)],
            input=json.dumps(plan),
            text=True,
            capture_output=True,
            check=False,
            cwd=ROOT,
        )
        if result.returncode:
            raise SystemExit(f"bench/load.py failed: {result.stderr[-2000:]}")
        return json.loads(result.stdout)

    def api_bench(self, search_only: bool = False):
        samples = self.samples()
        self.samples_cache = samples
        self.plan = self.api_plan(samples)
        # Kept running for the peer comparison (datasette_bench), then stopped.
        self.api_server = self.gunicorn(self.args.workers)
        log("search (one client)" if search_only else "API latency (one client) and search")
        lines = self.plan["search"] if search_only else {**self.plan["latency"], **self.plan["search"]}
        latency = self.load(
            self.api_server.port,
            {
                "latency": lines,
                "repeat": self.args.repeat,
                "budget": self.args.line_budget,
                # Twice per worker: the first request of a kind on a worker compiles and caches.
                "warmup": 2 * self.args.workers,
            },
        )["latency"]
        self.results["api"] = {"latency": latency, "throughput": None, "workers": self.args.workers}

    def throughput(self, sides: dict[str, tuple[int, list[str]]], rounds: int = 4) -> dict[str, dict]:
        """Requests/s of each side ({name: (port, paths)}) under ``--threads`` clients, in ``rounds``
        alternating slices of ``--seconds`` in all per side: a drift in the machine's speed then
        weighs on every side alike."""
        totals = {name: {"requests": 0, "seconds": 0.0, "errors": 0} for name in sides}
        names = list(sides)
        for number in range(rounds):
            for name in names if number % 2 == 0 else reversed(names):
                port, paths = sides[name]
                measured = self.load(
                    port,
                    {
                        "throughput": paths,
                        "threads": self.args.threads,
                        "seconds": self.args.seconds / rounds,
                        "max_requests": 100000,
                    },
                )["throughput"]
                for key in totals[name]:
                    totals[name][key] += measured[key]
        return totals

    # --- 4. Datasette ------------------------------------------------------------------------------
    def sqlite_export(self) -> Path:
        """The same joined deployments (and camera counts) as the CSV export, in a SQLite file."""
        path = self.tmp / "bench.db"
        db = sqlite3.connect(path)
        for table, api_path, key in (
            ("deployments", "/api/v1/deployments/?format=csv", "slug"),
            ("camera_counts", "/api/v1/camera-counts/?format=csv", "public_id"),
        ):
            sql, params, header = self.export_sql(api_path, with_header=True)
            csv_file = self.tmp / f"{table}.csv"
            import psycopg

            with self.pg(self.args.database) as conn, csv_file.open("wb") as out:
                out.write((",".join(header) + "\n").encode())
                cursor = psycopg.ClientCursor(conn)
                with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params or None) as copy:
                    for block in copy:
                        out.write(block)
            with csv_file.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                columns = ", ".join(f'"{c}" TEXT' + (" PRIMARY KEY" if c == key else "") for c in header)
                db.execute(f"CREATE TABLE {table} ({columns})")
                marks = ", ".join("?" for _ in header)
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", reader)  # noqa: S608
            csv_file.unlink()
        db.execute("CREATE INDEX deployments_country ON deployments(country_code)")
        db.execute("CREATE INDEX camera_counts_country ON camera_counts(country_code)")
        db.execute("CREATE INDEX camera_counts_deployment ON camera_counts(deployment_slug)")
        db.execute(
            "CREATE VIRTUAL TABLE deployments_fts USING fts5(name, summary, data_managed_by, country_name, "
            "content='deployments')"
        )
        db.execute(
            "INSERT INTO deployments_fts(rowid, name, summary, data_managed_by, country_name) "
            "SELECT rowid, name, summary, data_managed_by, country_name FROM deployments"
        )
        db.commit()
        db.execute("VACUUM")
        db.close()
        return path

    def datasette_bench(self):
        if shutil.which("datasette", path=str(Path(PYTHON).parent)) is None:
            self.results["datasette"] = None
            log("datasette is not installed (pip install -e '.[bench]'): peer comparison skipped")
            log(f"API throughput: {self.args.threads} clients")
            measured = self.throughput({"registry": (self.api_server.port, self.plan["mix"])})
            self.results["api"]["throughput"] = measured["registry"]
            self.api_server.stop()
            return
        log("Datasette: exporting the same rows to SQLite")
        db_path = self.sqlite_export()
        port = free_port()
        argv = [
            str(Path(PYTHON).parent / "datasette"), "serve", "-i", str(db_path), "-h", "127.0.0.1", "-p", str(port),
            "--setting", "max_returned_rows", "1000", "--setting", "sql_time_limit_ms", "600000",
            "--setting", "max_csv_mb", "0", "--setting", "num_sql_threads", "3",
        ]  # fmt: skip
        server = Server(argv, self.env, port, "/-/versions.json")
        self.servers.append(server)
        registry = self.api_server
        s = self.samples_cache
        q = "_size=100&_shape=objects"
        latency = {
            "deployments ?country= (page of 100)": [f"/bench/deployments.json?country_code={c}&{q}" for c in s["countries"]],
            "camera-counts ?country= (page of 100)": [
                f"/bench/camera_counts.json?country_code={c}&{q}" for c in s["countries"]
            ],
            "camera-counts ?deployment=": [f"/bench/camera_counts.json?deployment_slug={d}&{q}" for d in s["slugs"]],
            "deployment detail": [f"/bench/deployments/{slug}.json" for slug in s["slugs"]],
            "deployments ?search= (selective)": [
                f"/bench/deployments.json?_search={quote(chr(34) + t + chr(34))}&{q}" for t in s["phrases"]
            ],
            "deployments ?search= (broad)": [
                f"/bench/deployments.json?_search={quote(t)}&{q}" for t in ("safe city", "police cameras")
            ],
        }  # fmt: skip
        log("Datasette against the registry: latency, request by request")
        paired = self.load(
            port,
            {
                "paired": {
                    name: [
                        [registry.port, self.plan["latency"].get(name) or self.plan["search"][name]],
                        [port, paths],
                    ]
                    for name, paths in latency.items()
                },
                "repeat": self.args.repeat,
                "budget": 2 * self.args.line_budget,
                "warmup": 2 * self.args.workers,
            },
        )["paired"]
        mix = (
            latency["deployments ?country= (page of 100)"]
            + latency["camera-counts ?deployment="][:40]
            + latency["deployment detail"][:40]
        )
        log(f"Datasette against the registry: throughput, {self.args.threads} clients, alternating")
        throughput = self.throughput(
            {"registry": (registry.port, self.plan["mix"]), "datasette": (port, mix)}
        )
        self.results["api"]["throughput"] = throughput["registry"]
        registry.stop()
        log("Datasette: CSV of every deployment")
        csv_result = http_get_stream(
            port, "/bench/deployments.csv?_stream=on&_size=max", server.pid, include_self=True
        )
        csv_result["rows"] = self.results["csv"]["deployments"]["copy"]["rows"]
        server.stop()
        self.results["datasette"] = {
            "paired": paired,
            "throughput": throughput["datasette"],
            "csv": csv_result,
        }

    # --- 5. Import -----------------------------------------------------------------------------------
    def import_bench(self):
        commands = ROOT / "registry" / "management" / "commands"
        if not (commands / "import_records.py").exists():
            self.results["import"] = None
            log("import_records does not exist: import benchmark skipped")
            return
        rows = self.args.import_rows
        path = self.tmp / "camera-counts-import.csv"
        # The columns of export_records deployments.CameraCount, as new (draft) observations.
        select = (
            "SELECT gen_random_uuid() AS public_id, d.slug AS deployment, coalesce(p.slug, '') AS place, c.as_of, "  # noqa: S608
            "c.cameras, c.locations, c.kind, c.phase, s.slug AS source, c.locator, c.confidence, c.notes, "
            "'draft' AS review_status, '' AS version FROM deployments_cameracount c "
            "JOIN deployments_deployment d ON d.id = c.deployment_id LEFT JOIN deployments_place p ON p.id = c.place_id "
            f"JOIN registry_source s ON s.id = c.source_id ORDER BY c.id LIMIT {int(rows)}"
        )
        statement = f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER)"
        with (
            self.pg(self.args.database) as conn,
            path.open("wb") as out,
            conn.cursor().copy(statement) as copy,
        ):
            for block in copy:
                out.write(block)
        total = sum(1 for _ in csv.reader(path.open(newline="", encoding="utf-8"))) - 1
        log(f"Import: COPY FROM of the {total:,}-row file")
        with self.pg(self.args.database) as conn:
            conn.execute(
                "CREATE TEMP TABLE import_anchor (public_id uuid, deployment text, place text, as_of text, "
                "cameras integer, locations integer, kind text, phase text, source text, locator text, "
                "confidence text, notes text, review_status text, version text)"
            )
            started = time.perf_counter()
            statement = "COPY import_anchor FROM STDIN WITH (FORMAT csv, HEADER)"
            with conn.cursor().copy(statement) as copy, path.open("rb") as handle:
                while block := handle.read(1 << 16):
                    copy.write(block)
            copy_seconds = time.perf_counter() - started
        # A probe sets the prefix the budget allows.
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        probe_rows = min(total, self.args.import_probe)
        probe = self.tmp / "probe.csv"
        probe.write_text("".join(lines[: probe_rows + 1]), encoding="utf-8")
        log(f"Import: import_records on a {probe_rows:,}-row probe, and on the header alone (start-up)")
        probe_seconds = self.timed_import(probe)
        header_only = self.tmp / "header.csv"
        header_only.write_text(lines[0], encoding="utf-8")
        startup_seconds = self.timed_import(header_only)
        # The pace of the rows, without the start-up (≈ 1-2 s, most of a small probe's time).
        rate = probe_rows / max(probe_seconds - startup_seconds, probe_seconds / 10)
        measured_rows, seconds = probe_rows, probe_seconds
        remaining = lines[probe_rows + 1 :]
        if remaining:
            budget_rows = int(rate * self.args.import_budget)
            part_rows = min(len(remaining), max(budget_rows, 0))
            if part_rows >= probe_rows:
                part = self.tmp / "part.csv"
                part.write_text(lines[0] + "".join(remaining[:part_rows]), encoding="utf-8")
                log(f"Import: import_records on {part_rows:,} rows (budget {self.args.import_budget}s)")
                part_seconds = self.timed_import(part)
                measured_rows, seconds = part_rows, part_seconds
        self.results["import"] = {
            "file_rows": total,
            "copy_seconds": copy_seconds,
            "rows": measured_rows,
            "seconds": seconds,
            "startup_seconds": startup_seconds,
        }

    def timed_import(self, path: Path, model: str = "deployments.CameraCount", *extra: str) -> float:
        started = time.perf_counter()
        subprocess.run(
            [PYTHON, MANAGE, "import_records", model, str(path), "-v0", *extra],
            env=self.env,
            cwd=ROOT,
            check=not extra,  # a dry run of refused rows exits with 1
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return time.perf_counter() - started

    def refused_bench(self):
        """A dry run of N, then 2N source rows, each refused by a check constraint (the language):
        the time of the rows (start-up excluded) must grow as their number does."""
        header = "slug,title,kind,url,language\n"
        times = {}
        for rows in (0, self.args.refused_rows, 2 * self.args.refused_rows):
            path = self.tmp / f"refused-{rows}.csv"
            path.write_text(
                header
                + "".join(f"refused-{i},Report {i},news,https://example.org/{i},XX\n" for i in range(rows)),
                encoding="utf-8",
            )
            log(f"Import: a dry run of {rows:,} refused rows")
            times[rows] = self.timed_import(path, "registry.Source", "--dry-run")
        self.results["refused"] = {"rows": self.args.refused_rows, "seconds": times}

    # --- 6. FollowTheMoney ----------------------------------------------------------------------------
    def ftm_bench(self):
        log("FtM: manage.py export_ftm --output")
        path = self.tmp / "registry.ftm.json"
        started = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, MANAGE, "export_ftm", "--output", str(path)], env=self.env, cwd=ROOT
        )
        with RSSSampler(process.pid, include_self=True) as sampler:
            if process.wait() != 0:
                raise SystemExit("manage.py export_ftm failed")
        seconds = time.perf_counter() - started
        with path.open("rb") as handle:
            entities = sum(1 for _ in handle)
        command = {
            "seconds": seconds,
            "entities": entities,
            "bytes": path.stat().st_size,
            "peak_rss_mb": sampler.peak,
        }
        path.unlink()
        log("FtM: /api/v1/export/ftm through gunicorn")
        server = self.gunicorn(1)
        api = http_get_stream(server.port, "/api/v1/export/ftm", sampler_pid=server.pid)
        server.stop()
        api["entities"] = api["lines"]
        self.results["ftm"] = {"command": command, "api": api}

    # --- report --------------------------------------------------------------------------------------
    def run(self):
        started = time.monotonic()
        self.results["load_before"] = os.getloadavg()
        self.results["python_reference"] = python_reference()
        try:
            self.build()
            if self.args.only == "search":
                self.api_bench(search_only=True)
            elif self.args.only == "ocds":
                self.ocds_bench()
            elif self.args.only == "ftm":
                self.ftm_bench()
            else:
                self.csv_bench()
                self.ocds_bench()
                self.api_bench()
                self.datasette_bench()
                self.import_bench()
                self.refused_bench()
                self.ftm_bench()
        finally:
            for server in self.servers:
                server.stop()
            if not self.args.keep:
                log(f"dropping {self.args.database}")
                self.drop_database()
            shutil.rmtree(self.tmp, ignore_errors=True)
        self.results["load_after"] = os.getloadavg()
        self.results["python_reference_end"] = python_reference()
        self.results["total_seconds"] = time.monotonic() - started
        report(self.args, self.results)
        if self.args.json:
            Path(self.args.json).write_text(json.dumps(self.results, indent=2, default=str))


def quote(text: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(text, safe="")


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "-"
    value = a / b
    return f"{value:.2f}x" if value >= 0.1 else f"1/{b / a:,.0f}"


def report(args, r: dict) -> None:
    p = print
    cores = os.cpu_count()
    mem = Path("/proc/meminfo").read_text().split()[1]
    p()
    p("=" * 100)
    p(
        f"Registry benchmark: {args.deployments:,} deployments, {args.camera_counts:,} camera counts (seed {args.seed})"
    )
    p(
        f"Machine: {cores} cores, {int(mem) // 1024 // 1024} GB RAM, {platform.platform()}, Python "
        f"{platform.python_version()}, PostgreSQL {r.get('postgres')}; Python reference workload "
        f"{r['python_reference']:.3f} s at the start, {r['python_reference_end']:.3f} s at the end "
        "(python_reference(), best of 3; lower is faster)"
    )
    p(
        "Load average (1/5/15 min) before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
            *r["load_before"], *r["load_after"]
        )
    )
    p(
        f"Data: {r['published_deployments']:,} published deployments, {r['published_camera_counts']:,} published "
        f"camera counts; generated in {r['generate_seconds']:.0f} s, then VACUUM ANALYZE in "
        f"{r.get('vacuum_seconds', 0):.0f} s; whole run {r['total_seconds']:.0f} s"
    )
    p()
    if args.only == "search":
        report_search(r)
        return
    if args.only == "ftm":
        report_ftm(r)
        p("=" * 100)
        return
    if args.only == "ocds":
        report_ocds(r)
        p("=" * 100)
        return
    p("1. CSV export (all published rows, joined columns), HTTP through gunicorn vs PostgreSQL COPY")
    p(
        f"   {'':<34}{'rows':>10}{'seconds':>9}{'rows/s':>10}{'MB/s':>7}{'1st byte':>10}{'peak RSS':>10}{'vs COPY':>9}"
    )
    for name, values in r["csv"].items():
        copy = values["copy"]
        copy_rate = copy["rows"] / copy["seconds"]
        for label, m in (("COPY (same query), psycopg", copy), ("API ?format=csv (COPY path)", values["api"]),
                         ("API, serializer path", values.get("serializers"))):  # fmt: skip
            if not m:
                continue
            rate = m["rows"] / m["seconds"]
            rss = f"{m['peak_rss_mb']:.0f} MB" if m.get("peak_rss_mb") else "-"
            if m.get("truncated"):
                label += f" (first {args.serializer_seconds:.0f} s)"
            p(
                f"   {name + ': ' + label:<34}{m['rows']:>10,}{m['seconds']:>9.2f}{rate:>10,.0f}"
                f"{m['bytes'] / m['seconds'] / 1e6:>7.1f}{m['first_byte'] * 1000:>8.0f}ms{rss:>10}{ratio(rate, copy_rate):>9}"
            )
        if values["api"].get("base_rss_mb"):
            p(f"   {name}: worker RSS before the request {values['api']['base_rss_mb']:.0f} MB")
    ds = r.get("datasette")
    if ds:
        m = ds["csv"]
        rate = m["rows"] / m["seconds"]
        api = r["csv"]["deployments"]["api"]
        api_rate = api["rows"] / api["seconds"]
        p(
            f"   {'deployments: Datasette CSV (SQLite)':<34}{m['rows']:>10,}{m['seconds']:>9.2f}{rate:>10,.0f}"
            f"{m['bytes'] / m['seconds'] / 1e6:>7.1f}{m['first_byte'] * 1000:>8.0f}ms{m['peak_rss_mb']:>7.0f} MB"
            f"   registry/Datasette {ratio(api_rate, rate)}"
        )
    p()
    api = r["api"]
    p(f"2/3. API and search, one client (milliseconds; gunicorn, {api['workers']} sync workers)")
    p(f"   {'request':<52}{'n':>5}{'p50':>8}{'p99':>8}")
    for name, timings in api["latency"].items():
        p(f"   {name:<52}{len(timings):>5}{percentile(timings, 0.5):>8.1f}{percentile(timings, 0.99):>8.1f}")
    t = api["throughput"]
    p(
        f"   Throughput, {args.threads} concurrent clients, mixed lists/details/search: "
        f"{t['requests'] / t['seconds']:,.0f} requests/s ({t['requests']:,} in {t['seconds']:.1f} s, {t['errors']} errors)"
    )
    p()
    if ds:
        p("4. Peer: the same requests to the registry and to Datasette, one after the other (milliseconds)")
        p(
            f"   {'request':<44}{'n':>5}{'registry p50':>14}{'p99':>8}{'Datasette p50':>15}{'p99':>8}{'ratio p50':>11}{'p99':>8}"
        )
        for name, (ours, peer) in ds["paired"].items():
            p(
                f"   {name:<44}{len(ours):>5}{percentile(ours, 0.5):>14.1f}{percentile(ours, 0.99):>8.1f}"
                f"{percentile(peer, 0.5):>15.1f}{percentile(peer, 0.99):>8.1f}"
                f"{ratio(percentile(peer, 0.5), percentile(ours, 0.5)):>11}{ratio(percentile(peer, 0.99), percentile(ours, 0.99)):>8}"
            )
        p("   (ratio: Datasette's time over the registry's; above 1x the registry is faster)")
        d = ds["throughput"]
        p(
            f"   Datasette, same clients, lists/details (alternating slices with the registry's): "
            f"{d['requests'] / d['seconds']:,.0f} requests/s ({d['requests']:,} in {d['seconds']:.1f} s, "
            f"{d['errors']} errors); registry/Datasette {ratio(t['requests'] / t['seconds'], d['requests'] / d['seconds'])}"
        )
    elif ds is None:
        p("4. Peer: not measured (Datasette is not installed)")
    p()
    imp = r.get("import")
    p(
        "5. Import (manage.py import_records deployments.CameraCount, full validation) vs COPY FROM the same file"
    )
    if imp:
        copy_rate = imp["file_rows"] / imp["copy_seconds"]
        rate = imp["rows"] / imp["seconds"]
        p(
            f"   COPY FROM (text staging table): {imp['file_rows']:,} rows in {imp['copy_seconds']:.2f} s = {copy_rate:,.0f} rows/s"
        )
        p(
            f"   import_records: {imp['rows']:,} rows in {imp['seconds']:.1f} s = {rate:,.0f} rows/s "
            f"({ratio(rate, copy_rate)} of COPY)"
            + (
                f"; measured on {imp['rows']:,} of the {imp['file_rows']:,} rows (time budget)"
                if imp["rows"] < imp["file_rows"]
                else ""
            )
        )
        if "startup_seconds" in imp:
            p(f"   (start-up included; an import of the header alone took {imp['startup_seconds']:.1f} s)")
    else:
        p("   not measured: import_records does not exist")
    refused = r.get("refused")
    if refused:
        n, seconds = refused["rows"], refused["seconds"]
        once, twice = seconds[n] - seconds[0], seconds[2 * n] - seconds[0]
        p(
            f"   refused rows (dry run, a check constraint): {n:,} in {once:.1f} s, {2 * n:,} in {twice:.1f} s "
            f"(start-up of {seconds[0]:.1f} s excluded): {1000 * once / n:.2f} and {1000 * twice / (2 * n):.2f} ms a row, "
            f"{twice / once if once > 0 else 0:.2f}x the time for 2x the rows (linear: 2x)"
        )
    if r.get("ocds"):
        p()
        report_ocds(r)
    report_ftm(r)
    p("=" * 100)


def report_ocds(r: dict) -> None:
    print("6. OCDS release package of every published contract (streamed), HTTP through gunicorn, 1 worker")
    print(f"   {'':<34}{'rows':>10}{'seconds':>9}{'rows/s':>10}{'MB/s':>7}{'1st byte':>10}{'peak RSS':>10}")
    for name, m in r["ocds"].items():
        label = {"ocds": "?format=ocds (releases)", "csv": "?format=csv (same contracts)"}[name]
        print(
            f"   {label:<34}{m['rows']:>10,}{m['seconds']:>9.2f}{m['rows'] / m['seconds']:>10,.0f}"
            f"{m['bytes'] / m['seconds'] / 1e6:>7.1f}{m['first_byte'] * 1000:>8.0f}ms{m['peak_rss_mb']:>7.0f} MB"
        )
    print(f"   worker RSS before the request {r['ocds']['ocds']['base_rss_mb']:.0f} MB")


def report_ftm(r: dict) -> None:
    """The FollowTheMoney lines: entities/s and peak memory of the command and of the API."""
    ftm = r.get("ftm")
    if not ftm:
        return
    print("7. FollowTheMoney export (every published record as FtM entities, JSON lines)")
    for label, m in (
        ("manage.py export_ftm --output", ftm["command"]),
        ("API /api/v1/export/ftm", ftm["api"]),
    ):
        print(
            f"   {label:<32}{m['entities']:>10,} entities in {m['seconds']:>7.1f} s = "
            f"{m['entities'] / m['seconds']:>8,.0f} entities/s, {m['bytes'] / 1e6:,.0f} MB, "
            f"peak RSS {m['peak_rss_mb']:.0f} MB"
            + (f" (worker before the request: {m['base_rss_mb']:.0f} MB)" if m.get("base_rss_mb") else "")
        )


def report_search(r: dict) -> None:
    """The search lines alone (``--only search``)."""
    api = r["api"]
    print(f"3. Search, one client (milliseconds; gunicorn, {api['workers']} sync workers)")
    print(f"   {'request':<52}{'n':>5}{'p50':>8}{'p99':>8}")
    for name, timings in api["latency"].items():
        print(
            f"   {name:<52}{len(timings):>5}{percentile(timings, 0.5):>8.1f}{percentile(timings, 0.99):>8.1f}"
        )
    print("=" * 100)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deployments", type=int, default=100_000)
    parser.add_argument("--camera-counts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quick", action="store_true", help="A smoke run: 1,000 deployments, 10,000 camera counts."
    )
    parser.add_argument(
        "--database", default="registry_bench", help="The benchmark database (created and dropped)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database at the end.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for the API figures.")
    parser.add_argument("--threads", type=int, default=8, help="Concurrent clients for requests/s.")
    parser.add_argument("--seconds", type=float, default=20, help="Duration of the requests/s measurement.")
    parser.add_argument("--repeat", type=int, default=200, help="Requests per latency line (at most).")
    parser.add_argument("--line-budget", type=float, default=45, help="Seconds per latency line (at most).")
    parser.add_argument("--import-rows", type=int, default=100_000, help="Rows of the import file.")
    parser.add_argument(
        "--import-probe", type=int, default=1000, help="Rows of the first import (sets the pace)."
    )
    parser.add_argument(
        "--import-budget", type=float, default=240, help="Seconds the import may take at most."
    )
    parser.add_argument(
        "--refused-rows", type=int, default=10_000, help="Refused rows of the smaller refused-rows import."
    )
    parser.add_argument(
        "--serializer-seconds", type=float, default=90, help="Cut the serializer-path CSV after this long."
    )
    parser.add_argument("--json", help="Also write the raw figures to this file.")
    parser.add_argument(
        "--only",
        choices=["search", "ocds", "ftm"],
        help="Build the data, then measure only this part (search p50/p99, the OCDS or the FtM export).",
    )
    args = parser.parse_args()
    if args.quick:
        args.deployments, args.camera_counts = 1_000, 10_000
        args.refused_rows = 1_000
        args.repeat, args.seconds, args.import_rows, args.import_probe, args.import_budget = (
            60,
            5,
            2_000,
            200,
            20,
        )
    Bench(args).run()


if __name__ == "__main__":
    main()
