"""Ingesting articles into the database: extract, store, and re-merge events.

Each article is stored with its mentions in its own transaction; an article whose text is
unchanged since it was stored is not processed again. Events are then rebuilt from every
stored mention in one transaction, so a run killed at any point and run again leaves the
database a clean run leaves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rasad.ingest.reader import ArticleReader
from rasad.merge.events import events_from_articles
from rasad.model import Article, Problem
from rasad.pipeline import Pipeline, RunStats
from rasad.serialize import mention_from_json
from rasad.store.rows import text_digest
from rasad.store.store import Store


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


def rebuild_events(store: Store) -> int:
    """Merge every stored mention into events and replace the stored events."""
    events = events_from_articles(stored_articles(store))
    return store.replace_events(events)


def ingest(
    inputs: Iterable[str],
    store: Store,
    pipeline: Pipeline,
    stats: RunStats,
    on_item: Callable[[Article | Problem], None] | None = None,
) -> IngestSummary:
    """Read, extract and store the inputs, then rebuild the events."""
    summary = IngestSummary()
    res = pipeline.resources
    reader = ArticleReader(res.settings, html_extractor=res.html_extractor)
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
            if any(p.code == "stage_failed" for p in item.problems):
                stats.failed += 1
            result = store.save_article(item)
            if result == "new":
                summary.new += 1
            elif result == "replaced":
                summary.replaced += 1
            else:
                summary.unchanged += 1
        if on_item is not None:
            on_item(item)
    summary.events = rebuild_events(store)
    return summary
