"""The login lockout (django-axes) holds behind a proxy: a client's own X-Forwarded-For entry neither
locks another client out nor lets the attacker escape the lockout.

The proxy settings are those registry/settings.py derives from ``DJANGO_API_NUM_PROXIES`` (read in a
fresh interpreter), so the test covers the environment a deployment sets, not a copy of it.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "a sound passphrase 2024"
PROXY = "10.0.0.1"  # the socket address every request has behind the proxy
CLIENT_ADDRESS_SETTINGS = (
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "IPWARE_ALGORITHM",
    "IPWARE_STRICT",
)


def settings_for(num_proxies: str | None) -> dict:
    """The client-address settings of registry/settings.py with DJANGO_API_NUM_PROXIES=num_proxies."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_API_NUM_PROXIES"}
    if num_proxies is not None:
        env["DJANGO_API_NUM_PROXIES"] = num_proxies
    code = (
        "import json, registry.settings as s; "
        f"found = {{name: getattr(s, name) for name in {CLIENT_ADDRESS_SETTINGS!r} if hasattr(s, name)}}; "
        "print(json.dumps({**found, 'REST_FRAMEWORK': s.REST_FRAMEWORK}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(params=[None, "1"], ids=["direct", "one-proxy"])
def proxies(request, settings):
    derived = settings_for(request.param)
    for name, value in derived.items():
        if name != "REST_FRAMEWORK":
            setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    proxies = derived["REST_FRAMEWORK"]["NUM_PROXIES"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    return proxies or 0


def from_address(proxies: int, address: str, spoofed: str | None = None) -> Client:
    """A browser at ``address`` that writes ``spoofed`` into its own X-Forwarded-For; behind the
    proxy, the proxy appends the address it saw (as nginx's $proxy_add_x_forwarded_for does)."""
    if not proxies:
        headers = {"HTTP_X_FORWARDED_FOR": spoofed} if spoofed else {}
        return Client(REMOTE_ADDR=address, **headers)
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def log_in(client: Client, password: str) -> int:
    return client.post("/admin/login/", {"username": "cora", "password": password}).status_code


# A client's own header: another address, an unclosed quote that would swallow what the proxy
# appends after it (python-ipware's modern parser honours quotes), garbage, an IPv6 address.
SPOOFS = ["6.6.6.6", '6.6.6.6, "', "not-an-address", "2001:4860::8888", "7.7.7.7"]


@pytest.mark.django_db
def test_a_spoofed_header_neither_locks_another_client_out_nor_escapes_the_lockout(proxies):
    get_user_model().objects.create_user("cora", password=PASSWORD, is_staff=True)
    for attempt in range(5):  # the attacker, at 5.5.5.5, claims to be someone else each time
        assert log_in(from_address(proxies, "5.5.5.5", SPOOFS[attempt]), "guess") in (200, 429)

    # Cora, at 7.7.7.7 (the address the attacker named last), is not locked out.
    assert log_in(from_address(proxies, "7.7.7.7"), PASSWORD) == 302
    # The attacker is, whatever their header says now, even with the right password.
    for spoof in [None, *SPOOFS, "8.8.8.8"]:
        assert log_in(from_address(proxies, "5.5.5.5", spoof), PASSWORD) == 429, spoof
