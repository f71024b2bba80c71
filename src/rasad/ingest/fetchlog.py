"""The record of what ``rasad watch`` fetched, so that a restart does not fetch it again.

One JSON file (``{"version": 1, "urls": {url: record}}``) kept beside the database, not in
it: the database schema belongs to :mod:`rasad.store`. It is written atomically (a
temporary file in the same folder, then :func:`os.replace`), so a run killed mid-write
leaves the previous record whole. A record lost altogether only costs refetching: the
store recognises an article whose text is unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Self

from rasad.errors import RasadError

FORMAT_VERSION = 1


class FetchLogError(RasadError):
    """The fetch record file exists but cannot be read or written."""

    code = "fetch_log"


@dataclass(slots=True, frozen=True)
class FetchRecord:
    """What was last fetched from one URL.

    ``done`` means the URL needs no fetching again: its article was stored, or it failed
    for good (404, a redirect loop, a page too large). Feeds are never ``done``: they are
    asked again every round, conditionally (``etag`` / ``last_modified``).
    """

    etag: str | None = None
    last_modified: str | None = None
    fetched_at: str | None = None  # ISO 8601, UTC
    status: int | None = None  # HTTP status, None when no response came
    article_id: str | None = None
    done: bool = False
    message: str | None = None

    def with_fetch(self, **changes: Any) -> FetchRecord:
        """A copy with ``changes`` and ``fetched_at`` set to now."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return replace(self, fetched_at=now, **changes)


class FetchLog:
    """URL → :class:`FetchRecord`, in memory, saved to ``path`` by :meth:`save`."""

    __slots__ = ("_records", "dirty", "path")

    def __init__(self, path: Path | None, records: dict[str, FetchRecord] | None = None) -> None:
        self.path = path
        self._records: dict[str, FetchRecord] = records or {}
        self.dirty = False

    @classmethod
    def load(cls, path: Path | None) -> Self:
        """Read ``path`` (absent: an empty record; ``None``: kept in memory only)."""
        if path is None or not path.exists():
            return cls(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchLogError(f"{path}: cannot read the fetch record ({exc})") from exc
        if not isinstance(doc, dict) or doc.get("version") != FORMAT_VERSION:
            raise FetchLogError(f"{path}: not a fetch record of version {FORMAT_VERSION}")
        urls = doc.get("urls")
        if not isinstance(urls, dict):
            raise FetchLogError(f"{path}: 'urls' must be an object")
        fields = set(FetchRecord.__dataclass_fields__)
        records: dict[str, FetchRecord] = {}
        for url, rec in urls.items():
            if not isinstance(rec, dict):
                raise FetchLogError(f"{path}: the record of {url!r} must be an object")
            records[url] = FetchRecord(**{k: v for k, v in rec.items() if k in fields})
        return cls(path, records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, url: object) -> bool:
        return url in self._records

    def get(self, url: str) -> FetchRecord | None:
        return self._records.get(url)

    def put(self, url: str, record: FetchRecord) -> None:
        self._records[url] = record
        self.dirty = True

    def is_done(self, url: str) -> bool:
        rec = self._records.get(url)
        return rec is not None and rec.done

    def save(self) -> None:
        """Write the record atomically (nothing to do when unchanged or kept in memory)."""
        if self.path is None or not self.dirty:
            return
        doc = {"version": FORMAT_VERSION, "urls": {u: asdict(r) for u, r in self._records.items()}}
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(doc, fh, ensure_ascii=False, indent=1, sort_keys=True)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise FetchLogError(f"{self.path}: cannot write the fetch record ({exc})") from exc
        self.dirty = False
