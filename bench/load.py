"""The load generator of bench/run.py, run as a separate process: HTTP/1.1 keep-alive clients on
threads (one connection each), loopback only, bounded in requests and seconds.

    python bench/load.py PORT < plan.json > results.json

plan: {"latency": {"name": [paths...], ...}, "repeat": 200, "warmup": 8, "throughput": [paths...],
       "threads": 8, "seconds": 20, "max_requests": 20000,
       "paired": {"name": [[port, [paths...]], [port, [paths...]]], ...}}
Prints {"latency": {"name": [ms, ...]}, "throughput": {"requests": n, "seconds": s, "errors": e},
        "paired": {"name": [[ms, ...], [ms, ...]]}}.

``paired`` times two servers request by request (the registry's and its peer's i-th request one
after the other, in alternating order), so that a machine whose speed drifts from one minute to the
next slows both sides of a comparison alike.
"""

import http.client
import json
import sys
import threading
import time


def get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path, headers={"Accept": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def latency(port: int, paths: list[str], repeat: int, budget: float, warmup: int = 3) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for number in range(warmup):  # every worker of the server serves this kind of request once first
        get(connection, paths[number % len(paths)])
    timings, deadline = [], time.monotonic() + budget
    for number in range(repeat):
        path = paths[number % len(paths)]
        started = time.perf_counter()
        status = get(connection, path)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")  # a benchmark of errors would be meaningless
        if time.monotonic() > deadline:
            break
    connection.close()
    return timings


def paired(targets: list, repeat: int, budget: float, warmup: int = 3) -> list[list[float]]:
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=60) for port, _ in targets]
    for connection, (_, paths) in zip(connections, targets, strict=True):
        for number in range(warmup):
            get(connection, paths[number % len(paths)])
    timings = [[] for _ in targets]
    deadline = time.monotonic() + budget
    for number in range(repeat):
        order = range(len(targets)) if number % 2 == 0 else reversed(range(len(targets)))
        for side in order:
            paths = targets[side][1]
            path = paths[number % len(paths)]
            started = time.perf_counter()
            status = get(connections[side], path)
            timings[side].append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
        if time.monotonic() > deadline:
            break
    for connection in connections:
        connection.close()
    return timings


def throughput(port: int, paths: list[str], threads: int, seconds: float, max_requests: int) -> dict:
    done, errors = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        number = offset
        while time.monotonic() < stop:
            with lock:
                if done[0] >= max_requests:
                    return
                done[0] += 1
            try:
                if get(connection, paths[number % len(paths)]) != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            number += threads

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(offset,)) for offset in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"requests": done[0], "seconds": time.monotonic() - started, "errors": errors[0]}


def main():
    port = int(sys.argv[1])
    plan = json.load(sys.stdin)
    result = {"latency": {}, "throughput": None, "paired": {}}
    for name, paths in plan.get("latency", {}).items():
        result["latency"][name] = latency(
            port, paths, plan.get("repeat", 200), plan.get("budget", 60), plan.get("warmup", 3)
        )
    for name, targets in plan.get("paired", {}).items():
        result["paired"][name] = paired(
            targets, plan.get("repeat", 200), plan.get("budget", 60), plan.get("warmup", 3)
        )
    if plan.get("throughput"):
        result["throughput"] = throughput(
            port,
            plan["throughput"],
            plan.get("threads", 8),
            plan.get("seconds", 20),
            plan.get("max_requests", 20000),
        )
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
