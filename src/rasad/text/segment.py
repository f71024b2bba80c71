"""Sentence segmentation of Arabic news text.

:func:`segment` fills ``Article.sentences`` from the clean text (``Article.clean``, same
offsets as ``Article.text``; blanked boilerplate is only spaces and is skipped). The text
is cut into lines, hard-wrapped lines are joined back ("أعلنت" / "وزارة الداخلية" /
"السورية أن ..."), and each block is split after ``. ! ? ؟ ؛ …`` except inside numbers
("3.5", "1.200"), after abbreviations ("د.", "ق.م", "د.ب.أ", "U.S."), after ".." (a
headline separator) and inside quotations shorter than ``max_quote_chars``. List items are
sentences of their own; a short line without final punctuation that is followed by more
text is a sentence with ``heading=True``.

The rules are data (``rasad/data/segmentation.json``). The work is regular expressions
over lines and punctuation marks; no loop runs over every character.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Self

from rasad.errors import DataFileError
from rasad.model import Article, Sentence
from rasad.text.normalize import Normalizer

# A line's content, trimmed: from its first to its last non-space character.
_CONTENT = re.compile(r"\S(?:[^\r\n]*\S)?")
_WORD = re.compile(r"\w")
_LATIN = re.compile(r"[A-Za-z]")
_ARABIC = re.compile(r"[\u0620-\u064A\u0671-\u06D3]")
_LEADING_PUNCT = "،,.:;؛)]»”"
_TOKEN_STOP = " \t\n\r\u00a0([{«“\"'"


@dataclass(slots=True, frozen=True)
class SegmentationRules:
    """Compiled segmentation rules; build once per run with :meth:`load`."""

    terminal_re: re.Pattern[str]
    quote_res: tuple[re.Pattern[str], ...]
    list_re: re.Pattern[str]
    terminals: str
    closers: str
    abbreviations: frozenset[str]  # normalised, without the final full stop
    single_letter_abbreviations: bool
    semicolon_continuations: frozenset[str]
    continuation_words: frozenset[str]
    max_quote_chars: int
    min_words: int
    ellipsis_min_words: int
    semicolon_min_words: int
    heading_max_words: int
    normalizer: Normalizer

    @classmethod
    def load(cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None) -> Self:
        """The packaged rules; ``extra`` files add list entries and override numbers."""
        raw = resources.files("rasad.data").joinpath("segmentation.json").read_text("utf-8")
        data: dict[str, Any] = json.loads(raw)
        for path in extra:
            try:
                more = json.loads(Path(path).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise DataFileError(f"{path}: cannot read segmentation rules: {exc}") from exc
            if not isinstance(more, dict):
                raise DataFileError(f"{path}: expected a JSON object")
            for key, value in more.items():
                if key == "meta":
                    continue
                if isinstance(value, list) and isinstance(data.get(key), list):
                    data[key] = [*data[key], *value]
                else:
                    data[key] = value
        return cls.from_data(data, normalizer or Normalizer.from_file())

    @classmethod
    def from_data(cls, data: dict[str, Any], normalizer: Normalizer) -> Self:
        try:
            terminals = "".join(data["terminals"])
            closers = "".join(data["closers"])
            quotes = [(str(a), str(b)) for a, b in data["quotes"]]
            abbreviations = [str(a) for a in data["abbreviations"]]
            list_pattern = str(data["list_item_pattern"])
            numbers = {
                k: int(data[k])
                for k in (
                    "max_quote_chars",
                    "min_words",
                    "ellipsis_min_words",
                    "semicolon_min_words",
                    "heading_max_words",
                )
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(f"segmentation rules: missing or malformed field: {exc}") from exc
        if not terminals or any(len(a) != 1 or len(b) != 1 for a, b in quotes):
            raise DataFileError("segmentation rules: terminals empty or a quote mark not 1 char")
        single = "".join(sorted({t for t in terminals if t not in ".…"}))
        parts = [r"\.{2,}", "…+"]
        if "." in terminals:
            parts.append(r"\.")
        if single:
            parts.append(f"[{re.escape(single)}]+")
        # A run of sentence-final marks, then any closing quotes or brackets.
        terminal_re = re.compile(f"(?:{'|'.join(parts)})[{re.escape(closers)}]*")
        quote_res = tuple(
            re.compile(f"{re.escape(a)}[^{re.escape(b)}\\n]*{re.escape(b)}") for a, b in quotes
        )
        try:
            list_re = re.compile(list_pattern)
        except re.error as exc:
            raise DataFileError(f"segmentation rules: list_item_pattern: {exc}") from exc

        def norm(word: str) -> str:
            return normalizer.text(word).strip()

        return cls(
            terminal_re=terminal_re,
            quote_res=quote_res,
            list_re=list_re,
            terminals=terminals,
            closers=closers,
            abbreviations=frozenset(norm(a).rstrip(".") for a in abbreviations),
            single_letter_abbreviations=bool(data.get("single_letter_abbreviations", True)),
            semicolon_continuations=frozenset(
                norm(w) for w in data.get("semicolon_continuations", [])
            ),
            continuation_words=frozenset(norm(w) for w in data.get("continuation_words", [])),
            normalizer=normalizer,
            **numbers,
        )


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    words: int
    terminal: bool
    is_list: bool
    body_start: int  # after a list marker


def segment(article: Article, rules: SegmentationRules) -> None:
    """Set ``article.sentences`` from ``article.clean`` (or ``article.text`` when the
    article was not cleaned). If ``article.norm_offsets`` is missing (or does not fit the
    text), the normalised text is computed here and stored on the article."""
    text = article.clean if article.clean is not None else article.text
    if not article.norm_offsets or article.norm_offsets[-1] != len(text):
        normed = rules.normalizer(text)
        article.norm_text = normed.text
        article.norm_offsets = normed.offsets
    offsets = article.norm_offsets
    spans = split_sentences(text, rules)
    article.sentences = [
        Sentence(i, s, e, bisect_left(offsets, s), bisect_left(offsets, e), heading)
        for i, (s, e, heading) in enumerate(spans)
    ]


def split_sentences(text: str, rules: SegmentationRules) -> list[tuple[int, int, bool]]:
    """``(start, end, heading)`` of each sentence of ``text``, in order."""
    lines = _lines(text, rules)
    out: list[tuple[int, int, bool]] = []
    blocks = _blocks(text, lines, rules)
    for b, block in enumerate(blocks):
        first, last = lines[block[0]], lines[block[-1]]
        start, end = first.body_start, last.end
        heading = (
            len(block) == 1
            and not first.terminal
            and text[end - 1] not in ":،,"
            and not first.is_list
            and first.words <= rules.heading_max_words
            and b < len(blocks) - 1
        )
        if heading:
            out.append((start, end, True))
            continue
        for s, e in _split_block(text, start, end, rules):
            out.append((s, e, False))
    return out


def _lines(text: str, rules: SegmentationRules) -> list[_Line]:
    out: list[_Line] = []
    for m in _CONTENT.finditer(text):
        s, e = m.start(), m.end()
        body = m.group()
        if not _WORD.search(body):
            continue  # a stray mark left by blanking
        lm = rules.list_re.match(text, s, e)
        body_start = s
        if lm is not None and lm.end() < e:
            body_start = lm.end()
        tail = body.rstrip(rules.closers)
        out.append(
            _Line(
                s,
                e,
                len(body.split()) if len(body) <= 400 else body.count(" ") + 1,
                bool(tail) and tail[-1] in rules.terminals and not tail.endswith(".."),
                lm is not None,
                body_start,
            )
        )
    return out


def _blocks(text: str, lines: list[_Line], rules: SegmentationRules) -> list[list[int]]:
    """Group lines: a line break inside a sentence (a hard-wrapped or link-broken line)
    joins two lines into one block."""
    blocks: list[list[int]] = []
    joined = False  # the current block already joins lines broken inside a sentence
    for i, cur in enumerate(lines):
        if blocks and _continues(text, lines[i - 1], cur, joined, rules):
            blocks[-1].append(i)
            joined = True
        else:
            blocks.append([i])
            joined = False
    return blocks


def _continues(text: str, prev: _Line, cur: _Line, joined: bool, rules: SegmentationRules) -> bool:
    if prev.terminal or prev.is_list or cur.is_list:
        return False
    breaks = text.count("\n", prev.end, cur.start) or text.count("\r", prev.end, cur.start)
    if breaks > 1:
        return False  # a blank line (or a blanked one) between: a paragraph break
    if joined or prev.words == 1:
        return True
    last_word = rules.normalizer.text(text[text.rfind(" ", prev.start, prev.end) + 1 : prev.end])
    if last_word in rules.continuation_words or (last_word and last_word[-1] in "،,"):
        return True
    if text[cur.start] in _LEADING_PUNCT:
        return True
    cur_text = text[cur.start : cur.end]
    if cur.words <= 2 and not cur.terminal:
        return True
    if prev.words <= 3:
        space = cur_text.find(" ")
        first_word = rules.normalizer.text(cur_text if space < 0 else cur_text[:space])
        if first_word in rules.continuation_words:
            return True
    return False


def _split_block(
    text: str, start: int, end: int, rules: SegmentationRules
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    quotes: list[tuple[int, int]] | None = None
    sent_start = start
    for m in rules.terminal_re.finditer(text, start, end):
        bound = m.end()
        if bound >= end:
            break
        p = m.start()
        punct_end = p + len(m.group().rstrip(rules.closers))
        punct = text[p:punct_end]
        if not _is_boundary(text, p, punct, punct_end, bound, end, rules):
            continue
        if quotes is None:
            quotes = _quote_spans(text, start, end, rules)
        if any(qs < p and bound < qe for qs, qe in quotes):
            continue  # inside a quotation
        if "…" in punct or punct.startswith("..."):
            need = rules.ellipsis_min_words
        elif punct in ";؛":
            need = rules.semicolon_min_words
        else:
            need = rules.min_words
        if text.count(" ", sent_start, p) < 3 * need and len(text[sent_start:p].split()) < need:
            continue
        _emit(text, sent_start, bound, out)
        sent_start = bound
    _emit(text, sent_start, end, out)
    return out


def _is_boundary(
    text: str, p: int, punct: str, punct_end: int, bound: int, end: int, rules: SegmentationRules
) -> bool:
    if punct == "..":
        return False  # "دير الزور.. قسد تخترق": a headline separator
    nxt = text[bound] if bound < end else " "
    if punct in ";؛":
        rest = text[bound:end].lstrip()
        space = rest.find(" ")
        word = rules.normalizer.text(rest if space < 0 else rest[:space])
        return word not in rules.semicolon_continuations
    if punct != ".":
        return True
    prev = text[p - 1] if p > 0 else " "
    after = text[punct_end] if punct_end < end else " "
    if after.isdigit() and prev.isdigit():
        return False  # 3.5, 1.200, 10.09.2018
    if _LATIN.match(after) or after.isdigit():
        return False  # sana.sy, U.S.A, "1.5"
    if nxt.isalpha() and not _ARABIC.match(nxt):
        return False
    # The token that the full stop ends: "د", "ق.م", "د.ب.أ", "U.S"
    q = p
    while q > 0 and text[q - 1] not in _TOKEN_STOP and p - q < 24:
        q -= 1
    token = rules.normalizer.text(text[q:p])
    if not token:
        return True
    if token in rules.abbreviations:
        return False  # a title: "د.", "أ.د.", "Dr."
    pieces = token.split(".")
    if not (rules.single_letter_abbreviations and all(len(x) == 1 for x in pieces)):
        return True
    if len(pieces) == 1:
        return False  # "م. أحمد", "U. Nations"
    # Dotted initials ("ق.م.", "ل.س.", "U.S."): a sentence ends there when a word in
    # Arabic script follows after a space.
    return bound < end and text[bound].isspace() and bool(_ARABIC.match(text[bound:end].lstrip()))


def _quote_spans(
    text: str, start: int, end: int, rules: SegmentationRules
) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for qre in rules.quote_res:
        for m in qre.finditer(text, start, end):
            if m.end() - m.start() <= rules.max_quote_chars:
                spans.append((m.start(), m.end()))
    return spans


def _emit(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    chunk = text[s:e]
    stripped = chunk.strip()
    if not stripped or not _WORD.search(stripped):
        return
    lead = len(chunk) - len(chunk.lstrip())
    s2 = s + lead
    out.append((s2, s2 + len(stripped)))
