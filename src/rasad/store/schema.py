"""The current database schema, as SQLAlchemy Core tables (SQLite and PostgreSQL alike).

This module describes the schema that the migrations in :mod:`rasad.store.migrations`
produce; queries are written against these tables. When the schema changes, change it here
*and* add a migration that brings an existing database to it (never edit an applied
migration). ``tests/test_store.py`` checks that a migrated database matches these tables.

Dates are ``DATE`` (ISO strings in SQLite), wall-clock times ``TIMESTAMP WITH TIME ZONE``
in UTC, whole documents ``JSON`` (``JSONB`` on PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB


def _owned_by(name: str, length: int, parent: str, primary_key: bool = True) -> Column[str]:
    """A key column pointing at its parent row (``parent`` is ``table.column``); the row
    goes when the parent goes."""
    return Column(
        name,
        String(length),
        ForeignKey(parent, ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=False,
    )

#: A JSON document column: JSON text in SQLite, JSONB in PostgreSQL.
JSON_DOC = JSON().with_variant(JSONB(), "postgresql")

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("url", Text, nullable=True),
    Column("outlet", String(200), nullable=True),
    Column("title", Text, nullable=True),
    Column("published", Date, nullable=True),
    Column("text", Text, nullable=False),  # exactly as given: every offset refers to it
    Column("html", Text, nullable=True),
    Column("text_sha256", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("json", JSON_DOC, nullable=False),  # article_json() without "text"
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_articles_url", "url"),
    Index("ix_articles_published", "published"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", String(250), primary_key=True),
    _owned_by("article_id", 200, "articles.id", primary_key=False),
    Column("seq", Integer, nullable=False),  # position in the article's list of mentions
    Column("kind", String(40), nullable=False),
    Column("event_type", String(80), nullable=False),
    Column("sub_event_type", String(80), nullable=False),
    Column("date", Date, nullable=True),
    Column("date_precision", String(8), nullable=True),
    Column("actor1_id", String(120), nullable=True),
    Column("actor2_id", String(120), nullable=True),
    Column("location_name", Text, nullable=True),
    Column("location_name_ar", Text, nullable=True),
    Column("admin1", String(120), nullable=True),
    Column("admin2", String(120), nullable=True),
    Column("admin3", String(120), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("geo_precision", Integer, nullable=True),
    Column("gazetteer_id", String(120), nullable=True),
    Column("fatalities", Integer, nullable=False),
    Column("attributed_to", Text, nullable=True),
    Column("historical", Boolean, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("evidence_start", Integer, nullable=True),
    Column("evidence_end", Integer, nullable=True),
    Column("json", JSON_DOC, nullable=False),  # mention_json()
    Index("ix_mentions_article", "article_id", "seq"),
    Index("ix_mentions_kind_date", "kind", "date"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(120), primary_key=True),  # stable id from the merge stage
    Column("kind", String(40), nullable=False),
    Column("date", Date, nullable=True),
    Column("date_precision", String(8), nullable=True),
    Column("actor1_id", String(120), nullable=True),
    Column("actor2_id", String(120), nullable=True),
    Column("location_name", Text, nullable=True),
    Column("admin1", String(120), nullable=True),
    Column("admin2", String(120), nullable=True),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("fatalities", Integer, nullable=False),
    Column("n_sources", Integer, nullable=False),
    # normalised, lower-cased search columns (see Store._search_text)
    Column("actor_text", Text, nullable=False),
    Column("search_text", Text, nullable=False),
    Column("json", JSON_DOC, nullable=False),  # event_json()
    Index("ix_events_date", "date"),
    Index("ix_events_kind_date", "kind", "date"),
    Index("ix_events_admin1", "admin1"),
    Index("ix_events_lon_lat", "lon", "lat"),
    Index("ix_events_actor1", "actor1_id"),
    Index("ix_events_actor2", "actor2_id"),
)

event_mentions = Table(
    "event_mentions",
    metadata,
    _owned_by("event_id", 120, "events.id"),
    _owned_by("mention_id", 250, "mentions.id"),
    Index("ix_event_mentions_mention", "mention_id"),
)

sources = Table(
    "sources",
    metadata,
    _owned_by("event_id", 120, "events.id"),
    Column("seq", Integer, primary_key=True),
    Column("article_id", String(200), nullable=True),
    Column("outlet", String(200), nullable=True),
    Column("url", Text, nullable=True),
    Index("ix_sources_article", "article_id"),
)

claims = Table(
    "claims",
    metadata,
    _owned_by("event_id", 120, "events.id"),
    Column("key", String(40), primary_key=True),  # a count key: killed, injured …
    Column("seq", Integer, primary_key=True),
    Column("article_id", String(200), nullable=True),
    Column("outlet", String(200), nullable=True),
    Column("value", Integer, nullable=True),
    Column("low", Integer, nullable=True),
    Column("high", Integer, nullable=True),
    Column("qualifier", String(16), nullable=True),
)

stories = Table(
    "stories",
    metadata,
    Column("story_id", String(120), primary_key=True),
    _owned_by("article_id", 200, "articles.id"),
    Index("ix_stories_article", "article_id"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started", DateTime(timezone=True), nullable=False),
    Column("finished", DateTime(timezone=True), nullable=True),
    Column("command", Text, nullable=False),
    Column("inputs", JSON_DOC, nullable=False),
    Column("articles_read", Integer, nullable=False, default=0),
    Column("articles_skipped", Integer, nullable=False, default=0),
    Column("articles_failed", Integer, nullable=False, default=0),
    Column("mentions", Integer, nullable=False, default=0),
    Column("events", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False),  # running | ok | failed | interrupted
    Column("message", Text, nullable=True),
)

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

#: Tables in an order that respects foreign keys (parents first).
TABLES: tuple[Table, ...] = (
    articles,
    mentions,
    events,
    event_mentions,
    sources,
    claims,
    stories,
    runs,
)
