"""Load test: anonymous API readers and two curators editing the same deployment, on loopback only.

    .venv/bin/python bench/load_test.py [--seconds 30] [--clients 8] [--workers 4] [--synthetic 200]

Bounded: at most 120 seconds of load, 127.0.0.1 only, on a database of its own. It

1. creates ``registry_load`` (``--database``, its name must end in ``_load``) on the registry's
   PostgreSQL server (the embedded one under var/, or the server of DATABASE_URL), migrates it,
   loads the seed (fixtures/*.yaml) and, if ``manage.py generate_synthetic`` exists, synthetic rows;
2. serves it with gunicorn (``--workers`` sync workers) on a free port of 127.0.0.1, with the
   registry's production settings (collectstatic first; HTTPS redirects off, as behind a TLS proxy;
   API throttling raised for the run, so any 429 is an error);
3. runs, for ``--seconds``: ``--clients`` anonymous API clients (threads of a second process: lists
   with filters, details, search, CSV), and two curators logged into the admin, both editing the
   summary of the same deployment through its change form (GET the form, POST it with the revision
   it carried): a save based on a revision someone else saved meanwhile must be refused as stale;
4. prints requests, requests/s, p50/p95/p99 latency per kind, errors (any 5xx, 429, other
   unexpected status or connection error), saves accepted and refused as stale, and checks that no
   edit was lost: the stored summary is the last accepted save, and the deployment's history
   (pghistory events) holds exactly the accepted saves, in order;
5. stops gunicorn (by its pid) and drops the database (``--keep`` keeps it).

Exits 1 if there was any error or lost edit.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MAX_SECONDS = 120
DEPLOYMENT = "belgrade-safe-society"
CURATORS = ("load-curator-a", "load-curator-b")
PASSWORD = "load test password, loopback only"  # noqa: S105 (a throwaway database)
STALE = "Someone else saved this"


# --- helpers --------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[load] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def database_url(name: str) -> str:
    """DATABASE_URL for database ``name`` on the registry's server (DATABASE_URL's, or the embedded one)."""
    if "DATABASE_URL" in os.environ:
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path=f"/{name}"))
    sys.path.insert(0, str(ROOT))
    from registry.embedded_db import start_embedded_postgres

    var_dir = Path(os.environ.get("REGISTRY_VAR_DIR", ROOT / "var"))
    db = start_embedded_postgres(var_dir)
    return f"postgres://{db['USER']}@/{name}?{urlencode({'host': db['HOST']})}"


# --- the anonymous API clients (a second process) -------------------------------------------------


def api_clients(port: int, plan: dict) -> dict:
    """Threads, one keep-alive connection each, cycling through the plan's requests until the deadline."""
    deadline = time.monotonic() + plan["seconds"]
    timings: dict[str, list[float]] = {kind: [] for kind in plan["paths"]}
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        kinds = list(plan["paths"])
        step = number
        mine: dict[str, list[float]] = {kind: [] for kind in kinds}
        problems = []
        while time.monotonic() < deadline:
            kind = kinds[step % len(kinds)]
            paths = plan["paths"][kind]
            path = paths[(step // len(kinds)) % len(paths)]
            step += 1
            started = time.perf_counter()
            try:
                accept = "text/csv" if "format=csv" in path else "application/json"
                connection.request("GET", path, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                problems.append(f"{kind} {path}: {type(error).__name__}: {error}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine[kind].append((time.perf_counter() - started) * 1000)
            if status != 200:
                problems.append(f"{kind} {path}: HTTP {status}")
        connection.close()
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)
            errors.extend(problems)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(plan["clients"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"timings": timings, "errors": errors, "seconds": time.monotonic() - started}


# --- the curators ---------------------------------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """The fields of one <form> as a browser would submit them (inputs, checked boxes, selects, textareas)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(page: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormParser(form_id)
    parser.feed(page)
    return parser.fields


class Curator:
    """A curator in the admin: logs in, then GETs the change form and POSTs it with a new summary."""

    def __init__(self, port: int, username: str, change_path: str):
        import requests

        self.base = f"http://127.0.0.1:{port}"
        self.session = requests.Session()
        self.username, self.change_path = username, change_path
        self.saves: list[dict] = []  # accepted: {"summary", "seen_version", "at"}
        self.stale = 0
        self.errors: list[str] = []
        self.timings: dict[str, list[float]] = {"admin form": [], "admin save": []}

    def login(self):
        login = f"{self.base}/admin/login/"
        page = self.session.get(login, timeout=60)
        token = dict(form_fields(page.text, "login-form"))["csrfmiddlewaretoken"]
        response = self.session.post(
            login,
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token,
                "next": "/admin/",
            },
            timeout=60,
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise SystemExit(f"{self.username} could not log in (HTTP {response.status_code})")

    def timed(self, kind: str, call):
        started = time.perf_counter()
        response = call()
        self.timings[kind].append((time.perf_counter() - started) * 1000)
        return response

    def edit_once(self, number: int):
        url = self.base + self.change_path
        try:
            page = self.timed("admin form", lambda: self.session.get(url, timeout=60))
            if page.status_code != 200:
                self.errors.append(f"{self.username} GET form: HTTP {page.status_code}")
                return
            fields = [(name, value) for name, value in form_fields(page.text, "deployment_form")]
            seen = int(dict(fields)["seen_version"])
            summary = f"Edit {number} by {self.username} ({uuid.uuid4().hex[:8]})."
            data = [(name, value) for name, value in fields if name != "summary"]
            data += [("summary", summary), ("change_reason", f"load test edit {number}"), ("_save", "Save")]
            response = self.timed(
                "admin save", lambda: self.session.post(url, data=data, timeout=60, allow_redirects=False)
            )
        except Exception as error:  # a connection error is an error of the run, not a crash of it
            self.errors.append(f"{self.username}: {type(error).__name__}: {error}")
            return
        if response.status_code == 302:
            self.saves.append({"summary": summary, "seen_version": seen, "at": time.monotonic()})
        elif response.status_code == 200 and STALE in response.text:
            self.stale += 1
        else:
            self.errors.append(
                f"{self.username} POST form: HTTP {response.status_code} (not saved, not stale)"
            )

    def run(self, deadline: float):
        number = 0
        while time.monotonic() < deadline:
            number += 1
            self.edit_once(number)


# --- the run --------------------------------------------------------------------------------------


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.url = database_url(args.database)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "registry.settings",
            "DJANGO_SECRET_KEY": "load-test-only-" + uuid.uuid4().hex + uuid.uuid4().hex,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP on loopback, as behind a TLS-terminating proxy.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            # Throttling out of the way for the run: a 429 then counts as an error.
            "DJANGO_API_ANON_RATE": "100000000/minute",
            "DJANGO_API_EXPORT_RATE": "100000000/minute",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        self.server: subprocess.Popen | None = None

    # The database ---------------------------------------------------------------------------------

    def admin_connection(self):
        import psycopg

        parts = urlsplit(self.url)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def create_database(self):
        name = self.args.database
        if not name.endswith("_load"):
            raise SystemExit(f"refusing to use {name!r}: the load test's database name ends with '_load'")
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self):
        from django.db import connections

        connections.close_all()
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')

    def manage(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 (our own arguments)
            [PYTHON, str(ROOT / "manage.py"), *argv], env=self.env, cwd=ROOT, check=True
        )

    def build(self):
        log(f"creating database {self.args.database}, migrating, loading the seed")
        self.create_database()
        self.manage("migrate", "-v0")
        self.manage("seed", "-v0")
        synthetic = (ROOT / "deployments" / "management" / "commands" / "generate_synthetic.py").exists()
        if synthetic and self.args.synthetic:
            log(f"generating {self.args.synthetic} synthetic deployments")
            self.manage("generate_synthetic", f"--deployments={self.args.synthetic}", "--force", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")  # production settings serve the manifest's files
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from registry.curation.roles import ensure_roles

        curators, _ = ensure_roles()
        for username in CURATORS:
            user = get_user_model().objects.create_user(username, password=PASSWORD, is_staff=True)
            user.groups.add(curators)

    def plan(self) -> dict:
        from deployments.selectors import published_deployments
        from registry.models import Country
        from vendors.selectors import published_vendors

        published = published_deployments()
        slugs = list(published.order_by("?").values_list("slug", flat=True)[:50])
        countries = list(
            Country.objects.filter(deployments__in=published).distinct().values_list("code", flat=True)[:20]
        )
        vendors = list(published_vendors().order_by("?").values_list("slug", flat=True)[:20])
        return {
            "clients": self.args.clients,
            "seconds": self.args.seconds,
            "paths": {
                "list (filtered)": [f"/api/v1/deployments/?country={code}&page_size=50" for code in countries]
                + [
                    "/api/v1/deployments/?status=active&ordering=-started_on",
                    "/api/v1/camera-counts/?page_size=100",
                ],
                "detail": [f"/api/v1/deployments/{slug}/" for slug in slugs]
                + [f"/api/v1/vendors/{slug}/" for slug in vendors],
                "search": [
                    f"/api/v1/deployments/?search={term}" for term in ("camera", "huawei", "safe", "police")
                ],
                "csv": [f"/api/v1/deployments/?format=csv&country={code}" for code in countries[:5]]
                + ["/api/v1/camera-counts/?format=csv&country=RS"],
            },
        }

    # The server -----------------------------------------------------------------------------------

    def start_server(self) -> int:
        port = free_port()
        argv = [
            PYTHON, "-m", "gunicorn", "registry.wsgi:application", "--workers", str(self.args.workers),
            "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--keep-alive", "30",
        ]  # fmt: skip
        self.server_log = Path(tempfile.mkstemp(prefix="registry-load-", suffix=".log")[1])
        with self.server_log.open("w") as server_log:
            self.server = subprocess.Popen(  # noqa: S603
                argv, env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return port
            except OSError:
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")

    def stop_server(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()

    # The load -------------------------------------------------------------------------------------

    def run_load(self, port: int) -> dict:
        from deployments.models import Deployment

        deployment = Deployment.objects.get(slug=DEPLOYMENT)
        events = Deployment.pgh_event_model.objects.filter(pgh_obj=deployment)
        last_event = events.order_by("-pgh_id").values_list("pgh_id", flat=True).first() or 0
        change_path = f"/admin/deployments/deployment/{deployment.pk}/change/"
        curators = [Curator(port, name, change_path) for name in CURATORS]
        for curator in curators:
            curator.login()

        log(
            f"load: {self.args.clients} API clients and 2 curators for {self.args.seconds:g} s on port {port}"
        )
        readers = subprocess.Popen(  # noqa: S603
            [PYTHON, __file__, "--api-clients", str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        readers.stdin.write(json.dumps(self.plan()))
        readers.stdin.close()
        deadline = time.monotonic() + self.args.seconds
        threads = [threading.Thread(target=curator.run, args=(deadline,)) for curator in curators]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        api = json.loads(readers.stdout.read())
        readers.wait()

        deployment.refresh_from_db()
        history = list(
            events.filter(pgh_id__gt=last_event).order_by("pgh_id").values_list("summary", flat=True)
        )
        return {"api": api, "curators": curators, "stored": deployment.summary, "history": history}

    def run(self) -> int:
        try:
            self.build()
            port = self.start_server()
            results = self.run_load(port)
        finally:
            self.stop_server()
            if not self.args.keep:
                self.drop_database()
        status = report(self.args, results)
        if status:
            print(f"gunicorn's log: {self.server_log}")
        else:
            self.server_log.unlink()
        return status


# --- the report -----------------------------------------------------------------------------------


def lost_edits(results: dict) -> list[str]:
    """What was lost or invented: the stored summary and the history against the accepted saves."""
    saves = sorted((save for c in results["curators"] for save in c.saves), key=lambda s: s["seen_version"])
    problems = []
    seen = [save["seen_version"] for save in saves]
    if len(set(seen)) != len(seen):
        problems.append(f"two saves were accepted from the same revision: {seen}")
    if saves and results["stored"] != saves[-1]["summary"]:
        problems.append(
            f"the stored summary {results['stored']!r} is not the last accepted save {saves[-1]['summary']!r}"
        )
    if results["history"] != [save["summary"] for save in saves]:
        problems.append(
            f"the history holds {len(results['history'])} event(s) for {len(saves)} accepted save(s), "
            "or not the same summaries in the same order"
        )
    return problems


def report(args, results: dict) -> int:
    api, curators = results["api"], results["curators"]
    timings = dict(api["timings"])
    for curator in curators:
        for kind, values in curator.timings.items():
            timings.setdefault(kind, []).extend(values)
    errors = api["errors"] + [error for curator in curators for error in curator.errors]
    requests = sum(len(values) for values in timings.values()) + len(errors)
    seconds = api["seconds"]
    lost = lost_edits(results)
    accepted = sum(len(curator.saves) for curator in curators)
    stale = sum(curator.stale for curator in curators)
    try:
        load = os.getloadavg()
    except OSError:
        load = (float("nan"),) * 3

    print(
        f"Load test: {args.clients} API clients + 2 curators, gunicorn {args.workers} workers, {seconds:.1f} s"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"requests: {requests}  ({requests / seconds:.1f}/s)   errors: {len(errors)}")
    print(f"{'kind':<18}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in timings.items():
        row = [percentile(values, f) for f in (0.5, 0.95, 0.99)]
        print(f"{kind:<18}{len(values):>9}" + "".join(f"{value:>9.1f}" for value in row))
    print(f"curator saves: {accepted} accepted, {stale} refused as stale")
    print(
        f"no lost edits: {'yes' if not lost else 'NO'} (history events of the deployment: {len(results['history'])})"
    )
    for problem in lost:
        print(f"  LOST: {problem}")
    for error in errors[:20]:
        print(f"  ERROR: {error}")
    if len(errors) > 20:
        print(f"  ... and {len(errors) - 20} more errors")
    return 1 if errors or lost else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=30, help=f"Load duration (default 30, at most {MAX_SECONDS})."
    )
    parser.add_argument(
        "--clients", type=int, default=8, help="Concurrent anonymous API clients (default 8)."
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4).")
    parser.add_argument(
        "--synthetic", type=int, default=200, help="Synthetic deployments to add (0: the seed only)."
    )
    parser.add_argument("--database", default="registry_load", help="The database created and dropped.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--api-clients", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.api_clients:  # the second process: read the plan, run the readers, print their figures
        print(json.dumps(api_clients(args.api_clients, json.loads(sys.stdin.read()))))
        return 0
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be between 0 and {MAX_SECONDS}")
    if not 1 <= args.clients <= 64:
        parser.error("--clients must be between 1 and 64")
    return LoadTest(args).run()


if __name__ == "__main__":
    sys.exit(main())
