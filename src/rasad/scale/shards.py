"""Sharded input and output for scale-out runs.

Input: :func:`plan_partitions` cuts the inputs a single-process run would read into
:class:`Partition` descriptors small enough to ship to a worker; :func:`read_partition`
reads one back as articles and problems, through :class:`~rasad.ingest.reader.ArticleReader`
so a bad line or file is reported exactly as a single-process run reports it (same code,
message and ``file:line`` source). A JSON Lines file longer than a partition is cut into
runs of lines; a Parquet file (columns named like the JSONL fields) into runs of row groups;
other files (``.txt``, ``.html``, small ``.jsonl``) are read whole.

Output: :func:`write_parquet_parts` writes event (or any) documents as
``part-NNNNN.parquet`` files: scalar fields keep their types, nested fields are JSON
strings; :func:`read_parquet_docs` reads them back to the same documents.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rasad.errors import RasadError
from rasad.ingest.reader import (
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    META_SUFFIX,
    TEXT_SUFFIXES,
    ArticleReader,
    HtmlExtractor,
    Item,
)
from rasad.model import Problem
from rasad.settings import Settings

PARQUET_SUFFIXES = frozenset({".parquet"})
# Files that ArticleReader passes over in silence inside a folder (keep in step with it).
QUIET_IN_FOLDERS = frozenset({".md", ".json", ".csv", ".geojson"})
_STDIN_LABEL = "<stdin>:"
JSON_COLUMNS_KEY = b"rasad.json_columns"
DERIVED_COLUMNS_KEY = b"rasad.derived_columns"


class ScaleError(RasadError):
    """A scale-out run cannot start or cannot go on (bad scheduler, unreadable plan …)."""

    code = "scale"


PartitionKind = Literal["paths", "lines", "rows"]


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: some inputs, or a run of lines or rows of one file.

    ``paths``: inputs read whole with ``ArticleReader.read``. ``lines``: bytes
    ``[start, stop)`` of a JSON Lines file, whose first line is line ``first_line``.
    ``rows``: row groups ``[start, stop)`` of a Parquet file, whose first row is row
    ``first_line`` (counted from 1). ``size`` is the number of articles expected.
    """

    index: int
    kind: PartitionKind
    paths: tuple[str, ...] = ()
    path: str = ""
    start: int = 0
    stop: int = 0
    first_line: int = 1
    size: int = 0
    problem: str = ""  # why the file cannot be read (reported when the partition is read)

    @property
    def label(self) -> str:
        if self.kind == "paths":
            return ", ".join(self.paths[:2]) + (" …" if len(self.paths) > 2 else "")
        unit = "line" if self.kind == "lines" else "row"
        return f"{self.path} from {unit} {self.first_line}"


# -- planning -------------------------------------------------------------------------


def plan_partitions(
    inputs: Sequence[str], partition_size: int, settings: Settings, absolute: bool = False
) -> list[Partition]:
    """Partitions covering ``inputs`` in input order, about ``partition_size`` articles each.

    With ``absolute`` paths are made absolute (workers on other machines do not share the
    client's working folder; the paths must still exist there, e.g. on a shared disk).

    Standard input (``-``) cannot be shared between workers and raises
    :class:`ScaleError`. Missing paths and unreadable files become ``paths`` partitions,
    so their problems are reported when they are read, as in a single-process run.
    """
    if partition_size < 1:
        raise ScaleError(f"partition size must be at least 1, not {partition_size}")
    planner = _Planner(partition_size, settings)
    for raw in inputs:
        name = str(raw)
        if name == "-":
            raise ScaleError(
                "standard input cannot be read by a cluster; write it to a .jsonl file first"
            )
        path = Path(name).absolute() if absolute else Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.endswith(META_SUFFIX) or child.name.startswith("."):
                    continue
                known = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | PARQUET_SUFFIXES
                if child.suffix.lower() in QUIET_IN_FOLDERS and child.suffix.lower() not in known:
                    continue
                planner.add(child)
        else:
            planner.add(path)
    return planner.finish()


class _Planner:
    def __init__(self, size: int, settings: Settings) -> None:
        self.size = size
        self.settings = settings
        self.parts: list[Partition] = []
        self.pending: list[str] = []
        self.pending_size = 0

    def add(self, path: Path) -> None:
        suffix = path.suffix.lower()
        try:
            if suffix in PARQUET_SUFFIXES and path.is_file():
                self._flush()
                self._parquet(path)
                return
            if (
                suffix in JSONL_SUFFIXES
                and path.is_file()
                and path.stat().st_size <= self.settings.max_file_bytes
            ):
                offsets = _line_offsets(path, self.size)
                if len(offsets) > 2:  # longer than one partition: cut it
                    self._flush()
                    self._lines(path, offsets)
                    return
                self._pending(str(path), offsets[-1][1] - 1)
                return
        except OSError:
            pass  # the reader reports it when it reads the path
        self._pending(str(path), 1)

    def _pending(self, name: str, size: int) -> None:
        if self.pending and self.pending_size + size > self.size:
            self._flush()
        self.pending.append(name)
        self.pending_size += max(size, 0)

    def _flush(self) -> None:
        if self.pending:
            self._emit(kind="paths", paths=tuple(self.pending), size=self.pending_size)
        self.pending, self.pending_size = [], 0

    def finish(self) -> list[Partition]:
        self._flush()
        return self.parts

    def _emit(self, **fields: Any) -> None:
        self.parts.append(Partition(index=len(self.parts), **fields))

    def _lines(self, path: Path, offsets: list[tuple[int, int]]) -> None:
        for (start, line), (stop, next_line) in itertools.pairwise(offsets):
            self._emit(kind="lines", path=str(path), start=start, stop=stop, first_line=line,
                       size=next_line - line)

    def _parquet(self, path: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            meta = pq.ParquetFile(path).metadata
        except (OSError, pa.ArrowException) as exc:
            self._emit(kind="rows", path=str(path), problem=f"not a readable Parquet file: {exc}")
            return
        group, first_row = 0, 1
        while group < meta.num_row_groups:
            stop, rows = group, 0
            while stop < meta.num_row_groups and (rows == 0 or rows < self.size):
                rows += meta.row_group(stop).num_rows
                stop += 1
            self._emit(kind="rows", path=str(path), start=group, stop=stop, first_line=first_row,
                       size=rows)
            group, first_row = stop, first_row + rows


def _line_offsets(path: Path, every: int) -> list[tuple[int, int]]:
    """``(byte offset, line number)`` of line 1, of every ``every``-th line after it, and
    of the end of the file (the number one past the last line)."""
    marks = [(0, 1)]
    offset, line = 0, 1
    with path.open("rb") as fh:
        for raw in fh:
            offset += len(raw)
            line += 1
            if (line - 1) % every == 0:
                marks.append((offset, line))
    if marks[-1] != (offset, line):
        marks.append((offset, line))
    return marks


# -- reading --------------------------------------------------------------------------


def read_partition(
    part: Partition, settings: Settings, html_extractor: HtmlExtractor | None = None
) -> Iterator[Item]:
    """The articles and problems of one partition, in file order."""
    if part.problem:
        yield Problem("unreadable", part.problem, part.path)
        return
    if part.kind == "paths":
        yield from ArticleReader(settings, html_extractor=html_extractor).read(part.paths)
        return
    lines: list[str] = []
    if part.kind == "lines":
        with open(part.path, "rb") as fh:
            fh.seek(part.start)
            data = fh.read(part.stop - part.start)
        raws = data.split(b"\n")
        if raws and not raws[-1]:
            raws.pop()  # the newline that ends the last line
        for k, raw in enumerate(raws):
            lineno = part.first_line + k
            try:
                lines.append(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield Problem("undecodable", "line is not valid UTF-8", f"{part.path}:{lineno}")
                lines.append("")  # keeps the numbering; blank lines are passed over
    else:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(part.path).read_row_groups(list(range(part.start, part.stop)))
        lines = [json.dumps(row, ensure_ascii=False, default=_json_default)
                 for row in table.to_pylist()]
    # The reader's own JSON Lines code parses the lines (as standard input); then each
    # article and problem is given its real place, file:line.
    stream = io.StringIO("".join(line + "\n" for line in lines))
    sub = ArticleReader(settings, html_extractor=html_extractor, stdin=stream)
    for item in sub.read(["-"]):
        _relabel(item, part.path, part.first_line)
        yield item


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _relabel(item: Item, path: str, first_line: int) -> None:
    def fix(source: str) -> str:
        if source.startswith(_STDIN_LABEL):
            tail = source[len(_STDIN_LABEL):]
            if tail.isdigit():
                return f"{path}:{first_line + int(tail) - 1}"
        return source

    if isinstance(item, Problem):
        item.source = fix(item.source)
        return
    item.source = fix(item.source)
    for problem in item.problems:
        problem.source = fix(problem.source)


# -- Parquet output ---------------------------------------------------------------------


def write_parquet_parts(
    docs: Sequence[dict[str, Any]], out_dir: Path, rows_per_part: int = 100_000
) -> list[Path]:
    """Write documents as ``out_dir/part-NNNNN.parquet``; returns the paths written.

    Old ``part-*.parquet`` files in ``out_dir`` are removed first. A field becomes a typed
    column (string, int64, float64, bool, or date32 for ISO dates) when every document's
    value fits that type; any other field (objects, lists, mixed values) is a JSON string.
    Convenience columns ``event_type``, ``sub_event_type``, ``lat``, ``lon``, ``admin1``
    and ``admin2`` are added from ``acled`` and ``location`` when present. All parts
    share one schema; an empty input writes one empty part.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if rows_per_part < 1:
        raise ScaleError("rows per part must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("part-*.parquet"):
        old.unlink()
    columns: dict[str, None] = {}
    for doc in docs:
        columns.update(dict.fromkeys(doc))
    derived = {k: v for k, v in _DERIVED.items() if k not in columns and v[0] in columns}
    types = {name: _column_type([d.get(name) for d in docs]) for name in columns}
    arrow = {"string": pa.string(), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_(), "date": pa.date32(), "json": pa.string()}
    fields = [pa.field(name, arrow[t]) for name, t in types.items()]
    fields += [pa.field(name, arrow[t]) for name, (_, _, t) in derived.items()]
    schema = pa.schema(fields).with_metadata({
        JSON_COLUMNS_KEY: json.dumps([n for n, t in types.items() if t == "json"]).encode(),
        DERIVED_COLUMNS_KEY: json.dumps(list(derived)).encode(),
    })
    paths: list[Path] = []
    for k, first in enumerate(range(0, max(len(docs), 1), rows_per_part)):
        chunk = docs[first:first + rows_per_part]
        data = {name: [_cell(d.get(name), t) for d in chunk] for name, t in types.items()}
        for name, (src, key, _) in derived.items():
            data[name] = [_dig(d.get(src), key) for d in chunk]
        path = out_dir / f"part-{k:05d}.parquet"
        tmp = path.with_name(path.name + ".tmp")
        pq.write_table(pa.Table.from_pydict(data, schema=schema), tmp, compression="zstd")
        tmp.replace(path)
        paths.append(path)
    return paths


def read_parquet_docs(path: Path) -> list[dict[str, Any]]:
    """The documents of a part file, or of every ``part-*.parquet`` in a folder, in order."""
    import pyarrow.parquet as pq

    files = sorted(path.glob("part-*.parquet")) if path.is_dir() else [path]
    docs: list[dict[str, Any]] = []
    for file in files:
        table = pq.read_table(file)
        meta = table.schema.metadata or {}
        json_cols = set(json.loads(meta.get(JSON_COLUMNS_KEY, b"[]")))
        derived = set(json.loads(meta.get(DERIVED_COLUMNS_KEY, b"[]")))
        dates = {f.name for f in table.schema if str(f.type) == "date32[day]"}
        for row in table.to_pylist():
            docs.append({
                k: (json.loads(v) if k in json_cols and v is not None
                    else v.isoformat() if k in dates and v is not None else v)
                for k, v in row.items()
                if k not in derived
            })
    return docs


ColumnType = Literal["string", "int", "float", "bool", "date", "json"]

_DERIVED: dict[str, tuple[str, str, ColumnType]] = {
    "event_type": ("acled", "event_type", "string"),
    "sub_event_type": ("acled", "sub_event_type", "string"),
    "lat": ("location", "lat", "float"),
    "lon": ("location", "lon", "float"),
    "admin1": ("location", "admin1", "string"),
    "admin2": ("location", "admin2", "string"),
}


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        return dt.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _fits(value: object, t: ColumnType) -> bool:
    if value is None:
        return True
    if t == "string":
        return isinstance(value, str)
    if t == "bool":
        return isinstance(value, bool)
    if t == "int":
        return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    if t == "float":
        return isinstance(value, float | int) and not isinstance(value, bool)
    if t == "date":
        return _is_date(value)
    return True


def _column_type(values: Iterable[object]) -> ColumnType:
    present = [v for v in values if v is not None]
    order: tuple[ColumnType, ...] = ("bool", "int", "float", "date", "string")
    for t in order:
        if all(_fits(v, t) for v in present):
            return "json" if not present else t
    return "json"


def _cell(value: object, t: ColumnType) -> object:
    if value is None:
        return None
    if t == "json":
        return json.dumps(value, ensure_ascii=False)
    if t == "date":
        return dt.date.fromisoformat(str(value))
    return value


def _dig(doc: object, key: str) -> object:
    return doc.get(key) if isinstance(doc, dict) else None


__all__ = [
    "Partition",
    "ScaleError",
    "plan_partitions",
    "read_parquet_docs",
    "read_partition",
    "write_parquet_parts",
]
