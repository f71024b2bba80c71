"""Time expressions in normalised Arabic news text, resolved against the publication date.

:class:`TimeReader` finds weekday names ("يوم الاحد", "الثلاثاء الماضي", "ليله الخميس/الجمعه"),
today/yesterday/tomorrow words ("فجر اليوم", "مساء امس", "اول من امس"), parts of the day,
"ago" phrases ("قبل يومين", "منذ ثلاثه ايام"), periods ("الاسبوع الماضي", "العام الماضي"),
"the past hours" phrases, clock times ("الساعه الخامسه مساء"), and absolute dates in the
Levantine, Egyptian, Maghrebi and Algerian month systems, numeric dates and Hijri dates
(converted with ``hijridate``). Every word lives in ``rasad/data/dates.json``.

Relative expressions resolve against the publication date: a bare weekday is the latest
such day on or before it; "الماضي" means strictly before and "المقبل" strictly after. With
no publication date the weekday is kept and the date stays None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Self

from hijridate import Gregorian, Hijri

from rasad.model import Article, DatePrecision, TimeSpan
from rasad.recognize.numbers import (
    LexiconError,
    NumberReader,
    Tok,
    phrase_regex,
    read_lexicon,
    tokens_at,
    tokens_before,
    trie_regex,
)
from rasad.text.normalize import Normalizer

_SP = "[ \t]"
_ARTICLE = "ال"  # the definite article (grammar, not lexicon)
_NIGHT = ("night", "midnight")
_PRECISIONS: dict[str, DatePrecision] = {
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}


@dataclass(slots=True, frozen=True)
class TimeHit:
    """A time expression found in normalised text; offsets index that text."""

    start: int
    end: int
    date: dt.date | None
    precision: DatePrecision | None
    weekday: int | None = None
    part_of_day: str | None = None
    relative: bool = False
    absolute: bool = False


class _Phrases:
    """Multi-word phrases looked up token by token."""

    def __init__(self, items: Iterable[tuple[str, Any]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, payload in items:
            words = tuple(phrase.split())
            self._by_first.setdefault(words[0], []).append((words, payload))
        for alts in self._by_first.values():
            alts.sort(key=lambda a: -len(a[0]))

    def firsts(self) -> list[str]:
        return list(self._by_first)

    def match(self, toks: list[Tok], i: int) -> tuple[Any, int] | None:
        """(payload, number of tokens) of the longest phrase starting at ``toks[i]``."""
        if i >= len(toks):
            return None
        for words, payload in self._by_first.get(toks[i][2], ()):
            if tuple(t[2] for t in toks[i + 1 : i + len(words)]) == words[1:]:
                return payload, len(words)
        return None


def _add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class TimeReader:
    """Finds and resolves time expressions. Build once with :meth:`load` and reuse."""

    def __init__(self, data: dict[str, Any], numbers: NumberReader) -> None:
        self._numbers = numbers
        norm = Normalizer.from_file().text

        def n(s: str) -> str:
            return " ".join(norm(s).split())

        try:
            self._build(data, n)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise LexiconError(f"dates lexicon: bad or missing section: {exc}") from exc

    @classmethod
    def load(cls, extra: Sequence[Path] = (), numbers: NumberReader | None = None) -> Self:
        """The packaged lexicon plus optional user files (same layout as dates.json)."""
        return cls(read_lexicon("dates.json", extra), numbers or NumberReader.load())

    def _build(self, d: dict[str, Any], n: Callable[[str], str]) -> None:
        def ns(key: str) -> frozenset[str]:
            return frozenset(n(w) for w in d[key])

        self.weekdays = {n(k): int(v) for k, v in d["weekdays"].items()}
        self.wd_block_before, self.wd_block_after = (
            ns("weekday_blockers_before"),
            ns("weekday_blockers_after"),
        )
        self.months: dict[str, tuple[int, str, bool]] = {
            n(m["name"]): (int(m["month"]), str(m["calendar"]), bool(m.get("strict", False)))
            for m in d["months"]
        }
        self.day_words = _Phrases(
            (n(e["phrase"]), (int(e["offset"]), e.get("part"))) for e in d["day_words"]
        )
        self.day_block = ns("day_word_blockers_after")
        self.day_prefix = ns("day_prefix")
        parts = {n(k): str(v) for k, v in d["parts_of_day"].items()}
        self.parts = _Phrases(parts.items())
        missing = [w for w in d["parts_after"] if n(w) not in parts]
        if missing:
            raise LexiconError(f"dates lexicon: parts_after not in parts_of_day: {missing}")
        self.parts_after = {n(w): parts[n(w)] for w in d["parts_after"]}
        self.pair_seps = ns("weekday_pair_separators")
        mods = d["modifiers"]
        self.mod: dict[str, str] = {
            n(w): kind for kind in ("past", "next", "current") for w in mods[kind]
        }
        self.current_before = ns("current_before")
        self.periods: dict[str, DatePrecision] = {
            n(k): _PRECISIONS[v] for k, v in d["periods"].items()
        }
        self.ago_words, self.clock_cues = ns("ago_words"), ns("clock_cues")
        self.since = ns("past_cues_before")
        self._past_word = n(mods["past"][0])
        self.ago_fill = _Phrases((n(p), True) for p in d["ago_fillers"])
        self.ago_units = {n(k): (v[0], v[1]) for k, v in d["ago_units"].items()}
        self.clock_fill = _Phrases((n(p), True) for p in d["clock_fillers"])
        self.tolerance = dt.timedelta(days=int(d["future_tolerance_days"]))
        self.hijri_markers = ns("hijri_markers")
        self.day_of_month = {n(k): int(v) for k, v in d["day_of_month_words"].items()}

        self.partitive = n(d["partitive"])
        of = re.escape(self.partitive)
        pfx = phrase_regex(n(c) for c in d["clitics"])
        months = phrase_regex(self.months)
        mods_re = phrase_regex(self.mod)
        era = phrase_regex([*self.hijri_markers, *(n(w) for w in d["gregorian_markers"])])
        year_cue = phrase_regex(n(w) for w in d["year_cues"])
        shahr = phrase_regex(n(w) for w in d["month_word"])
        pair = (
            rf"(?:{_SP}*[/-]{_SP}*(?P<m2>{months})(?!\w)"
            rf"|{_SP}*\({_SP}*(?P<m2b>{months}){_SP}*\))?"
        )
        tail = (
            rf"(?:{_SP}*[,،./-]?{_SP}*(?:{of}{_SP}+)?(?:{year_cue}{_SP}+)?"
            rf"(?P<year>\d{{4}})(?!\d)(?:{_SP}*(?P<era>{era})(?!\w))?"
            rf"|{_SP}+(?:{of}{_SP}+)?(?P<yrel>{year_cue}){_SP}+(?P<yrelmod>{mods_re})(?!\w)"
            rf"|{_SP}+(?P<mod>{mods_re})(?!\w))"
        )
        self._abs = [
            re.compile(
                rf"(?<!\w)(?:ال)?(?:(?P<day>\d{{1,2}})(?!\d)|(?P<dayw>"
                rf"{phrase_regex(self.day_of_month)})){_SP}*(?:[./-]{_SP}*)?"
                rf"(?:{of}{_SP}+)?(?:{shahr}{_SP}+)?(?P<m1>{months})(?!\w){pair}{tail}?"
            ),
            re.compile(
                r"(?<![\d.])(?:(?P<nd>\d{1,2})(?P<s>[./-])(?P<nm>\d{1,2})(?P=s)"
                r"(?P<ny>\d{4})|(?P<ny2>\d{4})(?P<s2>[./-])(?P<nm2>\d{1,2})(?P=s2)"
                r"(?P<nd2>\d{1,2}))(?!\d)"
            ),
            re.compile(
                rf"(?<!\w)(?:(?:{of}{_SP}+)?(?P<shahr>{shahr}){_SP}+)?(?P<m1>{months})(?!\w)"
                rf"{pair}{tail}"
            ),
            re.compile(
                rf"(?<!\w)(?:{pfx}?(?:{phrase_regex(n(w) for w in d['month_preps'])})"
                rf"{_SP}+(?:(?P<shahr>{shahr}){_SP}+)?|(?P<shahr2>{shahr}){_SP}+)"
                rf"(?P<m1>{months})(?!\w){pair}(?:{_SP}+(?P<mod>{mods_re})(?!\w))?"
            ),
            re.compile(
                rf"(?<!\w)(?:{pfx}|لل)?(?:{year_cue}|"
                rf"{phrase_regex(n(w) for w in d['year_preps'])})"
                rf"(?:{_SP}+{year_cue})?{_SP}+(?P<year>(?:1[89]|20)\d\d|1[34]\d\d(?="
                rf"{_SP}*(?:{era})))(?!\d)(?:{_SP}*(?P<era>{era})(?!\w))?"
            ),
        ]
        recent: dict[DatePrecision, list[str]] = {}
        for e in d["recent"]:
            if e["precision"] not in _PRECISIONS:
                raise LexiconError(f"dates lexicon: bad precision in recent: {e!r}")
            rx = re.escape(n(e["phrase"])).replace(r"\ ", _SP + "+")
            rx = rx.replace(f"ال{_SP}+\\#", r"ال[ \t]*\d+").replace("\\#", r"(?:\d+|[^\W\d_]+)")
            recent.setdefault(_PRECISIONS[e["precision"]], []).append(rx)
        lead = phrase_regex(n(w) for w in d["recent_lead"])
        self._recent = re.compile(
            rf"(?<!\w)(?:{lead}{_SP}+)?(?:"
            + "|".join(f"(?P<{p}>{'|'.join(v)})" for p, v in recent.items())
            + r")(?!\w)"
        )
        last_words = {n(e["phrase"]).split()[-1] for e in d["recent"]}
        self._trigger = re.compile(
            rf"(?P<d>\d+)|(?<!\w)(?:(?P<m>{trie_regex(m.split()[0] for m in self.months)})"
            rf"|(?P<r>{trie_regex(last_words)}))(?!\w)"
        )
        anchors = {
            *self.day_words.firsts(),
            *self.parts.firsts(),
            *self.day_prefix,
            *self.weekdays,
            *self.periods,
            *self.current_before,
            *self.ago_words,
            *self.clock_cues,
        }
        self._anchor = re.compile(rf"(?<!\w){pfx}??(?P<w>{trie_regex(anchors)})(?!\w)")

    # ------------------------------------------------------------------ public API

    def find(self, norm_text: str, published: dt.date | None) -> list[TimeHit]:
        """All time expressions in ``norm_text`` (normalised), in text order."""
        text = norm_text
        taken = self._scan_absolute(text, published)
        by_start = {h.start: h for h in taken}
        out: list[TimeHit] = []
        consumed = 0
        j = 0
        for m in self._anchor.finditer(text):
            start = m.start("w")
            while j < len(taken) and taken[j].end <= start:
                if taken[j].start >= consumed:
                    out.append(taken[j])
                    consumed = taken[j].end
                j += 1
            if start < consumed or (j < len(taken) and taken[j].start <= start):
                continue
            hit = self._relative(text, start, published, by_start)
            if hit is not None:
                out.append(hit)
                consumed = hit.end
                while j < len(taken) and taken[j].start < consumed:
                    j += 1
        out += [h for h in taken[j:] if h.start >= consumed]
        return out

    def _scan_absolute(self, text: str, pub: dt.date | None) -> list[TimeHit]:
        """Absolute dates, years and "the past hours" phrases. One trigger scan (digits,
        month names, the last word of the phrases) proposes start positions; at each, the
        specific patterns are tried with ``match`` and the longest match wins."""
        out: list[TimeHit] = []
        covered = 0
        for t in self._trigger.finditer(text):
            if t.start() < covered:
                continue
            before = [b[0] for b in tokens_before(text, t.start(), 6)]
            cands: list[tuple[int, int]]
            if t.lastgroup == "d":
                s = t.start() - 2 if text[t.start() - 2 : t.start()] == _ARTICLE else t.start()
                cands = [(s, 0), (t.start(), 1)]
                if len(t.group()) == 4:
                    cands += [(b, 4) for b in before[-3:]]
            elif t.lastgroup == "m":
                cands = [(b, 0) for b in before[-4:]] + [(t.start(), 2)]
                cands += [(b, k) for b in before[-3:] for k in (2, 3)]
            else:
                cands = [(b, 5) for b in before]
            best: tuple[tuple[int, int, int], int, re.Match[str]] | None = None
            for start, k in cands:
                m = (self._abs[k] if k < 5 else self._recent).match(text, start)
                if m and m.end() > t.start() and m.start() >= covered:
                    key = (m.end(), -k, -m.start())
                    if best is None or key > best[0]:
                        best = (key, k, m)
            if best is None:
                continue
            _, k, m = best
            if k == 5:
                prec = _PRECISIONS[m.lastgroup or "day"]
                hit: TimeHit | None = TimeHit(
                    m.start(), m.end(), pub, prec if pub else None, relative=True
                )
            else:
                hit = self._absolute(k, m, pub)
            if hit is not None:
                out.append(hit)
                covered = hit.end
        return out

    def __call__(self, article: Article) -> None:
        """Fill ``article.times`` from ``article.norm_text`` and ``article.published``."""
        article.times = [
            TimeSpan(
                article.norm_span(h.start, h.end),
                h.date,
                h.precision,
                h.weekday,
                h.part_of_day,
                h.relative,
                h.absolute,
            )
            for h in self.find(article.norm_text, article.published)
        ]

    # ------------------------------------------------------------------ absolute dates

    def _month(self, name: str | None) -> tuple[int, str, bool] | None:
        return None if name is None else self.months.get(" ".join(name.split()))

    def _absolute(self, kind: int, m: re.Match[str], pub: dt.date | None) -> TimeHit | None:
        g = m.groupdict()
        if kind == 1:  # numeric: dd.mm.yyyy or yyyy-mm-dd
            y, mo, day = (g["ny"], g["nm"], g["nd"]) if g["ny"] else (g["ny2"], g["nm2"], g["nd2"])
            try:
                numeric = dt.date(int(y), int(mo), int(day))
            except ValueError:
                return None
            return TimeHit(m.start(), m.end(), numeric, "day", absolute=True)
        if kind == 4:  # a year
            number = int(g["year"])
            start = self._convert(
                number,
                1,
                1,
                "hijri" if g["era"] in self.hijri_markers or number < 1600 else "gregorian",
            )
            return TimeHit(m.start(), m.end(), start, "year", absolute=True) if start else None
        month = self._month(g["m1"])
        if month is None:
            return None
        number, calendar, strict = month
        day = (
            int(g["day"])
            if g.get("day")
            else self.day_of_month.get(" ".join((g.get("dayw") or "").split()), 0)
        )
        year = int(g["year"]) if g.get("year") else None
        if strict and not (
            day
            or year
            or g.get("m2")
            or g.get("m2b")
            or g.get("mod")
            or g.get("yrel")
            or g.get("shahr")
            or g.get("shahr2")
        ):
            return None
        if year is not None and g.get("era") in self.hijri_markers:
            calendar = "hijri"
        precision: DatePrecision = "day" if day else "month"
        if year is not None:
            date = self._convert(year, number, day or 1, calendar)
            return TimeHit(m.start(), m.end(), date, precision, absolute=True) if date else None
        if pub is None:
            return TimeHit(m.start(), m.end(), None, None, absolute=True)
        if g.get("yrel") and calendar == "gregorian":  # "العشرين من مايو العام الماضي"
            step = {"past": -1, "next": 1}.get(self.mod.get(" ".join(g["yrelmod"].split()), ""), 0)
            date = self._convert(pub.year + step, number, day or 1, calendar)
            return (
                TimeHit(m.start(), m.end(), date, precision, relative=True, absolute=True)
                if date
                else None
            )
        mod = g.get("mod")
        before = tokens_before(m.string, m.start(), 1)
        if mod is None and before and before[0][2] in self.since:
            mod = self._past_word
        date = self._infer_year(number, day or 1, calendar, pub, mod, day == 0)
        if date is None:
            return None
        return TimeHit(m.start(), m.end(), date, precision, relative=True, absolute=True)

    @staticmethod
    def _convert(year: int, month: int, day: int, calendar: str) -> dt.date | None:
        try:
            if calendar == "hijri":
                return dt.date(*Hijri(year, month, day).to_gregorian().datetuple())
            return dt.date(year, month, day)
        except (ValueError, OverflowError):
            return None

    def _infer_year(
        self, month: int, day: int, calendar: str, pub: dt.date, mod: str | None, whole_month: bool
    ) -> dt.date | None:
        """The date of day/month in the year that fits the publication date."""
        kind = self.mod.get(" ".join((mod or "").split()))
        try:
            base = Gregorian.fromdate(pub).to_hijri().year if calendar == "hijri" else pub.year
        except (ValueError, OverflowError):  # outside the range hijridate covers
            return None
        ref = pub.replace(day=1) if whole_month else pub
        for year in (base, base - 1, base + 1):
            date = self._convert(year, month, day, calendar)
            if date is None:
                continue
            if (kind == "past" and date >= ref) or (kind == "next" and date <= ref):
                continue
            if kind is None and (pub.toordinal() + self.tolerance.days < date.toordinal()):
                continue
            if kind is None and year == base + 1:
                continue
            return date
        return None

    # ------------------------------------------------------------------ relative phrases

    def _relative(
        self, text: str, start: int, pub: dt.date | None, absolute: dict[int, TimeHit]
    ) -> TimeHit | None:
        toks = tokens_at(text, start, 14)
        first = toks[0][2]
        if first in self.ago_words:
            return self._ago(text, toks, pub)
        if first in self.periods or first in self.current_before:
            return self._period(toks, pub)
        i, part, offset, weekday, kind, clock = 0, None, None, None, None, False
        if first in self.clock_cues:
            j = self._clock(toks, 1)
            if j is None:
                return None
            i, clock = j, True
            while (f := self.clock_fill.match(toks, i)) is not None:
                i += f[1]
            if i < len(toks) and toks[i][2] in self.parts_after:
                part, i = self.parts_after[toks[i][2]], i + 1
            if (
                i + 1 < len(toks)
                and toks[i][2] == self.partitive
                and (
                    self.parts.match(toks, i + 1)
                    or self.day_words.match(toks, i + 1)
                    or toks[i + 1][2] in self.day_prefix
                )
            ):
                i += 1
        last = i  # tokens [0, last) belong to the expression
        if (p := self.parts.match(toks, i)) is not None:
            part, i = p[0], i + p[1]
        if (dw := self.day_words.match(toks, i)) is not None and not (
            i + dw[1] < len(toks) and toks[i + dw[1]][2] in self.day_block
        ):
            (offset, night), i = dw[0], i + dw[1]
            part, last = part or night, i
        if (
            i < len(toks)
            and toks[i][2] in self.day_prefix
            and (
                i + 1 < len(toks)
                and (toks[i + 1][2] in self.weekdays or self.day_words.match(toks, i + 1))
            )
        ):
            i += 1
            if offset is None and (dw := self.day_words.match(toks, i)) is not None:
                (offset, night), i = dw[0], i + dw[1]
                last = i
        if i < len(toks) and toks[i][2] in self.day_prefix and offset is None:
            nxt = absolute.get(self._next_start(text, toks, i + 1))
            if nxt is not None:  # "يوم 22 اكتوبر"
                return replace(nxt, start=toks[0][0], part_of_day=part)
        if i < len(toks) and toks[i][2] in self.weekdays and self._weekday_ok(text, toks, i):
            weekday, i = self.weekdays[toks[i][2]], i + 1
            if part in _NIGHT and i < len(toks):  # "ليله الخميس/الجمعه", "ليل السبت الاحد"
                if toks[i][2] in self.weekdays:
                    i += 1
                elif (
                    toks[i][2] in self.pair_seps
                    and i + 1 < len(toks)
                    and (toks[i + 1][2] in self.weekdays)
                ):
                    i += 2
            if i < len(toks) and self.mod.get(toks[i][2]) in ("past", "next"):
                kind, i = self.mod[toks[i][2]], i + 1
            last = i
        if offset is None and weekday is None and not clock:
            nxt = absolute.get(self._next_start(text, toks, i))
            if nxt is None or i == 0 or nxt.precision != "day":
                return None
            return replace(nxt, start=toks[0][0], part_of_day=part)
        if i < len(toks) and toks[i][2] in self.parts_after and part is None and i == last:
            part, last = self.parts_after[toks[i][2]], i + 1
        end = toks[last - 1][1]
        nxt = absolute.get(self._next_start(text, toks, last))
        if nxt is not None:  # "الاحد 22 يونيو 2025", "اليوم الجمعه 31 اذار"
            return replace(nxt, start=toks[0][0], weekday=weekday, part_of_day=part)
        if offset is None and weekday is None:  # a clock time alone: the date is not changed
            return TimeHit(toks[0][0], end, None, None, part_of_day=part)
        try:
            date = self._resolve(pub, offset, weekday, kind)
        except OverflowError:  # at the ends of the calendar
            date = None
        return TimeHit(toks[0][0], end, date, "day" if date else None, weekday, part, relative=True)

    def _weekday_ok(self, text: str, toks: list[Tok], i: int) -> bool:
        before = tokens_before(text, toks[i][0], 1)
        if before and before[0][2] in self.wd_block_before:
            return False
        return not (i + 1 < len(toks) and toks[i + 1][2] in self.wd_block_after)

    @staticmethod
    def _next_start(text: str, toks: list[Tok], i: int) -> int:
        if i < len(toks) and toks[i][2] in (",", "،"):
            i += 1
        if i < len(toks):
            return toks[i][0] - (2 if text[toks[i][0] - 2 : toks[i][0]] == _ARTICLE else 0)
        return -1

    @staticmethod
    def _resolve(
        pub: dt.date | None, offset: int | None, weekday: int | None, kind: str | None
    ) -> dt.date | None:
        if pub is None:
            return None
        if offset is not None:
            return pub + dt.timedelta(days=offset)
        assert weekday is not None
        if kind == "next":
            return pub + dt.timedelta(days=(weekday - pub.weekday()) % 7 or 7)
        back = (pub.weekday() - weekday) % 7
        if kind == "past" and back == 0:
            back = 7
        return pub - dt.timedelta(days=back)

    def _clock(self, toks: list[Tok], i: int) -> int | None:
        """Index after a clock value ("5", "12:30", "الخامسه", "الحاديه عشره")."""
        if i >= len(toks):
            return None
        w = toks[i][2]
        if w.isdecimal() and int(w) <= 24:
            if i + 2 < len(toks) and toks[i + 1][2] == ":" and toks[i + 2][2].isdecimal():
                return i + 3
            return i + 1
        base = w.removeprefix(_ARTICLE)
        if base in self._numbers.ordinals or base in self._numbers.units:
            if i + 1 < len(toks) and toks[i + 1][2] in self._numbers.teen_suffix:
                return i + 2
            return i + 1
        return None

    def _ago(self, text: str, toks: list[Tok], pub: dt.date | None) -> TimeHit | None:
        """ "قبل يومين", "منذ ثلاثه ايام", "منذ نحو 3 اسابيع", "قبل اسبوع"."""
        i = 1
        if (f := self.ago_fill.match(toks, i)) is not None:
            i += f[1]
        if i >= len(toks):
            return None
        count: int | None = None
        unit_i = i
        if toks[i][2] not in self.ago_units:
            got = self._numbers.value_at(text, toks[i][0])
            if got is None:
                return None
            count, end = got
            unit_i = next((k for k in range(i, len(toks)) if toks[k][0] >= end), len(toks))
            if unit_i >= len(toks) or toks[unit_i][2] not in self.ago_units:
                return None
        unit, form = self.ago_units[toks[unit_i][2]]
        if count is None:
            count = {"one": 1, "dual": 2}.get(form)
            if count is None and unit != "hour":
                return None
        hit_end = toks[unit_i][1]
        if pub is None:
            return TimeHit(toks[0][0], hit_end, None, None, relative=True)
        n = count or 0
        precision: DatePrecision = "day" if unit in ("hour", "day") else _PRECISIONS[unit]
        try:
            if unit in ("hour", "day", "week"):
                days = {"hour": 0, "day": n, "week": 7 * n}[unit]
                date = pub - dt.timedelta(days=days)
            elif unit == "month":
                date = _add_months(pub, -n)
            else:
                date = dt.date(pub.year - n, 1, 1)
        except (ValueError, OverflowError):  # "قبل 5000 عام": outside the calendar
            return None
        return TimeHit(toks[0][0], hit_end, date, precision, relative=True)

    def _period(self, toks: list[Tok], pub: dt.date | None) -> TimeHit | None:
        """ "الاسبوع الماضي", "الشهر الجاري", "هذا العام", "العام المقبل"."""
        i, kind = 0, None
        if toks[0][2] in self.current_before:
            i, kind = 1, "current"
        if i >= len(toks) or toks[i][2] not in self.periods:
            return None
        period = self.periods[toks[i][2]]
        if kind is None:
            if i + 1 >= len(toks) or toks[i + 1][2] not in self.mod:
                return None
            kind, i = self.mod[toks[i + 1][2]], i + 1
        step = {"past": -1, "next": 1}.get(kind, 0)
        end = toks[i][1]
        if pub is None:
            return TimeHit(toks[0][0], end, None, None, relative=True)
        try:
            if period == "week":
                date = pub + dt.timedelta(days=7 * step)
            elif period == "month":
                date = _add_months(pub, step)
            else:
                date = dt.date(pub.year + step, 1, 1)
        except (ValueError, OverflowError):  # at the ends of the calendar
            return None
        return TimeHit(toks[0][0], end, date, period, relative=True)
