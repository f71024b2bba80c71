"""Tests of rasad.text.segment: sentence boundaries, headings, offsets into both texts.

The example sentences are invented in the genre of Syrian conflict news; the seed articles
are read from ../shared at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.errors import DataFileError
from rasad.model import Article
from rasad.text.clean import Cleaner
from rasad.text.normalize import Normalizer
from rasad.text.segment import SegmentationRules, segment

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"

RULES = SegmentationRules.load()
NORM = Normalizer.from_file()


def sentences(text: str) -> list[tuple[str, bool]]:
    art = Article(id="t", text=text)
    segment(art, RULES)
    return [(art.text[s.start : s.end], s.heading) for s in art.sentences]


S = False  # an ordinary sentence
H = True  # a heading

# (case id, text, expected [(sentence, heading)])
CASES = [
    (
        "two-sentences-full-stop",
        "قتل مدنيان بقصف على إدلب. وأصيب خمسة آخرون بجروح.",
        [("قتل مدنيان بقصف على إدلب.", S), ("وأصيب خمسة آخرون بجروح.", S)],
    ),
    (
        "arabic-question-and-exclamation",
        "هل تنتهي المعارك قريباً؟ لا أحد يعرف! وقال مصدر إن الهدوء حذر.",
        [("هل تنتهي المعارك قريباً؟", S), ("لا أحد يعرف!", S), ("وقال مصدر إن الهدوء حذر.", S)],
    ),
    (
        "arabic-semicolon",
        "سيطرت القوات على البلدة بعد معارك عنيفة؛ وانسحب المسلحون نحو الشمال.",
        [("سيطرت القوات على البلدة بعد معارك عنيفة؛", S), ("وانسحب المسلحون نحو الشمال.", S)],
    ),
    (
        "semicolon-used-as-comma-before-anna",
        "وقال مراسل الشبكة في ريف إدلب؛ إن القصف استهدف الأحياء السكنية.",
        [("وقال مراسل الشبكة في ريف إدلب؛ إن القصف استهدف الأحياء السكنية.", S)],
    ),
    (
        "decimal-and-thousands-numbers",
        "بلغت المسافة 3.5 كم وسعر الصرف 1.200 ليرة. وارتفع العدد إلى 12.",
        [("بلغت المسافة 3.5 كم وسعر الصرف 1.200 ليرة.", S), ("وارتفع العدد إلى 12.", S)],
    ),
    (
        "dotted-date",
        "نشر البيان بتاريخ 10.09.2018 صباحاً. وأكد المصدر صحته.",
        [("نشر البيان بتاريخ 10.09.2018 صباحاً.", S), ("وأكد المصدر صحته.", S)],
    ),
    (
        "year-ends-a-sentence",
        "خطف الرهينة في سوريا عام 2013. ثم ظهر في تسجيل مصور.",
        [("خطف الرهينة في سوريا عام 2013.", S), ("ثم ظهر في تسجيل مصور.", S)],
    ),
    (
        "doctor-abbreviation",
        "وقال د. محمد العلي إن المشفى استقبل عشرة جرحى.",
        [("وقال د. محمد العلي إن المشفى استقبل عشرة جرحى.", S)],
    ),
    (
        "agency-initials",
        "وقالت المصادر لوكالة (د.ب.أ) إن الغارات استهدفت مواقع قرب البوكمال.",
        [("وقالت المصادر لوكالة (د.ب.أ) إن الغارات استهدفت مواقع قرب البوكمال.", S)],
    ),
    (
        "currency-abbreviation",
        "حدد المصرف سعر الدولار بـ 15 ألف ل.س للشراء. وارتفعت الأسعار.",
        [("حدد المصرف سعر الدولار بـ 15 ألف ل.س للشراء.", S), ("وارتفعت الأسعار.", S)],
    ),
    (
        "before-christ-abbreviation",
        "يعود بناء القلعة إلى القرن الثالث ق.م. وقد تضررت خلال المعارك.",
        [("يعود بناء القلعة إلى القرن الثالث ق.م.", S), ("وقد تضررت خلال المعارك.", S)],
    ),
    (
        "latin-abbreviation",
        "وأعلنت القوات U.S. Army أنها نفذت غارة قرب الحدود.",
        [("وأعلنت القوات U.S. Army أنها نفذت غارة قرب الحدود.", S)],
    ),
    (
        "web-address",
        "ونشرت وكالة sana.sy بياناً عن الحادث. وتحدثت عن أضرار مادية.",
        [("ونشرت وكالة sana.sy بياناً عن الحادث.", S), ("وتحدثت عن أضرار مادية.", S)],
    ),
    (
        "no-split-inside-curly-quote",
        "وقال المتحدث: “انسحبت قواتنا من المدينة. لن نعود إليها”. وأكد ذلك شهود.",
        [
            ("وقال المتحدث: “انسحبت قواتنا من المدينة. لن نعود إليها”.", S),
            ("وأكد ذلك شهود.", S),
        ],
    ),
    (
        "no-split-inside-guillemets",
        "وجاء في البيان «أغلقنا المعبر. وسنفتحه غداً» حسب المصدر.",
        [("وجاء في البيان «أغلقنا المعبر. وسنفتحه غداً» حسب المصدر.", S)],
    ),
    (
        "quote-ending-with-full-stop",
        'وقال: "نحن هنا منذ الصباح." وغادر المكان.',
        [('وقال: "نحن هنا منذ الصباح."', S), ("وغادر المكان.", S)],
    ),
    (
        "very-long-quote-is-split",
        "وقال البيان: “" + "قصفت القوات مواقع المسلحين في الريف الشمالي. " * 10 + "”",
        # A quotation longer than max_quote_chars is split; the closing mark left alone
        # after the last full stop is not a sentence.
        [("وقال البيان: “قصفت القوات مواقع المسلحين في الريف الشمالي.", S)]
        + [("قصفت القوات مواقع المسلحين في الريف الشمالي.", S)] * 9,
    ),
    (
        "double-dot-headline-separator",
        "دير الزور.. اشتباكات عنيفة في محيط هجين\nاندلعت اشتباكات فجر اليوم.",
        [("دير الزور.. اشتباكات عنيفة في محيط هجين", H), ("اندلعت اشتباكات فجر اليوم.", S)],
    ),
    (
        "ellipsis",
        "تقدمت القوات نحو المدينة… ثم توقفت عند المدخل الشمالي.",
        [("تقدمت القوات نحو المدينة…", S), ("ثم توقفت عند المدخل الشمالي.", S)],
    ),
    (
        "missing-space-after-full-stop",
        "وصل الوفد إلى البلدة.وجاء ذلك بعد اتصالات مكثفة.",
        [("وصل الوفد إلى البلدة.", S), ("وجاء ذلك بعد اتصالات مكثفة.", S)],
    ),
    (
        "headline-and-subheading",
        "انشقاق عناصر من فصيل مسلح\nأعلن الفصيل انشقاق ستة عناصر.\n"
        "العمليات العسكرية في دير حافر\nتجددت الاشتباكات مساء أمس.",
        [
            ("انشقاق عناصر من فصيل مسلح", H),
            ("أعلن الفصيل انشقاق ستة عناصر.", S),
            ("العمليات العسكرية في دير حافر", H),
            ("تجددت الاشتباكات مساء أمس.", S),
        ],
    ),
    (
        "dash-list-items",
        "المنطقة العسكرية المغلقة\n- إعلان المنطقة منطقة عسكرية.\n- مطالبة المدنيين بالابتعاد",
        [
            ("المنطقة العسكرية المغلقة", H),
            ("إعلان المنطقة منطقة عسكرية.", S),
            ("مطالبة المدنيين بالابتعاد", S),
        ],
    ),
    (
        "numbered-and-bulleted-items",
        "1) قصف على كفرنبل\n2) اشتباكات في سراقب\n• نزوح من معرة النعمان",
        [
            ("قصف على كفرنبل", S),
            ("اشتباكات في سراقب", S),
            ("نزوح من معرة النعمان", S),
        ],
    ),
    (
        "hard-wrapped-link-fragments",
        "أعلنت\nوزارة الداخلية\nالسورية\nأن وحدات الأمن ألقت القبض على\nضابط سابق\n"
        "، وهو عميد في\nكلية الدفاع\nالجوي بحمص.",
        [
            (
                "أعلنت\nوزارة الداخلية\nالسورية\nأن وحدات الأمن ألقت القبض على\nضابط سابق\n"
                "، وهو عميد في\nكلية الدفاع\nالجوي بحمص.",
                S,
            )
        ],
    ),
    (
        "blank-line-separates-paragraphs",
        "قصف على إدلب\n\nوقال ناشطون إن القصف عنيف.",
        [("قصف على إدلب", H), ("وقال ناشطون إن القصف عنيف.", S)],
    ),
    (
        "truncated-last-line-is-not-a-heading",
        "وقال ناشطون إن القصف عنيف.\nوأضافوا أن القوات",
        [("وقال ناشطون إن القصف عنيف.", S), ("وأضافوا أن القوات", S)],
    ),
    (
        "line-ending-with-colon-is-not-a-heading",
        "وجاء في البيان:\nانسحبت القوات من المدينة.",
        [("وجاء في البيان:", S), ("انسحبت القوات من المدينة.", S)],
    ),
    (
        "one-word-fragment-not-split",
        "قتل. وأصيب خمسة مدنيين بجروح.",
        [("قتل. وأصيب خمسة مدنيين بجروح.", S)],
    ),
    ("empty-text", "", []),
    ("blanks-only", "   \n\n  \n", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_segment_cases(text: str, expected: list[tuple[str, bool]]) -> None:
    assert sentences(text) == expected


def test_offsets_into_norm_text() -> None:
    text = "أعلنت وزارةُ الدفاع انشقاقَ ٦ عناصر. وقال مصدرٌ إنّ الوضع هادئ."
    art = Article(id="n", text=text)
    segment(art, RULES)  # computes norm_text when the pipeline has not
    assert art.norm_text == NORM.text(text)
    first, second = art.sentences
    assert art.norm_text[first.norm_start : first.norm_end] == "اعلنت وزاره الدفاع انشقاق 6 عناصر."
    assert art.norm_text[second.norm_start : second.norm_end] == "وقال مصدر ان الوضع هادي."
    assert art.sentence_at(text.index("وقال")) == second


def test_blanked_boilerplate_is_skipped() -> None:
    text = (
        "قصف على إدلب\nقتل مدنيان بقصف مدفعي على أطراف البلدة صباح اليوم.\n\nاترك تعليقاً\n"
        "لن يتم نشر عنوان بريدك الإلكتروني."
    )
    art = Article(id="b", text=text)
    Cleaner.load()(art)
    normed = NORM(art.clean or "")
    art.norm_text, art.norm_offsets = normed.text, normed.offsets
    segment(art, RULES)
    assert [art.text[s.start : s.end] for s in art.sentences] == [
        "قصف على إدلب",
        "قتل مدنيان بقصف مدفعي على أطراف البلدة صباح اليوم.",
    ]
    # The heading is followed by text; the last kept sentence is not a heading.
    assert [s.heading for s in art.sentences] == [True, False]


def test_extra_abbreviation_file(tmp_path: Path) -> None:
    extra = tmp_path / "abbr.json"
    extra.write_text(json.dumps({"abbreviations": ["عم."]}), "utf-8")
    rules = SegmentationRules.load(extra=[extra])
    art = Article(id="a", text="وصل عم. أحمد إلى القرية صباحاً.")
    segment(art, rules)
    assert len(art.sentences) == 1
    art2 = Article(id="a2", text="وصل عم. أحمد إلى القرية صباحاً.")
    segment(art2, RULES)
    assert len(art2.sentences) == 2


def test_bad_rules_are_a_data_file_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"list_item_pattern": "(unclosed"}), "utf-8")
    with pytest.raises(DataFileError):
        SegmentationRules.load(extra=[bad])


def test_segmentation_file_matches_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads((DATA / "segmentation.json").read_text("utf-8"))
    schema = json.loads((DATA / "schemas" / "segmentation.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


# -- properties ------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        "قتل مدنيان بقصف على إدلب",
        "وقال د. محمد العلي",
        "بلغت المسافة 3.5 كم",
        "“انسحبت القوات. وعادت”",
        '"نحن هنا."',
        "«أغلقنا المعبر»",
        "دير الزور.. قسد",
        "ق.م",
        "U.S.",
        "sana.sy",
        "- إعلان المنطقة",
        "1) قصف",
        "أعلنتِ الوزارةُ",
        "٦ عناصر",
        "ـ",
        "\u200f",
        "(د.ب.أ)",
    ]
)
_GLUE = st.sampled_from([" ", ". ", "؟ ", "! ", "؛ ", "… ", "\n", "\n\n", "، ", ".", "   ", "\r\n"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(_PIECES, _GLUE), max_size=14))
    return "".join(p + g for p, g in parts)


@settings(max_examples=300, deadline=None)
@given(_texts())
def test_sentence_properties(text: str) -> None:
    art = Article(id="p", text=text)
    segment(art, RULES)
    prev_end = 0
    for i, s in enumerate(art.sentences):
        assert s.index == i
        assert prev_end <= s.start < s.end <= len(text)  # ordered, non-overlapping, inside
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip()  # trimmed
        assert NORM.text(chunk) == art.norm_text[s.norm_start : s.norm_end]
        prev_end = s.end


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('قتل في. ؟!؛\n“”"«»-1.ـ\u200fًA')), max_size=80))
def test_sentence_properties_random_text(text: str) -> None:
    art = Article(id="r", text=text)
    segment(art, RULES)
    prev_end = 0
    for s in art.sentences:
        assert prev_end <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip()
        assert NORM.text(chunk) == art.norm_text[s.norm_start : s.norm_end]
        prev_end = s.end


# -- seeds -------------------------------------------------------------------------------


def _seed_articles() -> list[Article]:
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip(f"../shared not present: {folder}")
    cleaner = Cleaner.load()
    out = []
    for path in sorted(folder.glob("*.txt")):
        art = Article(id=path.stem, text=path.read_text("utf-8"))
        cleaner(art)
        normed = NORM(art.clean or "")
        art.norm_text, art.norm_offsets = normed.text, normed.offsets
        segment(art, RULES)
        out.append(art)
    return out


def test_seed_sentences() -> None:
    for art in _seed_articles():
        assert art.sentences, art.id
        for s in art.sentences:
            chunk = art.text[s.start : s.end]
            assert NORM.text(chunk) == art.norm_text[s.norm_start : s.norm_end]
            assert "\n\n" not in chunk
            # A sentence never runs across two paragraphs of more than 80 characters.
            assert sum(len(line) > 80 for line in chunk.split("\n")) <= 1
        headings = [art.text[s.start : s.end] for s in art.sentences if s.heading]
        if art.id.startswith("000_"):
            assert "العمليات العسكرية في دير حافر" in headings
            assert "تأمين المنشقين بريف حلب" in headings
            items = [art.text[s.start : s.end] for s in art.sentences]
            assert any(t.startswith("تحديد بلدات مسكنة") for t in items)
