"""Database rows from Rasad's objects: articles, mentions, events (and their links)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rasad.merge.events import event_json
from rasad.model import Actor, Article, Event, Mention
from rasad.serialize import article_json, mention_json

Row = dict[str, Any]
Fold = Callable[[str], str]


def text_digest(text: str) -> str:
    """The SHA-256 of an article's text (UTF-8), as stored in ``articles.text_sha256``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_row(article: Article, digest: str, now: dt.datetime) -> Row:
    doc = article_json(article)
    doc.pop("text", None)  # kept once, in its own column
    return {
        "id": article.id,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "published": article.published,
        "text": article.text,
        "html": article.html,
        "text_sha256": digest,
        "source": article.source,
        "json": doc,
        "ingested_at": now,
        "updated_at": now,
    }


def mention_rows(article: Article) -> list[Row]:
    """One row per mention of the article, in order; raises ValueError on a foreign mention."""
    rows: list[Row] = []
    for seq, m in enumerate(article.mentions):
        if m.article_id != article.id:
            raise ValueError(
                f"mention {m.id!r} belongs to article {m.article_id!r}, not {article.id!r}"
            )
        rows.append(_mention_row(m, seq))
    return rows


def _mention_row(m: Mention, seq: int) -> Row:
    loc = m.location
    place = loc.place if loc else None
    return {
        "id": m.id,
        "article_id": m.article_id,
        "seq": seq,
        "kind": m.kind,
        "event_type": m.event_type,
        "sub_event_type": m.sub_event_type,
        "date": m.date,
        "date_precision": m.date_precision,
        "actor1_id": m.actor1.id if m.actor1 else None,
        "actor2_id": m.actor2.id if m.actor2 else None,
        "location_name": place.name if place else None,
        "location_name_ar": place.name_ar if place else None,
        "admin1": place.admin1 if place else None,
        "admin2": place.admin2 if place else None,
        "admin3": place.admin3 if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "geo_precision": loc.precision if loc else None,
        "gazetteer_id": place.id if place else None,
        "fatalities": m.fatalities,
        "attributed_to": m.attributed_to,
        "historical": m.historical,
        "confidence": m.confidence,
        "evidence_start": min((e.start for e in m.evidence), default=None),
        "evidence_end": max((e.end for e in m.evidence), default=None),
        "json": mention_json(m),
    }


@dataclass(slots=True)
class EventRows:
    """Rows for the events table and its three child tables."""

    events: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    sources: list[Row] = field(default_factory=list)
    claims: list[Row] = field(default_factory=list)


def _actor_text(actors: Sequence[Actor | None], fold: Fold) -> str:
    parts: list[str] = []
    for a in actors:
        if a is not None:
            parts.extend((a.id, a.name, a.name_ar))
    return fold("\n".join(parts))


def _search_text(m: Mention, fold: Fold) -> str:
    parts = [e.text for e in m.evidence]
    parts.extend(str(v) for v in m.notes.values())
    return fold("\n".join(parts))


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def event_rows(events: Sequence[Event], fold: Fold) -> EventRows:
    """Rows for ``events`` (ids must be unique; raises ValueError otherwise)."""
    out = EventRows()
    seen: set[str] = set()
    for ev in events:
        if ev.id in seen:
            raise ValueError(f"event id {ev.id!r} appears twice")
        seen.add(ev.id)
        m = ev.mention
        place = m.location.place if m.location else None
        out.events.append(
            {
                "id": ev.id,
                "kind": m.kind,
                "date": m.date,
                "date_precision": m.date_precision,
                "actor1_id": m.actor1.id if m.actor1 else None,
                "actor2_id": m.actor2.id if m.actor2 else None,
                "location_name": place.name if place else None,
                "admin1": place.admin1 if place else None,
                "admin2": place.admin2 if place else None,
                "lat": place.lat if place else None,
                "lon": place.lon if place else None,
                "fatalities": m.fatalities,
                "n_sources": ev.n_sources,
                "actor_text": _actor_text((m.actor1, m.actor2), fold),
                "search_text": "\n".join(
                    _search_text(x, fold) for x in {y.id: y for y in (m, *ev.mentions)}.values()
                ),
                "json": event_json(ev),
            }
        )
        for mid in dict.fromkeys(x.id for x in ev.mentions):
            out.links.append({"event_id": ev.id, "mention_id": mid})
        for seq, src in enumerate(ev.sources):
            out.sources.append(
                {
                    "event_id": ev.id,
                    "seq": seq,
                    "article_id": src.get("article_id"),
                    "outlet": src.get("outlet"),
                    "url": src.get("url"),
                }
            )
        for key, claims in ev.claims.items():
            for seq, c in enumerate(claims):
                q = c.get("qualifier")
                out.claims.append(
                    {
                        "event_id": ev.id,
                        "key": key,
                        "seq": seq,
                        "article_id": c.get("article_id"),
                        "outlet": c.get("outlet"),
                        "value": _int_or_none(c.get("value")),
                        "low": _int_or_none(c.get("low")),
                        "high": _int_or_none(c.get("high")),
                        "qualifier": q if isinstance(q, str) else None,
                    }
                )
    return out
