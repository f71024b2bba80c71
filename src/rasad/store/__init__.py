"""Rasad's database: articles, mentions, events and the run log (SQLite or PostgreSQL).

``Store.open("sqlite:///rasad.sqlite")`` or ``Store.open("postgresql+psycopg://…")``;
see ``docs/storage.md``.
"""

from rasad.store.filters import EventFilter
from rasad.store.rows import text_digest
from rasad.store.store import SaveResult, Store, StoreError

__all__ = ["EventFilter", "SaveResult", "Store", "StoreError", "text_digest"]
