"""Load test of the HTTP API on loopback: bounded in requests and time, stops by itself.

    .venv/bin/python benchmarks/load_api.py --db sqlite:///rasad.sqlite [--requests 2000]
        [--seconds 60] [--concurrency 8] [--write docs/benchmarks.md]

Starts `rasad serve` on 127.0.0.1 (a free port) over the given database, sends a mix of
API requests (event lists with filters and pages, one event, facets, timeline, points) from
a pool of threads with one HTTP client each, and reports throughput, p50/p99 latency and
the number of errors (any status other than 200, or a failed request).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args(argv)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rasad", "serve", "--db", args.db, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start: " + server.stderr.read().decode()[-500:])  # type: ignore[union-attr]
            time.sleep(0.2)
        ids = [e["id"] for e in httpx.get(base + "/api/events?limit=200").json()["items"]]
        kinds = list(httpx.get(base + "/api/facets").json().get("kind", {}) or ["armed_clash"])
        paths = [
            "/api/events?limit=50",
            "/api/events?limit=50&offset=50",
            "/api/facets",
            "/api/timeline",
            "/api/points",
        ]
        latencies: list[float] = []
        errors = 0
        lock = threading.Lock()
        counter = iter(range(args.requests))
        stop_at = time.monotonic() + args.seconds

        def worker(seed: int) -> None:
            nonlocal errors
            rnd = random.Random(seed)
            with httpx.Client(base_url=base, timeout=30) as client:
                for _ in counter:
                    if time.monotonic() > stop_at:
                        return
                    choice = rnd.random()
                    if choice < 0.3 and ids:
                        path = f"/api/events/{rnd.choice(ids)}"
                    elif choice < 0.5:
                        path = f"/api/events?limit=20&kind={rnd.choice(kinds)}"
                    else:
                        path = rnd.choice(paths)
                    t0 = time.perf_counter()
                    try:
                        ok = client.get(path).status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    took = time.perf_counter() - t0
                    with lock:
                        latencies.append(took)
                        errors += 0 if ok else 1

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    q = statistics.quantiles(latencies, n=100)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join(
        [
            f"### API load test of {now}",
            "",
            f"- command: `.venv/bin/python benchmarks/load_api.py --db {args.db} --requests "
            f"{args.requests} --seconds {args.seconds:g} --concurrency {args.concurrency}`",
            f"- {len(latencies)} requests in {wall:.1f} s from {args.concurrency} threads on loopback "
            f"(one uvicorn worker): {len(latencies) / wall:.0f} requests/s, "
            f"p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, errors {errors}",
            "",
        ]
    )
    print(report)
    if args.write:
        text = args.write.read_text(encoding="utf-8")
        marker = "<!-- runs -->"
        args.write.write_text(text.replace(marker, f"{marker}\n\n{report}"), encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
