"""Ingesting articles into the database: extract, store, and re-merge events.

Each article is stored with its mentions in its own transaction; an article whose text is
unchanged since it was stored is not processed again. Events are then rebuilt from every
stored mention in one transaction, so a run killed at any point and run again leaves the
database a clean run leaves.

Several ingests may run at once on one database (tests/test_crash.py). A save that
collides with another process's (the same new article inserted twice, a deadlock, SQLite's
lock held past the busy timeout) is retried: the retry sees the other's committed row. An
event rebuild is optimistic: it reads the stored articles, writes the events, and checks
that the articles (ids and text hashes) did not change meanwhile; if they did, or the
write collided with another rebuild, it starts again. The last rebuild to finish has
therefore seen every article stored before it.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from rasad.merge.events import events_from_articles
from rasad.model import Article, Problem
from rasad.pipeline import FAILURE_CODES, Pipeline, RunStats
from rasad.serialize import mention_from_json
from rasad.store.rows import text_digest
from rasad.store.schema import articles
from rasad.store.store import SaveResult, Store, StoreError

T = TypeVar("T")
#: How often a write that collided with another process is tried before giving up.
ATTEMPTS = 8
_CONFLICTS = (IntegrityError, OperationalError, StoreError)


@dataclass(slots=True)
class IngestSummary:
    new: int = 0
    replaced: int = 0
    unchanged: int = 0
    events: int = 0
    problems: list[Problem] = field(default_factory=list)


def stored_articles(store: Store) -> list[Article]:
    """Every stored article with its mentions, read back from the database."""
    by_article: dict[str, list[dict[str, object]]] = {}
    for doc in store.mentions():
        by_article.setdefault(str(doc["article_id"]), []).append(doc)
    out: list[Article] = []
    for row in store.articles():
        art = Article(
            id=str(row["id"]),
            text=str(row.get("text") or ""),
            url=row.get("url"),
            outlet=row.get("outlet"),
            title=row.get("title"),
            published=_date(row.get("published")),
        )
        art.mentions = [mention_from_json(d) for d in by_article.get(art.id, [])]
        out.append(art)
    return out


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def _fingerprint(store: Store) -> list[tuple[str, str]]:
    """Every stored article's id and text hash: changes whenever an article does."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(articles.c.id, articles.c.text_sha256).order_by(articles.c.id)
        ).all()
    return [(r.id, r.text_sha256) for r in rows]


def _pause(attempt: int) -> None:
    time.sleep(min(1.0, 0.02 * 2**attempt) * (0.5 + random.random()))


def _retry(action: Callable[[], T], what: str) -> T:
    """``action()``, tried again when it collides with another process's write."""
    for attempt in range(ATTEMPTS):
        try:
            return action()
        except _CONFLICTS as exc:
            if attempt == ATTEMPTS - 1:
                raise StoreError(f"{what} failed {ATTEMPTS} times: {exc}") from exc
            _pause(attempt)
    raise AssertionError("unreachable")


def rebuild_events(store: Store) -> int:
    """Merge every stored mention into events and replace the stored events (optimistic:
    redone when another process changed the articles or the events meanwhile)."""
    return rebuild_events_settled(store)[0]


def rebuild_events_settled(store: Store) -> tuple[int, bool]:
    """:func:`rebuild_events`, and whether the articles stood still while it ran.

    ``False`` means other processes kept storing articles through every attempt: each of
    them rebuilds the events after its last article, so the last one to finish leaves
    them complete. A write that keeps failing for another reason raises :class:`StoreError`.
    """
    written = 0
    for attempt in range(ATTEMPTS):
        before = _fingerprint(store)
        events = events_from_articles(stored_articles(store))
        try:
            written = store.replace_events(events)
        except _CONFLICTS as exc:
            if attempt == ATTEMPTS - 1:
                raise StoreError(f"rebuilding the events failed {ATTEMPTS} times: {exc}") from exc
            _pause(attempt)
            continue
        if _fingerprint(store) == before:
            return written, True
        _pause(attempt)
    return written, False


def ingest(
    inputs: Iterable[str],
    store: Store,
    pipeline: Pipeline,
    stats: RunStats,
    on_item: Callable[[Article | Problem], None] | None = None,
) -> IngestSummary:
    """Read, extract and store the inputs, then rebuild the events."""
    summary = IngestSummary()
    reader = pipeline.resources.reader()
    for item in reader.read(inputs):
        if isinstance(item, Problem):
            stats.skipped += 1
            summary.problems.append(item)
        elif store.article_digest(item.id) == text_digest(item.text):
            stats.read += 1
            summary.unchanged += 1
        else:
            pipeline.process(item)
            stats.read += 1
            stats.chars += len(item.text)
            stats.mentions += len(item.mentions)
            if any(p.code in FAILURE_CODES for p in item.problems):
                stats.failed += 1
            result: SaveResult = _retry(
                functools.partial(store.save_article, item), f"storing article {item.id!r}"
            )
            if result == "new":
                summary.new += 1
            elif result == "replaced":
                summary.replaced += 1
            else:
                summary.unchanged += 1
        if on_item is not None:
            on_item(item)
    summary.events, settled = rebuild_events_settled(store)
    if not settled:
        summary.problems.append(
            Problem(
                "events_pending",
                "other ingests kept storing articles while the events were rebuilt; the "
                "last of them to finish rebuilds the events",
                "<database>",
                stage="events",
            )
        )
    return summary
