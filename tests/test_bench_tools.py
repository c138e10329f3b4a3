"""The benchmark's own tools (bench/): what they measure must be what they say they measure."""

import http.server
import threading

import pytest

from bench.load import paired
from bench.run import pages


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the load generator uses it

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.server.seen.append((self.server.server_address[1], self.path))
        status = 404 if self.path == "/missing" else 200
        body = b"{}"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    seen = []
    started = []
    for _ in range(2):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
        server.seen = seen  # one log for both: the order of requests across the servers
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
    yield [server.server_address[1] for server in started], seen
    for server in started:
        server.shutdown()
        server.server_close()


def test_paired_alternates_which_server_goes_first(servers):
    (ours, peer), seen = servers
    timings = paired([[ours, ["/a0", "/a1"]], [peer, ["/b0", "/b1"]]], repeat=4, budget=60, warmup=0)
    assert [len(side) for side in timings] == [4, 4]
    assert all(ms > 0 for side in timings for ms in side)
    assert seen == [
        (ours, "/a0"), (peer, "/b0"),
        (peer, "/b1"), (ours, "/a1"),
        (ours, "/a0"), (peer, "/b0"),
        (peer, "/b1"), (ours, "/a1"),
    ]  # fmt: skip


def test_paired_warms_each_server_up_untimed(servers):
    (ours, peer), seen = servers
    timings = paired([[ours, ["/a"]], [peer, ["/b"]]], repeat=1, budget=60, warmup=2)
    assert [len(side) for side in timings] == [1, 1]
    assert seen[:4] == [(ours, "/a"), (ours, "/a"), (peer, "/b"), (peer, "/b")]


def test_paired_refuses_to_time_errors(servers):
    (ours, peer), _ = servers
    with pytest.raises(SystemExit, match="/missing: HTTP 404"):
        paired([[ours, ["/a"]], [peer, ["/missing"]]], repeat=2, budget=60, warmup=0)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [(88_043, [1, 2, 50, 500]), (871, [1, 2]), (100, [1]), (101, [1, 2]), (0, [1])],
)
def test_pages_keeps_only_the_pages_that_exist(rows, expected):
    assert pages(rows, (1, 2, 50, 500)) == expected
