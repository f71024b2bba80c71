"""Named, transactional schema migrations.

:data:`MIGRATIONS` is an ordered list of ``(name, function)``. :func:`apply` runs each one
that is not yet recorded in ``schema_migrations``, in its own transaction, and records it
in the same transaction: a migration that fails leaves no trace (both SQLite and PostgreSQL
have transactional DDL) and the ones before it stay applied. Running :func:`apply` again is
a no-op. Concurrent migrators are serialised (``BEGIN IMMEDIATE`` on SQLite, an advisory
transaction lock on PostgreSQL) and re-check what is applied once they hold the lock.

Rules: never edit or rename a migration once it has been released; add a new one at the
end. A migration describes the schema as it was *then* (the tables of ``0001_initial`` are
frozen here, not taken from :mod:`rasad.store.schema`, which always shows the latest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from rasad.store.schema import schema_migrations

Migration = tuple[str, Callable[[Connection], None]]

# an arbitrary constant: the key of PostgreSQL's advisory lock held while migrating
_PG_LOCK_KEY = 7_240_413_265


def _json() -> JSON:
    return JSON().with_variant(JSONB(), "postgresql")


def _fk(
    name: str, target: str, length: int, *, primary_key: bool = False, nullable: bool | None = None
) -> Column[str]:
    return Column(
        name,
        String(length),
        ForeignKey(target, ondelete="CASCADE"),
        primary_key=primary_key,
        nullable=(not primary_key) if nullable is None else nullable,
    )


def _initial(conn: Connection) -> None:
    """0001: articles, mentions, events and their links, stories, runs (frozen copy)."""
    md = MetaData()
    Table(
        "articles", md,
        Column("id", String(200), primary_key=True),
        Column("url", Text), Column("outlet", String(200)), Column("title", Text),
        Column("published", Date),
        Column("text", Text, nullable=False), Column("html", Text),
        Column("text_sha256", String(64), nullable=False),
        Column("source", Text, nullable=False),
        Column("json", _json(), nullable=False),
        Column("ingested_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        Index("ix_articles_url", "url"),
        Index("ix_articles_published", "published"),
    )  # fmt: skip
    Table(
        "mentions", md,
        Column("id", String(250), primary_key=True),
        _fk("article_id", "articles.id", 200, nullable=False),
        Column("seq", Integer, nullable=False),
        Column("kind", String(40), nullable=False),
        Column("event_type", String(80), nullable=False),
        Column("sub_event_type", String(80), nullable=False),
        Column("date", Date), Column("date_precision", String(8)),
        Column("actor1_id", String(120)), Column("actor2_id", String(120)),
        Column("location_name", Text), Column("location_name_ar", Text),
        Column("admin1", String(120)), Column("admin2", String(120)),
        Column("admin3", String(120)),
        Column("lat", Float), Column("lon", Float), Column("geo_precision", Integer),
        Column("gazetteer_id", String(120)),
        Column("fatalities", Integer, nullable=False),
        Column("attributed_to", Text),
        Column("historical", Boolean, nullable=False),
        Column("confidence", Float, nullable=False),
        Column("evidence_start", Integer), Column("evidence_end", Integer),
        Column("json", _json(), nullable=False),
        Index("ix_mentions_article", "article_id", "seq"),
        Index("ix_mentions_kind_date", "kind", "date"),
    )  # fmt: skip
    Table(
        "events", md,
        Column("id", String(120), primary_key=True),
        Column("kind", String(40), nullable=False),
        Column("date", Date), Column("date_precision", String(8)),
        Column("actor1_id", String(120)), Column("actor2_id", String(120)),
        Column("location_name", Text),
        Column("admin1", String(120)), Column("admin2", String(120)),
        Column("lat", Float), Column("lon", Float),
        Column("fatalities", Integer, nullable=False),
        Column("n_sources", Integer, nullable=False),
        Column("actor_text", Text, nullable=False),
        Column("search_text", Text, nullable=False),
        Column("json", _json(), nullable=False),
        Index("ix_events_date", "date"),
        Index("ix_events_kind_date", "kind", "date"),
        Index("ix_events_admin1", "admin1"),
        Index("ix_events_lon_lat", "lon", "lat"),
        Index("ix_events_actor1", "actor1_id"),
        Index("ix_events_actor2", "actor2_id"),
    )  # fmt: skip
    Table(
        "event_mentions", md,
        _fk("event_id", "events.id", 120, primary_key=True),
        _fk("mention_id", "mentions.id", 250, primary_key=True),
        Index("ix_event_mentions_mention", "mention_id"),
    )  # fmt: skip
    Table(
        "sources", md,
        _fk("event_id", "events.id", 120, primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("article_id", String(200)), Column("outlet", String(200)), Column("url", Text),
        Index("ix_sources_article", "article_id"),
    )  # fmt: skip
    Table(
        "claims", md,
        _fk("event_id", "events.id", 120, primary_key=True),
        Column("key", String(40), primary_key=True),
        Column("seq", Integer, primary_key=True),
        Column("article_id", String(200)), Column("outlet", String(200)),
        Column("value", Integer), Column("low", Integer), Column("high", Integer),
        Column("qualifier", String(16)),
    )  # fmt: skip
    Table(
        "stories", md,
        Column("story_id", String(120), primary_key=True),
        _fk("article_id", "articles.id", 200, primary_key=True),
        Index("ix_stories_article", "article_id"),
    )  # fmt: skip
    Table(
        "runs", md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("started", DateTime(timezone=True), nullable=False),
        Column("finished", DateTime(timezone=True)),
        Column("command", Text, nullable=False),
        Column("inputs", _json(), nullable=False),
        Column("articles_read", Integer, nullable=False),
        Column("articles_skipped", Integer, nullable=False),
        Column("articles_failed", Integer, nullable=False),
        Column("mentions", Integer, nullable=False),
        Column("events", Integer, nullable=False),
        Column("status", String(16), nullable=False),
        Column("message", Text),
    )  # fmt: skip
    md.create_all(conn, checkfirst=False)


#: Every migration, oldest first. Append only.
MIGRATIONS: tuple[Migration, ...] = (("0001_initial", _initial),)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})


def applied(engine: Engine) -> list[str]:
    """Names of the migrations recorded in the database, in order of application."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, schema_migrations.name):
            return []
        rows = conn.execute(
            select(schema_migrations.c.name).order_by(
                schema_migrations.c.applied_at, schema_migrations.c.name
            )
        )
        return [r[0] for r in rows]


def apply(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply the migrations not yet recorded, each in its own transaction.

    Returns the names applied by this call (empty when the database was up to date).
    An exception in a migration propagates after its transaction has rolled back.
    """
    names = [name for name, _ in migrations]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate migration names in {names!r}")
    with engine.connect() as conn:
        conn.execution_options(rasad_immediate=True)
        with conn.begin():
            _lock(conn)
            schema_migrations.create(conn, checkfirst=True)
    done: list[str] = []
    for name, migrate in migrations:
        with engine.connect() as conn:
            conn.execution_options(rasad_immediate=True)
            with conn.begin():
                _lock(conn)
                seen = conn.execute(
                    select(schema_migrations.c.name).where(schema_migrations.c.name == name)
                ).first()
                if seen is not None:
                    continue
                migrate(conn)
                conn.execute(
                    schema_migrations.insert().values(name=name, applied_at=dt.datetime.now(dt.UTC))
                )
        done.append(name)
    return done
