"""JSON for mentions and articles, exactly the fields of the interchange contract (and more)."""

from __future__ import annotations

from typing import Any

from rasad.model import Actor, Article, Mention, Problem


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
