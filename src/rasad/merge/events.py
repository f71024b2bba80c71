"""Events from mentions.

For now every mention is its own event (the cross-source merge comes with its own issue);
the event keeps the mention's fields as its merged view, its sources and per-source claims,
and a stable id derived from the mention.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from rasad.model import Article, Event, Mention
from rasad.serialize import mention_json


def stable_id(*parts: str) -> str:
    return "ev-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def events_from_articles(articles: Iterable[Article]) -> list[Event]:
    events: list[Event] = []
    for art in articles:
        source = {"article_id": art.id, "outlet": art.outlet, "url": art.url}
        for m in art.mentions:
            claims = {
                key: [{"article_id": art.id, "outlet": art.outlet, **c.to_json()}]
                for key, c in m.counts.items()
            }
            events.append(
                Event(
                    id=stable_id(m.article_id, m.id),
                    mention=m,
                    mentions=[m],
                    sources=[source],
                    n_sources=1,
                    claims=claims,
                )
            )
    return events


def event_json(event: Event) -> dict[str, Any]:
    row = mention_json(event.mention)
    row["id"] = event.id
    row["mentions"] = [m.id for m in event.mentions]
    row["sources"] = event.sources
    row["n_sources"] = event.n_sources
    row["claims"] = event.claims
    return row


def _mention_ids(mentions: Iterable[Mention]) -> list[str]:
    return [m.id for m in mentions]
