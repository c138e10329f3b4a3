"""Attacks on a registry you run yourself, on this machine: the figures of SECURITY.md.

    .venv/bin/python security/attack_local.py --base http://127.0.0.1:8123 throttle --requests 400
    .venv/bin/python security/attack_local.py --base http://127.0.0.1:8123 lockout --username cora --password '...'
    .venv/bin/python security/attack_local.py --base http://127.0.0.1:8123 crawl --marker DRAFT-MARKER --limit 2000

Only loopback addresses (127.0.0.0/8, ::1, localhost) are accepted as targets; every loop is bounded in
requests and seconds. Each attack prints what it tried and how many attempts succeeded where they must
not (target: 0), and the script exits with 1 if any did.

- ``throttle``: requests to the API, each with a new ``X-Forwarded-For``, as a client that invents an
  address per request; counts the 200s past the anonymous rate (with the server's
  ``DJANGO_API_NUM_PROXIES`` unset, every request is the same client).
- ``lockout``: bad passwords for a user, each claiming another address in ``X-Forwarded-For``, then the
  right password from an address the attacker named: counts a locked-out innocent and an escaped attacker.
  Behind a proxy (``--proxied``, the server with ``DJANGO_API_NUM_PROXIES=1``) the script writes the
  header as a proxy would, appending the attacker's own address after the address they claim.
- ``crawl``: every page and API response reachable from the entry points (links in HTML and JSON), in
  every format; counts responses that contain ``--marker`` (plant it in a draft first) or answer 500.
"""

import argparse
import ipaddress
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from http.cookiejar import CookieJar

ENTRY_POINTS = ["/", "/api/v1/", "/api/schema/", "/api/docs/", "/sitemap.xml"]
FORMATS = ["", "?format=json", "?format=csv", "?format=geojson", "?format=api"]


def loopback_only(base: str) -> str:
    host = urllib.parse.urlsplit(base).hostname or ""
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError
        except ValueError:
            sys.exit(f"{base}: only a server on this machine (127.0.0.0/8, ::1, localhost) may be attacked.")
    return base.rstrip("/")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer (a login's 302), not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str, timeout: float = 30):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects
        )

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def csrf_token(self) -> str:
        for handler in self.opener.handlers:
            if isinstance(handler, urllib.request.HTTPCookieProcessor):
                for cookie in handler.cookiejar:
                    if cookie.name == "csrftoken":
                        return cookie.value
        return ""


def attack_throttle(base: str, requests: int, seconds: float) -> int:
    client, started = Client(base), time.monotonic()
    codes = []
    for number in range(requests):
        if time.monotonic() - started > seconds:
            break
        status, _headers, _body = client.request(
            "/api/v1/countries/",
            headers={
                "X-Forwarded-For": f"198.51.100.{number % 250}, 192.0.2.66"
            },  # a proxy appends the real one
        )
        codes.append(status)
    allowed = codes.count(200)
    limited = codes.count(429)
    first_429 = codes.index(429) + 1 if 429 in codes else None
    print(
        f"throttle: {len(codes)} requests with a new X-Forwarded-For each: {allowed} answered 200, {limited} 429 "
        f"(first 429 at request {first_429})"
    )
    return 0 if limited else 1  # never limited: the header was taken as the client's identity


def log_in(base: str, username: str, password: str, forwarded: str) -> int:
    client = Client(base)
    headers = {"X-Forwarded-For": forwarded}
    client.request("/admin/login/", headers=headers)
    token = client.csrf_token()
    status, _headers, _body = client.request(
        "/admin/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/admin/"},
        {**headers, "Referer": base + "/admin/login/"},
    )
    return status


def attack_lockout(base: str, username: str, password: str, proxied: bool) -> int:
    def header(claimed: str, real: str) -> str:
        return f"{claimed}, {real}" if proxied else claimed

    for attempt in range(5):
        log_in(base, username, "wrong password", header(f"198.51.100.{attempt + 1}", "192.0.2.66"))
    innocent = log_in(base, username, password, "192.0.2.7")
    escaped = log_in(base, username, password, header("198.51.100.99", "192.0.2.66"))
    # Directly, every request of this script comes from one socket address: the innocent is the attacker.
    failures = int(escaped != 429) + int(proxied and innocent == 429)
    print(
        f"lockout ({'one proxy' if proxied else 'direct'}): 5 bad passwords, each claiming another address; "
        f"then the right password: from the attacker claiming a new address {escaped} (429 expected)"
        + (f", from another client {innocent} (302 expected)" if proxied else "")
        + f": {failures} failure(s)"
    )
    return failures


LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)""")


def links_of(body: bytes, content_type: str) -> list[str]:
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            found = []

            def walk(value):
                if isinstance(value, dict):
                    for item in value.values():
                        walk(item)
                elif isinstance(value, list):
                    for item in value:
                        walk(item)
                elif isinstance(value, str) and value.startswith(("http://", "https://", "/")):
                    found.append(value)

            walk(json.loads(text))
            return found
        except ValueError:
            return []
    if "html" in content_type:
        return LINK.findall(text)
    return []


def attack_crawl(base: str, marker: str, limit: int, seconds: float) -> int:
    client, started = Client(base), time.monotonic()
    queue, seen = deque(ENTRY_POINTS), set()
    leaks, errors, fetched = [], [], 0
    while queue and fetched < limit and time.monotonic() - started < seconds:
        path = queue.popleft()
        parts = urllib.parse.urlsplit(path)
        if parts.netloc and parts.netloc != urllib.parse.urlsplit(base).netloc:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or path.startswith(("/admin", "/static")):
            continue
        seen.add(path)
        status, headers, body = client.request(path)
        fetched += 1
        if marker and marker.encode() in body:
            leaks.append(path)
        if status >= 500:
            errors.append((status, path))
        for link in links_of(body, headers.get("Content-Type", "")):
            queue.append(link)
        if "?" not in path:
            queue.extend(path + suffix for suffix in FORMATS[1:])
    print(
        f"crawl: {fetched} responses from {len(ENTRY_POINTS)} entry points: {len(leaks)} with the marker, "
        f"{len(errors)} server errors"
    )
    for path in leaks[:20]:
        print(f"  LEAK {path}")
    for status, path in errors[:20]:
        print(f"  {status} {path}")
    return len(leaks) + len(errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    sub = parser.add_subparsers(dest="attack", required=True)
    throttle = sub.add_parser("throttle")
    throttle.add_argument("--requests", type=int, default=400)
    throttle.add_argument("--seconds", type=float, default=120)
    lockout = sub.add_parser("lockout")
    lockout.add_argument("--username", required=True)
    lockout.add_argument("--password", required=True)
    lockout.add_argument(
        "--proxied", action="store_true", help="The server runs with DJANGO_API_NUM_PROXIES=1."
    )
    crawl = sub.add_parser("crawl")
    crawl.add_argument("--marker", default="")
    crawl.add_argument("--limit", type=int, default=2000)
    crawl.add_argument("--seconds", type=float, default=600)
    args = parser.parse_args()
    base = loopback_only(args.base)
    if args.attack == "throttle":
        return int(attack_throttle(base, args.requests, args.seconds) > 0)
    if args.attack == "lockout":
        return int(attack_lockout(base, args.username, args.password, args.proxied) > 0)
    return int(attack_crawl(base, args.marker, args.limit, args.seconds) > 0)


if __name__ == "__main__":
    sys.exit(main())
