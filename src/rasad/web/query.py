"""Read-only queries behind the HTTP API, over :class:`rasad.store.Store`.

Event filtering reuses the store's own SQL (:func:`rasad.store.filters.conditions` and
:func:`~rasad.store.filters.event_query`), so the API and ``rasad events --db`` select the
same events; this module adds what the page needs on top: the ACLED event-type filter,
facets that leave out their own filter, events per day and kind, compact map points, one
event with its mentions, and article listings. Every value is a bound parameter.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from rasad.store import EventFilter, Store
from rasad.store.filters import Fold, conditions, count_query, event_query
from rasad.store.schema import articles, event_mentions, events, mentions

Facet = Literal["kind", "acled", "admin1", "actor", "date"]

#: The ACLED event type inside an event document.
ACLED_TYPE = events.c.json[("acled", "event_type")].as_string()


@dataclass(frozen=True, slots=True)
class Query:
    """An :class:`EventFilter` plus the filters the store does not have (yet)."""

    base: EventFilter = field(default_factory=EventFilter)
    acled_types: tuple[str, ...] = ()

    def without(self, facet: Facet) -> Query:
        """This query with one facet's own filter removed (for that facet's counts)."""
        if facet == "acled":
            return dataclasses.replace(self, acled_types=())
        changes: dict[str, dict[str, Any]] = {
            "kind": {"kinds": ()},
            "admin1": {"admin1": None},
            "actor": {"actor": None},
            "date": {"since": None, "until": None},
        }
        return dataclasses.replace(self, base=dataclasses.replace(self.base, **changes[facet]))

    def page(self, limit: int | None, offset: int = 0) -> Query:
        return dataclasses.replace(
            self, base=dataclasses.replace(self.base, limit=limit, offset=offset)
        )


def where(q: Query, fold: Fold) -> list[ColumnElement[bool]]:
    out = conditions(q.base, fold)
    if q.acled_types:
        out.append(ACLED_TYPE.in_(list(q.acled_types)))
    return out


class WebQueries:
    """The API's reads. Cheap to build; holds the store and the search-text fold."""

    def __init__(self, store: Store, fold: Fold) -> None:
        self.store = store
        self.fold = fold

    def _conn(self) -> Connection:
        return self.store.engine.connect()

    # -- events -----------------------------------------------------------------------

    def _events_select(self, q: Query) -> Select[Any]:
        sel = event_query(q.base, self.fold)
        if q.acled_types:
            sel = sel.where(ACLED_TYPE.in_(list(q.acled_types)))
        return sel

    def _page_rows(
        self,
        conn: Connection,
        q: Query,
        limit: int,
        offset: int,
        newest_first: bool = False,
        extra: Sequence[ColumnElement[bool]] = (),
        columns: Sequence[Any] = (events.c.id,),
    ) -> list[Any]:
        """Rows (``columns``) of one page in the store's order (dated events by date then id, then the
        undated by id; ``newest_first`` reverses the dates). Dated and undated events are
        read apart so the date index gives the order: sorting on ``date IS NULL`` would
        read and sort every matching row for each page."""
        c = events.c
        conds = [*where(q, self.fold), *extra]
        by_date = c.date.desc() if newest_first else c.date
        dated = select(*columns).where(*conds, c.date.is_not(None)).order_by(by_date, c.id)
        undated = select(*columns).where(*conds, c.date.is_(None)).order_by(c.id)
        ids = list(conn.execute(dated.limit(limit).offset(offset)))
        if len(ids) < limit:
            if ids:
                skip = 0
            else:
                n_dated = (
                    select(func.count()).select_from(events).where(*conds, c.date.is_not(None))
                )
                skip = max(0, offset - int(conn.execute(n_dated).scalar_one()))
            ids += conn.execute(undated.limit(limit - len(ids)).offset(skip))
        return ids

    def events(self, q: Query, newest_first: bool = False) -> list[dict[str, Any]]:
        """Event documents for a query (its ``limit``/``offset`` applied), in the store's
        order (that of :func:`rasad.store.filters.event_query`; with ``newest_first`` the
        dates run backwards): the page's ids first, then only their documents."""
        limit = q.base.limit
        if limit is None and not newest_first:
            return [doc for part in self.iter_events(q) for doc in part]
        with self._conn() as conn:
            everything = 2**62  # a LIMIT both SQLite and PostgreSQL accept
            rows = self._page_rows(
                conn, q, limit if limit is not None else everything, q.base.offset, newest_first
            )
            page = [r.id for r in rows]
            docs: dict[str, dict[str, Any]] = {}
            for chunk in _chunks(page):
                for eid, doc in conn.execute(
                    select(events.c.id, events.c.json).where(events.c.id.in_(chunk))
                ):
                    docs[eid] = dict(doc)
        return [docs[i] for i in page if i in docs]

    def iter_events(self, q: Query, batch: int = 1000) -> Iterator[list[dict[str, Any]]]:
        """Every matching event document, in batches, over one streamed result."""
        with self._conn() as conn:
            result = conn.execution_options(yield_per=batch).execute(self._events_select(q))
            for part in result.scalars().partitions():
                yield [dict(doc) for doc in part]

    def count(self, q: Query) -> int:
        sel = count_query(q.base, self.fold)
        if q.acled_types:
            sel = sel.where(ACLED_TYPE.in_(list(q.acled_types)))
        with self._conn() as conn:
            return int(conn.execute(sel).scalar_one())

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            doc = conn.execute(select(events.c.json).where(events.c.id == event_id)).scalar()
        return None if doc is None else dict(doc)

    def points(self, q: Query, limit: int) -> list[list[Any]]:
        """``[id, lat, lon, kind, date]`` for located events, newest first, at most ``limit``."""
        c = events.c
        located = (c.lat.is_not(None), c.lon.is_not(None))
        cols = (c.id, c.lat, c.lon, c.kind, c.date)
        with self._conn() as conn:
            rows = self._page_rows(conn, q, limit, 0, True, located, cols)
        return [[r.id, r.lat, r.lon, r.kind, _iso(r.date)] for r in rows]

    def timeline(self, q: Query) -> tuple[list[tuple[str, str, int]], int]:
        """``(date, kind, n)`` rows for dated events, and the number of undated ones."""
        c = events.c
        conds = where(q, self.fold)
        sel = (
            select(c.date, c.kind, func.count())
            .where(*conds, c.date.is_not(None))
            .group_by(c.date, c.kind)
            .order_by(c.date, c.kind)
        )
        undated = select(func.count()).select_from(events).where(*conds, c.date.is_(None))
        with self._conn() as conn:
            rows = [(_iso(d) or "", str(k), int(n)) for d, k, n in conn.execute(sel)]
            return rows, int(conn.execute(undated).scalar_one())

    def facets(self, q: Query, names: Sequence[Facet]) -> dict[str, dict[str, int]]:
        """Counts per value of each facet, each under every filter but its own."""
        c = events.c
        out: dict[str, dict[str, int]] = {}
        with self._conn() as conn:
            for name in names:
                conds = where(q.without(name), self.fold)
                if name == "actor":
                    counts: dict[str, int] = {}
                    for sel in (
                        select(c.actor1_id, func.count()).where(*conds).group_by(c.actor1_id),
                        select(c.actor2_id, func.count())
                        .where(*conds, c.actor2_id.is_distinct_from(c.actor1_id))
                        .group_by(c.actor2_id),
                    ):
                        for key, n in _counts(conn.execute(sel)).items():
                            counts[key] = counts.get(key, 0) + n
                    out[name] = dict(sorted(counts.items()))
                    continue
                col = {"kind": c.kind, "acled": ACLED_TYPE, "admin1": c.admin1, "date": c.date}[
                    name
                ]
                out[name] = _counts(
                    conn.execute(select(col, func.count()).where(*conds).group_by(col))
                )
        return out

    # -- mentions and articles --------------------------------------------------------

    def mentions_by_id(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Mention documents for these ids, in the order given (unknown ids left out)."""
        if not ids:
            return []
        found: dict[str, dict[str, Any]] = {}
        with self._conn() as conn:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                for mid, doc in conn.execute(
                    select(mentions.c.id, mentions.c.json).where(mentions.c.id.in_(chunk))
                ):
                    found[mid] = dict(doc)
        return [found[i] for i in ids if i in found]

    def event_ids_of_mentions(self, ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        with self._conn() as conn:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                sel = (
                    select(event_mentions.c.mention_id, event_mentions.c.event_id)
                    .where(event_mentions.c.mention_id.in_(chunk))
                    .order_by(event_mentions.c.event_id)
                )
                for mid, eid in conn.execute(sel):
                    out.setdefault(mid, []).append(eid)
        return out

    def article_meta(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{id: {id, title, outlet, url, published}}`` for stored articles among ``ids``."""
        a = articles.c
        out: dict[str, dict[str, Any]] = {}
        with self._conn() as conn:
            for chunk in _chunks(list(dict.fromkeys(ids))):
                sel = select(a.id, a.title, a.outlet, a.url, a.published).where(a.id.in_(chunk))
                for r in conn.execute(sel):
                    out[r.id] = _meta(r)
        return out

    def articles_page(
        self, limit: int, offset: int, outlet: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Articles without their text, newest first, each with its number of mentions."""
        a, m = articles.c, mentions.c
        conds = [a.outlet == outlet] if outlet else []
        n_mentions = select(m.article_id, func.count().label("n")).group_by(m.article_id).subquery()
        sel = (
            select(a.id, a.title, a.outlet, a.url, a.published, n_mentions.c.n)
            .outerjoin(n_mentions, n_mentions.c.article_id == a.id)
            .where(*conds)
            .order_by(a.published.is_(None), a.published.desc(), a.id)
            .limit(limit)
            .offset(offset)
        )
        with self._conn() as conn:
            items = [{**_meta(r), "n_mentions": int(r.n or 0)} for r in conn.execute(sel)]
            total = conn.execute(select(func.count()).select_from(articles).where(*conds))
            return items, int(total.scalar_one())


def _meta(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "outlet": r.outlet,
        "url": r.url,
        "published": _iso(r.published),
    }


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _counts(rows: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, n in rows:
        if key is None:
            continue
        out[_iso(key) or ""] = int(n)
    return dict(sorted(out.items()))


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
