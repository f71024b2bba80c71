"""The database behind Rasad: articles, mentions, events, stories and the run log.

One narrow interface, :class:`Store`, over SQLAlchemy Core; the same schema on SQLite
(the default: one file, nothing to install) and PostgreSQL (for servers).

Transaction rules:

- every write method is one transaction: it happens completely or not at all;
- :meth:`Store.save_article` is idempotent: an article whose id is stored with the same
  text hash is not written at all ("unchanged"); one whose text changed, or that
  replaces an article stored under another id with the same URL, has its row updated and
  its mentions replaced ("replaced"); events built on the replaced mentions are deleted
  with them (the next :meth:`Store.replace_events` rebuilds them);
- :meth:`Store.replace_events` replaces events in the scope it is given; events keep the
  stable ids the merge stage gives them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.pool import ConnectionPoolEntry

from rasad.errors import RasadError
from rasad.model import Article, Event
from rasad.store import migrations
from rasad.store.filters import EventFilter, count_query, event_query, facets
from rasad.store.rows import Fold, article_row, event_rows, mention_rows, text_digest
from rasad.store.schema import (
    TABLES,
    articles,
    claims,
    event_mentions,
    events,
    mentions,
    runs,
    schema_migrations,
    sources,
    stories,
)
from rasad.text.normalize import Normalizer

SaveResult = Literal["new", "unchanged", "replaced"]
RunStatus = Literal["running", "ok", "failed", "interrupted"]

#: Columns that hold wall-clock times: left out of :meth:`Store.dump`.
_VOLATILE = frozenset({"ingested_at", "updated_at", "applied_at"})
_CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on bound parameters


# Statements used once per article, built once (values bound at execution).
_FIND_BY_ID = select(articles.c.id, articles.c.text_sha256).where(articles.c.id == bindparam("id"))
_FIND_BY_ID_OR_URL = select(articles.c.id, articles.c.text_sha256).where(
    or_(articles.c.id == bindparam("id"), articles.c.url == bindparam("url"))
)
_INSERT_ARTICLE = insert(articles)
_INSERT_MENTIONS = insert(mentions)
_UPDATE_ARTICLE = update(articles).where(articles.c.id == bindparam("old_id"))
_DELETE_ARTICLE = delete(articles).where(articles.c.id == bindparam("old_id"))
_DELETE_EVENTS_OF_ARTICLE = delete(events).where(
    events.c.id.in_(
        select(event_mentions.c.event_id).where(
            event_mentions.c.mention_id.in_(
                select(mentions.c.id).where(mentions.c.article_id == bindparam("old_id"))
            )
        )
    )
)
_DELETE_MENTIONS_OF_ARTICLE = delete(mentions).where(mentions.c.article_id == bindparam("old_id"))


class StoreError(RasadError):
    """The database cannot be opened, or a write would break its consistency."""

    code = "store"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _sqlite_connect(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_conn.isolation_level = None  # the "begin" hook below issues BEGIN itself
    cur = dbapi_conn.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
    ):
        cur.execute(pragma)
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the lock up front (BEGIN IMMEDIATE): a deferred transaction that reads
    # and then writes can fail at once with "database is locked" instead of waiting.
    immediate = conn.get_execution_options().get("rasad_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from exc
    backend = u.get_backend_name()
    if backend == "sqlite":
        db = u.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, json_serializer=_dumps)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        if u.drivername != "postgresql+psycopg":
            raise StoreError(f"use the psycopg driver (postgresql+psycopg://…), not {u.drivername}")
        return create_engine(u, json_serializer=_dumps, pool_pre_ping=True)
    raise StoreError(
        f"unsupported database {backend!r} in {url!r}: use sqlite:///PATH "
        "or postgresql+psycopg://USER@HOST:PORT/DB"
    )


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# how often opening a database that another process is creating is tried
OPEN_ATTEMPTS = 10


class Store:
    """Rasad's database. Build with :meth:`open`; close with :meth:`close` (or ``with``)."""

    def __init__(self, engine: Engine, fold: Fold) -> None:
        self._engine = engine
        self._fold = fold

    # -- life cycle -------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, normalizer: Normalizer | None = None) -> Store:
        """Open ``sqlite:///PATH`` or ``postgresql+psycopg://USER@HOST:PORT/DB``.

        SQLite runs in WAL mode with foreign keys on and a 30 s busy timeout; its folder is
        created when missing. With ``migrate`` (the default) missing migrations are applied.
        ``normalizer`` folds search text (the packaged one when not given).
        """
        engine = _engine(url)
        norm = normalizer or Normalizer.from_file()

        def fold(s: str) -> str:
            return norm.text(s).lower()

        store = cls(engine, fold)
        try:
            for attempt in range(OPEN_ATTEMPTS):
                try:
                    with engine.connect():
                        pass
                    if migrate:
                        store.migrate()
                    break
                except OperationalError as exc:
                    # two processes creating one SQLite file at once: switching it to WAL
                    # needs a lock the busy timeout does not wait for, so wait and retry
                    if "locked" not in str(exc.orig) or attempt == OPEN_ATTEMPTS - 1:
                        raise
                    time.sleep(0.2 * (attempt + 1))
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(f"cannot open database {engine.url!r}: {exc.orig}") from exc
        except BaseException:
            engine.dispose()
            raise
        return store

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @property
    def engine(self) -> Engine:
        return self._engine

    def migrate(self) -> list[str]:
        """Apply the missing migrations; returns their names (empty when up to date)."""
        return migrations.apply(self._engine)

    def migrations_applied(self) -> list[str]:
        return migrations.applied(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(rasad_immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self, snapshot: bool = False) -> Iterator[Connection]:
        with self._engine.connect() as conn:
            if snapshot and self.backend == "postgresql":
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    # -- articles and mentions --------------------------------------------------------

    def article_digest(self, article_id: str) -> str | None:
        """The stored text hash of an article (None when not stored): lets a caller skip
        running the pipeline over an article whose text is unchanged."""
        with self._read() as conn:
            return conn.execute(
                select(articles.c.text_sha256).where(articles.c.id == article_id)
            ).scalar_one_or_none()

    def save_article(self, article: Article, *, force: bool = False) -> SaveResult:
        """Store an article and its mentions in one transaction.

        Returns ``"unchanged"`` (same id, same text: nothing is written), ``"new"``, or
        ``"replaced"`` (same id with new text, or same URL under another id: the old row
        and its mentions make way for these). ``force`` replaces even when unchanged
        (e.g. after a pipeline upgrade).
        """
        with self._write() as conn:
            return self._save(conn, article, force)

    def save_articles(self, batch: Iterable[Article], *, force: bool = False) -> list[SaveResult]:
        """Like :meth:`save_article` for each article, all in one transaction (faster on
        PostgreSQL, where every commit waits for the disk): all are stored or none."""
        with self._write() as conn:
            return [self._save(conn, article, force) for article in batch]

    def _save(self, conn: Connection, article: Article, force: bool) -> SaveResult:
        digest = text_digest(article.text)
        found = conn.execute(
            _FIND_BY_ID_OR_URL if article.url else _FIND_BY_ID,
            {"id": article.id, "url": article.url},
        ).all()
        same_id = next((r for r in found if r.id == article.id), None)
        others = [r.id for r in found if r.id != article.id]
        if same_id is not None and same_id.text_sha256 == digest and not others and not force:
            return "unchanged"
        row = article_row(article, digest, _now())
        for old_id in others:
            self._drop_mentions(conn, old_id)
            conn.execute(_DELETE_ARTICLE, {"old_id": old_id})
        if same_id is not None:
            self._drop_mentions(conn, article.id)
            del row["ingested_at"]
            conn.execute(_UPDATE_ARTICLE, {**row, "old_id": article.id})
        else:
            conn.execute(_INSERT_ARTICLE, row)
        mention_batch = mention_rows(article)
        if mention_batch:
            conn.execute(_INSERT_MENTIONS, mention_batch)
        return "replaced" if same_id is not None or others else "new"

    @staticmethod
    def _drop_mentions(conn: Connection, article_id: str) -> None:
        """Delete an article's mentions and the events built on them."""
        conn.execute(_DELETE_EVENTS_OF_ARTICLE, {"old_id": article_id})
        conn.execute(_DELETE_MENTIONS_OF_ARTICLE, {"old_id": article_id})

    @staticmethod
    def _article_doc(row: Any) -> dict[str, Any]:
        doc: dict[str, Any] = dict(row.json)
        doc["text"] = row.text
        doc["html"] = row.html
        doc["source"] = row.source
        doc["text_sha256"] = row.text_sha256
        return doc

    def get_article(self, article_id: str) -> dict[str, Any] | None:
        """An article as ``article_json`` writes it, plus ``html``, ``source`` and
        ``text_sha256``; None when not stored."""
        a = articles.c
        with self._read() as conn:
            row = conn.execute(
                select(a.json, a.text, a.html, a.source, a.text_sha256).where(a.id == article_id)
            ).first()
        return None if row is None else self._article_doc(row)

    def articles(self) -> list[dict[str, Any]]:
        """Every article (as :meth:`get_article`), by id."""
        a = articles.c
        with self._read() as conn:
            rows = conn.execute(
                select(a.json, a.text, a.html, a.source, a.text_sha256).order_by(a.id)
            ).all()
        return [self._article_doc(r) for r in rows]

    def mentions(self, article_id: str | None = None) -> list[dict[str, Any]]:
        """Mentions as ``mention_json`` documents, by article id and then article order."""
        m = mentions.c
        q = select(m.json).order_by(m.article_id, m.seq)
        if article_id is not None:
            q = q.where(m.article_id == article_id)
        with self._read() as conn:
            return [dict(doc) for doc in conn.execute(q).scalars()]

    # -- events -----------------------------------------------------------------------

    def replace_events(
        self, events_: Sequence[Event], article_ids: Sequence[str] | None = None
    ) -> int:
        """Write events with their mention links, sources and claims, in one transaction.

        With ``article_ids`` None every stored event is replaced; otherwise the events
        linked to those articles (by mention or by source) and any stored event with the
        id of a new one are replaced, and the others stay. The events' mentions must be
        stored (save their articles first). Returns the number of events written.
        """
        try:
            rows = event_rows(events_, self._fold)
        except ValueError as exc:
            raise StoreError(str(exc)) from exc
        try:
            with self._write() as conn:
                if article_ids is None:
                    conn.execute(delete(events))  # cascades to links, sources, claims
                else:
                    for chunk in _chunks(list(dict.fromkeys(article_ids))):
                        by_mention = (
                            select(event_mentions.c.event_id)
                            .join(mentions, mentions.c.id == event_mentions.c.mention_id)
                            .where(mentions.c.article_id.in_(chunk))
                        )
                        by_source = select(sources.c.event_id).where(
                            sources.c.article_id.in_(chunk)
                        )
                        conn.execute(
                            delete(events).where(
                                or_(events.c.id.in_(by_mention), events.c.id.in_(by_source))
                            )
                        )
                for chunk in _chunks([r["id"] for r in rows.events]):
                    conn.execute(delete(events).where(events.c.id.in_(chunk)))
                for table, batch in (
                    (events, rows.events),
                    (event_mentions, rows.links),
                    (sources, rows.sources),
                    (claims, rows.claims),
                ):
                    if batch:
                        conn.execute(insert(table), batch)
        except IntegrityError as exc:
            raise StoreError(
                "events refer to mentions that are not stored (save their articles first): "
                f"{exc.orig}"
            ) from exc
        return len(rows.events)

    def events(self, filters: EventFilter | None = None) -> list[dict[str, Any]]:
        """Events as ``event_json`` documents, filtered (see :class:`EventFilter`)."""
        q = event_query(filters or EventFilter(), self._fold)
        with self._read() as conn:
            return [dict(doc) for doc in conn.execute(q).scalars()]

    def count_events(self, filters: EventFilter | None = None) -> int:
        """How many events match (``limit``/``offset`` ignored)."""
        with self._read() as conn:
            return int(conn.execute(count_query(filters or EventFilter(), self._fold)).scalar_one())

    def facets(self, filters: EventFilter | None = None) -> dict[str, dict[str, int]]:
        """``{"kind": {...}, "admin1": {...}, "date": {...}, "actor": {...}}`` counts."""
        with self._read() as conn:
            return facets(conn, filters or EventFilter(), self._fold)

    # -- stories ----------------------------------------------------------------------

    def replace_stories(self, groups: Mapping[str, Iterable[str]]) -> None:
        """Replace every story: ``{story_id: [article_id, ...]}`` (articles must be stored)."""
        rows = [
            {"story_id": sid, "article_id": aid}
            for sid, aids in groups.items()
            for aid in dict.fromkeys(aids)
        ]
        try:
            with self._write() as conn:
                conn.execute(delete(stories))
                if rows:
                    conn.execute(insert(stories), rows)
        except IntegrityError as exc:
            raise StoreError(f"stories refer to articles that are not stored: {exc.orig}") from exc

    def stories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            for sid, aid in conn.execute(
                select(stories.c.story_id, stories.c.article_id).order_by(
                    stories.c.story_id, stories.c.article_id
                )
            ):
                out.setdefault(sid, []).append(aid)
        return out

    # -- run log ----------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str]) -> int:
        """Record the start of a run; returns its id for :meth:`finish_run`."""
        with self._write() as conn:
            result = conn.execute(
                insert(runs).values(
                    started=_now(), command=command, inputs=list(inputs), status="running"
                )
            )
            key = result.inserted_primary_key
        if key is None:
            raise StoreError("the database returned no id for the new run")
        return int(key[0])

    def finish_run(
        self,
        run_id: int,
        *,
        status: RunStatus = "ok",
        articles_read: int = 0,
        articles_skipped: int = 0,
        articles_failed: int = 0,
        mentions: int = 0,
        events: int = 0,
        message: str | None = None,
    ) -> None:
        with self._write() as conn:
            done = conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(
                    finished=_now(),
                    status=status,
                    articles_read=articles_read,
                    articles_skipped=articles_skipped,
                    articles_failed=articles_failed,
                    mentions=mentions,
                    events=events,
                    message=message,
                )
            )
            if done.rowcount != 1:
                raise StoreError(f"no run with id {run_id}")

    def runs(self) -> list[dict[str, Any]]:
        """The run log, oldest first (times as ISO-8601 UTC strings)."""
        with self._read() as conn:
            rows = conn.execute(select(runs).order_by(runs.c.id)).mappings().all()
        return [{k: _plain(v) for k, v in r.items()} for r in rows]

    # -- snapshots --------------------------------------------------------------------

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """A canonical snapshot of the content, for comparing two databases.

        Every table but the run log, rows sorted by primary key, dates as ISO strings,
        wall-clock columns (``ingested_at``, ``updated_at``, ``applied_at``) left out:
        two databases that hold the same data dump equal, whatever the order or time
        of the writes and whichever the backend.
        """
        out: dict[str, list[dict[str, Any]]] = {}
        with self._read(snapshot=True) as conn:
            for table in (*TABLES, schema_migrations):
                if table is runs:
                    continue
                cols = [c for c in table.c if c.name not in _VOLATILE]
                pk = [c.name for c in table.primary_key.columns]
                rows = [
                    {k: _plain(v) for k, v in r.items()}
                    for r in conn.execute(select(*cols)).mappings()
                ]
                rows.sort(key=lambda r: tuple(r[k] for k in pk))
                out[table.name] = rows
        return out


__all__ = ["EventFilter", "SaveResult", "Store", "StoreError", "text_digest"]
