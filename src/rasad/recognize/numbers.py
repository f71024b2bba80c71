"""Numbers in normalised Arabic news text.

:class:`NumberReader` finds digits ("1,200", "3.5", "165 الف"), number words in the gender
and case forms news use ("ستة آلاف وثمانمئة وسبعين", "احد عشر"), duals of counted nouns
("شخصين"), "احد عناصر" (one of), vague quantities ("عشرات", "عدد من"), qualifiers ("نحو",
"اكثر من", "على الاقل"), ranges ("ما بين 400 و500") and the number's role: a count, or an
ordinal, year, clock time, distance, percentage, age, phone number, sum of money or other
(dates, durations, unit labels). All words live in ``rasad/data/numbers.json``; month names
and parts of the day come from ``rasad/data/dates.json`` so that they are listed once.

The reader works on normalised text (see :mod:`rasad.text.normalize`): offsets of a
:class:`NumberHit` index ``Article.norm_text``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any, Self

from rasad.errors import DataFileError
from rasad.model import Article, NumberRole, NumberSpan, Qualifier
from rasad.text.normalize import Normalizer, is_arabic_letter

Tok = tuple[int, int, str]

TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\n|[^\w\s]")
_ARTICLE = "ال"  # the definite article (grammar, not lexicon)
_SP = "[ \t]"

# kinds of number-word tokens for the reading state machine
_U, _TEN, _TEEN, _T, _H, _S, _SD, _F, _N = range(9)
_WAW_OK = {
    (_U, _T),
    (_H, _U),
    (_H, _TEN),
    (_H, _T),
    *((s, k) for s in (_S, _SD) for k in (_U, _TEN, _T, _H, _F, _N)),
    (_S, _SD),
}
_PLAIN_OK = {
    (_U, _TEN),
    (_U, _H),
    (_U, _S),
    (_TEN, _S),
    (_TEEN, _S),
    (_T, _S),
    (_H, _S),
    (_N, _S),
    (_F, _S),
}

_DATE_NUM = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}(?!\d)")
_CLOCK_NUM = re.compile(r"\d{1,2}[ \t]?:[ \t]?\d{2}(?!\d)")
_PHONE = re.compile(r"\d{7,}(?![\d.,])|0\d{1,4}(?:[ -]\d{2,4}){2,}(?!\d)")
_PHONE_PLUS = re.compile(r"\d{1,3}(?:[ -]?\d{2,4}){2,}(?!\d)")
_OPEN_CLOSE = {"(": ")", "/": "/", "[": "]", '"': '"'}


class LexiconError(DataFileError, ValueError):
    """A packaged or user lexicon file is unreadable or malformed (missing section, wrong
    type)."""

    code = "lexicon"


@dataclass(slots=True, frozen=True)
class NumberHit:
    """A number found in normalised text; offsets index that text."""

    start: int
    end: int
    value: int | None
    low: int | None
    high: int | None
    qualifier: Qualifier
    role: NumberRole = "count"
    noun: str | None = None
    noun_end: int | None = None


def read_lexicon(name: str, extra: Sequence[Path] = ()) -> dict[str, Any]:
    """Read a packaged JSON lexicon and merge user files over it.

    In a user file, an object section updates the packaged one, a list section extends it
    and a new section is added; ``meta`` is ignored."""
    data: Any = json.loads(resources.files("rasad.data").joinpath(name).read_text("utf-8"))
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: top level must be an object")
    for path in extra:
        try:
            with open(path, encoding="utf-8") as fh:
                more = json.load(fh)
        except (OSError, ValueError) as exc:
            raise LexiconError(f"{path}: cannot read lexicon file: {exc}") from exc
        if not isinstance(more, dict):
            raise LexiconError(f"{path}: top level must be an object")
        for key, val in more.items():
            cur = data.get(key)
            if key == "meta":
                continue
            if cur is None:
                data[key] = val
            elif isinstance(cur, dict) and isinstance(val, dict):
                cur.update(val)
            elif isinstance(cur, list) and isinstance(val, list):
                cur.extend(val)
            else:
                raise LexiconError(f"{path}: section {key!r} must be a {type(cur).__name__}")
    return data


def trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` shaped as a character trie (fast in ``re``)."""
    trie: dict[str, Any] = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie) or "(?!)"


def phrase_regex(phrases: Iterable[str]) -> str:
    """Alternation of multi-word phrases, longest first; spaces match runs of blanks."""
    items = sorted({p for p in phrases if p}, key=len, reverse=True)
    if not items:
        return "(?!)"
    return "(?:" + "|".join(re.escape(p).replace(r"\ ", _SP + "+") for p in items) + ")"


def tokens_at(text: str, pos: int, n: int = 10) -> list[Tok]:
    """Up to ``n`` tokens (words, digit groups, punctuation, newlines) from ``pos``."""
    found = TOKEN_RE.finditer(text, pos, pos + 12 * n)
    return [(m.start(), m.end(), m.group()) for m in islice(found, n)]


def tokens_before(text: str, pos: int, n: int = 3) -> list[Tok]:
    """The last ``n`` tokens before ``pos`` (within a short window)."""
    found = TOKEN_RE.finditer(text, max(0, pos - 12 * n - 12), pos)
    return [(m.start(), m.end(), m.group()) for m in found][-n:]


def stems(tok: str, clitics: Sequence[str]) -> Iterator[str]:
    """The token, then the token without each of ``clitics`` it starts with (and "لل" read
    as "ل" + "ال")."""
    yield tok
    for c in clitics:
        if tok.startswith(c) and len(tok) - len(c) >= 2:
            yield tok[len(c) :]
    if tok.startswith("لل") and len(tok) > 3:
        yield _ARTICLE + tok[2:]


def parse_digits(word: str, scale_follows: bool = False) -> float | None:
    """Value of a digit string with thousands separators or a decimal point/comma."""
    parts = re.split(r"([.,])", word)
    groups, seps = parts[0::2], parts[1::2]
    if not seps:
        return int(word)
    if len(set(seps)) > 1:  # "1,200.50": the last separator is the decimal point
        *head, tail = groups
        if any(len(g) != 3 for g in head[1:]) or len(head[0]) > 3:
            return None
        return float("".join(head) + "." + tail)
    if len(groups) > 2:
        if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            return int("".join(groups))
        return None
    whole, part = groups
    if len(part) == 3 and len(whole) <= 3 and not (seps[0] == "." and scale_follows):
        return int(whole + part)
    return float(whole + "." + part)


def strip_tanween(word: str) -> str:
    """Drop the accusative alef of an indefinite noun ("عنصرا" → "عنصر")."""
    if len(word) >= 4 and word.endswith("ا") and not word.endswith(("ايا", "اا", "ها")):
        return word[:-1]
    return word


@dataclass(slots=True)
class _Num:
    start: int
    end: int
    value: float | None
    low: float | None = None
    high: float | None = None
    qualifier: Qualifier = "exact"
    role: NumberRole = "count"
    noun: str | None = None
    noun_end: int | None = None
    kind: str = "words"
    scale: float | None = None

    def hit(self) -> NumberHit:
        def i(x: float | None) -> int | None:
            return None if x is None else math.floor(x + 0.5)

        return NumberHit(
            self.start,
            self.end,
            i(self.value),
            i(self.low),
            i(self.high),
            self.qualifier,
            self.role,
            self.noun,
            self.noun_end,
        )


class NumberReader:
    """Finds numbers in normalised text. Build once with :meth:`load` and reuse."""

    def __init__(self, data: dict[str, Any], dates: dict[str, Any]) -> None:
        norm = Normalizer.from_file().text

        def n(s: str) -> str:
            return " ".join(norm(s).split())

        try:
            self._build(data, dates, n)
        except (KeyError, TypeError, AttributeError) as exc:
            raise LexiconError(f"numbers lexicon: bad or missing section: {exc}") from exc

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Self:
        """The packaged lexicon plus optional user files (same layout as numbers.json)."""
        return cls(read_lexicon("numbers.json", extra), read_lexicon("dates.json"))

    def _build(self, d: dict[str, Any], dates: dict[str, Any], n: Callable[[str], str]) -> None:
        def nd(key: str) -> dict[str, float]:
            return {n(k): float(v) for k, v in d[key].items()}

        def ns(*keys: str) -> frozenset[str]:
            return frozenset(n(w) for key in keys for w in d[key])

        self.units, self.ten, self.tens = nd("units"), nd("ten"), nd("tens")
        self.hundreds, self.scales, self.dual_scales = (
            nd("hundreds"),
            nd("scales"),
            nd("dual_scales"),
        )
        self.fractions, self.ordinals = nd("fractions"), nd("ordinals")
        self.one_words, self.one_of = ns("one_words"), ns("one_of_words")
        self.teen_suffix, self.hundred_words = ns("teen_suffix"), ns("hundred_words")
        self.blocked, self.function_words = ns("blocked"), ns("function_words")
        self.age_cues, self.age_units = ns("age_cues"), ns("age_units")
        self.year_cues, self.year_markers = ns("year_cues"), ns("year_markers_after")
        self.label_words, self.negators = ns("label_words"), ns("negators")
        self.clitics = tuple(sorted({n(c) for c in d["clitics"]}, key=len, reverse=True))
        self.partitive = n(d["partitive"])
        # a preposition glued to the article ("بالانفجار") never starts a counted noun
        self._not_noun = (*(c + _ARTICLE for c in self.clitics if len(c) == 1), "لل")
        word_prefix = phrase_regex(self.clitics)
        digit_prefix = phrase_regex([*self.clitics, *(n(p) for p in d["digit_prefixes"])])
        self.clock_cues = frozenset(n(c).split()[-1] for c in d["clock_cues"])
        self.vague: dict[str, list[tuple[tuple[str, ...], float | None, float | None]]] = {}
        for v in d["vague"]:
            words = tuple(n(v["phrase"]).split())
            self.vague.setdefault(words[0], []).append((words[1:], v["low"], v["high"]))
        for alts in self.vague.values():
            alts.sort(key=lambda a: -len(a[0]))
        self.lemma: dict[str, str] = {}
        self.duals: dict[str, str] = {}
        self.singulars: frozenset[str] = frozenset(n(e["singular"]) for e in d["nouns"])
        for e in d["nouns"]:
            sing = n(e["singular"])
            for form in [sing, *e.get("plural", [])]:
                self.lemma[n(form)] = sing
            for form in e.get("dual", []):
                self.duals[n(form)] = sing
        months = [n(m["name"]) for m in dates["months"]]
        self.month_names = frozenset(months)
        self.month_first = frozenset(m.split()[0] for m in months)
        self.weekdays = frozenset(n(w) for w in dates["weekdays"])
        defin = ns("definite_cardinals")
        bare = ns("bare_ordinals")
        self.number_words = frozenset(
            [
                *self.units,
                *self.ten,
                *self.tens,
                *self.hundreds,
                *self.scales,
                *self.dual_scales,
                *self.fractions,
            ]
        )
        cand = set(self.number_words) | set(self.vague) | set(self.duals) | bare
        cand |= {_ARTICLE + w for w in defin} | {_ARTICLE + w for w in self.ordinals}
        self.definite = frozenset(_ARTICLE + w for w in defin)
        self._cand = re.compile(
            rf"(?<!\w)(?:(?P<p>{word_prefix})??(?P<w>{trie_regex(cand)})(?!\w)"
            rf"|{digit_prefix}?(?P<d>\d+(?:[.,]\d+)*))"
        )
        roles = {k: phrase_regex(n(u) for u in v) for k, v in d["unit_roles"].items()}
        self._units = re.compile(
            rf"{_SP}*[)/\]]?{_SP}*(?:"
            + "|".join(
                f"(?P<{k}>{'(?:ال)?' if k == 'duration' else ''}{v})" for k, v in roles.items()
            )
            + r")(?![^\W\d_])"
        )
        self._duration_words = frozenset(n(u) for u in d["unit_roles"]["duration"])
        qb = {k: phrase_regex(n(p) for p in v) for k, v in d["qualifiers_before"].items()}
        self._qual_before = re.compile(
            rf"(?<!\w){word_prefix}?(?:"
            + "|".join(f"(?P<{k}>{v})" for k, v in qb.items())
            + rf"){_SP}*\(?{_SP}*\Z"
        )
        qa = {k: phrase_regex(n(p) for p in v) for k, v in d["qualifiers_after"].items()}
        self._qual_after = re.compile(
            rf"{_SP}*[,،]?{_SP}*(?:" + "|".join(f"(?P<{k}>{v})" for k, v in qa.items()) + r")(?!\w)"
        )
        self._range_before = re.compile(
            rf"(?<!\w){word_prefix}?{phrase_regex(n(p) for p in d['range_before'])}{_SP}*\Z"
        )
        self._range_mid = re.compile(
            rf"{_SP}*{phrase_regex(n(p) for p in d['range_joiners'])}{_SP}*(?:{_ARTICLE})?\Z"
        )
        of, month_word = re.escape(self.partitive), phrase_regex(n(w) for w in dates["month_word"])
        self._month_after = re.compile(
            rf"{_SP}*[./-]?{_SP}*(?:{of}{_SP}+)?(?:{month_word}{_SP}+)?"
            rf"{phrase_regex(months)}(?!\w)"
        )
        parts = [n(p) for p in dates["parts_after"]]
        parts += [f"{self.partitive} {n(p)}" for p in dates["parts_of_day"]]
        self._part_after = re.compile(rf"{_SP}*{phrase_regex(parts)}(?!\w)")

    # ------------------------------------------------------------------ public API

    def find(self, norm_text: str) -> list[NumberHit]:
        """All numbers in ``norm_text`` (normalised), in text order."""
        text = norm_text
        found: list[_Num] = []
        consumed = 0
        for m in self._cand.finditer(text):
            start = m.start("w") if m.group("w") else m.start("d")
            if start < consumed:
                continue
            num = self._read(text, m, start)
            if num is not None:
                found.append(num)
                consumed = num.end
        found = self._merge_ranges(text, found)
        found += self._coordinated_singulars(text, found)
        found.sort(key=lambda x: x.start)
        return [x.hit() for x in found]

    def value_at(self, norm_text: str, pos: int) -> tuple[int, int] | None:
        """Read a cardinal (digits or words, with scales) starting exactly at ``pos``:
        ``(value, end)``, or None."""
        toks = tokens_at(norm_text, pos, 8)
        if not toks or toks[0][0] != pos:
            return None
        first = toks[0][2]
        if first in self.definite:
            first = first.removeprefix(_ARTICLE)
        got = self._machine(toks, first)
        if got is None or got[0] != int(got[0]):
            return None
        return int(got[0]), toks[got[1]][1]

    def __call__(self, article: Article) -> None:
        """Fill ``article.numbers`` from ``article.norm_text``."""
        out: list[NumberSpan] = []
        offsets = article.norm_offsets
        for h in self.find(article.norm_text):
            noun_end = offsets[h.noun_end - 1] + 1 if h.noun_end else None
            out.append(
                NumberSpan(
                    article.norm_span(h.start, h.end),
                    h.value,
                    h.low,
                    h.high,
                    h.qualifier,
                    h.role,
                    h.noun,
                    noun_end,
                )
            )
        article.numbers = out

    # ------------------------------------------------------------------ reading

    def _kind(self, w: str) -> tuple[int, float] | None:
        if w[0].isdecimal():
            v = parse_digits(w)
            return None if v is None else (_N, v)
        for table, kind in (
            (self.units, _U),
            (self.ten, _TEN),
            (self.tens, _T),
            (self.hundreds, _H),
            (self.scales, _S),
            (self.dual_scales, _SD),
            (self.fractions, _F),
        ):
            if w in table:
                return kind, table[w]
        return None

    def _machine(
        self, toks: list[Tok], first: str, first_value: float | None = None
    ) -> tuple[float, int, float | None] | None:
        """Read digits or number words from ``toks[0]`` (read as ``first``, worth
        ``first_value`` when given): (value, last token index, last scale)."""
        total = group = last_val = 0.0
        last, last_scale, end_i, i = -1, None, -1, 0
        saved: tuple[float, int, int] | None = None  # state before a group after a scale
        while i < len(toks):
            w, waw, j = (first if i == 0 else toks[i][2]), False, i
            if i > 0 and w == "و" and i + 1 < len(toks):
                waw, j, w = True, i + 1, toks[i + 1][2]
            elif i > 0 and w.startswith("و") and len(w) > 2:
                plain = self._kind(w)  # "واحد" is "one", or "و" + "احد" after a hundred
                if plain is None or (last, plain[0]) not in _PLAIN_OK:
                    waw, w = True, w[1:]
            k = self._kind(w)
            if k is None:
                break
            kind, v = k
            if i == 0 and first_value is not None:
                v = first_value
            if i > 0 and (last, kind) not in (_WAW_OK if waw else _PLAIN_OK):
                break
            if waw and last in (_S, _SD):
                saved = (total, end_i, last)
            if kind == _TEN and last == _U and not waw:
                group, kind = group + 10, _TEEN
            elif kind == _H and last == _U and not waw:
                if w not in self.hundred_words or not 3 <= last_val <= 9:
                    break
                group += last_val * 99
            elif kind == _S:
                if last_scale is not None and v >= last_scale:
                    if saved is not None:  # "3.5 مليون و 3 مليار": two numbers
                        total, end_i, last = saved
                        group = 0.0
                    break
                total, group, last_scale = total + (group or 1) * v, 0.0, v
            elif kind == _SD:
                if group or (last_scale is not None and v / 2 >= last_scale):
                    break
                total, last_scale = total + v, v / 2
            elif kind == _F and waw and last_scale is not None:
                total += v * last_scale
            else:
                group += v
            last, last_val, end_i, i = kind, v, j, j + 1
        if end_i < 0 or (last == _F and last_scale is None):
            return None
        return total + group, end_i, last_scale

    def _read(self, text: str, m: re.Match[str], start: int) -> _Num | None:
        word = m.group("w")
        if word is None:
            return self._read_digits(text, start, m.group("d"))
        if word in self.blocked or m.group(0) in self.blocked:
            return None
        before = tokens_before(text, start, 3)
        toks = tokens_at(text, start, 9)
        nxt = toks[1][2] if len(toks) > 1 else ""
        for rest, low, high in self.vague.get(word, ()):
            if tuple(t[2] for t in toks[1 : 1 + len(rest)]) == rest:
                end = toks[len(rest)][1]
                num = _Num(start, end, None, low, high, "vague", kind="vague")
                return self._attach(text, num)
        if word in self.duals:
            if before and before[-1][2] in self.duals:  # "رتلان عسكريان": an adjective
                return None
            end = toks[1][1] if self.units.get(nxt) == 2 else toks[0][1]  # "جثتين اثنتين"
            num = _Num(start, end, 2, noun=self.duals[word], noun_end=toks[0][1], kind="dual")
            return self._attach(text, num)
        if word in self.one_of and nxt not in self.teen_suffix:
            if any(t[2] in self.negators for t in before):
                return None
            return self._attach(text, _Num(start, toks[0][1], 1, kind="one_of"))
        if word in self.one_words and not (nxt.startswith("و") and nxt[1:] in self.tens):
            return self._read_one(text, toks, start)
        base = word.removeprefix(_ARTICLE)
        if base in self.ordinals and (base != word or word not in self.number_words):
            return self._read_ordinal(text, toks, start, word, base)
        first = base if word in self.definite else word
        got = self._machine(toks, first)
        if got is None:
            if first in self.fractions:
                return self._attach(
                    text, _Num(start, toks[0][1], None, role="other", kind="fraction")
                )
            return None
        value, end_i, scale = got
        kind = "definite" if word in self.definite else "words"
        return self._attach(text, _Num(start, toks[end_i][1], value, kind=kind, scale=scale))

    def _read_digits(self, text: str, start: int, word: str) -> _Num | None:
        if m := _DATE_NUM.match(text, start):
            return _Num(start, m.end(), None, role="other", kind="special")
        if m := _CLOCK_NUM.match(text, start):
            return _Num(start, m.end(), None, role="time", kind="special")
        m = (_PHONE_PLUS if text[start - 1 : start] == "+" else _PHONE).match(text, start)
        if m and sum(c.isdigit() for c in m.group()) >= 7:
            return _Num(start, m.end(), None, role="phone", kind="special")
        toks = tokens_at(text, start, 9)
        scale_follows = len(toks) > 1 and toks[1][2] in self.scales
        value = parse_digits(word, scale_follows)
        if value is None:
            return None
        got = self._machine(toks, word, value)
        if got is None:
            return None
        total, end_i, scale = got
        return self._attach(text, _Num(start, toks[end_i][1], total, kind="digits", scale=scale))

    def _read_one(self, text: str, toks: list[Tok], start: int) -> _Num | None:
        prev = tokens_before(text, start, 1)
        for s in stems(prev[0][2], self.clitics) if prev else ():
            if strip_tanween(s) in self.singulars:
                noun = strip_tanween(s)
                role: NumberRole = "other" if noun in self._duration_words else "count"
                return _Num(
                    prev[0][1] - len(s),
                    toks[0][1],
                    1,
                    role=role,
                    noun=noun,
                    noun_end=prev[0][1],
                    kind="one",
                )
        if len(toks) > 2 and toks[1][2] == self.partitive:
            return self._attach(text, _Num(start, toks[0][1], 1, kind="one_of"))
        return None

    def _read_ordinal(
        self, text: str, toks: list[Tok], start: int, word: str, base: str
    ) -> _Num | None:
        prev = tokens_before(text, start, 1)
        if prev and f"{prev[0][2]} {word}" in self.month_names:
            return None
        value, end = self.ordinals[base], toks[0][1]
        if len(toks) > 1 and toks[1][2] in self.teen_suffix:
            value, end = value + 10, toks[1][1]
        return self._attach(text, _Num(start, end, value, kind="ordinal"))

    # ------------------------------------------------------------------ role, noun, qualifier

    def _noun_like(self, w: str) -> bool:
        return (
            len(w) >= 2
            and is_arabic_letter(w[0])
            and not w.startswith(self._not_noun)
            and w not in self.function_words
            and w not in self.number_words
            and w not in self.month_first
            and w not in self.weekdays
            and not (w[0] == "و" and w[1:] in self.function_words)
        )

    def _noun_after(self, text: str, num: _Num) -> tuple[str, int] | None:
        toks = tokens_at(text, num.end, 3)
        opener = text[max(0, num.start - 2) : num.start].strip(" \t")[-1:]
        i = 1 if toks and opener in _OPEN_CLOSE and toks[0][2] == _OPEN_CLOSE[opener] else 0
        if i >= len(toks):
            return None
        via_min = toks[i][2] == self.partitive and i + 1 < len(toks)
        if via_min:
            i += 1
        w = toks[i][2]
        if not self._noun_like(w):
            return None
        if via_min and not (w.startswith(_ARTICLE) or w in self.lemma or num.kind == "vague"):
            return None
        if (via_min or num.kind in ("vague", "one_of")) and w.startswith(_ARTICLE) and len(w) > 4:
            w = w[2:]
        return strip_tanween(w), toks[i][1]

    def _attach(self, text: str, num: _Num) -> _Num | None:
        num.role = self._role(text, num)
        if num.role == "count" and num.noun is None and num.kind != "definite":
            got = self._noun_after(text, num)
            if got:
                num.noun, num.noun_end = got
            elif num.kind == "one_of":
                return None
        self._qualify(text, num)
        return num

    def _role(self, text: str, num: _Num) -> NumberRole:
        if num.kind == "special" or num.role != "count":
            return num.role
        start, end = num.start, num.end
        before = tokens_before(text, start, 3)
        prev = before[-1][2] if before else ""
        prev_stems = set(stems(prev, self.clitics))
        paren = text[max(0, start - 2) : start].strip(" \t").endswith("(")
        um = self._units.match(text, start if num.kind == "dual" else end)
        if um and (num.kind != "dual" or um.end() == end):
            unit = um.lastgroup or ""
            u = strip_tanween(um.group(unit).strip(" \t)"))
            if num.kind != "dual":
                num.noun, num.noun_end = u, um.end()
            if unit == "duration":
                aged = paren or any(
                    s in self.age_cues for t in before for s in stems(t[2], self.clitics)
                )
                return "age" if aged and u in self.age_units else "other"
            return unit  # type: ignore[return-value]
        if text[start - 1 : start] == "%":
            return "percent"
        if prev_stems & self.clock_cues or self._part_after.match(text, end):
            return "time"
        if self._month_after.match(text, end):
            return "other"
        if num.kind == "digits" and num.value is not None and text[start:end].isdigit():
            joined = " ".join(t[2] for t in before[-2:])
            after = tokens_at(text, end, 1)
            nxt = after[0][2] if after else ""
            dated = prev in self.month_names or joined in self.month_names
            if (
                (100 <= num.value <= 2100 and (dated or nxt in self.year_markers))
                or (1800 <= num.value <= 2100 and prev_stems & self.year_cues)
                or (1900 <= num.value <= 2100 and not self._noun_like(nxt))
            ):
                return "year"
        if any(s in self.label_words for t in before[-2:] for s in stems(t[2], self.clitics)):
            return "other"
        if num.kind == "definite" and prev.removeprefix(_ARTICLE) in self._duration_words:
            return "other"
        if prev_stems & self.age_cues:
            return "age"
        if num.kind == "ordinal":
            return "ordinal"
        return "count"

    def _qualify(self, text: str, num: _Num) -> None:
        if num.kind == "vague" or num.value is None:
            return
        qual: str | None = None
        if mb := self._qual_before.search(text, max(0, num.start - 45), num.start):
            qual = mb.lastgroup
        elif ma := self._qual_after.match(text, num.noun_end or num.end):
            qual = ma.lastgroup
        if qual == "approx":
            num.qualifier = "approx"
        elif qual == "at_least":
            num.qualifier, num.low = "at_least", num.value
        elif qual == "at_most":
            num.qualifier, num.high = "at_most", num.value

    # ------------------------------------------------------------------ post-passes

    def _merge_ranges(self, text: str, found: list[_Num]) -> list[_Num]:
        """ "(ما) بين 400 و500 مقاتل", "95 - 100": one hit with low/high."""
        out: list[_Num] = []
        for num in found:
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev.noun is None
                and prev.value is not None
                and num.value is not None
                and prev.qualifier in ("exact", "approx")
                and prev.kind not in ("special", "ordinal", "vague")
                and num.kind not in ("special", "ordinal", "vague")
                and self._range_mid.match(text[prev.end : num.start])
                and (
                    self._range_before.search(text, max(0, prev.start - 12), prev.start)
                    or "-" in text[prev.end : num.start]
                )
            ):
                low = prev.value
                if prev.scale is None and num.scale is not None and low * num.scale <= num.value:
                    low *= num.scale
                if low < num.value:
                    role = num.role
                    if (
                        role == "other"
                        and num.noun in self.age_units
                        and any(
                            s in self.age_cues
                            for t in tokens_before(text, prev.start, 3)
                            for s in stems(t[2], self.clitics)
                        )
                    ):
                        role = "age"
                    out[-1] = replace(
                        num,
                        start=prev.start,
                        value=None,
                        low=low,
                        high=num.value,
                        qualifier="approx",
                        role=role,
                    )
                    continue
            out.append(num)
        return out

    def _coordinated_singulars(self, text: str, found: list[_Num]) -> list[_Num]:
        """ "اعتقلت شخصين من X وشخص من Y": a bare singular coordinated after a count of the
        same noun counts one."""
        extra: list[_Num] = []
        starts = sorted(x.start for x in found if x.role == "count")
        for num in found:
            lemma = self.lemma.get(num.noun or "") or (num.noun if num.kind == "dual" else None)
            if num.role != "count" or num.noun_end is None or lemma is None:
                continue
            limit = next((s for s in starts if s > num.noun_end), len(text))
            for s, e, w in tokens_at(text, num.noun_end, 10):
                if s >= limit or w in ("\n", ".", "؟", "!", "؛"):
                    break
                if w[0] == "و" and strip_tanween(w[1:]) == lemma:
                    extra.append(_Num(s + 1, e, 1, noun=lemma, noun_end=e, kind="one"))
                    break
        return extra
