"""Byte and string checks the reader uses on bad input (encodings, unstorable strings)."""

from __future__ import annotations

import re
from typing import Any

_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Escapes that json.loads turns into strings no database or UTF-8 file can take.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")


def utf8_share(data: bytes) -> float:
    """Share of the non-ASCII bytes that form well-formed UTF-8 sequences (1.0 when there
    are none): near 1 for UTF-8 with a few damaged bytes, near 0 for a one-byte code page."""
    non_ascii = len(_NON_ASCII.findall(data))
    if non_ascii == 0:
        return 1.0
    return sum(len(m) for m in _UTF8_SEQ.findall(data)) / non_ascii


def has_control(text: str) -> bool:
    """Control characters other than tab, newlines and form feed: not in real text."""
    return _CONTROL.search(text) is not None


def suspect_escapes(line: str) -> bool:
    """Whether a JSON line has ``\\u0000`` or surrogate escapes (cheap pre-check)."""
    return _SUSPECT_ESCAPE.search(line) is not None


def unstorable_string(obj: Any) -> str | None:
    """What makes a string inside a parsed JSON value unstorable, or None (iterative:
    nesting depth is the input's to choose)."""
    stack = [obj]
    while stack:
        cur = stack.pop()
        if isinstance(cur, str):
            if "\x00" in cur:
                return "a U+0000 (NUL) character, which databases cannot store"
            try:
                cur.encode("utf-8")
            except UnicodeEncodeError:
                return "an unpaired UTF-16 surrogate (\\ud800–\\udfff), which is not text"
        elif isinstance(cur, dict):
            stack.extend(cur.keys())
            stack.extend(cur.values())
        elif isinstance(cur, list):
            stack.extend(cur)
    return None
