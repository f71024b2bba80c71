"""Finding event triggers: words and phrases of the trigger lexicon, with clitics."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rasad.events.lexicon import TriggerEntry, TriggerLexicon
from rasad.model import Article, TriggerSpan
from rasad.text.morphology import Morphology, tokenize


@dataclass(slots=True)
class Tokens:
    """Word tokens of an article's normalised text, with their clitic-stripped candidates."""

    spans: list[tuple[int, int]]
    words: list[str]
    candidates: list[list[str]]

    @classmethod
    def of(
        cls,
        norm_text: str,
        morphology: Morphology,
        original: str | None = None,
        offsets: list[int] | None = None,
    ) -> Tokens:
        """Tokens and candidates; with the original text, a final ه that was a ta marbuta
        (ة) is not taken for a pronoun suffix ("قبضة" is not "قبض" + ه)."""
        spans = tokenize(norm_text)
        words = [norm_text[s:e] for s, e in spans]
        if original is None or offsets is None:
            candidates = [morphology.candidates(w) for w in words]
        else:
            candidates = [
                morphology.candidates(w, w.endswith("ه") and original[offsets[e - 1]] == "ة")
                for (_, e), w in zip(spans, words, strict=True)
            ]
        return cls(spans, words, candidates)

    def index_at(self, norm_offset: int) -> int:
        """Index of the first token starting at or after ``norm_offset``."""
        return bisect_left(self.spans, (norm_offset, -1))

    def range_of(self, norm_start: int, norm_end: int) -> range:
        return range(self.index_at(norm_start), self.index_at(norm_end))

    def has_any(self, lo: int, hi: int, words: frozenset[str]) -> str | None:
        """The first token in ``[lo, hi)`` one of whose candidates is in ``words``."""
        for i in range(max(lo, 0), min(hi, len(self.words))):
            for c in self.candidates[i]:
                if c in words:
                    return c
        return None


# how many words from another trigger a weapon noun counts as its instrument
INSTRUMENT_REACH = 6


class TriggerRecognizer:
    """Marks trigger words in an article (``article.triggers``)."""

    def __init__(self, lexicon: TriggerLexicon, morphology: Morphology) -> None:
        self.lexicon = lexicon
        self.morphology = morphology

    def __call__(self, article: Article, tokens: Tokens) -> None:
        found: list[TriggerSpan] = []
        positions: list[tuple[int, int]] = []
        by_first = self.lexicon.by_first
        for sent in article.sentences:
            rng = tokens.range_of(sent.norm_start, sent.norm_end)
            lo, hi = rng.start, rng.stop
            i = lo
            while i < hi:
                if not any(c in by_first for c in tokens.candidates[i]):
                    i += 1
                    continue
                entry, length, kind = self._first_fitting(tokens, i, lo, hi)
                if entry is not None and kind is not None:
                    s = tokens.spans[i][0]
                    e = tokens.spans[i + length - 1][1]
                    found.append(
                        TriggerSpan(
                            article.norm_span(s, e),
                            kind,
                            entry.lemma,
                            weight=entry.weight,
                            instrument=entry.instrument,
                            generic=entry.generic and kind == entry.kind,
                        )
                    )
                    positions.append((i, i + length))
                i += max(length, 1)
        article.triggers = self._drop_instruments(found, positions, article)

    @staticmethod
    def _drop_instruments(
        found: list[TriggerSpan], positions: list[tuple[int, int]], article: Article
    ) -> list[TriggerSpan]:
        """A weapon named near another trigger of its sentence is that trigger's instrument."""
        keep: list[TriggerSpan] = []
        for k, trig in enumerate(found):
            if trig.instrument:
                sent = article.sentence_at(trig.span.start)
                lo, hi = positions[k]
                near = any(
                    not other.instrument
                    and article.sentence_at(other.span.start) is sent
                    and (
                        abs(positions[j][0] - hi) <= INSTRUMENT_REACH
                        or abs(lo - positions[j][1]) <= INSTRUMENT_REACH
                    )
                    for j, other in enumerate(found)
                    if j != k
                )
                if near:
                    continue
            keep.append(trig)
        return keep

    def _first_fitting(
        self, tokens: Tokens, i: int, lo: int, hi: int
    ) -> tuple[TriggerEntry | None, int, str | None]:
        """The longest entry matching at token ``i`` whose context conditions hold."""
        matches: list[tuple[TriggerEntry, int]] = []
        for cand in tokens.candidates[i]:
            for entry in self.lexicon.by_first.get(cand, ()):
                n = len(entry.words)
                if i + n <= hi and all(
                    entry.words[k] in tokens.candidates[i + k] for k in range(1, n)
                ):
                    matches.append((entry, n))
        matches.sort(key=lambda m: -m[1])
        for entry, n in matches:
            kind = self._kind(entry, tokens, i, lo, hi)
            if kind is not None:
                return entry, n, kind
        return None, 1, None

    @staticmethod
    def _kind(entry: TriggerEntry, tokens: Tokens, i: int, lo: int, hi: int) -> str | None:
        wlo, whi = max(lo, i - entry.window), min(hi, i + len(entry.words) + entry.window)
        if entry.requires_any and tokens.has_any(wlo, whi, entry.requires_any) is None:
            return None
        if entry.excludes_any and tokens.has_any(wlo, whi, entry.excludes_any) is not None:
            return None
        for override in entry.overrides:
            if tokens.has_any(wlo, whi, override.when_any) is not None and not (
                override.unless_any and tokens.has_any(wlo, whi, override.unless_any) is not None
            ):
                return override.kind
        return entry.kind
