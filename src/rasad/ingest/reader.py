"""Reading articles from JSON Lines, text files, web pages and folders.

Every input becomes either an :class:`~rasad.model.Article` or a
:class:`~rasad.model.Problem` naming the input (and line) and saying what is wrong; a bad
input never stops the batch. See ``shared/spec/interchange.md`` for the contract.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from rasad.errors import InputError
from rasad.model import Article, Problem
from rasad.settings import Settings

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_SUFFIX = ".meta.json"
META_FIELDS = ("url", "outlet", "title", "published")

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]")

Item = Article | Problem
HtmlExtractor = Callable[[str, str | None], tuple[str | None, str, dt.date | None]]


def parse_published(value: Any, source: str) -> dt.date | None:
    """A date or ISO-8601 datetime string (or null) as a date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f"'published' must be a date string, not {type(value).__name__}", source)
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise InputError(
            f"'published' is not an ISO date ({value!r}); use YYYY-MM-DD", source, "bad_date"
        ) from exc


def arabic_ratio(text: str, sample: int = 20_000) -> float:
    """Share of letters (in the first ``sample`` characters) that are Arabic script."""
    head = text[:sample]
    letters = len(_LETTER.findall(head))
    if letters == 0:
        return 0.0
    return len(_ARABIC.findall(head)) / letters


class ArticleReader:
    """Turns paths (or ``-``) into articles and problems, in input order."""

    def __init__(
        self,
        settings: Settings,
        html_extractor: HtmlExtractor | None = None,
        stdin: IO[str] | None = None,
    ) -> None:
        self.settings = settings
        self._html_extractor = html_extractor
        self._stdin = stdin

    # -- public -----------------------------------------------------------------------
    def read(self, inputs: Iterable[str | Path]) -> Iterator[Item]:
        for raw in inputs:
            name = str(raw)
            if name == "-":
                stream = self._stdin if self._stdin is not None else sys.stdin
                yield from self._jsonl_lines(stream, "<stdin>")
                continue
            path = Path(name)
            if path.is_dir():
                yield from self._folder(path)
            elif path.exists():
                yield from self._file(path, explicit=True)
            else:
                yield Problem("not_found", "no such file or folder", name)

    # -- folders and files ----------------------------------------------------------------
    def _folder(self, folder: Path) -> Iterator[Item]:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            if path.name.endswith(META_SUFFIX) or path.name.startswith("."):
                continue
            yield from self._file(path, explicit=False)

    def _file(self, path: Path, explicit: bool) -> Iterator[Item]:
        source = str(path)
        suffix = path.suffix.lower()
        known = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
        if suffix not in known:
            if explicit or suffix not in {".md", ".json", ".csv", ".geojson"}:
                yield Problem(
                    "unknown_extension",
                    f"unknown extension {suffix or '(none)'!r}: expected .jsonl, .txt, .html or .htm",
                    source,
                )
            return
        try:
            size = path.stat().st_size
            if size > self.settings.max_file_bytes:
                raise InputError(
                    f"file is {size} bytes, over the limit of {self.settings.max_file_bytes} "
                    "(setting max_file_bytes)",
                    source,
                    "too_large",
                )
            if suffix in JSONL_SUFFIXES:
                yield from self._jsonl_file(path)
                return
            text = self._decode(path.read_bytes(), source)
            meta = self._sidecar(path)
            if suffix in HTML_SUFFIXES:
                yield self._article_from_html(path.stem, text, meta, source)
            else:
                yield self._article(path.stem, text, meta, source)
        except InputError as exc:
            yield Problem(exc.code, exc.reason, exc.source)
        except OSError as exc:
            yield Problem("unreadable", f"cannot read: {exc.strerror or exc}", source)

    def _decode(self, data: bytes, source: str) -> str:
        if not data.strip():
            raise InputError("empty file", source, "empty")
        if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise InputError("binary file (contains NUL bytes), not text", source, "binary")
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError as exc:
                raise InputError("invalid UTF-16", source, "undecodable") from exc
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not valid UTF-8 (byte {exc.start}); re-encode the file as UTF-8",
                source,
                "undecodable",
            ) from exc

    def _sidecar(self, path: Path) -> dict[str, Any]:
        meta_path = path.with_name(path.stem + META_SUFFIX)
        if not meta_path.exists():
            return {}
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"sidecar {meta_path.name} is not valid JSON: {exc}", str(meta_path)) from exc
        if not isinstance(meta, dict):
            raise InputError("sidecar must hold a JSON object", str(meta_path))
        return {k: meta[k] for k in META_FIELDS if k in meta}

    # -- JSON Lines -----------------------------------------------------------------------
    def _jsonl_file(self, path: Path) -> Iterator[Item]:
        with path.open("rb") as fh:
            empty = True
            for lineno, raw in enumerate(fh, start=1):
                empty = False
                source = f"{path}:{lineno}"
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield Problem("undecodable", "line is not valid UTF-8", source)
                    continue
                item = self._jsonl_line(line, source)
                if item is not None:
                    yield item
            if empty:
                yield Problem("empty", "empty file", str(path))

    def _jsonl_lines(self, stream: IO[str], name: str) -> Iterator[Item]:
        for lineno, line in enumerate(stream, start=1):
            item = self._jsonl_line(line, f"{name}:{lineno}")
            if item is not None:
                yield item

    def _jsonl_line(self, line: str, source: str) -> Item | None:
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return Problem("not_json", f"not JSON ({exc.msg} at column {exc.colno})", source)
        if not isinstance(obj, dict):
            return Problem("not_object", "a line must hold a JSON object", source)
        art_id = obj.get("id")
        if isinstance(art_id, int) and not isinstance(art_id, bool):
            art_id = str(art_id)
        if not isinstance(art_id, str) or not art_id.strip():
            return Problem("no_id", "missing or empty 'id' (a non-empty string)", source)
        try:
            if obj.get("text") is None and isinstance(obj.get("html"), str):
                return self._article_from_html(art_id, obj["html"], obj, source)
            text = obj.get("text")
            if not isinstance(text, str):
                got = "missing" if text is None else f"a {type(text).__name__}"
                return Problem("no_text", f"article {art_id!r}: 'text' is {got}", source)
            return self._article(art_id, text, obj, source)
        except InputError as exc:
            return Problem(exc.code, exc.reason, exc.source)

    # -- building articles ----------------------------------------------------------------
    def _article(self, art_id: str, text: str, meta: dict[str, Any], source: str) -> Item:
        if not text.strip():
            return Problem("no_text", f"article {art_id!r} has no text", source)
        if len(text) > self.settings.max_article_chars:
            return Problem(
                "too_long",
                f"article {art_id!r} has {len(text)} characters, over the limit of "
                f"{self.settings.max_article_chars} (setting max_article_chars)",
                source,
            )
        ratio = arabic_ratio(text)
        if ratio < self.settings.min_arabic_ratio:
            return Problem(
                "not_arabic",
                f"article {art_id!r} is not Arabic ({ratio:.0%} of letters in Arabic script)",
                source,
            )
        problems: list[Problem] = []
        try:
            published = parse_published(meta.get("published"), source)
        except InputError as exc:
            published = None
            problems.append(Problem(exc.code, exc.reason, source))
        if published is None:
            published = self.settings.published

        def _str(key: str) -> str | None:
            value = meta.get(key)
            return value if isinstance(value, str) and value else None

        extra = {k: v for k, v in meta.items() if k not in {"id", "text", "html", *META_FIELDS}}
        return Article(
            id=art_id,
            text=text,
            url=_str("url"),
            outlet=_str("outlet"),
            title=_str("title"),
            published=published,
            source=source,
            extra=extra,
            problems=problems,
        )

    def _article_from_html(
        self, art_id: str, html: str, meta: dict[str, Any], source: str
    ) -> Item:
        if self._html_extractor is None:
            return Problem("no_html_support", "HTML input needs an HTML extractor", source)
        title, text, page_date = self._html_extractor(html, meta.get("url"))
        meta = dict(meta)
        if title and not meta.get("title"):
            meta["title"] = title
        if page_date and not meta.get("published"):
            meta["published"] = page_date.isoformat()
        item = self._article(art_id, text, meta, source)
        if isinstance(item, Article):
            item.html = html
        return item
