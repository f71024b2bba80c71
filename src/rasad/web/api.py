"""The JSON API: events, one event, articles, facets, timeline, map points and exports.

Every route is a GET (the API is read-only); filters are validated here and reach the
database only as bound parameters (see :mod:`rasad.web.query`).
"""

# No `from __future__ import annotations`: FastAPI reads the local Annotated aliases
# (Filters, Limit, Offset) of the route functions at run time.

import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from fastapi import Query as QueryParam
from fastapi.responses import JSONResponse, Response, StreamingResponse

from rasad import __version__
from rasad.export import write_csv, write_geojson, write_jsonl
from rasad.store import EventFilter
from rasad.web import models
from rasad.web.errors import ApiError, error_responses
from rasad.web.query import Facet, Query, WebQueries

#: Printable text: no control characters (NUL and friends are refused, not stored).
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
NUMBER = r"-?[0-9]{1,3}(\.[0-9]{1,10})?"
BBOX_PATTERN = rf"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"


class EventOrder(StrEnum):
    date = "date"
    newest = "-date"


class FacetName(StrEnum):
    kind = "kind"
    acled = "acled"
    admin1 = "admin1"
    actor = "actor"


class BoundaryLevel(StrEnum):
    admin1 = "admin1"
    admin2 = "admin2"


EXPORTS: dict[ExportFormat, tuple[str, Callable[[list[dict[str, Any]], IO[str]], int]]] = {
    ExportFormat.jsonl: ("application/x-ndjson; charset=utf-8", write_jsonl),
    ExportFormat.csv: ("text/csv; charset=utf-8", write_csv),
    ExportFormat.geojson: ("application/geo+json; charset=utf-8", write_geojson),
}


@dataclass(slots=True)
class WebContext:
    """What the routes share; built once by :func:`rasad.web.app.create_app`."""

    queries: WebQueries
    kinds: tuple[str, ...]
    kind_acled: dict[str, tuple[str, str]]
    acled_types: tuple[str, ...]
    actor_labels: dict[str, dict[str, str]]
    admin1_labels: dict[str, dict[str, str]]
    boundaries: dict[str, bytes]
    tile_url: str | None = None
    tile_attribution: str | None = None
    max_page: int = 500
    max_points: int = 20_000
    extra: dict[str, Any] = field(default_factory=dict)


def _page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    """One page of a listing, with where the next one starts (None on the last page)."""
    nxt = offset + limit if offset + limit < total else None
    return {"total": total, "limit": limit, "offset": offset, "next_offset": nxt, "items": items}


def _json(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers={"Cache-Control": "no-cache"})


def _day(name: str, raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid_request", f"{name}: not a day (YYYY-MM-DD): {raw!r}") from None


def _bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    if raw is None:
        return None
    vals = tuple(float(v) for v in raw.split(","))
    min_lon, min_lat, max_lon, max_lat = vals
    if not all(math.isfinite(v) for v in vals):
        raise ApiError(422, "invalid_request", "bbox: numbers must be finite")
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ApiError(
            422,
            "invalid_request",
            "bbox must be min_lon,min_lat,max_lon,max_lat with -180 <= min_lon <= max_lon "
            f"<= 180 and -90 <= min_lat <= max_lat <= 90, got {raw!r}",
        )
    return min_lon, min_lat, max_lon, max_lat


def build_router(ctx: WebContext) -> APIRouter:
    """The ``/api`` routes over one :class:`WebContext` (no module state)."""
    router = APIRouter(prefix="/api", responses=error_responses(400, 422, 500))
    q_ = ctx.queries

    def filters(
        since: Annotated[
            str | None,
            QueryParam(
                pattern=DATE_PATTERN,
                description="events on or after this day (YYYY-MM-DD)",
                json_schema_extra={"format": "date"},
            ),
        ] = None,
        until: Annotated[
            str | None,
            QueryParam(
                pattern=DATE_PATTERN,
                description="events on or before this day (YYYY-MM-DD)",
                json_schema_extra={"format": "date"},
            ),
        ] = None,
        kind: Annotated[
            list[str],
            QueryParam(
                description="event kind (repeatable: any of them)",
                json_schema_extra={"items": {"type": "string", "enum": list(ctx.kinds)}},
            ),
        ] = [],  # noqa: B006 (FastAPI copies defaults)
        acled_type: Annotated[
            list[str],
            QueryParam(
                description="ACLED event type (repeatable: any of them)",
                json_schema_extra={"items": {"type": "string", "enum": list(ctx.acled_types)}},
            ),
        ] = [],  # noqa: B006
        actor: Annotated[
            str | None,
            QueryParam(
                min_length=1,
                max_length=120,
                pattern=TEXT_PATTERN,
                description="actor id, or part of an actor's English or Arabic name",
            ),
        ] = None,
        admin1: Annotated[
            str | None,
            QueryParam(
                min_length=1,
                max_length=120,
                pattern=TEXT_PATTERN,
                description="governorate (English name, case-insensitive)",
            ),
        ] = None,
        bbox: Annotated[
            str | None,
            QueryParam(pattern=BBOX_PATTERN, description="min_lon,min_lat,max_lon,max_lat"),
        ] = None,
        min_sources: Annotated[
            int | None, QueryParam(ge=0, le=10_000, description="at least this many sources")
        ] = None,
        q: Annotated[
            str | None,
            QueryParam(
                min_length=1,
                max_length=200,
                pattern=TEXT_PATTERN,
                description="text in the evidence or notes (Arabic compared after normalisation)",
            ),
        ] = None,
    ) -> Query:
        bad = [k for k in kind if k not in ctx.kinds]
        if bad:
            raise ApiError(
                422, "invalid_request", f"unknown kind {bad[0]!r}; kinds: {', '.join(ctx.kinds)}"
            )
        bad = [t for t in acled_type if t not in ctx.acled_types]
        if bad:
            raise ApiError(
                422,
                "invalid_request",
                f"unknown ACLED event type {bad[0]!r}; types: {', '.join(ctx.acled_types)}",
            )
        first, last = _day("since", since), _day("until", until)
        if first and last and first > last:
            raise ApiError(422, "invalid_request", f"since ({since}) is after until ({until})")
        base = EventFilter(
            since=first,
            until=last,
            kinds=tuple(dict.fromkeys(kind)),
            actor=actor,
            admin1=admin1,
            bbox=_bbox(bbox),
            min_sources=min_sources,
            text=q,
        )
        return Query(base, tuple(dict.fromkeys(acled_type)))

    Filters = Annotated[Query, Depends(filters)]
    Limit = Annotated[int, QueryParam(ge=1, le=ctx.max_page, description="page size")]
    Offset = Annotated[int, QueryParam(ge=0, le=100_000_000, description="items to skip")]

    @router.get("/health", response_model=models.Health, summary="Is the database reachable")
    def health() -> Response:
        _items, n_articles = q_.articles_page(1, 0)
        return _json({"status": "ok", "events": q_.count(Query()), "articles": n_articles})

    @router.get("/config", response_model=models.Config, summary="Vocabularies and settings")
    def config() -> Response:
        return _json(
            {
                "version": __version__,
                "kinds": list(ctx.kinds),
                "acled_types": list(ctx.acled_types),
                "kind_acled": {
                    k: {"event_type": a, "sub_event_type": s}
                    for k, (a, s) in ctx.kind_acled.items()
                },
                "tile_url": ctx.tile_url,
                "tile_attribution": ctx.tile_attribution,
                "max_page": ctx.max_page,
                "max_points": ctx.max_points,
            }
        )

    @router.get("/events", response_model=models.EventPage, summary="Events, filtered and paged")
    def list_events(
        flt: Filters,
        limit: Limit = 50,
        offset: Offset = 0,
        order: Annotated[
            EventOrder,
            QueryParam(
                description="date: oldest first, as `rasad events` and the exports "
                "(undated events last); -date: newest first (undated last)"
            ),
        ] = EventOrder.date,
    ) -> Response:
        total = q_.count(flt)
        newest = order is EventOrder.newest
        items = q_.events(flt.page(limit, offset), newest) if offset < total else []
        return _json(_page(items, total, limit, offset))

    @router.get(
        "/events/{event_id}",
        response_model=models.EventDetail,
        responses=error_responses(404),
        summary="One event with its mentions, claims and sources",
    )
    def get_event(
        event_id: Annotated[str, PathParam(min_length=1, max_length=200)],
    ) -> Response:
        doc = q_.event(event_id)
        if doc is None:
            raise ApiError(404, "not_found", f"no event with id {event_id!r}")
        ments = q_.mentions_by_id([str(m) for m in doc.get("mentions") or []])
        art_ids = [str(s.get("article_id")) for s in doc.get("sources") or []]
        art_ids += [str(m.get("article_id")) for m in ments]
        meta = q_.article_meta(list(dict.fromkeys(art_ids)))
        return _json({"event": doc, "mentions": ments, "articles": [meta[a] for a in meta]})

    @router.get("/facets", response_model=models.Facets, summary="Counts for the filter panel")
    def facets(
        flt: Filters,
        facet: Annotated[
            list[FacetName],
            QueryParam(
                description="facets to count (repeatable; all when absent). Each is counted "
                "under every filter but its own. 'acled' reads every matching event "
                "document: slow on large databases"
            ),
        ] = [],  # noqa: B006
    ) -> Response:
        names: list[Facet] = [f.value for f in facet] or ["kind", "acled", "admin1", "actor"]
        out: dict[str, Any] = dict(q_.facets(flt, list(dict.fromkeys(names))))
        out["total"] = q_.count(flt)
        labels: dict[str, Any] = {}
        if "actor" in out:
            labels["actor"] = {a: ctx.actor_labels.get(a, {"en": a, "ar": a}) for a in out["actor"]}
        if "admin1" in out:
            labels["admin1"] = {
                g: ctx.admin1_labels.get(g, {"en": g, "ar": g}) for g in out["admin1"]
            }
        out["labels"] = labels
        return _json(out)

    @router.get("/timeline", response_model=models.Timeline, summary="Events per day and kind")
    def timeline(flt: Filters) -> Response:
        rows, undated = q_.timeline(flt)
        days: list[dict[str, Any]] = []
        for date, kind, n in rows:
            if not days or days[-1]["date"] != date:
                days.append({"date": date, "counts": {}})
            days[-1]["counts"][kind] = n
        return _json({"days": days, "undated": undated})

    @router.get("/points", response_model=models.Points, summary="Located events for the map")
    def points(
        flt: Filters,
        limit: Annotated[
            int | None, QueryParam(ge=1, le=ctx.max_points, description="at most this many")
        ] = None,
    ) -> Response:
        cap = limit or ctx.max_points
        pts = q_.points(flt, cap + 1)
        total = q_.count(flt)
        return _json(
            {
                "total": total,
                "truncated": len(pts) > cap,
                "fields": ["id", "lat", "lon", "kind", "date"],
                "points": pts[:cap],
            }
        )

    @router.get("/articles", response_model=models.ArticlePage, summary="Stored articles (no text)")
    def list_articles(
        limit: Limit = 50,
        offset: Offset = 0,
        outlet: Annotated[
            str | None, QueryParam(min_length=1, max_length=200, pattern=TEXT_PATTERN)
        ] = None,
    ) -> Response:
        items, total = q_.articles_page(limit, offset, outlet)
        return _json(_page(items, total, limit, offset))

    @router.get(
        "/articles/{article_id}",
        response_model=models.ArticleDetail,
        responses=error_responses(404),
        summary="One article's text with its mentions' evidence spans",
    )
    def get_article(
        article_id: Annotated[str, PathParam(min_length=1, max_length=200)],
    ) -> Response:
        doc = q_.store.get_article(article_id)
        if doc is None:
            raise ApiError(404, "not_found", f"no article with id {article_id!r}")
        ments = q_.store.mentions(article_id)
        links = q_.event_ids_of_mentions([str(m["id"]) for m in ments])
        published = doc.get("published")
        return _json(
            {
                "id": doc["id"],
                "title": doc.get("title"),
                "outlet": doc.get("outlet"),
                "url": doc.get("url"),
                "published": str(published) if published is not None else None,
                "text": doc.get("text") or "",
                "mentions": [
                    {
                        "id": m["id"],
                        "kind": m.get("kind", ""),
                        "evidence": m.get("evidence") or [],
                        "trigger": m.get("trigger"),
                        "event_ids": links.get(str(m["id"]), []),
                    }
                    for m in ments
                ],
            }
        )

    @router.get(
        "/boundaries/{level}",
        summary="Syria's administrative boundaries (GeoJSON, OCHA, CC BY 3.0 IGO)",
        responses={200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}},
        response_class=Response,
    )
    def boundaries(level: BoundaryLevel) -> Response:
        return Response(
            ctx.boundaries[level.value],
            media_type="application/geo+json",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @router.get(
        "/export",
        summary="Download the filtered events (JSON Lines, ACLED-style CSV or GeoJSON)",
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {
                    "application/x-ndjson": {"schema": {"type": "string"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "application/geo+json": {"schema": {"type": "object"}},
                }
            }
        },
    )
    def export(
        flt: Filters,
        format: Annotated[ExportFormat, QueryParam(description="file format")] = (
            ExportFormat.jsonl
        ),
        limit: Annotated[
            int | None, QueryParam(ge=1, le=100_000_000, description="at most this many events")
        ] = None,
    ) -> Response:
        media, _writer = EXPORTS[format]
        body = _export_chunks(q_, flt.page(limit, 0), format)
        return StreamingResponse(
            body,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="rasad-events.{format.value}"',
                "Cache-Control": "no-cache",
            },
        )

    return router


def _export_chunks(queries: WebQueries, q: Query, fmt: ExportFormat) -> Iterator[str]:
    """The export file in pieces, written by the same writers as ``rasad events``."""
    _media, writer = EXPORTS[fmt]
    first = True
    wrote_feature = False
    if fmt is ExportFormat.geojson:
        yield '{"type": "FeatureCollection", "features": ['
    for batch in queries.iter_events(q):
        buf = io.StringIO()
        if fmt is ExportFormat.geojson:
            write_geojson(batch, buf)
            feats = json.loads(buf.getvalue())["features"]
            for feat in feats:
                piece = json.dumps(feat, ensure_ascii=False)
                yield (", " if wrote_feature else "") + piece
                wrote_feature = True
            continue
        writer(batch, buf)
        text = buf.getvalue()
        if fmt is ExportFormat.csv and not first:
            text = text.split("\r\n", 1)[1] if "\r\n" in text else ""
        first = False
        yield text
    if fmt is ExportFormat.geojson:
        yield "]}\n"
    elif first and fmt is ExportFormat.csv:
        buf = io.StringIO()
        write_csv([], buf)
        yield buf.getvalue()
