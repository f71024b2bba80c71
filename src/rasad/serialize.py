"""JSON for mentions and articles, exactly the fields of the interchange contract (and more)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasad.model import Actor, Article, Count, Evidence, Location, Mention, Place, Problem, Span


def actor_json(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"id": actor.id, "name": actor.name, "name_ar": actor.name_ar, "inter": actor.inter}


def mention_json(m: Mention) -> dict[str, Any]:
    """A mention as one line of ``rasad extract`` output."""
    return {
        "id": m.id,
        "article_id": m.article_id,
        "kind": m.kind,
        "acled": {"event_type": m.event_type, "sub_event_type": m.sub_event_type},
        "date": m.date.isoformat() if m.date else None,
        "date_precision": m.date_precision,
        "weekday": m.weekday,
        "actor1": actor_json(m.actor1),
        "actor2": actor_json(m.actor2),
        "location": m.location.to_json() if m.location else None,
        "counts": {k: c.to_json() for k, c in m.counts.items()},
        "claims": {k: [c.to_json() for c in cs] for k, cs in m.claims.items()},
        "fatalities": m.fatalities,
        "attributed_to": m.attributed_to,
        "historical": m.historical,
        "framing": m.framing,
        "evidence": [e.to_json() for e in m.evidence],
        "trigger": (
            {"start": m.trigger.start, "end": m.trigger.end, "text": m.trigger.text}
            if m.trigger
            else None
        ),
        "confidence": m.confidence,
        "raw_score": m.raw_score,
        "notes": m.notes,
    }


def problem_json(p: Problem) -> dict[str, Any]:
    return {"code": p.code, "message": p.message, "source": p.source, "stage": p.stage}


def article_json(a: Article) -> dict[str, Any]:
    """An article as ``rasad articles`` writes it: the text that offsets refer to."""
    return {
        "id": a.id,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "text": a.text,
        "removed": [{"start": s.start, "end": s.end} for s in a.removed],
        "metadata": a.metadata,
        "sentences": [{"start": s.start, "end": s.end, "heading": s.heading} for s in a.sentences],
        "problems": [problem_json(p) for p in a.problems],
    }


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def actor_from_json(doc: Any) -> Actor | None:
    if not isinstance(doc, dict):
        return None
    return Actor(str(doc["id"]), str(doc["name"]), str(doc.get("name_ar") or ""), int(doc["inter"]))


def count_from_json(doc: dict[str, Any]) -> Count:
    return Count(doc.get("value"), doc.get("low"), doc.get("high"), doc.get("qualifier", "exact"))


def location_from_json(doc: Any) -> Location | None:
    if not isinstance(doc, dict):
        return None
    place = Place(
        id=str(doc.get("gazetteer_id") or ""),
        name=str(doc.get("name") or ""),
        name_ar=str(doc.get("name_ar") or ""),
        feature_type=str(doc.get("feature_type") or ""),
        lat=float(doc["lat"]),
        lon=float(doc["lon"]),
        country=str(doc.get("country") or "SY"),
        admin1=doc.get("admin1"),
        admin2=doc.get("admin2"),
        admin3=doc.get("admin3"),
    )
    return Location(place, int(doc.get("precision") or 1))


def mention_from_json(doc: dict[str, Any]) -> Mention:
    """The inverse of :func:`mention_json` (what a stored or exported mention holds)."""
    trig = doc.get("trigger")
    return Mention(
        id=str(doc["id"]),
        article_id=str(doc["article_id"]),
        kind=str(doc["kind"]),
        event_type=str(doc["acled"]["event_type"]),
        sub_event_type=str(doc["acled"]["sub_event_type"]),
        date=_date(doc.get("date")),
        date_precision=doc.get("date_precision"),
        actor1=actor_from_json(doc.get("actor1")),
        actor2=actor_from_json(doc.get("actor2")),
        location=location_from_json(doc.get("location")),
        counts={k: count_from_json(v) for k, v in (doc.get("counts") or {}).items()},
        fatalities=int(doc.get("fatalities") or 0),
        attributed_to=doc.get("attributed_to"),
        historical=bool(doc.get("historical")),
        evidence=[Evidence(int(e["start"]), int(e["end"]), str(e["text"])) for e in doc["evidence"]],
        confidence=float(doc.get("confidence") or 0.0),
        raw_score=float(doc.get("raw_score") or 0.0),
        trigger=Span(int(trig["start"]), int(trig["end"]), str(trig["text"])) if trig else None,
        weekday=doc.get("weekday"),
        framing=list(doc.get("framing") or []),
        claims={k: [count_from_json(c) for c in v] for k, v in (doc.get("claims") or {}).items()},
        notes=dict(doc.get("notes") or {}),
    )
