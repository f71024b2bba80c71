"""Event queries: :class:`EventFilter` and the SQL conditions and facets built from it.

Every value from a filter reaches the database as a bound parameter; ``LIKE`` patterns
escape ``%`` and ``_`` (``autoescape``), so no user string is ever part of SQL text.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, func, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from rasad.store.schema import events

Fold = Callable[[str], str]
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to return. Empty fields do not filter.

    ``since``/``until`` bound the event date (inclusive; events without a date are left out
    when either is set); ``kinds`` keeps events of any of these kinds; ``actor`` matches an
    actor id exactly or a substring of an actor's English or Arabic name (either side);
    ``admin1`` is a governorate name (case-insensitive); ``bbox`` is ``(min_lon, min_lat,
    max_lon, max_lat)`` in WGS84 degrees; ``min_sources`` a minimum number of sources;
    ``text`` a substring of the evidence or notes. ``actor`` and ``text`` are compared after
    Arabic normalisation and lower-casing, so "الحسكة" also finds "الحسكه".
    """

    since: dt.date | None = None
    until: dt.date | None = None
    kinds: Sequence[str] = field(default=())
    actor: str | None = None
    admin1: str | None = None
    bbox: BBox | None = None
    min_sources: int | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.kinds, str):
            object.__setattr__(self, "kinds", (self.kinds,))
        else:
            object.__setattr__(self, "kinds", tuple(self.kinds))
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        if self.bbox is not None:
            if len(self.bbox) != 4 or not all(math.isfinite(float(v)) for v in self.bbox):
                raise ValueError(f"bbox must be four finite numbers, got {self.bbox!r}")
            min_lon, min_lat, max_lon, max_lat = (float(v) for v in self.bbox)
            if min_lon > max_lon or min_lat > max_lat:
                raise ValueError(
                    f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {self.bbox!r}"
                )
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"limit must not be negative, got {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must not be negative, got {self.offset}")
        if self.min_sources is not None and self.min_sources < 0:
            raise ValueError(f"min_sources must not be negative, got {self.min_sources}")


def conditions(f: EventFilter, fold: Fold) -> list[ColumnElement[bool]]:
    """SQL conditions (all parameterised) for a filter."""
    c = events.c
    out: list[ColumnElement[bool]] = []
    if f.since is not None:
        out.append(c.date >= f.since)
    if f.until is not None:
        out.append(c.date <= f.until)
    if f.kinds:
        out.append(c.kind.in_(list(f.kinds)))
    if f.actor:
        out.append(
            or_(
                c.actor1_id == f.actor,
                c.actor2_id == f.actor,
                c.actor_text.contains(fold(f.actor), autoescape=True),
            )
        )
    if f.admin1:
        out.append(func.lower(c.admin1) == f.admin1.lower())
    if f.bbox is not None:
        min_lon, min_lat, max_lon, max_lat = (float(v) for v in f.bbox)
        out.extend((c.lon >= min_lon, c.lon <= max_lon, c.lat >= min_lat, c.lat <= max_lat))
    if f.min_sources is not None:
        out.append(c.n_sources >= f.min_sources)
    if f.text:
        out.append(c.search_text.contains(fold(f.text), autoescape=True))
    return out


def event_query(f: EventFilter, fold: Fold) -> Select[Any]:
    """The events' JSON documents, dated ones first by date, then by id."""
    q = (
        select(events.c.json)
        .where(*conditions(f, fold))
        .order_by(events.c.date.is_(None), events.c.date, events.c.id)
    )
    if f.offset:
        q = q.offset(f.offset)
    if f.limit is not None:
        q = q.limit(f.limit)
    return q


def count_query(f: EventFilter, fold: Fold) -> Select[Any]:
    return select(func.count()).select_from(events).where(*conditions(f, fold))


def _counts(conn: Connection, q: Select[Any]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in conn.execute(q):
        if key is None:
            continue
        out[key.isoformat() if isinstance(key, dt.date) else str(key)] = int(n)
    return dict(sorted(out.items()))


def facets(conn: Connection, f: EventFilter, fold: Fold) -> dict[str, dict[str, int]]:
    """Event counts per kind, governorate, actor id and date, for the filtered events.

    Events without a value for a facet (no place, no date) are not counted in it; an
    event counts once per actor even when the actor is on both sides.
    """
    where = conditions(f, fold)
    c = events.c
    out: dict[str, dict[str, int]] = {}
    for name, col in (("kind", c.kind), ("admin1", c.admin1), ("date", c.date)):
        out[name] = _counts(conn, select(col, func.count()).where(*where).group_by(col))
    sides = union(
        select(c.id.label("event_id"), c.actor1_id.label("actor")).where(*where),
        select(c.id.label("event_id"), c.actor2_id.label("actor")).where(*where),
    ).subquery()
    out["actor"] = _counts(
        conn,
        select(sides.c.actor, func.count())
        .where(sides.c.actor.is_not(None))
        .group_by(sides.c.actor),
    )
    return out


def matches(doc: dict[str, Any], f: EventFilter, fold: Callable[[str], str]) -> bool:
    """The same filter applied to one ``event_json`` document in memory (for events that
    are computed from inputs rather than read from the database)."""
    date = str(doc.get("date") or "")
    if (f.since or f.until) and not date:
        return False
    if f.since and date < f.since.isoformat():
        return False
    if f.until and date > f.until.isoformat():
        return False
    if f.kinds and doc.get("kind") not in f.kinds:
        return False
    loc = doc.get("location") or {}
    if f.admin1 and (loc.get("admin1") or "").lower() != f.admin1.lower():
        return False
    if f.bbox is not None:
        if not loc:
            return False
        min_lon, min_lat, max_lon, max_lat = f.bbox
        if not (min_lon <= loc["lon"] <= max_lon and min_lat <= loc["lat"] <= max_lat):
            return False
    if f.min_sources and int(doc.get("n_sources") or 1) < f.min_sources:
        return False
    if f.actor:
        want = fold(f.actor).lower()
        sides = [doc.get("actor1") or {}, doc.get("actor2") or {}]
        if not any(
            a.get("id") == f.actor
            or want in fold(a.get("name") or "").lower()
            or want in fold(a.get("name_ar") or "").lower()
            for a in sides
        ):
            return False
    if f.text:
        want = fold(f.text).lower()
        hay = " ".join(e.get("text", "") for e in doc.get("evidence") or [])
        hay += " " + " ".join((doc.get("notes") or {}).values())
        if want not in fold(hay).lower():
            return False
    return True
