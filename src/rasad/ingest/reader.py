"""Reading articles from JSON Lines, text files, web pages and folders.

Every input becomes either an :class:`~rasad.model.Article` or a
:class:`~rasad.model.Problem` naming the input (and line) and saying what is wrong; a bad
input never stops the batch. See ``shared/spec/interchange.md`` for the contract and
``docs/robustness.md`` for every kind of bad input and what happens to it.

Duplicate ids: within one call of :meth:`ArticleReader.read` the first article with an id
wins; a later article with the same id is skipped with a ``duplicate_id`` problem naming
where the first was read (its mentions would otherwise collide with the first one's).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import IO, Any, AnyStr

from rasad.errors import InputError
from rasad.ingest.checks import has_control, suspect_escapes, unstorable_string, utf8_share
from rasad.ingest.language import LanguageProfiles
from rasad.model import Article, Problem
from rasad.settings import Settings

TEXT_SUFFIXES = {".txt"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_SUFFIX = ".meta.json"
META_FIELDS = ("url", "outlet", "title", "published")
#: The longest id the database holds (``articles.id`` is VARCHAR(200)).
MAX_ID_CHARS = 200
#: Bytes of a JSON line per allowed article character (``\\uXXXX`` escapes take 6, and a
#: line may carry the page's HTML too): longer lines are skipped unread.
LINE_BYTES_PER_CHAR = 8
_BOMS_UTF16 = (b"\xff\xfe", b"\xfe\xff")

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
_LETTER = re.compile(r"[^\W\d_]")
_ID_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

Item = Article | Problem
HtmlExtractor = Callable[[str, str | None], tuple[str | None, str, dt.date | None]]


def parse_published(value: Any, source: str) -> dt.date | None:
    """A date or ISO-8601 datetime string (or null) as a date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(
            f"'published' must be a date string (YYYY-MM-DD), not {type(value).__name__} "
            f"{_short(value)}",
            source,
            "bad_date",
        )
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise InputError(
            f"'published' is not an ISO date ({_short(value)}); use YYYY-MM-DD", source, "bad_date"
        ) from exc


def arabic_ratio(text: str, sample: int = 20_000) -> float:
    """Share of letters (in the first ``sample`` characters) that are Arabic script."""
    head = text[:sample]
    letters = len(_LETTER.findall(head))
    if letters == 0:
        return 0.0
    return len(_ARABIC.findall(head)) / letters


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ArticleReader:
    """Turns paths (or ``-``) into articles and problems, in input order."""

    def __init__(
        self,
        settings: Settings,
        html_extractor: HtmlExtractor | None = None,
        stdin: IO[str] | None = None,
        languages: LanguageProfiles | None = None,
    ) -> None:
        self.settings = settings
        self._html_extractor = html_extractor
        self._stdin = stdin
        self._given_languages = languages

    @cached_property
    def languages(self) -> LanguageProfiles:
        """The language profiles (the packaged ones unless given): loaded on first use."""
        return self._given_languages or LanguageProfiles.load()

    # -- public -----------------------------------------------------------------------
    def read(self, inputs: Iterable[str | Path]) -> Iterator[Item]:
        """Articles and problems in input order; a later article with an id already read
        in this call is skipped (``duplicate_id``)."""
        seen: dict[str, str] = {}  # id -> where it was first read
        for item in self._read(inputs):
            if isinstance(item, Article):
                first = seen.get(item.id)
                if first is None:
                    seen[item.id] = item.source
                else:
                    yield Problem(
                        "duplicate_id",
                        f"duplicate id {item.id!r}: already read from {first}; "
                        "this later article is skipped",
                        item.source,
                    )
                    continue
            yield item

    def _read(self, inputs: Iterable[str | Path]) -> Iterator[Item]:
        for raw in inputs:
            name = str(raw)
            if name == "-":
                stream = self._stdin if self._stdin is not None else sys.stdin
                yield from self._jsonl_stream(stream, "<stdin>")
                continue
            path = Path(name)
            try:
                if path.is_dir():
                    yield from self._folder(path)
                elif path.exists():
                    yield from self._file(path, explicit=True)
                else:
                    yield Problem("not_found", "no such file or folder", name)
            except OSError as exc:
                yield Problem("unreadable", f"cannot read: {exc.strerror or exc}", name)

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
            limit = self.settings.max_file_bytes
            if size > limit:
                raise InputError(
                    f"file is {size} bytes, over the limit of {limit} (setting max_file_bytes)",
                    source,
                    "too_large",
                )
            if suffix in JSONL_SUFFIXES:
                yield from self._jsonl_file(path)
                return
            chars = self.settings.max_article_chars
            if suffix in TEXT_SUFFIXES and size > 4 * chars + 3:  # 4 bytes a char at most
                raise InputError(
                    f"file is {size} bytes: its text is longer than the limit of {chars} "
                    "characters (setting max_article_chars)",
                    source,
                    "too_long",
                )
            text, warnings = self._decode(path.read_bytes(), source)
            meta = self._sidecar(path, warnings)
            if suffix in HTML_SUFFIXES:
                item = self._article_from_html(path.stem, text, meta, source)
            else:
                item = self._article(path.stem, text, meta, source)
            if isinstance(item, Article):
                item.problems[:0] = warnings
            yield item
        except InputError as exc:
            yield Problem(exc.code, exc.reason, exc.source)
        except OSError as exc:
            yield Problem("unreadable", f"cannot read: {exc.strerror or exc}", source)

    def _decode(self, data: bytes, source: str) -> tuple[str, list[Problem]]:
        """The file's text, with a warning when it was read in a fallback encoding."""
        if not data.strip():
            what = "empty file (0 bytes)" if not data else "the file holds only white space"
            raise InputError(what, source, "empty")
        if data.startswith(_BOMS_UTF16):
            try:
                return data.decode("utf-16"), []
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"invalid UTF-16 (byte {exc.start}) after a UTF-16 byte-order mark",
                    source,
                    "undecodable",
                ) from exc
        if b"\x00" in data[:8192]:
            raise InputError(
                "binary file (contains NUL bytes), not text; if it is UTF-16 without a "
                "byte-order mark, re-encode it as UTF-8",
                source,
                "binary",
            )
        try:
            return data.decode("utf-8-sig"), []
        except UnicodeDecodeError as exc:
            found = self._fallback(data)
            if found is None:
                raise InputError(self._undecodable(data, exc.start), source, "undecodable") from exc
            text, encoding = found
            return text, [self._legacy_warning(encoding, exc.start, source)]

    def _fallback(self, data: bytes) -> tuple[str, str] | None:
        """``(text, encoding)`` from the first fallback encoding in which the bytes read
        as an article in an analysed language; None for damaged UTF-8 or anything else.

        A one-byte code page decodes any bytes, so the result must look like real text:
        no control characters, mostly Arabic script, and enough function words and
        letters for the language profiles to decide (mojibake and noise do not)."""
        if utf8_share(data) >= 0.9:
            return None  # UTF-8 with a few damaged bytes, not a legacy code page
        for encoding in self.settings.fallback_encodings:
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
            if has_control(text) or arabic_ratio(text) < 0.5:
                continue
            guess = self.languages.identify(text)
            if guess.decided and guess.code in self.settings.languages:
                return text, encoding
        return None

    def _undecodable(self, data: bytes, byte: int) -> str:
        if utf8_share(data) >= 0.9:
            bad = data.decode("utf-8", errors="replace").count("\ufffd")
            return (
                f"not valid UTF-8: {bad} damaged byte sequence(s), the first at byte {byte}, "
                "in otherwise UTF-8 text; repair or re-encode it"
            )
        tried = ", ".join(self.settings.fallback_encodings)
        also = f", nor Arabic in {tried} (setting fallback_encodings)" if tried else ""
        return f"not valid UTF-8 (byte {byte}){also}; re-encode it as UTF-8"

    @staticmethod
    def _legacy_warning(encoding: str, byte: int, source: str) -> Problem:
        return Problem(
            "legacy_encoding",
            f"not UTF-8 (byte {byte}): decoded as {encoding} Arabic "
            "(setting fallback_encodings); offsets refer to the decoded text",
            source,
        )

    def _sidecar(self, path: Path, warnings: list[Problem]) -> dict[str, Any]:
        """The metadata in ``NAME.meta.json``; a broken sidecar is a warning (the article
        is read without its metadata), not a reason to lose the article."""
        meta_path = path.with_name(path.stem + META_SUFFIX)
        if not meta_path.exists():
            return {}
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, UnicodeDecodeError
            warnings.append(
                Problem(
                    "bad_sidecar",
                    f"sidecar {meta_path.name} is not valid UTF-8 JSON ({exc}); its metadata "
                    "is ignored",
                    str(meta_path),
                )
            )
            return {}
        if not isinstance(meta, dict):
            warnings.append(
                Problem(
                    "bad_sidecar",
                    f"sidecar {meta_path.name} must hold a JSON object, not "
                    f"{type(meta).__name__}; ignored",
                    str(meta_path),
                )
            )
            return {}
        return {k: meta[k] for k in META_FIELDS if k in meta}

    # -- JSON Lines -----------------------------------------------------------------------
    @property
    def _line_limit(self) -> int:
        return LINE_BYTES_PER_CHAR * self.settings.max_article_chars + 65_536

    def _jsonl_file(self, path: Path) -> Iterator[Item]:
        name = str(path)
        with path.open("rb") as fh:
            head = fh.read(8192)
            fh.seek(0)
            if not head:
                yield Problem("empty", "empty file (0 bytes)", name)
                return
            if head.startswith(_BOMS_UTF16):
                stream = io.TextIOWrapper(fh, encoding="utf-16", newline="")
                yield from self._jsonl_stream(stream, name)
                return
            if b"\x00" in head:
                yield Problem(
                    "binary",
                    "binary file (contains NUL bytes), not JSON Lines; if it is UTF-16 "
                    "without a byte-order mark, re-encode it as UTF-8",
                    name,
                )
                return
            for lineno, raw in self._lines(fh, name):
                source = f"{name}:{lineno}"
                if isinstance(raw, Problem):
                    yield raw
                    continue
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                    warning = None
                except UnicodeDecodeError as exc:
                    found = self._fallback(raw)
                    if found is None:
                        yield Problem("undecodable", "line " + self._undecodable(raw, exc.start), source)
                        continue
                    line, warning = found[0], self._legacy_warning(found[1], exc.start, source)
                item = self._jsonl_line(line, source)
                if isinstance(item, Article) and warning is not None:
                    item.problems.insert(0, warning)
                if item is not None:
                    yield item

    def _jsonl_stream(self, stream: IO[str], name: str) -> Iterator[Item]:
        try:
            for lineno, line in self._lines(stream, name):
                if isinstance(line, Problem):
                    yield line
                    continue
                item = self._jsonl_line(line, f"{name}:{lineno}")
                if item is not None:
                    yield item
        except UnicodeDecodeError as exc:
            yield Problem(
                "undecodable", f"not valid {exc.encoding} ({exc.reason}); rest skipped", name
            )

    def _lines(self, fh: IO[AnyStr], name: str) -> Iterator[tuple[int, AnyStr | Problem]]:
        """Numbered lines, each read with a bound: an over-long line is skipped unread
        (a ``too_long`` problem) instead of being held in memory."""
        limit = self._line_limit
        lineno = 0
        while True:
            line = fh.readline(limit)
            if not line:
                return
            lineno += 1
            if len(line) < limit or _ends_line(line):
                yield lineno, line
                continue
            size = len(line)
            while line and not _ends_line(line):
                line = fh.readline(limit)
                size += len(line)
            unit = "characters" if isinstance(line, str) else "bytes"
            yield lineno, Problem(
                "too_long",
                f"line of {size} {unit} is longer than any article within the limit of "
                f"{self.settings.max_article_chars} characters (setting max_article_chars); "
                "skipped unread",
                f"{name}:{lineno}",
            )

    def _jsonl_line(self, line: str, source: str) -> Item | None:
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            return Problem("not_json", f"not JSON: {exc.msg} (column {exc.colno})", source)
        except (ValueError, RecursionError) as exc:  # e.g. a 5,000-digit number, deep nesting
            return Problem("not_json", f"not usable JSON ({type(exc).__name__}: {exc})", source)
        if not isinstance(obj, dict):
            return Problem(
                "not_object", f"a line must hold a JSON object, not {type(obj).__name__}", source
            )
        if suspect_escapes(line):
            reason = unstorable_string(obj)
            if reason is not None:
                return Problem("bad_text", f"the line holds {reason}", source)
        art_id = obj.get("id")
        if isinstance(art_id, int) and not isinstance(art_id, bool):
            art_id = str(art_id)
        if not isinstance(art_id, str) or not art_id.strip():
            got = "missing" if art_id is None else f"{type(art_id).__name__} {_short(art_id)}"
            return Problem("no_id", f"'id' must be a non-empty string; it is {got}", source)
        if problem := self._check_id(art_id, source):
            return problem
        try:
            text = obj.get("text")
            if text is None and isinstance(obj.get("html"), str):
                return self._article_from_html(art_id, obj["html"], obj, source)
            if not isinstance(text, str):
                got = "missing" if text is None else f"{type(text).__name__} {_short(text)}"
                return Problem(
                    "no_text", f"article {art_id!r}: 'text' must be a string; it is {got}", source
                )
            return self._article(art_id, text, obj, source)
        except InputError as exc:
            return Problem(exc.code, exc.reason, exc.source)

    @staticmethod
    def _check_id(art_id: str, source: str) -> Problem | None:
        if len(art_id) > MAX_ID_CHARS:
            return Problem(
                "bad_id",
                f"'id' has {len(art_id)} characters, over the limit of {MAX_ID_CHARS}",
                source,
            )
        if _ID_CONTROL.search(art_id):
            return Problem("bad_id", f"'id' {art_id!r} holds control characters", source)
        return None

    # -- building articles ----------------------------------------------------------------
    def _article(self, art_id: str, text: str, meta: dict[str, Any], source: str) -> Item:
        if not text.strip():
            return Problem("no_text", f"article {art_id!r} has no text", source)
        limit = self.settings.max_article_chars
        if len(text) > limit:
            return Problem(
                "too_long",
                f"article {art_id!r} has {len(text)} characters, over the limit of "
                f"{limit} (setting max_article_chars)",
                source,
            )
        if "\x00" in text:
            return Problem(
                "bad_text",
                f"article {art_id!r}: text holds U+0000 (NUL) characters, which databases "
                "cannot store; remove them",
                source,
            )
        if problem := self._language(art_id, text, source):
            return problem
        problems: list[Problem] = []
        published = self._published(meta.get("published"), source, problems)

        def _str(key: str) -> str | None:
            value = meta.get(key)
            if value is None or value == "":
                return None
            if isinstance(value, str) and "\x00" not in value:
                return value
            problems.append(
                Problem(
                    "bad_field",
                    f"article {art_id!r}: '{key}' must be a string without NUL characters, "
                    f"not {type(value).__name__} {_short(value)}; ignored",
                    source,
                )
            )
            return None

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

    def _language(self, art_id: str, text: str, source: str) -> Problem | None:
        ratio = arabic_ratio(text)
        wanted = self.settings.languages
        if ratio < self.settings.min_arabic_ratio:
            return Problem(
                "not_arabic",
                f"article {art_id!r} is not in Arabic script ({ratio:.0%} of its letters; "
                f"setting min_arabic_ratio is {self.settings.min_arabic_ratio:.0%})",
                source,
            )
        guess = self.languages.identify(text)
        if guess.code in wanted:
            return None
        return Problem(
            "wrong_language",
            f"article {art_id!r} looks like {guess.name} ({guess.code}), not "
            f"{'/'.join(wanted)} (setting languages)",
            source,
        )

    def _published(self, value: Any, source: str, problems: list[Problem]) -> dt.date | None:
        settings = self.settings
        try:
            published = parse_published(value, source)
        except InputError as exc:
            published = None
            problems.append(Problem(exc.code, exc.reason + "; ignored", source))
        if published is not None and not (
            settings.earliest_published <= published <= settings.latest_published
        ):
            problems.append(
                Problem(
                    "bad_date",
                    f"'published' {published.isoformat()} is outside "
                    f"{settings.earliest_published}..{settings.latest_published} (settings "
                    "earliest_published, latest_published); ignored",
                    source,
                )
            )
            published = None
        return settings.published if published is None else published

    def _article_from_html(
        self, art_id: str, html: str, meta: dict[str, Any], source: str
    ) -> Item:
        if self._html_extractor is None:
            return Problem("no_html_support", "HTML input needs an HTML extractor", source)
        try:
            title, text, page_date = self._html_extractor(html, _url(meta))
        except (ValueError, TypeError, LookupError, RecursionError, MemoryError) as exc:
            return Problem(
                "html_failed",
                f"article {art_id!r}: the web page could not be parsed "
                f"({type(exc).__name__}: {exc})",
                source,
            )
        if not text.strip():
            return Problem(
                "no_text", f"article {art_id!r}: no article text found in the web page", source
            )
        meta = dict(meta)
        if title and not meta.get("title"):
            meta["title"] = title
        if page_date and not meta.get("published"):
            meta["published"] = page_date.isoformat()
        item = self._article(art_id, text, meta, source)
        if isinstance(item, Article):
            item.html = html
        return item


def _ends_line(line: str | bytes) -> bool:
    return line.endswith("\n") if isinstance(line, str) else line.endswith(b"\n")


def _url(meta: dict[str, Any]) -> str | None:
    url = meta.get("url")
    return url if isinstance(url, str) else None
