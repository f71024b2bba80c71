"""Boilerplate cleaning: blank out the lines of an article that are not its text.

News copied from web pages keeps the page around the article: share and print buttons,
font widgets, comment forms, related-article lists, copyright lines, bylines and datelines.
:class:`Cleaner` sets ``Article.clean`` to a copy of ``Article.text`` of exactly the same
length in which those lines are replaced by spaces (newlines kept), so every offset into
the clean text is an offset into the original text and no offset map is needed.

What counts as boilerplate is data (``rasad/data/boilerplate.json``): exact lines, line
patterns, footer markers after which the rest of the page is boilerplate, inline
fragments. A few line heuristics complete it: lines without letters, date-only lines,
"outlet - place" datelines, short Latin-only lines in an Arabic text, table rows flattened
by copy-paste, an outlet signature just above the page footer, and (after
:meth:`Cleaner.learn`) short lines repeated across several articles of one outlet. The
first kept line (the headline) is protected from the heuristics, and a short line inside
the article (a sub-heading such as a place name) is kept.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from rasad.errors import DataFileError
from rasad.model import Article, Span
from rasad.text.normalize import Normalizer

MatchKind = Literal["exact", "line", "contains", "inline"]
FooterKind = Literal["all", "list"]

_LINE = re.compile(r"[^\r\n]+")
_SPACES = re.compile(r"\s+")
# A tatweel standing alone between spaces is a dash ("دمشق ـ وكالات"); one glued to a
# letter is part of a word ("بـ", "لـ").
_TATWEEL_DASH = re.compile(r"(?<=\s)\u0640+(?=\s)")
_KEY_STRIP = " \t\u00a0.:|*•·،,;؛!?؟()[]{}\"'`-_/\\~=#>"
_TERMINAL = ".!?؟؛…"
_CLOSERS = "\"'”’»)]"
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(r"[\u0620-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_DIGIT = re.compile(r"\d")
_DATE_SHAPE = re.compile(r"\b(?:19|20)\d\d\b|\d:\d\d|\d[./\-]\d")
_DATE_TOKEN = re.compile(r"[^\s|/,\-]+")
_DATELINE_SEP = re.compile(r"\s+[\-|]\s*|\s*[\-|]\s+|\|")
_DANGLING_DASH = re.compile(r"^\s*-|-\s*$")


@dataclass(slots=True, frozen=True)
class Rule:
    """One boilerplate rule of ``boilerplate.json``."""

    match: MatchKind
    pattern: str
    footer: FooterKind | None = None
    meta: str | None = None
    # For inline rules: strings (lower case) of which one must occur in a long line for
    # the rule to be tried there, so that long lines need not be normalised.
    requires: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class CleanSettings:
    max_line_chars: int = 200
    contains_max_chars: int = 150
    short_line_words: int = 6
    dateline_max_words: int = 7
    signature_max_words: int = 10
    list_footer_max_words: int = 16
    paragraph_min_words: int = 12
    repeat_min_articles: int = 3
    table_cell_sentence_words: int = 8


@dataclass(slots=True)
class _Line:
    start: int  # trimmed line, offsets into Article.text
    end: int
    text: str
    norm: str  # normalised line ("" for a long line until an inline rule needs it)
    key: str  # normalised, spaces collapsed, surrounding punctuation stripped
    words: int
    terminal: bool  # ends with sentence punctuation (closing quotes allowed)


@dataclass(slots=True)
class _Result:
    removed: list[tuple[int, int]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)

    def note(self, key: str | None, value: str) -> None:
        if key is None:
            return
        old = self.metadata.get(key)
        self.metadata[key] = value if old is None else f"{old}\n{value}"


def _ends_terminal(text: str) -> bool:
    body = text.rstrip(_CLOSERS + " ")
    return bool(body) and body[-1] in _TERMINAL


def _outlet_key(article: Article) -> str:
    if article.outlet:
        return article.outlet
    if article.url:
        return urlsplit(article.url).netloc.lower()
    return ""


class Cleaner:
    """Blanks boilerplate out of articles; build once per run with :meth:`load`."""

    __slots__ = (
        "_contains_re",
        "_cues",
        "_date_words",
        "_exact",
        "_inline",
        "_line_re",
        "_norm",
        "_repeated",
        "_rules",
        "settings",
    )

    def __init__(
        self,
        rules: Sequence[Rule],
        date_words: Iterable[str],
        settings: CleanSettings,
        normalizer: Normalizer,
        repeated: Mapping[str, frozenset[str]] | None = None,
        dateline_cues: Iterable[str] = (),
    ) -> None:
        self._norm = normalizer
        self.settings = settings
        self._rules = tuple(rules)
        self._exact: dict[str, Rule] = {}
        line_parts: list[str] = []
        contains_parts: list[str] = []
        for i, rule in enumerate(self._rules):
            pattern = self._norm_pattern(rule.pattern)
            if rule.match == "exact":
                self._exact.setdefault(self._key(pattern), rule)
                continue
            try:
                re.compile(pattern)
            except re.error as exc:
                raise DataFileError(f"boilerplate rule {i} ({rule.pattern!r}): {exc}") from exc
            part = f"(?P<r{i}>{pattern})"
            if rule.match == "line":
                line_parts.append(part)
            elif rule.match == "contains":
                contains_parts.append(part)
        self._line_re = re.compile("|".join(line_parts)) if line_parts else None
        self._contains_re = re.compile("|".join(contains_parts)) if contains_parts else None
        self._inline: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = tuple(
            (re.compile(self._norm_pattern(r.pattern), re.M), r.requires)
            for r in self._rules
            if r.match == "inline"
        )
        words: set[str] = set()
        for w in date_words:
            words.update(self._norm.text(w).split())
        self._date_words = frozenset(words)
        self._cues = frozenset(self._key(self._norm.text(c)) for c in dateline_cues)
        self._repeated: Mapping[str, frozenset[str]] = dict(repeated or {})

    # -- loading ----------------------------------------------------------------------
    @classmethod
    def load(cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None) -> Self:
        """The packaged rules plus rules from ``extra`` files (same format, ``rules`` and
        ``date_words`` appended, ``settings`` overriding)."""
        raw = resources.files("rasad.data").joinpath("boilerplate.json").read_text("utf-8")
        docs: list[tuple[str, Any]] = [("boilerplate.json", json.loads(raw))]
        for path in extra:
            try:
                docs.append((str(path), json.loads(Path(path).read_text("utf-8"))))
            except (OSError, ValueError) as exc:
                raise DataFileError(f"{path}: cannot read boilerplate rules: {exc}") from exc
        rules: list[Rule] = []
        date_words: list[str] = []
        cues: list[str] = []
        settings: dict[str, int] = {}
        for name, doc in docs:
            r, d, c, s = _parse(name, doc)
            rules.extend(r)
            date_words.extend(d)
            cues.extend(c)
            settings.update(s)
        return cls(
            rules,
            date_words,
            CleanSettings(**settings),
            normalizer or Normalizer.from_file(),
            dateline_cues=cues,
        )

    def learn(self, articles: Iterable[Article]) -> Cleaner:
        """A cleaner that also blanks short lines repeated in at least
        ``settings.repeat_min_articles`` articles of the same outlet in this batch."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for article in articles:
            keys: set[str] = set()
            for i, ln in enumerate(self._lines(article.text)):
                if i and ln.key and ln.words <= self.settings.short_line_words and not ln.terminal:
                    keys.add(ln.key)
            counts[_outlet_key(article)].update(keys)
        floor = self.settings.repeat_min_articles
        repeated = {
            outlet: frozenset(k for k, n in c.items() if n >= floor) for outlet, c in counts.items()
        }
        clone = Cleaner([], (), self.settings, self._norm)
        clone._rules = self._rules
        clone._exact = self._exact
        clone._line_re = self._line_re
        clone._contains_re = self._contains_re
        clone._inline = self._inline
        clone._date_words = self._date_words
        clone._cues = self._cues
        clone._repeated = {k: v for k, v in repeated.items() if v}
        return clone

    # -- cleaning ---------------------------------------------------------------------
    def __call__(self, article: Article) -> None:
        """Set ``article.clean``, ``article.removed`` and boilerplate ``article.metadata``."""
        text = article.text
        result = self.scan(text, _outlet_key(article))
        if not result.removed:
            article.clean = text
            article.removed = []
        else:
            pieces: list[str] = []
            prev = 0
            for start, end in result.removed:
                pieces.append(text[prev:start])
                pieces.append(" " * (end - start))
                prev = end
            pieces.append(text[prev:])
            article.clean = "".join(pieces)
            article.removed = [Span(s, e, text[s:e]) for s, e in result.removed]
        # Keys found here are set (not appended to), so cleaning twice changes nothing.
        article.metadata.update(result.metadata)

    def scan(self, text: str, outlet: str = "") -> _Result:
        """The spans to blank (sorted, disjoint, within lines) and the metadata found."""
        st = self.settings
        lines = self._lines(text)
        res = _Result()
        kept: list[int] = []
        seen_body = False
        footer: FooterKind | None = None
        repeated = self._repeated.get(outlet, frozenset())
        seen_keys: set[str] = set()
        for i, ln in enumerate(lines):
            if footer == "all":
                res.removed.append((ln.start, ln.end))
                continue
            if footer == "list":
                if ln.words <= st.list_footer_max_words and not ln.terminal:
                    res.removed.append((ln.start, ln.end))
                    continue
                footer = None
            rule = self._match_rule(ln)
            if rule is not None:
                if rule.footer == "all" and seen_body:
                    footer = "all"
                elif rule.footer == "list":
                    footer = "list"
                res.removed.append((ln.start, ln.end))
                res.note(rule.meta, ln.text)
                continue
            if not _LETTER.search(ln.norm or ln.text):
                res.removed.append((ln.start, ln.end))  # digits, punctuation, symbols
                continue
            if self._table_row(ln, res):
                continue
            if ln.key and not ln.terminal and ln.key in seen_keys:
                res.removed.append((ln.start, ln.end))  # a headline printed twice
                continue
            reason = self._heuristic(ln, first=not kept, repeated=repeated)
            if reason is not None:
                res.removed.append((ln.start, ln.end))
                res.note(reason or None, ln.text)
                continue
            self._inline_fragments(ln, res)
            kept.append(i)
            if ln.key:
                seen_keys.add(ln.key)
            if ln.words >= st.paragraph_min_words or (ln.terminal and ln.words >= 6):
                seen_body = True
        self._signature(lines, kept, res)
        res.removed = _merge(res.removed)
        return res

    # -- helpers ----------------------------------------------------------------------
    def _norm_pattern(self, pattern: str) -> str:
        # Normalise Arabic (non-ASCII) characters only, so regex escapes such as \S stay.
        return "".join(ch if ord(ch) < 128 else self._norm.text(ch) for ch in pattern)

    def _key(self, norm: str) -> str:
        return " ".join(norm.split()).strip(_KEY_STRIP)

    def _lines(self, text: str) -> list[_Line]:
        out: list[_Line] = []
        limit = self.settings.max_line_chars
        for m in _LINE.finditer(text):
            raw = m.group()
            body = raw.strip()
            if not body:
                continue
            start = m.start() + (len(raw) - len(raw.lstrip()))
            if len(body) > limit:
                norm = key = ""  # long lines are only searched for inline fragments
            else:
                norm = self._line_norm(body)
                key = self._key(norm)
            out.append(
                _Line(
                    start,
                    start + len(body),
                    body,
                    norm,
                    key,
                    body.count(" ") + 1,
                    _ends_terminal(body),
                )
            )
        return out

    def _line_norm(self, body: str) -> str:
        if "\u0640" in body:
            return self._norm.text(_TATWEEL_DASH.sub("-", body))
        return self._norm.text(body)

    def _match_rule(self, ln: _Line) -> Rule | None:
        if not ln.key:
            return None
        rule = self._exact.get(ln.key)
        if rule is not None:
            return rule
        if self._line_re is not None:
            m = self._line_re.fullmatch(ln.key)
            if m is not None and m.lastgroup is not None:
                return self._rules[int(m.lastgroup[1:])]
        if self._contains_re is not None and len(ln.text) <= self.settings.contains_max_chars:
            m = self._contains_re.search(ln.key)
            if m is not None and m.lastgroup is not None:
                return self._rules[int(m.lastgroup[1:])]
        return None

    def _table_row(self, ln: _Line, res: _Result) -> bool:
        body = ln.text
        if "|" not in body:
            return False
        if not (body[0] == "|" or body[-1] == "|" or body.count("|") >= 2):
            return False
        cells = [c.strip() for c in body.split("|") if c.strip()]
        if cells and all(
            _ends_terminal(c) and c.count(" ") + 1 >= self.settings.table_cell_sentence_words
            for c in cells
        ):
            # Cells that are sentences stay as text; only the rules are blanked.
            pos = ln.start
            for part in body.split("|")[:-1]:
                pos += len(part)
                res.removed.append((pos, pos + 1))
                pos += 1
        else:
            res.removed.append((ln.start, ln.end))
        res.note("table", " | ".join(cells))
        return True

    def _heuristic(self, ln: _Line, first: bool, repeated: frozenset[str]) -> str | None:
        """Why a line is boilerplate ("" for no metadata), or None to keep it."""
        if self._date_line(ln):
            return "date"
        if ln.words <= 4 and not ln.terminal and not _ARABIC_LETTER.search(ln.norm or ln.text):
            return ""  # a short Latin-only line (author handle, site name, widget)
        if self._dateline(ln, first):
            return "dateline"
        if first:
            return None  # the headline
        if ln.key in repeated:
            return ""
        return None

    def _date_line(self, ln: _Line) -> bool:
        if not ln.key or ln.words > 8 or not _DIGIT.search(ln.key):
            return False
        tokens = _DATE_TOKEN.findall(ln.key)
        if not tokens:
            return False
        has_date = bool(_DATE_SHAPE.search(ln.key)) or any(t in self._date_words for t in tokens)
        if not has_date:
            return False
        other = sum(1 for t in tokens if not _DIGIT.search(t) and t not in self._date_words)
        return other <= 1

    def _dateline(self, ln: _Line, first: bool) -> bool:
        """A dateline ("دمشق - سانا", "شفق نيوز- دمشق", "تلفزيون سوريا - متابعات"): a short
        line of one to three short parts around dashes or bars, no sentence punctuation. The first
        line (which may be a headline, "سوريا - ...") and parts joined by a bare hyphen
        ("دمشق-سانا", but also "السورية-التركية") need a part that names a source."""
        if not ln.key or ln.words > self.settings.dateline_max_words or ln.terminal:
            return False
        if "،" in ln.key or "," in ln.key:
            return False
        norm = " ".join(ln.norm.split())
        parts = [p.strip() for p in _DATELINE_SEP.split(ln.key) if p.strip()]
        need_cue = first
        if len(parts) == 1:
            if _DANGLING_DASH.search(norm) and ln.words <= 4:
                return not first  # "لبنان اليوم -"
            parts = [p.strip() for p in ln.key.split("-") if p.strip()]
            need_cue = True
        if not (2 <= len(parts) <= 3 and all(p.count(" ") + 1 <= 4 for p in parts)):
            return False
        return not need_cue or any(self._is_cue(p) for p in parts)

    def _is_cue(self, part: str) -> bool:
        if not _ARABIC_LETTER.search(part):
            return True  # "NPA", "AFP"
        tokens = part.replace("(", " ").replace(")", " ").split()
        return any(t in self._cues for t in tokens) or any(
            " " in c and c in part for c in self._cues
        )

    def _inline_fragments(self, ln: _Line, res: _Result) -> None:
        if not self._inline:
            return
        if ln.norm:
            rules = self._inline
        else:
            lower = ln.text.lower()
            rules = tuple(
                (rx, req) for rx, req in self._inline if not req or any(q in lower for q in req)
            )
            if not rules:
                return
            ln.norm = self._line_norm(ln.text)
        spans = [m.span() for rx, _ in rules for m in rx.finditer(ln.norm) if m.end() > m.start()]
        if not spans:
            return
        # _TATWEEL_DASH keeps the length, so the map of the substituted line holds.
        text = _TATWEEL_DASH.sub("-", ln.text) if "\u0640" in ln.text else ln.text
        offsets = self._norm(text).offsets
        for a, b in spans:
            res.removed.append((ln.start + offsets[a], ln.start + offsets[b - 1] + 1))

    def _signature(self, lines: list[_Line], kept: list[int], res: _Result) -> None:
        """Short lines between the last paragraph and a removed page footer: the outlet's
        signature ("مرصد ... الإعلامي")."""
        if len(kept) < 2 or not res.removed:
            return
        last_removed = max(e for _, e in res.removed)
        tail: list[int] = []
        for idx in reversed(kept):
            ln = lines[idx]
            if ln.end >= last_removed:
                return  # nothing removed after the article's last line: no footer
            if ln.terminal or "،" in ln.text or ln.words > self.settings.signature_max_words:
                break
            tail.append(idx)
            if len(tail) > 2:
                return
        if not tail or len(tail) == len(kept):
            return
        before = lines[kept[len(kept) - len(tail) - 1]]
        if not before.terminal:
            return
        for idx in tail:
            ln = lines[idx]
            res.removed.append((ln.start, ln.end))
            res.note("signature", ln.text)
        kept[len(kept) - len(tail) :] = []


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint spans (a signature line may already hold an inline span)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _parse(name: str, doc: Any) -> tuple[list[Rule], list[str], list[str], dict[str, int]]:
    if not isinstance(doc, dict):
        raise DataFileError(f"{name}: expected a JSON object")
    rules: list[Rule] = []
    for i, item in enumerate(doc.get("rules", [])):
        if not isinstance(item, dict) or not isinstance(item.get("pattern"), str):
            raise DataFileError(f"{name}: rule {i} needs a string 'pattern'")
        match = item.get("match", "line")
        if match not in ("exact", "line", "contains", "inline"):
            raise DataFileError(f"{name}: rule {i}: unknown match {match!r}")
        footer = item.get("footer")
        if footer not in (None, "all", "list"):
            raise DataFileError(f"{name}: rule {i}: footer must be 'all' or 'list'")
        meta = item.get("meta")
        if meta is not None and not isinstance(meta, str):
            raise DataFileError(f"{name}: rule {i}: meta must be a string")
        requires = item.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(q, str) for q in requires):
            raise DataFileError(f"{name}: rule {i}: requires must be a list of strings")
        rules.append(Rule(match, item["pattern"], footer, meta, tuple(q.lower() for q in requires)))
    lists: list[list[str]] = []
    for list_name in ("date_words", "dateline_cues"):
        words = doc.get(list_name, [])
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise DataFileError(f"{name}: {list_name} must be a list of strings")
        lists.append(list(words))
    settings = doc.get("settings", {})
    known = set(CleanSettings.__dataclass_fields__)
    if not isinstance(settings, dict) or not all(
        k in known and isinstance(v, int) for k, v in settings.items()
    ):
        raise DataFileError(f"{name}: settings must map {sorted(known)} to integers")
    return rules, lists[0], lists[1], dict(settings)
