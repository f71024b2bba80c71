"""Who a sentence is attributed to: speech verbs, attribution prepositions, speakers.

The phrasing is data (``rasad/data/sources.yaml``): a speech or report verb ("أعلنت"،
"أفاد"، "قالت") or an attribution preposition ("بحسب"، "وفق"، "نقلاً عن") followed by the
speaker's noun phrase ("وزارة الدفاع السورية"، "مصدر أمني سوري"، "مصادر “مينا”").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Self

import ahocorasick

from rasad.errors import DataFileError
from rasad.recognize.anaphora import bare, read_yaml
from rasad.text.normalize import Normalizer

_TOKEN_RE = re.compile(r'"[^"\n]{1,60}"|\([^()\n]{1,60}\)|[^\W_]+|[^\w\s]')


class SourceFinder:
    """Finds who a sentence is attributed to, from ``sources.yaml``.

    ``find(norm_text, start, end)`` returns ``(norm_start, norm_end, label)`` for the
    first attribution phrase inside ``norm_text[start:end]``: the speaker after a speech
    verb ("أفاد مصدر أمني سوري" → "مصدر أمني سوري") or after an attribution preposition
    ("وفق أحدث الأرقام الرسمية" → "أحدث الأرقام الرسمية"). Offsets index the normalised
    text; the label is the speaker phrase without quotes or brackets.
    """

    def __init__(self, data: dict[str, Any], normalizer: Normalizer) -> None:
        def norm(words: Iterable[Any]) -> list[str]:
            return [" ".join(normalizer.text(str(w)).split()) for w in words]

        try:
            verbs = norm(data["verbs"])
            preps = norm(data["prepositions"])
            rels = norm(data["relatives"])
            nouns = norm(data["source_nouns"])
            self._inner = frozenset(norm(data["inner"]))
            self._stops = frozenset(norm(data["stops"]))
            self._times = frozenset(norm(data["time_words"]))
            self._modifiers = frozenset(norm(data.get("modifiers") or []))
            self._max = int(data.get("max_tokens", 8))
        except (KeyError, TypeError) as exc:
            raise DataFileError(f"sources data: missing or malformed section {exc}") from exc
        self._verbs = frozenset(verbs)
        self._nouns = frozenset(bare(n) for n in nouns if " " not in n)
        self._multi_nouns = tuple(n for n in nouns if " " in n)

        self._triggers = ahocorasick.Automaton()
        for kind, forms in (("verb", verbs), ("prep", preps), ("rel", rels)):
            for form in forms:
                for variant in (form, "و" + form, "ف" + form):
                    self._triggers.add_word(variant, (len(variant), kind))
        self._triggers.make_automaton()

    @classmethod
    def load(cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None) -> Self:
        raw = resources.files("rasad.data").joinpath("sources.yaml").read_text("utf-8")
        data = read_yaml(raw, "sources.yaml")
        for path in extra:
            more = read_yaml(Path(path).read_text("utf-8"), str(path))
            for key, value in more.items():
                if isinstance(value, list):
                    data.setdefault(key, [])
                    data[key] = list(data[key]) + value
                elif key != "meta":
                    data[key] = value
        return cls(data, normalizer or Normalizer.from_file())

    def find(
        self,
        norm_text: str,
        start: int = 0,
        end: int | None = None,
        speakers: Sequence[tuple[int, int]] = (),
    ) -> tuple[int, int, str] | None:
        """The first attribution phrase in ``norm_text[start:end]``, or None.

        ``speakers``: extra spans (e.g. recognised organisations) accepted as the start
        of a speaker phrase besides the source nouns of the data file.
        """
        for found in self.find_all(norm_text, start, end, speakers):
            return found
        return None

    def find_all(
        self,
        norm_text: str,
        start: int = 0,
        end: int | None = None,
        speakers: Sequence[tuple[int, int]] = (),
        require_speaker: bool = False,
    ) -> list[tuple[int, int, str]]:
        """Every attribution phrase in ``norm_text[start:end]``, in text order.

        ``require_speaker``: only phrases that contain one of ``speakers`` (faster when
        the caller only wants to know which of its spans are speakers)."""
        stop = len(norm_text) if end is None else end
        ends = dict(speakers)
        firsts = sorted(ends)
        out: list[tuple[int, int, str]] = []
        text = norm_text
        for last, (length, kind) in self._triggers.iter(text, start, stop):
            e = last + 1
            b = e - length
            if (e < len(text) and text[e].isalnum()) or (b > 0 and text[b - 1].isalnum()):
                continue
            if require_speaker:
                k = bisect_left(firsts, e)
                if k == len(firsts) or firsts[k] - e > 80:
                    continue
            phrase = self._speaker(text, e, stop, kind == "rel", kind == "prep", ends)
            if phrase is not None:
                out.append(phrase)
        return out

    def _speaker(
        self, text: str, pos: int, stop: int, relative: bool, prep: bool, ends: dict[int, int]
    ) -> tuple[int, int, str] | None:
        starts = ends.keys()
        tokens = []
        for t in _TOKEN_RE.finditer(text, pos, min(stop, pos + 200)):
            tokens.append((t.start(), t.end(), t.group()))
            if len(tokens) > self._max + 4:
                break
        i = 0
        if relative:  # "حسبما نقلت وكالة ..."
            if not tokens or (
                _strip_conj(tokens[0][2]) not in self._verbs and tokens[0][2] not in self._verbs
            ):
                return None
            i = 1
        while i < len(tokens) and tokens[i][2] in self._times:
            i += 1
        if prep and i < len(tokens) and tokens[i][2] in self._inner and len(tokens[i][2]) < 3:
            i += 1
        if i >= len(tokens):
            return None
        head = i
        while head < len(tokens) - 1 and tokens[head][2] in self._modifiers:
            head += 1
        first = tokens[head]
        word = first[2]
        if word.startswith("لل") and prep:
            word = "ال" + word[2:]
        ok = (
            first[0] in starts
            or (first[0] + 1 in starts and word.startswith("ال"))
            or bare(word) in self._nouns
            or word in self._nouns
            or any(text.startswith(n, first[0]) for n in self._multi_nouns)
            or word.startswith('"')
        )
        if not ok:
            return None
        np: list[tuple[int, int, str]] = []
        for tok in tokens[i:]:
            w = tok[2]
            if not (w[0].isalnum() or w[0] in '"('):
                break
            if np and (w in self._stops or w in self._times):
                break
            if np and w.startswith("ب") and w not in self._inner and not w.startswith("بال"):
                break
            np.append(tok)
            if len(np) >= self._max:
                break
        while np and np[-1][2] in self._inner:
            np.pop()
        if not np:
            return None
        if len(np) >= self._max:  # no natural end: end after a known speaker, or before "في"
            inside = [e for s, e in ends.items() if np[0][0] <= s <= np[-1][0] + 1]
            cut = [k for k, t in enumerate(np) if t[2] == "في" and k >= 2]
            if inside:
                np = [t for t in np if t[1] <= max(inside)] or np
            elif cut:
                np = np[: cut[-1]]
        s, e = np[0][0], np[-1][1]
        label = " ".join(re.sub(r'["()]', " ", text[s:e]).split())
        if prep and label.startswith("لل"):
            label = "ال" + label[2:]
        return s, e, label


def _strip_conj(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word
