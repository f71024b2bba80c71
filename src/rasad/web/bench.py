"""Measuring the web app: API latency and page load time, on any database.

Build a large synthetic database through the store API (copies of the articles of a
small one, their mentions moved in time and space), then time the API over HTTP on the
loopback interface and the page in Chromium::

    python -m rasad.web.bench build --from sqlite:///seeds.sqlite \\
        --db sqlite:///out/bench.sqlite --events 100000
    python -m rasad.web.bench measure --db sqlite:///out/bench.sqlite [--browser]

Figures are printed as JSON (see ``docs/web.md`` for the ones measured).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import socket
import statistics
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rasad.model import Article, Event, Location, Mention

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


# -- building ---------------------------------------------------------------------------


def _moved(m: Mention, article_id: str, days: int, dlat: float, dlon: float) -> Mention:
    loc: Location | None = m.location
    if loc is not None:
        place = dataclasses.replace(
            loc.place, lat=round(loc.place.lat + dlat, 5), lon=round(loc.place.lon + dlon, 5)
        )
        loc = dataclasses.replace(loc, place=place)
    return dataclasses.replace(
        m,
        id=m.id.replace(m.article_id, article_id, 1),
        article_id=article_id,
        date=m.date + dt.timedelta(days=days) if m.date else None,
        location=loc,
    )


def synthetic_articles(
    templates: Sequence[Article], n_events: int, seed: int = 7
) -> Iterator[Article]:
    """Copies of the template articles with their mentions, until ``n_events`` mentions:
    each copy is moved by up to two years back in time and up to 0.3 degrees in space."""
    rng = random.Random(seed)
    usable = [a for a in templates if a.mentions]
    if not usable:
        raise ValueError("the source database has no mentions to copy")
    made = copy = 0
    while made < n_events:
        for art in usable:
            if made >= n_events:
                return
            new_id = f"{art.id}~{copy:06d}"
            days = -rng.randrange(0, 730)
            dlat, dlon = rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3)
            mentions = [
                _moved(m, new_id, days, dlat, dlon) for m in art.mentions[: n_events - made]
            ]
            made += len(mentions)
            yield dataclasses.replace(
                art,
                id=new_id,
                url=None,
                published=art.published + dt.timedelta(days=days) if art.published else None,
                mentions=mentions,
            )
        copy += 1


def build(source_url: str, target_url: str, n_events: int, batch: int = 200) -> dict[str, Any]:
    """A database of ``n_events`` one-mention events built through the store API."""
    from rasad.store import Store
    from rasad.store.ingest import stored_articles

    t0 = time.perf_counter()
    with Store.open(source_url, migrate=False) as src:
        templates = stored_articles(src)
    n_articles = n_written = 0
    with Store.open(target_url) as store:
        pending: list[Article] = []

        def flush() -> int:
            store.save_articles(pending)
            events = [
                Event(
                    id=f"ev-syn-{m.id}",
                    mention=m,
                    mentions=[m],
                    sources=[{"article_id": a.id, "outlet": a.outlet, "url": a.url}],
                    n_sources=1,
                    claims={
                        k: [{"article_id": a.id, "outlet": a.outlet, **c.to_json()}]
                        for k, c in m.counts.items()
                    },
                )
                for a in pending
                for m in a.mentions
            ]
            written = store.replace_events(events, article_ids=[a.id for a in pending])
            pending.clear()
            return written

        for art in synthetic_articles(templates, n_events):
            pending.append(art)
            n_articles += 1
            if len(pending) >= batch:
                n_written += flush()
        if pending:
            n_written += flush()
    return {"articles": n_articles, "events": n_written, "seconds": time.perf_counter() - t0}


# -- measuring --------------------------------------------------------------------------


class _Server:
    def __init__(self, db_url: str) -> None:
        import uvicorn

        from rasad.web.app import create_app

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        cfg = uvicorn.Config(
            create_app(db_url), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _quantiles(ms: list[float]) -> dict[str, float]:
    ms = sorted(ms)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(ms[min(len(ms) - 1, int(0.99 * len(ms)))], 1),
        "max_ms": round(ms[-1], 1),
    }


def measure_api(base: str, requests: int, seed: int = 11) -> dict[str, Any]:
    """Latency of the events list (first pages, random pages, filtered) and of the other
    calls the page makes, over HTTP on the loopback interface, one request at a time."""
    import httpx

    rng = random.Random(seed)
    out: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=60) as http:
        total = http.get("/api/events", params={"limit": 1}).json()["total"]
        facets = http.get("/api/facets").json()
        kinds = list(facets["kind"]) or ["armed_clash"]
        govs = list(facets["admin1"]) or ["Aleppo"]

        words = ["اشتباكات", "قصف", "سيطرة", "الجيش"]
        cases: dict[str, Any] = {
            "events_first_page": lambda: ("/api/events", {"limit": 50}),
            "events_random_page": lambda: (
                "/api/events",
                {"limit": 50, "offset": rng.randrange(0, max(1, total - 50))},
            ),
            "events_kind": lambda: ("/api/events", {"limit": 50, "kind": rng.choice(kinds)}),
            "events_admin1": lambda: ("/api/events", {"limit": 50, "admin1": rng.choice(govs)}),
            "events_text": lambda: ("/api/events", {"limit": 50, "q": rng.choice(words)}),
            "events_bbox": lambda: ("/api/events", {"limit": 50, "bbox": "39.5,34.5,41,36"}),
            "facets_page": lambda: ("/api/facets", {"facet": ["kind", "admin1", "actor"]}),
            "facets_all": lambda: ("/api/facets", {}),
            "timeline": lambda: ("/api/timeline", {}),
            "points": lambda: ("/api/points", {}),
        }
        for name, make in cases.items():
            n = requests if name == "events_first_page" else max(10, requests // 5)
            times: list[float] = []
            for _ in range(n):
                path, params = make()
                t0 = time.perf_counter()
                resp = http.get(path, params=params)
                times.append((time.perf_counter() - t0) * 1000)
                resp.raise_for_status()
            out[name] = _quantiles(times)
        out["events_total"] = total
    return out


def measure_page(base: str, loads: int = 5) -> dict[str, Any]:
    """Time from navigation to a page with its map, list and timeline drawn."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for _ in range(loads):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t0 = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-state=ready]", timeout=120_000)
            page.wait_for_selector(".ev-marker, .ev-cluster", timeout=120_000)
            times.append((time.perf_counter() - t0) * 1000)
            page.close()
        browser.close()
    return {"loads": loads, "median_ms": round(statistics.median(times), 1), "all_ms": times}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasad.web.bench", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a synthetic database through the store API")
    b.add_argument("--from", dest="source", required=True, help="database to copy from")
    b.add_argument("--db", required=True, help="database to build (should be new)")
    b.add_argument("--events", type=int, default=100_000)
    m = sub.add_parser("measure", help="time the API and (with --browser) the page")
    m.add_argument("--db", required=True)
    m.add_argument("--requests", type=int, default=200)
    m.add_argument("--browser", action="store_true", help="also time page loads in Chromium")
    args = parser.parse_args(argv)
    if args.cmd == "build":
        target = args.db.removeprefix("sqlite:///")
        if args.db.startswith("sqlite:///") and Path(target).exists():
            parser.error(f"{target} exists: give a new file")
        result = build(args.source, args.db, args.events)
    else:
        with _Server(args.db) as base:
            result = {"api": measure_api(base, args.requests)}
            if args.browser:
                result["page"] = measure_page(base)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
