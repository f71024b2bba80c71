"""Clitic handling for matching words of normalised Arabic text against lexicons."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(slots=True)
class Morphology:
    """Prefix and suffix clitics (normalised), longest first. Candidates are memoised per
    word (news vocabulary repeats), in a cache that belongs to this object."""

    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    min_stem: int = 2
    _cache: dict[tuple[str, bool], list[str]] = field(default_factory=dict, repr=False)
    cache_size: int = 200_000

    @classmethod
    def load(cls) -> Morphology:
        raw = resources.files("rasad.data").joinpath("morphology.json").read_text("utf-8")
        data = json.loads(raw)
        return cls(
            tuple(sorted(data["prefixes"], key=len, reverse=True)),
            tuple(sorted(data["suffixes"], key=len, reverse=True)),
            int(data.get("min_stem", 2)),
        )

    def candidates(self, word: str, ta_marbuta: bool = False) -> list[str]:
        """The word itself, then the word without a prefix clitic and/or a pronoun suffix.
        With ``ta_marbuta`` the final ه was a ة in the original text, so it is not taken for
        the pronoun suffix ("قبضة" is not "قبض" + ه)."""
        key = (word, ta_marbuta)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            found = self._candidates(word, ta_marbuta)
            self._cache[key] = found
        return found

    def _candidates(self, word: str, ta_marbuta: bool) -> list[str]:
        out = [word]
        stems = [word]
        for p in self.prefixes:
            if word.startswith(p) and len(word) - len(p) >= self.min_stem:
                stem = word[len(p) :]
                out.append(stem)
                stems.append(stem)
        for stem in stems:
            for s in self.suffixes:
                if ta_marbuta and s == "ه":
                    continue
                if stem.endswith(s) and len(stem) - len(s) >= self.min_stem:
                    out.append(stem[: -len(s)])
        return out


def tokenize(norm_text: str) -> list[tuple[int, int]]:
    """Word tokens of a normalised text as ``(start, end)`` offsets."""
    return [m.span() for m in TOKEN_RE.finditer(norm_text)]
