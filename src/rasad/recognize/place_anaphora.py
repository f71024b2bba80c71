"""Place anaphora: "أحياء البلدة", "بريف المدينة", "داخل المخيم" name a place said before.

A definite feature noun standing alone (not followed by a name, where it is only a cue)
refers to the latest place of one of its feature types named before it in the article. The
place span it yields keeps the noun's own offsets (provenance) and the antecedent's place;
a proximity word before it ("ريف", "محيط") makes it precision 2, as for a name.

The nouns and their types are data: ``place_cues.json`` → ``anaphors``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rasad.errors import DataFileError

_WORD = re.compile(r"[^\W\d_]+")
_PREV_WORD = re.compile(r"([^\W\d_]+)[^\w]*$")


@dataclass(frozen=True, slots=True)
class Antecedent:
    """A place named in the normalised text: where it is and what feature it is."""

    start: int
    end: int
    feature_type: str
    precision: int
    ref: int  # index into the caller's list of place spans
    role: str = "place"  # place | origin | source | destination
    words: frozenset[str] = frozenset()  # its cue words and the words of its name


@dataclass(frozen=True, slots=True)
class Reference:
    """An anaphoric noun (``start``/``end`` in normalised text) and what it refers to."""

    start: int
    end: int
    ref: int
    precision: int
    cue: str


@dataclass(frozen=True, slots=True)
class PlaceAnaphora:
    """Resolves definite feature nouns to earlier places. Build with :meth:`from_cues`."""

    nouns: dict[str, frozenset[str]]  # normalised noun -> feature types it can refer to
    proximity: dict[str, int]  # normalised one-word proximity cue -> precision
    pattern: re.Pattern[str]  # a noun as a whole word, after clitics (group "noun")
    strip: Callable[[str], list[str]]  # a word and its readings without clitics

    @classmethod
    def from_cues(
        cls, cues: dict[str, Any], key: Callable[[str], str], strip: Callable[[str], list[str]]
    ) -> PlaceAnaphora:
        try:
            nouns = {
                key(w): frozenset(group["types"])
                for group in cues.get("anaphors", [])
                for w in group["words"]
            }
            clitics = sorted({key(p) for p in cues["clitic_prefixes"]}, key=len, reverse=True)
            proximity = {
                key(w): int(group["precision"])
                for group in cues["proximity_cues"]
                for w in group["words"]
                if " " not in w.strip()
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(
                f"place anaphors in place_cues.json are malformed: {exc!r}"
            ) from exc
        clitics = [c for c in clitics if c]
        alt = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True)) or "(?!)"
        bare = "|".join(re.escape(n[2:]) for n in nouns if n.startswith("ال")) or "(?!)"
        pre = "|".join(re.escape(c) for c in clitics) or "(?!)"
        # "البلده", "بالبلده", "وفي" is two words; "للبلده" is ل + the noun whose ال lost its ا
        pattern = re.compile(
            rf"(?<![^\W_])(?:(?:{pre})?(?P<noun>{alt})|ل(?P<lil>ل(?:{bare})))(?![^\W_])"
        )
        return cls(nouns, proximity, pattern, strip)

    def resolve(
        self, text: str, places: Sequence[Antecedent], sentence_starts: Sequence[int] = ()
    ) -> list[Reference]:
        """Every anaphoric noun of ``text`` (normalised) with an antecedent in ``places``
        named in an earlier sentence (within its own sentence the name is already there:
        "حي الشيخ مقصود الحي الوحيد")."""
        if not self.nouns or not places:
            return []
        ordered = sorted(places, key=lambda p: p.start)
        starts = {p.start for p in ordered}
        out: list[Reference] = []
        for m in self.pattern.finditer(text):
            if m.group("noun") is not None:
                noun, noun_start = m.group("noun"), m.start("noun")
            else:
                noun, noun_start = "ا" + m.group("lil"), m.start("lil")
            prev = _PREV_WORD.search(text, max(0, m.start() - 40), m.start())
            before = prev.group(1) if prev is not None else ""
            nxt = _WORD.search(text, m.end())
            if nxt is not None and nxt.start() in starts and nxt.start() - m.end() <= 2:
                continue  # "البلدة X": a cue before a name, not a reference
            antecedent = self._antecedent(noun, m.start(), ordered)
            if antecedent is None or not any(
                antecedent.end <= b <= m.start() for b in sentence_starts
            ):
                continue
            cue = next((w for w in self.strip(before) if w in self.proximity), before)
            near = self.proximity.get(cue)
            out.append(
                Reference(
                    start=noun_start,
                    end=m.end(),
                    ref=antecedent.ref,
                    precision=1 if near is None else max(2, near),
                    cue=noun if near is None else f"{cue} {noun}",
                )
            )
        return out

    def _antecedent(
        self, noun: str, before: int, ordered: Sequence[Antecedent]
    ) -> Antecedent | None:
        """The latest earlier place introduced by the noun's own word ("مدينة القرداحة" for
        "المدينة"), else the latest earlier place of its types that is not only where
        people or a movement came from or went to."""
        types = self.nouns[noun]
        fits = [
            p for p in ordered if p.end <= before and p.feature_type in types and p.precision == 1
        ]
        word = noun[2:] if noun.startswith("ال") else noun
        named = [p for p in fits if word in p.words]
        if named:
            return named[-1]
        plain = [p for p in fits if p.role == "place"]
        return plain[-1] if plain else None
