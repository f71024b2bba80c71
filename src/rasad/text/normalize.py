"""Matching-normalisation of Arabic text, with an exact offset map back to the original.

Every input character becomes zero characters (diacritics, tatweel, zero-width and bidi
controls) or exactly one (alef forms → ا, ى → ي, ة → ه, Arabic-Indic digits → ASCII, the
many quotes, dashes and spaces → their ASCII form). Because the map is per character, a
span of the normalised text maps back to a span of the original whose normalisation is
that same span, and normalising twice changes nothing.

The character map is data: ``rasad/data/normalization.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(slots=True, frozen=True)
class Normalized:
    """Normalised text plus ``offsets``: ``offsets[i]`` is the original index of character
    ``i``; one extra final entry holds the original length."""

    text: str
    offsets: list[int]


def _codepoint(key: str) -> str:
    return chr(int(key[2:], 16)) if key.startswith("U+") else key


class Normalizer:
    """Applies a character map; build it once per run and share it."""

    __slots__ = ("_delete_re", "_table")

    def __init__(self, delete: list[str], mapping: dict[str, str]) -> None:
        deleted = [_codepoint(k) for k in delete]
        table: dict[int, Any] = {ord(_codepoint(k)): v for k, v in mapping.items()}
        for ch in deleted:
            table[ord(ch)] = None
        bad = [k for k, v in table.items() if v is not None and len(v) != 1]
        if bad:
            raise ValueError(f"normalisation map entries must map to one character: {bad!r}")
        # The map must be idempotent: what a character becomes must map to itself.
        for src, dst in list(table.items()):
            if dst is not None and ord(dst) in table and table[ord(dst)] != dst:
                raise ValueError(
                    f"normalisation map is not idempotent at U+{src:04X}: "
                    f"{dst!r} maps on to {table[ord(dst)]!r}"
                )
        self._table = table
        self._delete_re = (
            re.compile("[" + "".join(re.escape(c) for c in deleted) + "]") if deleted else None
        )

    @classmethod
    def from_file(cls, path: str | None = None) -> Normalizer:
        if path is None:
            raw = resources.files("rasad.data").joinpath("normalization.json").read_text("utf-8")
        else:
            with open(path, encoding="utf-8") as fh:
                raw = fh.read()
        data = json.loads(raw)
        return cls(list(data["delete"]), dict(data["map"]))

    def text(self, text: str) -> str:
        """Normalised text only (no offset map)."""
        return text.translate(self._table)

    def __call__(self, text: str) -> Normalized:
        out = text.translate(self._table)
        if len(out) == len(text):
            return Normalized(out, list(range(len(text) + 1)))
        assert self._delete_re is not None
        offsets: list[int] = []
        prev = 0
        for m in self._delete_re.finditer(text):
            offsets.extend(range(prev, m.start()))
            prev = m.end()
        offsets.extend(range(prev, len(text)))
        offsets.append(len(text))
        return Normalized(out, offsets)


# Letters that may be glued to the front of a word in news Arabic: و ف ب ل ك and the
# article ال (and لل for ل + ال). Used by the recognisers' boundary checks.
ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")


def is_arabic_letter(ch: str) -> bool:
    return bool(ARABIC_LETTERS.match(ch))
