"""Normalisation: the character map, idempotence and the offset map round trip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.model import map_span
from rasad.text.normalize import Normalizer

ARABIC_ISH = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(list(" \n\t.,،؛؟!-–—“”«»\u00a0\u200f\u200bـ0123456789ABCabc")),
    ),
    max_size=200,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أعلنتْ", "اعلنت"),
        ("إدلب", "ادلب"),
        ("آلاف", "الاف"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("وزارة", "وزاره"),
        ("مؤسسة", "موسسه"),
        ("رئيس", "رييس"),
        ("عنصراً", "عنصرا"),
        ("شـــهداء", "شهداء"),
        ("٢٠٢٦", "2026"),
        ("۱۶۵", "165"),
        ("“قسد”", '"قسد"'),
        ("«داعش»", '"داعش"'),
        ("دير–الزور", "دير-الزور"),
        ("قسد\u00a0اليوم", "قسد اليوم"),
        ("PKK", "pkk"),
        ("\u200fحلب\u200e", "حلب"),
    ],
)
def test_character_map(normalizer: Normalizer, raw: str, expected: str) -> None:
    assert normalizer.text(raw) == expected


def test_offsets_point_at_source_characters(normalizer: Normalizer) -> None:
    raw = "أعلنتْ وزارةُ الدفاع"
    norm = normalizer(raw)
    assert norm.text == "اعلنت وزاره الدفاع"
    start = norm.text.index("وزاره")
    s, e = map_span(norm.offsets, start, start + len("وزاره"))
    assert raw[s:e] == "وزارة"  # the damma after it is outside the span


@settings(max_examples=300, deadline=None)
@given(ARABIC_ISH)
def test_idempotent(text: str) -> None:
    n = Normalizer.from_file()
    once = n.text(text)
    assert n.text(once) == once


@settings(max_examples=300, deadline=None)
@given(ARABIC_ISH, st.data())
def test_span_round_trip(text: str, data: st.DataObject) -> None:
    n = Normalizer.from_file()
    norm = n(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    assert norm.offsets == sorted(norm.offsets)
    if not norm.text:
        return
    a = data.draw(st.integers(0, len(norm.text) - 1))
    b = data.draw(st.integers(a + 1, len(norm.text)))
    s, e = map_span(norm.offsets, a, b)
    assert 0 <= s < e <= len(text)
    assert n.text(text[s:e]) == norm.text[a:b]


def test_map_must_be_one_to_one() -> None:
    with pytest.raises(ValueError, match="one character"):
        Normalizer([], {"U+0622": "اا"})


def test_map_must_be_idempotent() -> None:
    with pytest.raises(ValueError, match="idempotent"):
        Normalizer([], {"U+0622": "ا", "U+0627": "ب"})
