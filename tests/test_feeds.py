"""`rasad watch`'s library (rasad.ingest.feeds) against a local HTTP server on 127.0.0.1.

The server serves the invented feeds and pages in tests/data/feeds and misbehaves on
purpose: a 500 before succeeding, a 404, a redirect loop, bodies over the limit (with and
without Content-Length), an answer slower than the timeout, and 304 on conditional asks.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from rasad.errors import ConfigError
from rasad.ingest.feeds import (
    FeedWatcher,
    PollReport,
    WatchSettings,
    article_id,
    default_state_path,
    parse_interval,
    watch,
)
from rasad.ingest.fetchlog import FetchLog, FetchLogError, FetchRecord
from rasad.pipeline import Pipeline, Resources
from rasad.store import Store

DATA = Path(__file__).resolve().parent / "data" / "feeds"
LAST_MODIFIED = formatdate(1709456400, usegmt=True)  # 2024-03-03 09:00 UTC
TIMEOUT = 0.6


@dataclass
class Site:
    base: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    rss_version: int = 1
    headers_seen: dict[str, dict[str, str]] = field(default_factory=dict)


class Handler(BaseHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _fixture(self, name: str) -> bytes:
        text = (DATA / name).read_text(encoding="utf-8")
        return text.replace("{base}", self.server.site.base).encode("utf-8")

    def do_GET(self) -> None:
        site = self.server.site
        path = self.path
        site.hits[path] += 1
        site.headers_seen[path] = {k.lower(): v for k, v in self.headers.items()}
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(site, path)

    def _route(self, site: Site, path: str) -> None:
        if path in ("/news.rss", "/small.rss"):
            etag = f'"rss-v{site.rss_version}"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, headers={"ETag": etag})
                return
            body = self._fixture("news.rss")
            if path == "/small.rss":  # only the two good pages
                body = body.split(b"<item><title>")[0] + b"</channel></rss>"
            if site.rss_version > 1:  # one more entry in the new version
                extra = f"<item><title>خبر جديد</title><link>{site.base}/articles/infijar.html"
                body = body.replace(b"</channel>", extra.encode() + b"</link></item></channel>")
            self._send(200, body, "application/rss+xml; charset=utf-8", {"ETag": etag})
        elif path == "/news.atom":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304)
                return
            self._send(200, self._fixture("news.atom"), "application/atom+xml",
                       {"Last-Modified": LAST_MODIFIED})
        elif path.startswith("/articles/"):
            name = path.removeprefix("/articles/")
            if (DATA / name).is_file() and name.endswith(".html"):
                self._send(200, self._fixture(name))
            else:
                self._send(404, b"not found")
        elif path == "/flaky.html":
            if site.hits[path] == 1:
                self._send(500, b"oops")
            else:
                self._send(200, self._fixture("qasf.html").replace("تل الزيتون".encode(),
                                                                   "خربة السنديان".encode()))
        elif path == "/loop.html":
            self._send(302, headers={"Location": "/loop2.html"})
        elif path == "/loop2.html":
            self._send(302, headers={"Location": "/loop.html"})
        elif path == "/big.html":  # no Content-Length: the limit is found while reading
            self._send(200, b"<p>" + "قصف ".encode() * 20_000 + b"</p>", length=False)
        elif path == "/big-declared.html":
            self._send(200, b"x" * 100_000)
        elif path == "/slow.html":
            time.sleep(TIMEOUT * 2.5)
            self._send(200, self._fixture("qasf.html"))
        elif path == "/not-a-feed":
            self._send(200, b"<html><body>hello</body></html>")
        else:
            self._send(404, b"not found")


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    site: Site

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up on a slow answer is expected here


@pytest.fixture
def site() -> Iterator[Site]:
    server = SiteServer(("127.0.0.1", 0), Handler)
    server.site = Site(base=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    from rasad.settings import Settings

    return Pipeline(Resources(Settings()))


def settings(tmp_path: Path, **kw: object) -> WatchSettings:
    base: dict[str, object] = dict(
        timeout=TIMEOUT, max_bytes=50_000, per_host_delay=0.0, retries=1, backoff=0.01,
        max_redirects=4, state_path=tmp_path / "watch.json",
    )
    base.update(kw)
    return WatchSettings(**base)  # type: ignore[arg-type]


def client(s: WatchSettings) -> httpx.Client:
    # trust_env=False: never route the loopback tests through a proxy from the environment
    return httpx.Client(timeout=s.timeout, follow_redirects=True,
                        max_redirects=s.max_redirects, trust_env=False)


def poll(tmp_path: Path, pipeline: Pipeline, feeds: list[str], **kw: object) -> PollReport:
    s = settings(tmp_path, **kw)
    with Store.open(f"sqlite:///{tmp_path}/rasad.sqlite") as store, client(s) as c:
        watcher = FeedWatcher(store, pipeline, s, c)
        try:
            return watcher.poll_once(feeds)
        finally:
            watcher.close()


def problem_for(report: PollReport, url: str) -> str:
    found = [msg for u, msg in report.problems if u == url]
    assert len(found) == 1, report.problems
    return found[0]


def test_round_stores_good_pages_and_reports_each_failure(
    site: Site, tmp_path: Path, pipeline: Pipeline
) -> None:
    b = site.base
    feeds = [f"{b}/news.rss", f"{b}/news.atom", f"{b}/gone.rss", f"{b}/not-a-feed"]
    first = poll(tmp_path, pipeline, feeds)

    assert first.feeds_checked == 4 and first.not_modified == 0
    # qasf, ishtibak (relative link), infijar (Atom), flaky (500 then 200)
    assert first.new_articles == 4
    assert first.skipped == 5  # missing, loop, big, big-declared, slow
    assert site.hits["/flaky.html"] == 2
    assert "HTTP 404" in problem_for(first, f"{b}/missing.html")
    assert "redirect loop" in problem_for(first, f"{b}/loop.html")
    assert "larger than 50000 bytes" in problem_for(first, f"{b}/big.html")
    assert "larger than 50000 bytes" in problem_for(first, f"{b}/big-declared.html")
    slow = problem_for(first, f"{b}/slow.html")
    assert "timed out" in slow and "after 2 attempts" in slow
    assert "HTTP 404" in problem_for(first, f"{b}/gone.rss")
    assert "not an RSS or Atom feed" in problem_for(first, f"{b}/not-a-feed")
    assert len(first.problems) == 7
    assert first.events is not None

    with Store.open(f"sqlite:///{tmp_path}/rasad.sqlite") as store:
        rows = {r["id"]: r for r in store.articles()}
        assert set(rows) == set(first.article_ids)
        qasf = rows[article_id(f"{b}/articles/qasf.html")]
        assert qasf["outlet"] == "127.0.0.1"
        assert str(qasf["published"])[:10] == "2024-03-01"  # the feed's date, not the page's
        assert "تل الزيتون" in str(qasf["text"]) and "جميع الحقوق" not in str(qasf["text"])
        infijar = rows[article_id(f"{b}/articles/infijar.html")]
        assert str(infijar["published"])[:10] == "2024-03-03"  # Atom <published>
        assert rows[article_id(f"{b}/articles/ishtibak.html")]["url"] == f"{b}/articles/ishtibak.html"
        assert store.mentions(), "the invented articles report deaths: some mentions expected"


def test_second_round_is_not_modified_and_restart_fetches_only_new_entries(
    site: Site, tmp_path: Path, pipeline: Pipeline
) -> None:
    b = site.base
    feeds = [f"{b}/news.rss", f"{b}/news.atom"]
    poll(tmp_path, pipeline, feeds)
    assert site.hits["/articles/qasf.html"] == 1

    second = poll(tmp_path, pipeline, feeds)  # a new watcher: the record is read from disk
    assert second.not_modified == 2 and second.new_articles == 0 and second.problems == []
    assert second.events is None  # nothing stored: no rebuild
    assert site.headers_seen["/news.rss"]["if-none-match"] == '"rss-v1"'
    assert site.headers_seen["/news.atom"]["if-modified-since"] == LAST_MODIFIED

    site.rss_version = 2  # the feed changes; one entry is new to it but fetched before
    third = poll(tmp_path, pipeline, feeds)
    assert third.not_modified == 1 and third.new_articles == 0
    # pages done (stored or failed for good) are not fetched again; the slow one (a
    # transient failure) is tried once more
    assert third.already_seen == 8  # the nine entries of the new version but the slow one
    assert [msg for u, msg in third.problems] and all(u == f"{b}/slow.html" for u, _ in third.problems)
    for page in ("/articles/qasf.html", "/articles/infijar.html", "/missing.html", "/big.html"):
        assert site.hits[page] == 1, page

    doc = json.loads((tmp_path / "watch.json").read_text(encoding="utf-8"))
    rec = doc["urls"][f"{b}/articles/qasf.html"]
    assert rec["done"] and rec["status"] == 200 and rec["article_id"] == article_id(f"{b}/articles/qasf.html")
    assert doc["urls"][f"{b}/missing.html"]["status"] == 404


def test_per_host_delay_spaces_requests(site: Site, tmp_path: Path, pipeline: Pipeline) -> None:
    waits: list[float] = []
    now = [1000.0]

    def fake_sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    s = settings(tmp_path, per_host_delay=3.0)
    with Store.open(f"sqlite:///{tmp_path}/rasad.sqlite") as store, client(s) as c:
        watcher = FeedWatcher(store, pipeline, s, c, sleep=fake_sleep, clock=lambda: now[0])
        report = watcher.poll_once([f"{site.base}/small.rss"])
        watcher.close()
    assert report.new_articles == 2
    assert waits == [3.0, 3.0]  # feed, page, page: two waits on the one host


def test_run_sleeps_between_rounds(site: Site, tmp_path: Path, pipeline: Pipeline) -> None:
    slept: list[float] = []
    reports: list[PollReport] = []
    s = settings(tmp_path)
    with Store.open(f"sqlite:///{tmp_path}/rasad.sqlite") as store, client(s) as c:
        watcher = FeedWatcher(store, pipeline, s, c)
        done = watcher.run([f"{site.base}/small.rss"], 300.0, rounds=3, sleep=slept.append,
                           on_round=lambda n, r: reports.append(r))
        watcher.close()
    assert done == 3 and len(slept) == 2 and all(290 < x <= 300 for x in slept)
    assert [r.new_articles for r in reports] == [2, 0, 0]
    assert [r.not_modified for r in reports] == [0, 1, 1]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5m", 300.0), ("30s", 30.0), ("1h", 3600.0), ("90", 90.0), ("1h30m", 5400.0),
     (" 2M ", 120.0), ("0.5h", 1800.0)],
)
def test_parse_interval(text: str, seconds: float) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["", "5x", "0s", "-5m", "m", "5m3", "1d"])
def test_parse_interval_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="interval"):
        parse_interval(text)


@pytest.mark.parametrize(
    "kw", [{"timeout": 0}, {"max_bytes": 0}, {"retries": -1}, {"per_host_delay": -1.0}]
)
def test_settings_are_validated(kw: dict[str, float]) -> None:
    with pytest.raises(ConfigError):
        WatchSettings(**kw)  # type: ignore[arg-type]


def test_fetch_log_round_trip_and_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "log.json"
    log = FetchLog.load(path)
    assert len(log) == 0
    log.put("http://example.invalid/a", FetchRecord(etag='"x"').with_fetch(status=200, done=True))
    log.save()
    again = FetchLog.load(path)
    rec = again.get("http://example.invalid/a")
    assert rec is not None and rec.etag == '"x"' and rec.done and rec.fetched_at
    assert [p.name for p in path.parent.iterdir()] == ["log.json"]  # no temp file left
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(FetchLogError, match="cannot read"):
        FetchLog.load(path)


@pytest.mark.parametrize(
    ("url", "expected"),
    [("sqlite:////data/rasad.sqlite", Path("/data/rasad.sqlite.watch.json")),
     ("sqlite:///rasad.sqlite", Path("rasad.sqlite.watch.json")),
     ("postgresql://u@h/db", Path("rasad-watch.json"))],
)
def test_default_state_path(url: str, expected: Path) -> None:
    assert default_state_path(url) == expected


def test_article_id_is_stable() -> None:
    a = article_id("https://news.example/a/1")
    assert a == article_id("https://news.example/a/1") != article_id("https://news.example/a/2")
    assert a.startswith("feed-") and len(a) == 21


def test_watch_entry_point_prints_rounds_and_summary(
    site: Site, tmp_path: Path, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    lines: list[str] = []
    s = WatchSettings(timeout=TIMEOUT, per_host_delay=0.0, retries=0)
    db = f"sqlite:///{tmp_path}/rasad.sqlite"
    done = watch([f"{site.base}/small.rss"], "1s", db, 2, pipeline, s, lines.append)
    assert done == 2
    assert lines[0].startswith("[bold]round 1[/bold]") and "2 new articles" in lines[0]
    assert "0 new articles" in lines[1] and "1 not modified" in lines[1]
    assert lines[-1].startswith("2 rounds: 2 new articles, 0 skipped, 0 problems")
    assert (tmp_path / "rasad.sqlite.watch.json").is_file()
