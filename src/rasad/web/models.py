"""Response shapes of the HTTP API, for its OpenAPI document.

Event and mention documents are ``event_json`` / ``mention_json`` as ``rasad events``
writes them: the models name the documented fields and allow the others, so a new field
in the documents never breaks the API. Routes return pre-serialised JSON; these models
describe it (and schemathesis checks that the answers conform).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of the API."""

    error: str = Field(description="stable error code, e.g. invalid_request, not_found")
    message: str = Field(description="what is wrong, in plain words")
    detail: list[dict[str, Any]] | None = Field(
        default=None, description="per-parameter problems (invalid_request only)"
    )


class Location(_Open):
    name: str | None = None
    name_ar: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: int | None = None


class Actor(_Open):
    id: str | None = None
    name: str | None = None
    name_ar: str | None = None
    inter: int | None = None


class Evidence(_Open):
    start: int
    end: int
    text: str | None = None


class Source(_Open):
    article_id: str
    outlet: str | None = None
    url: str | None = None


class EventDoc(_Open):
    """One merged event (``event_json``)."""

    id: str
    kind: str
    acled: dict[str, Any] | None = None
    date: str | None = None
    date_precision: str | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    counts: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    fatalities: int | None = None
    attributed_to: str | None = None
    evidence: list[Evidence] | None = None
    mentions: list[str] | None = None
    sources: list[Source] | None = None
    n_sources: int | None = None
    notes: dict[str, str] | None = None
    confidence: float | None = None


class MentionDoc(_Open):
    """One event as one article reports it (``mention_json``)."""

    id: str
    article_id: str
    kind: str
    evidence: list[Evidence] | None = None


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters")
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page, null on the last")
    items: list[EventDoc]


class ArticleMeta(BaseModel):
    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None


class EventDetail(BaseModel):
    event: EventDoc
    mentions: list[MentionDoc] = Field(description="the event's mentions, each with evidence")
    articles: list[ArticleMeta] = Field(description="the source articles (without text)")


class ArticleListItem(ArticleMeta):
    n_mentions: int


class ArticlePage(BaseModel):
    total: int
    limit: int
    offset: int
    next_offset: int | None
    items: list[ArticleListItem]


class ArticleMention(BaseModel):
    id: str
    kind: str
    evidence: list[Evidence]
    trigger: Evidence | None
    event_ids: list[str] = Field(description="events built on this mention")


class ArticleDetail(ArticleMeta):
    text: str = Field(description="the text every evidence offset refers to")
    mentions: list[ArticleMention]


class Label(BaseModel):
    en: str
    ar: str


class Facets(BaseModel):
    """Only the facets asked for are present."""

    total: int = Field(description="events matching all the filters")
    kind: dict[str, int] | None = None
    acled: dict[str, int] | None = Field(default=None, description="ACLED event types")
    admin1: dict[str, int] | None = None
    actor: dict[str, int] | None = None
    labels: dict[str, dict[str, Label]] = Field(
        description="display names: labels.actor[id], labels.admin1[name]"
    )


class TimelineDay(BaseModel):
    date: str
    counts: dict[str, int] = Field(description="events per kind on that day")


class Timeline(BaseModel):
    days: list[TimelineDay]
    undated: int = Field(description="matching events without a date")


class Points(BaseModel):
    total: int = Field(description="matching events (located or not)")
    truncated: bool = Field(description="true when more located events match than are sent")
    fields: list[str]
    points: list[list[Any]] = Field(description="[id, lat, lon, kind, date] per event")


class AcledPair(BaseModel):
    event_type: str
    sub_event_type: str


class Config(BaseModel):
    version: str
    kinds: list[str]
    acled_types: list[str]
    kind_acled: dict[str, AcledPair] = Field(description="each kind's default ACLED pair")
    tile_url: str | None = Field(description="background tile server (null: offline map)")
    tile_attribution: str | None
    max_page: int
    max_points: int


class Health(BaseModel):
    status: str
    events: int
    articles: int
