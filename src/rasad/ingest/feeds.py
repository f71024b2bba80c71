"""Live ingest from RSS/Atom feeds: the library behind ``rasad watch``.

Each round asks every feed conditionally (``If-None-Match`` / ``If-Modified-Since``),
fetches the pages of entries not fetched before, extracts their text with
:class:`rasad.ingest.html.HtmlExtractor`, runs the pipeline, stores the articles, and
rebuilds the events once. Requests to one host are spaced by ``per_host_delay``; a 5xx
answer, a timeout or a dropped connection is retried ``retries`` times with exponential
backoff; bodies larger than ``max_bytes`` or slower than ``timeout`` are given up. A failure
is a message naming the URL and the round goes on. What was fetched is kept in a
:class:`~rasad.ingest.fetchlog.FetchLog` so a restart fetches nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from rasad import __version__
from rasad.errors import ConfigError
from rasad.ingest.fetchlog import FetchLog, FetchRecord
from rasad.model import Article
from rasad.pipeline import Pipeline
from rasad.store.ingest import rebuild_events
from rasad.store.rows import text_digest
from rasad.store.store import Store

_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*([hms]?)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "": 1.0}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_TRANSIENT_STATUS = frozenset({408, 425, 429})


@dataclass(slots=True, frozen=True)
class WatchSettings:
    """How politely and how patiently ``rasad watch`` fetches."""

    user_agent: str = f"rasad-watch/{__version__} (+https://github.com/rasad-project/rasad)"
    timeout: float = 20.0  # seconds per request, connecting and reading included
    max_bytes: int = 5_000_000  # larger bodies are given up
    per_host_delay: float = 2.0  # minimum seconds between two requests to one host
    retries: int = 2  # extra attempts after a 5xx answer, a timeout or a dropped connection
    backoff: float = 1.0  # seconds before the first retry, doubled for each further one
    max_redirects: int = 5
    state_path: Path | None = None  # the fetch record (JSON); None: kept in memory only

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ConfigError("watch: timeout and max_bytes must be > 0, max_redirects >= 0")
        if self.per_host_delay < 0 or self.retries < 0 or self.backoff < 0:
            raise ConfigError("watch: per_host_delay, retries and backoff must be >= 0")


@dataclass(slots=True)
class PollReport:
    """What one round did. ``problems`` are ``(url, message)`` pairs."""

    feeds_checked: int = 0
    not_modified: int = 0
    new_articles: int = 0
    unchanged: int = 0  # fetched again (e.g. after a lost record) with the same text
    already_seen: int = 0  # entries fetched in an earlier round
    skipped: int = 0  # pages that failed or had no text
    events: int | None = None  # events after the rebuild; None when nothing was stored
    problems: list[tuple[str, str]] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        """A one-line summary for a status display."""
        ev = "" if self.events is None else f", {self.events} events"
        return (
            f"{self.feeds_checked} feeds ({self.not_modified} not modified), "
            f"{self.new_articles} new articles, {self.already_seen} seen before, "
            f"{self.skipped} skipped, {len(self.problems)} problems{ev}"
        )


@dataclass(slots=True, frozen=True)
class Fetched:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes


class FetchFailed(Exception):
    """A URL could not be fetched; ``done`` means trying again later will not help."""

    def __init__(self, url: str, message: str, *, status: int | None = None, done: bool) -> None:
        super().__init__(f"{url}: {message}")
        self.url, self.reason, self.status, self.done = url, message, status, done


def parse_interval(text: str) -> float:
    """Seconds in ``"30s"``, ``"5m"``, ``"1h"``, ``"1h30m"`` or ``"90"`` (seconds)."""
    s = text.strip().lower()
    pos, total = 0, 0.0
    for m in _INTERVAL.finditer(s):
        if m.start() != pos or (not m.group(2) and pos != 0):  # a bare number stands alone
            break
        total += float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if not s or pos != len(s) or total <= 0:
        raise ConfigError(f"interval {text!r}: expected e.g. 30s, 5m, 1h or 1h30m (more than 0)")
    return total


def article_id(url: str) -> str:
    """A stable id for the article at ``url``."""
    return "feed-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


class FeedWatcher:
    """Build once per run; call :meth:`poll_once` each round, or :meth:`run`."""

    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        settings: WatchSettings,
        client: httpx.Client | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.pipeline, self.settings = store, pipeline, settings
        self._own_client = client is None
        self.client = client if client is not None else httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
            max_redirects=settings.max_redirects,
            headers={"User-Agent": settings.user_agent},
        )
        self.log = FetchLog.load(settings.state_path)
        self._sleep, self._clock = sleep, clock
        self._last_request: dict[str, float] = {}

    def close(self) -> None:
        self.log.save()
        if self._own_client:
            self.client.close()

    # ----------------------------------------------------------------- rounds
    def run(
        self,
        feed_urls: Sequence[str],
        every_seconds: float,
        rounds: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_round: Callable[[int, PollReport], None] | None = None,
    ) -> int:
        """Poll every ``every_seconds`` (start to start) for ``rounds`` rounds (None: for
        ever); returns the number of rounds done."""
        done = 0
        while rounds is None or done < rounds:
            started = time.monotonic()
            report = self.poll_once(feed_urls)
            done += 1
            if on_round is not None:
                on_round(done, report)
            if rounds is not None and done >= rounds:
                break
            sleep(max(0.0, every_seconds - (time.monotonic() - started)))
        return done

    def poll_once(self, feed_urls: Sequence[str]) -> PollReport:
        report = PollReport()
        try:
            for feed_url in feed_urls:
                report.feeds_checked += 1
                self._poll_feed(feed_url, report)
                self.log.save()
        finally:
            self.log.save()
        if report.new_articles:
            report.events = rebuild_events(self.store)
        return report

    def _poll_feed(self, feed_url: str, report: PollReport) -> None:
        record = self.log.get(feed_url) or FetchRecord()
        try:
            got = self.fetch(feed_url, record)
        except FetchFailed as exc:
            self.log.put(feed_url, record.with_fetch(status=exc.status, message=exc.reason))
            report.problems.append((feed_url, f"feed: {exc.reason}"))
            return
        if got.status == 304:
            report.not_modified += 1
            self.log.put(feed_url, record.with_fetch(status=304, message=None))
            return
        parsed: Any = feedparser.parse(
            got.body,
            response_headers={"content-type": got.headers.get("content-type", ""),
                              "content-location": got.url},
        )
        entries = list(parsed.get("entries", []))
        if not entries and parsed.get("bozo"):
            reason = f"not an RSS or Atom feed ({parsed.get('bozo_exception')})"
            report.problems.append((feed_url, f"feed: {reason}"))
            self.log.put(feed_url, record.with_fetch(status=got.status, message=reason))
            return
        self.log.put(feed_url, record.with_fetch(
            etag=got.headers.get("etag"), last_modified=got.headers.get("last-modified"),
            status=got.status, message=None,
        ))
        outlet = host_of(feed_url)
        for entry in entries:
            self._entry(entry, got.url, outlet, report)

    def _entry(self, entry: Any, feed_url: str, outlet: str, report: PollReport) -> None:
        link = entry.get("link")
        if not isinstance(link, str) or not link.strip():
            return
        url = urljoin(feed_url, link.strip())
        if urlsplit(url).scheme not in ("http", "https"):
            report.skipped += 1
            report.problems.append((url, "entry link is not an http(s) URL"))
            return
        if self.log.is_done(url):
            report.already_seen += 1
            return
        record = self.log.get(url) or FetchRecord()
        try:
            got = self.fetch(url, FetchRecord())
        except FetchFailed as exc:
            report.skipped += 1
            report.problems.append((url, exc.reason))
            self.log.put(url, record.with_fetch(status=exc.status, done=exc.done, message=exc.reason))
            return
        html = _decode(got)
        title, text, page_date = self.pipeline.resources.html_extractor(html, got.url)
        if not text.strip():
            report.skipped += 1
            report.problems.append((url, "no article text found in the page"))
            self.log.put(url, record.with_fetch(status=got.status, done=True,
                                                message="no article text"))
            return
        art = Article(
            id=article_id(url),
            text=text,
            url=url,
            outlet=outlet,
            title=title or _str(entry.get("title")),
            published=_entry_date(entry) or page_date,
            source=url,
            html=html,
        )
        if self.store.article_digest(art.id) == text_digest(art.text):
            report.unchanged += 1
        else:
            self.pipeline.process(art)
            self.store.save_article(art)
            report.new_articles += 1
            report.article_ids.append(art.id)
        self.log.put(url, record.with_fetch(
            etag=got.headers.get("etag"), last_modified=got.headers.get("last-modified"),
            status=got.status, article_id=art.id, done=True, message=None,
        ))

    # ---------------------------------------------------------------- fetching
    def fetch(self, url: str, record: FetchRecord) -> Fetched:
        """GET ``url`` (conditionally when ``record`` has validators), politely, retrying
        transient failures; raises :class:`FetchFailed` with a clear reason."""
        headers: dict[str, str] = {"User-Agent": self.settings.user_agent}
        if record.etag:
            headers["If-None-Match"] = record.etag
        if record.last_modified:
            headers["If-Modified-Since"] = record.last_modified
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            try:
                return self._get_once(url, headers)
            except FetchFailed as exc:
                if exc.done or attempt == attempts - 1:
                    if attempt and not exc.done:
                        raise FetchFailed(url, f"{exc.reason} (after {attempts} attempts)",
                                          status=exc.status, done=False) from exc
                    raise
                self._sleep(self.settings.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _polite(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last_request.get(host)
        if last is not None:
            wait = self.settings.per_host_delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last_request[host] = self._clock()

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        s = self.settings
        self._polite(url)
        started = time.monotonic()
        try:
            with self.client.stream("GET", url, headers=headers, follow_redirects=True) as resp:
                status = resp.status_code
                if status == 304:
                    return Fetched(str(resp.url), status, resp.headers, b"")
                if status >= 500 or status in _TRANSIENT_STATUS:
                    raise FetchFailed(url, f"HTTP {status} {resp.reason_phrase}",
                                      status=status, done=False)
                if status >= 400:
                    raise FetchFailed(url, f"HTTP {status} {resp.reason_phrase}",
                                      status=status, done=True)
                length = resp.headers.get("content-length", "")
                if length.isdigit() and int(length) > s.max_bytes:
                    raise _too_large(url, status, s.max_bytes)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > s.max_bytes:
                        raise _too_large(url, status, s.max_bytes)
                    if time.monotonic() - started > s.timeout:
                        raise FetchFailed(url, f"took longer than {s.timeout:g} s",
                                          status=status, done=False)
                    chunks.append(chunk)
                return Fetched(str(resp.url), status, resp.headers, b"".join(chunks))
        except httpx.TooManyRedirects as exc:
            raise FetchFailed(url, f"redirect loop or more than {s.max_redirects} redirects",
                              done=True) from exc
        except httpx.TimeoutException as exc:
            raise FetchFailed(url, f"timed out after {s.timeout:g} s ({type(exc).__name__})",
                              done=False) from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise FetchFailed(url, f"connection failed ({type(exc).__name__}: {exc})",
                              done=False) from exc
        except httpx.HTTPError as exc:
            raise FetchFailed(url, f"request failed ({type(exc).__name__}: {exc})",
                              done=True) from exc


def _too_large(url: str, status: int, limit: int) -> FetchFailed:
    return FetchFailed(url, f"body larger than {limit} bytes (max_bytes)", status=status, done=True)


def _decode(got: Fetched) -> str:
    """The page's text: the charset of the Content-Type header, else of a ``<meta>``
    tag, else UTF-8 (undecodable bytes replaced)."""
    charset = httpx.Response(got.status, headers=got.headers).charset_encoding
    if charset is None:
        m = _META_CHARSET.search(got.body[:4096])
        charset = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return got.body.decode(charset, errors="replace")
    except LookupError:
        return got.body.decode("utf-8", errors="replace")


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except (AttributeError, ValueError):
                continue
    return None


def default_state_path(db_url: str) -> Path:
    """Where the fetch record goes: beside a SQLite database, else in the working folder."""
    if db_url.startswith("sqlite:///") and not db_url.endswith(":memory:"):
        db = Path(db_url.removeprefix("sqlite:///"))
        return db.with_name(db.name + ".watch.json")
    return Path("rasad-watch.json")


def watch(
    feed_urls: Sequence[str],
    every: str,
    db_url: str,
    rounds: int | None,
    pipeline: Pipeline,
    settings: WatchSettings | None = None,
    console_print: Callable[[str], None] = print,
) -> int:
    """``rasad watch``: poll ``feed_urls`` every ``every`` ("5m") into ``db_url``; one
    status line per round and a summary at the end (also on Ctrl-C). Returns the number
    of rounds done."""
    seconds = parse_interval(every)
    settings = settings or WatchSettings()
    if settings.state_path is None:
        settings = replace(settings, state_path=default_state_path(db_url))
    total = PollReport()
    done = 0

    def on_round(n: int, rep: PollReport) -> None:
        nonlocal done
        done = n
        total.new_articles += rep.new_articles
        total.skipped += rep.skipped
        total.problems += rep.problems
        total.events = rep.events if rep.events is not None else total.events
        for url, msg in rep.problems:
            console_print(f"[yellow]problem[/yellow] {url}: {msg}")
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        console_print(f"[bold]round {n}[/bold] {stamp}: {rep.line()}")

    with Store.open(db_url) as store:
        watcher = FeedWatcher(store, pipeline, settings)
        try:
            watcher.run(feed_urls, seconds, rounds, on_round=on_round)
        except KeyboardInterrupt:
            console_print("stopped")
        finally:
            watcher.close()
    console_print(
        f"{done} rounds: {total.new_articles} new articles, {total.skipped} skipped, "
        f"{len(total.problems)} problems; record in {settings.state_path}"
    )
    return done
