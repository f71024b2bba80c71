"""Property tests over every text-layer function and the input reader (Hypothesis).

For any text — genre words glued in random order, stray Unicode, control and bidi marks,
digits of both kinds — and any publication date a caller may pass: no exception; every
offset stays inside the text; every span's ``text`` is exactly the slice of the article it
names; a mention's evidence is the article slice. Each test is bounded (max_examples) so
the suite stays fast; ``scripts/fuzz.sh`` runs the coverage-guided (atheris) version.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.ingest.reader import MAX_ID_CHARS
from rasad.model import Article, Problem
from rasad.model import recorded_spans as spans_of
from rasad.pipeline import Pipeline, Resources

#: RASAD_FUZZ_EXAMPLES=5000 for a longer search than the suite's.
EXAMPLES = int(os.environ.get("RASAD_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Invented genre vocabulary: enough to wake every recogniser (numbers, dates, places,
# actors, triggers, sources), in any order, with any separators.
WORDS = [
    "قتل", "مقتل", "قتلى", "أصيب", "جرحى", "مدنيين", "عنصرا", "عناصر", "شخصا", "طفلا",
    "قصف", "غارة", "غارات", "اشتباكات", "هجوم", "انفجار", "عبوة", "ناسفة", "سيارة", "مفخخة",
    "انشقاق", "اعتقال", "خطف", "تظاهرة", "سيطرة", "انسحاب", "استهدف", "استهدفت", "طائرة",
    "مسيرة", "مدفعي", "صاروخي", "الجيش", "السوري", "قوات", "النظام", "سوريا", "الديمقراطية",
    "قسد", "هيئة", "تحرير", "الشام", "تنظيم", "الدولة", "داعش", "الروسي", "التركي",
    "المرصد", "لحقوق", "الإنسان", "وزارة", "الدفاع", "مصادر", "محلية", "قال", "أفاد", "بحسب",
    "وفق", "نقلا", "عن", "في", "على", "من", "إلى", "بين", "و", "أو", "ريف", "مدينة", "بلدة",
    "قرية", "حي", "حلب", "إدلب", "دمشق", "حمص", "حماة", "درعا", "الرقة", "دير", "الزور",
    "منبج", "الباب", "عفرين", "القامشلي", "الشرقي", "الغربي", "الشمالي", "الجنوبي", "محيط",
    "أمس", "اليوم", "الأحد", "الاثنين", "الثلاثاء", "الجمعة", "صباح", "مساء", "فجر",
    "الماضي", "المقبل", "يناير", "كانون", "الثاني", "آذار", "2026", "2011", "1",
    "5", "12", "٣", "١٥٠", "ألف", "ألفا", "آلاف", "مئات", "عشرات", "نحو", "أكثر", "أقل",
    "ثلاثة", "خمسة", "عشرين", "اثنين", "مائة", "مليون", "نصف", "الأول", "الثالث",
    "رمضان", "1445", "هـ", "م", "/", "-", "%", ":", "«", "»", '"', "(", ")", "[", "]",
]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "، ", ". ", "؛ ", "؟ ", "! ", ": ", " - ", "…", "\t"]
ODD = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202e",
    "\u2066", "\u2069", "\ufeff", "\u0640", "\u064b", "\u0651", "\u00a0", "\u2028", "\r",
    "\x00", "\x07", "\ufffd", "😀", "ﻻ", "ﷲ", "٫", "٬",
]

genre_text = st.lists(
    st.tuples(
        st.sampled_from(WORDS),
        st.sampled_from(SEPARATORS),
        st.one_of(st.just(""), st.just(""), st.just(""), st.sampled_from(ODD)),
    ),
    max_size=80,
).map(lambda parts: "".join(w + odd + sep for w, sep, odd in parts))
noise_text = st.text(max_size=300)
any_text = st.one_of(genre_text, genre_text, noise_text, st.tuples(genre_text, noise_text).map("".join))
any_date = st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max]))


@pytest.fixture(scope="module")
def pipeline(resources: Resources) -> Pipeline:
    resources.warm()
    return Pipeline(resources)


def check_article(article: Article) -> None:
    n = len(article.text)
    for kind, span in spans_of(article):
        assert 0 <= span.start <= span.end <= n, (kind, span)
        assert span.text == article.text[span.start : span.end], (kind, span)
    prev_end = 0
    for s in article.sentences:
        assert prev_end <= s.start <= s.end <= n, s
        assert 0 <= s.norm_start <= s.norm_end <= len(article.norm_text), s
        prev_end = s.end
    if article.norm_offsets:
        assert len(article.norm_offsets) == len(article.norm_text) + 1
        assert article.norm_offsets[-1] == len(article.clean or article.text)


def run_stages(pipeline: Pipeline, article: Article, upto: str) -> None:
    """Run the stages up to and including ``upto`` directly: an exception fails the test."""
    for name, stage in pipeline.stages():
        stage(article)
        if name == upto:
            return
    raise AssertionError(f"no stage {upto!r}")


@FUZZ
@given(text=any_text)
def test_normalize(pipeline: Pipeline, text: str) -> None:
    norm = pipeline.resources.normalizer(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    assert all(a < b for a, b in zip(norm.offsets, norm.offsets[1:], strict=False))
    assert pipeline.resources.normalizer.text(norm.text) == norm.text


@FUZZ
@given(text=any_text, outlet=st.one_of(st.none(), st.text(max_size=20)))
def test_cleaner(pipeline: Pipeline, text: str, outlet: str | None) -> None:
    article = Article(id="f", text=text, outlet=outlet)
    pipeline.resources.cleaner(article)
    assert article.clean is not None and len(article.clean) == len(text)
    removed = [False] * len(text)
    for span in article.removed:
        assert 0 <= span.start < span.end <= len(text)
        assert span.text == text[span.start : span.end]
        removed[span.start : span.end] = [True] * (span.end - span.start)
    kept = "".join(c for c, r in zip(article.clean, removed, strict=True) if not r)
    assert kept == "".join(c for c, r in zip(text, removed, strict=True) if not r)


@FUZZ
@given(text=any_text)
def test_segment(pipeline: Pipeline, text: str) -> None:
    article = Article(id="f", text=text)
    run_stages(pipeline, article, "segment")
    check_article(article)


@FUZZ
@given(text=any_text)
def test_numbers(pipeline: Pipeline, text: str) -> None:
    article = Article(id="f", text=text)
    run_stages(pipeline, article, "numbers")
    check_article(article)
    for num in article.numbers:
        if num.noun_end is not None:
            assert num.span.end <= num.noun_end <= len(text)
        if num.low is not None and num.high is not None:
            assert num.low <= num.high


@FUZZ
@given(text=any_text, published=any_date)
def test_dates(pipeline: Pipeline, text: str, published: dt.date | None) -> None:
    article = Article(id="f", text=text, published=published)
    run_stages(pipeline, article, "times")
    check_article(article)


@FUZZ
@given(text=any_text)
def test_places(pipeline: Pipeline, text: str) -> None:
    article = Article(id="f", text=text)
    run_stages(pipeline, article, "places")
    check_article(article)
    for p in article.places:
        assert -90 <= p.place.lat <= 90 and -180 <= p.place.lon <= 180


@FUZZ
@given(text=any_text, published=any_date)
def test_actors(pipeline: Pipeline, text: str, published: dt.date | None) -> None:
    article = Article(id="f", text=text, published=published)
    run_stages(pipeline, article, "actors")
    check_article(article)


@FUZZ
@given(text=any_text, published=any_date)
def test_whole_pipeline(pipeline: Pipeline, text: str, published: dt.date | None) -> None:
    article = Article(id="f", text=text, published=published)
    pipeline.process(article)
    assert [p for p in article.problems if p.code == "stage_failed"] == []
    check_article(article)
    for m in article.mentions:
        assert m.article_id == "f"
        assert 0.0 <= m.confidence <= 1.0


# -- the JSON Lines reader --------------------------------------------------------------

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_value = st.one_of(json_value, genre_text, st.dates().map(dt.date.isoformat))
article_obj = st.dictionaries(
    st.sampled_from(["id", "text", "html", "url", "outlet", "title", "published", "x"]),
    field_value,
    max_size=7,
)
json_line = st.one_of(
    article_obj.map(lambda o: json.dumps(o, ensure_ascii=False)),
    article_obj.map(json.dumps),  # \uXXXX escapes, surrogates for emoji
    st.text(max_size=200),
)


def check_items(items: list[Article | Problem], name: str) -> None:
    for item in items:
        if isinstance(item, Problem):
            assert name in item.source and item.message and item.code
        else:
            assert isinstance(item.text, str) and item.text.strip()
            assert isinstance(item.id, str) and 0 < len(item.id) <= MAX_ID_CHARS
            assert "\x00" not in item.text
            item.text.encode("utf-8")  # storable and printable: no lone surrogates
            assert all(p.source for p in item.problems)
    ids = [i.id for i in items if isinstance(i, Article)]
    assert len(ids) == len(set(ids)), "duplicate ids must be skipped"


@FUZZ
@given(lines=st.lists(json_line, max_size=12))
def test_reader_text_lines(resources: Resources, lines: list[str]) -> None:
    stream = io.StringIO("\n".join(lines))
    items = list(resources.reader(stdin=stream).read(["-"]))
    check_items(items, "<stdin>")


@FUZZ
@given(
    chunks=st.lists(
        st.one_of(
            st.binary(max_size=200),
            json_line.map(lambda s: s.encode("utf-8", "surrogatepass")),
            json_line.map(lambda s: s.encode("cp1256", "replace")),
            json_line.map(lambda s: s.encode("utf-16")),
        ),
        max_size=8,
    ),
    suffix=st.sampled_from([".jsonl", ".txt", ".html"]),
)
def test_reader_bytes(resources: Resources, chunks: list[bytes], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(b"\n".join(chunks))
        items = list(resources.reader().read([str(path)]))
    check_items(items, "fuzz")
    if suffix != ".jsonl":
        assert len(items) == 1


@settings(max_examples=max(EXAMPLES // 3, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=article_obj)
def test_read_articles_go_through_the_pipeline(
    pipeline: Pipeline, obj: dict[str, Any]
) -> None:
    stream = io.StringIO(json.dumps(obj, ensure_ascii=False))
    for item in pipeline.resources.reader(stdin=stream).read(["-"]):
        if isinstance(item, Article):
            pipeline.process(item)
            assert [p for p in item.problems if p.code == "stage_failed"] == []
            check_article(item)


# -- inputs the fuzzers found (each crashed a stage before its fix) -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "قتل ¹ شخصا",  # numbers: a superscript digit is a "digit" but not a decimal
        "الساعة ² : ³ صباح اليوم",  # dates: clock reading of superscript digits
        "قتل ① مدنيين في ريف حلب",  # circled digit
    ],
)
def test_found_by_fuzzing(pipeline: Pipeline, text: str) -> None:
    article = Article(id="f", text=text, published=dt.date(2026, 1, 16))
    pipeline.process(article)
    assert article.problems == []
    check_article(article)
