"""Tests of rasad.text.clean: boilerplate lines blanked, article text kept, offsets intact.

The example lines are invented in the genre of Syrian conflict news; the seed and
development articles are read from ../shared at run time.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.errors import DataFileError
from rasad.model import Article
from rasad.text.clean import Cleaner

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"

HEAD = "قصف مدفعي على ريف حماة الشمالي"
P1 = (
    "قال مصدر محلي إن قصفاً مدفعياً استهدف أطراف بلدة كفرنبودة في ريف حماة الشمالي، "
    "ما أدى إلى إصابة ثلاثة مدنيين بجروح متفاوتة."
)
P2 = (
    "وأضاف المصدر أن فرق الدفاع المدني نقلت المصابين إلى مشفى قريب، وسط تحليق مكثف "
    "لطائرات الاستطلاع في سماء المنطقة منذ الصباح."
)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner.load()


def run(cleaner: Cleaner, text: str, outlet: str | None = None) -> Article:
    art = Article(id="t", text=text, outlet=outlet)
    cleaner(art)
    return art


def kept_lines(art: Article) -> list[str]:
    assert art.clean is not None
    return [line.strip() for line in art.clean.split("\n") if line.strip()]


# (case id, text, lines that must be removed, lines that must be kept whole)
CASES = [
    (
        "wordpress-comment-form-cuts-the-rest",
        f"{HEAD}\n{P1}\n{P2}\n\nاترك تعليقاً\n\n"
        "لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *\n"
        "الاسم\nالبريد الإلكتروني\nإرسال التعليق",
        ["اترك تعليقاً", "الاسم", "البريد الإلكتروني", "إرسال التعليق"],
        [HEAD, P1, P2],
    ),
    (
        "comment-form-spelling-variants",
        f"{P1}\nاترك تعليقًا\n{P2}",
        ["اترك تعليقًا", P2],
        [P1],
    ),
    ("fbpx-pixel-line", f"fbpx\n\n{HEAD}\n\n{P1}", ["fbpx"], [HEAD, P1]),
    (
        "share-and-print-buttons",
        f"{HEAD}\nشارك\nفيسبوك تويتر واتساب\nطباعة\n{P1}",
        ["شارك", "فيسبوك تويتر واتساب", "طباعة"],
        [HEAD, P1],
    ),
    (
        "font-size-widgets",
        f"{HEAD}\n+A\nحجم الخط\n-A\nA+ A-\n{P1}",
        ["+A", "حجم الخط", "-A", "A+ A-"],
        [HEAD, P1],
    ),
    (
        "copyright-lines",
        f"{P1}\n{P2}\n© 2024 جميع الحقوق محفوظة لشبكة الأخبار السورية\n"
        "حقوق النشر والطبع محفوظة لصالح موقع الرصد الإخباري©.",
        [
            "© 2024 جميع الحقوق محفوظة لشبكة الأخبار السورية",
            "حقوق النشر والطبع محفوظة لصالح موقع الرصد الإخباري©.",
        ],
        [P1, P2],
    ),
    (
        "related-list-stops-at-next-paragraph",
        f"{P1}\nمقالات ذات صلة\nانفجار عبوة ناسفة في ريف درعا الغربي\n"
        f"وصول تعزيزات عسكرية إلى أطراف منبج\n{P2}",
        [
            "مقالات ذات صلة",
            "انفجار عبوة ناسفة في ريف درعا الغربي",
            "وصول تعزيزات عسكرية إلى أطراف منبج",
        ],
        [P1, P2],
    ),
    (
        "read-also-link-inside-article",
        f"{P1}\nاقرأ أيضاً: مقتل قيادي في فصيل محلي بريف درعا\n{P2}",
        ["اقرأ أيضاً: مقتل قيادي في فصيل محلي بريف درعا"],
        [P1, P2],
    ),
    (
        "special-report-byline",
        f"{HEAD}\nتقرير خاص لـ شبكة الرصد\n{P1}",
        ["تقرير خاص لـ شبكة الرصد"],
        [HEAD, P1],
    ),
    (
        "datelines-with-source",
        f"دمشق - سانا\n{P1}\nحلب - خاص\n{P2}",
        ["دمشق - سانا", "حلب - خاص"],
        [P1, P2],
    ),
    (
        "headline-with-dash-is-kept",
        f"سوريا - مقتل خمسة مدنيين بقصف على إدلب\n{P1}",
        [],
        ["سوريا - مقتل خمسة مدنيين بقصف على إدلب", P1],
    ),
    (
        "date-only-lines",
        f"{HEAD}\nنشر في 12.03.2024 - 10:45\nآخر تحديث: الخميس 14 آذار 2024\n{P1}",
        ["نشر في 12.03.2024 - 10:45", "آخر تحديث: الخميس 14 آذار 2024"],
        [HEAD, P1],
    ),
    (
        "sub-heading-with-place-name-is-kept",
        f"{HEAD}\n{P1}\nالعمليات العسكرية في ريف إدلب\n{P2}",
        [],
        [HEAD, P1, "العمليات العسكرية في ريف إدلب", P2],
    ),
    (
        "breaking-news-ticker",
        f"عاجل\nعاجل: انقطاع الكهرباء عن أحياء في مدينة حمص\n{HEAD}\n{P1}",
        ["عاجل", "عاجل: انقطاع الكهرباء عن أحياء في مدينة حمص"],
        [HEAD, P1],
    ),
    (
        "short-latin-only-lines",
        f"{HEAD}\nLebanon 24\nphotos\nmuhammed ali\n{P1}",
        ["Lebanon 24", "photos", "muhammed ali"],
        [HEAD, P1],
    ),
    (
        "lines-without-letters",
        f"{HEAD}\n23\n|\n16:32\n* * *\n{P1}",
        ["23", "|", "16:32", "* * *"],
        [HEAD, P1],
    ),
    (
        "headline-printed-twice",
        f"{HEAD}\n\n{HEAD}\n{P1}",
        [HEAD],
        [P1],
    ),
    (
        "source-line",
        f"{P1}\n{P2}\nالمصدر: سانا",
        ["المصدر: سانا"],
        [P1, P2],
    ),
    (
        "hard-wrapped-fragments-are-kept",
        "أعلنت\nوزارة الداخلية\nالسورية\nأن وحدات الأمن ألقت القبض على\nضابط سابق في درعا.",
        [],
        ["أعلنت", "وزارة الداخلية", "السورية", "أن وحدات الأمن ألقت القبض على"],
    ),
    (
        "footer-marker-before-any-paragraph-cuts-nothing-else",
        f"زر الذهاب إلى الأعلى\n{HEAD}\n{P1}",
        ["زر الذهاب إلى الأعلى"],
        [HEAD, P1],
    ),
    (
        "truncated-last-line-is-not-a-signature",
        f"{P1}\nوأضاف المصدر أن القوات",
        [],
        [P1, "وأضاف المصدر أن القوات"],
    ),
    (
        "comment-count-and-comments",
        f"{P1}\n5 تعليقات\nالله يحمي أهلنا في الشمال من كل مكروه، الوضع صعب جداً.",
        ["5 تعليقات", "الله يحمي أهلنا في الشمال من كل مكروه، الوضع صعب جداً."],
        [P1],
    ),
    (
        "follow-us-line",
        f"{P1}\n(( تابعنا على فيسبوك – تابعنا على تلغرام ))",
        ["(( تابعنا على فيسبوك – تابعنا على تلغرام ))"],
        [P1],
    ),
]


@pytest.mark.parametrize(
    ("text", "removed", "kept"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_lines(cleaner: Cleaner, text: str, removed: list[str], kept: list[str]) -> None:
    art = run(cleaner, text)
    assert art.clean is not None and len(art.clean) == len(art.text)
    removed_texts = [s.text for s in art.removed]
    for line in removed:
        assert line in removed_texts, f"not removed: {line!r}"
    remaining = kept_lines(art)
    for line in kept:
        assert line in remaining, f"not kept: {line!r}"
    if not removed:
        assert art.removed == []


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        (f"{HEAD}\nتقرير خاص لـ شبكة الرصد\n{P1}", "byline", "تقرير خاص لـ شبكة الرصد"),
        (f"دمشق ـ وكالات\n{P1}", "dateline", "دمشق ـ وكالات"),
        (f"{HEAD}\nآخر تحديث: 10.09.2018 20:16\n{P1}", "date", "آخر تحديث: 10.09.2018 20:16"),
        (f"{P1}\nالمصدر: وكالة الأنباء الألمانية", "source", "المصدر: وكالة الأنباء الألمانية"),
        (
            f"{P1}\n{P2}\nشبكة الرصد الإخباري للأنباء السورية\n\nجميع الحقوق محفوظة",
            "signature",
            "شبكة الرصد الإخباري للأنباء السورية",
        ),
        (f"{P1}\nصورة أرشيفية لمدينة حلب - أرشيف", "caption", "صورة أرشيفية لمدينة حلب - أرشيف"),
    ],
)
def test_metadata(cleaner: Cleaner, text: str, key: str, value: str) -> None:
    art = run(cleaner, text)
    assert art.metadata.get(key) == value
    assert value in [s.text for s in art.removed]


@pytest.mark.parametrize(
    ("line", "fragment", "rest"),
    [
        (f"{P1} (صورة: أرشيف)", "(صورة: أرشيف)", P1),
        (f"{P1}&", "&", P1),
        (f"{P1}[ads2]", "[ads2]", P1),
        (
            f'span lang="AR-SA" style="font-family:" arial""="" {P1}',
            'span lang="AR-SA" style="font-family:" arial""="" ',
            P1,
        ),
        (
            f"{P1} AP Photo/Copyright 2024 The AP. All rights reserved.",
            "Copyright 2024 The AP. All rights reserved.",
            P1,
        ),
    ],
)
def test_inline_fragments(cleaner: Cleaner, line: str, fragment: str, rest: str) -> None:
    art = run(cleaner, f"{HEAD}\n{line}")
    assert fragment in [s.text for s in art.removed]
    assert art.clean is not None
    assert rest in art.clean
    assert fragment.strip() not in art.clean


def test_table_rows_blanked_and_recorded(cleaner: Cleaner) -> None:
    text = (
        f"{P1}\nخريطة السيطرة\n| المنطقة | الوضع الميداني |\n| ريف إدلب | اشتباكات متقطعة |\n{P2}"
    )
    art = run(cleaner, text)
    assert art.clean is not None
    assert "|" not in art.clean
    assert "خريطة السيطرة" in kept_lines(art)
    assert art.metadata["table"] == "المنطقة | الوضع الميداني\nريف إدلب | اشتباكات متقطعة"


def test_table_cells_that_are_sentences_stay(cleaner: Cleaner) -> None:
    cell = "قصفت قوات النظام بلدة كفرنبل بالمدفعية الثقيلة صباح اليوم الأحد."
    art = run(cleaner, f"{P1}\n| {cell} |")
    assert art.clean is not None
    assert cell in art.clean
    assert "|" not in art.clean


def test_signature_holding_an_inline_fragment(cleaner: Cleaner) -> None:
    text = f"{P1}\n{P2}\nشبكة الرصد الإخباري&\n\nجميع الحقوق محفوظة"
    art = run(cleaner, text)
    assert art.clean is not None and len(art.clean) == len(text)
    assert kept_lines(art) == [P1, P2]
    ends = [(s.start, s.end) for s in art.removed]
    assert all(a[1] < b[0] for a, b in pairwise(ends))


def test_cleaning_twice_changes_nothing(cleaner: Cleaner) -> None:
    art = run(cleaner, f"دمشق - سانا\n{P1}\nالمصدر: سانا")
    first = (art.clean, list(art.removed), dict(art.metadata))
    cleaner(art)
    assert (art.clean, art.removed, art.metadata) == first


def test_learn_blanks_lines_repeated_by_one_outlet(cleaner: Cleaner) -> None:
    promo = "حمل تطبيق شبكة الرصد"
    arts = [
        Article(id=str(i), text=f"{HEAD} {i}\n{P1}\n{promo}\n{P2}", outlet="alrasd.example")
        for i in range(3)
    ]
    other = Article(id="o", text=f"{HEAD}\n{P1}\n{promo}\n{P2}", outlet="other.example")
    learnt = cleaner.learn([*arts, other])
    learnt(arts[0])
    assert promo in [s.text for s in arts[0].removed]
    assert P1 in kept_lines(arts[0]) and P2 in kept_lines(arts[0])
    learnt(other)  # a different outlet: one occurrence is not boilerplate
    assert promo in kept_lines(other)
    cleaner(arts[1])  # the cleaner that did not learn is unchanged
    assert promo in kept_lines(arts[1])


def test_extra_rules_file(tmp_path: Path) -> None:
    extra = tmp_path / "more.json"
    extra.write_text(
        json.dumps({"rules": [{"match": "exact", "pattern": "حمل تطبيقنا الآن"}]}), "utf-8"
    )
    art = Article(id="x", text=f"{P1}\nحمل تطبيقنا الآن\n{P2}")
    Cleaner.load(extra=[extra])(art)
    assert "حمل تطبيقنا الآن" in [s.text for s in art.removed]


@pytest.mark.parametrize(
    "doc",
    [
        {"rules": [{"match": "line", "pattern": "(unclosed"}]},
        {"rules": [{"match": "sometimes", "pattern": "x"}]},
        {"rules": [{"pattern": 3}]},
        {"settings": {"unknown_setting": 3}},
        {"date_words": "not a list"},
    ],
)
def test_bad_extra_file_is_a_data_file_error(tmp_path: Path, doc: object) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(DataFileError):
        Cleaner.load(extra=[bad])


def test_boilerplate_file_matches_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = json.loads((DATA / "boilerplate.json").read_text("utf-8"))
    schema = json.loads((DATA / "schemas" / "boilerplate.schema.json").read_text("utf-8"))
    jsonschema.validate(data, schema)


_LINES = st.sampled_from(
    [
        HEAD,
        P1,
        P2,
        "",
        "   ",
        "fbpx",
        "اترك تعليقاً",
        "شارك",
        "+A",
        "23",
        "دمشق - سانا",
        "| المنطقة | الحالة |",
        "مقالات ذات صلة",
        "زر الذهاب إلى الأعلى",
        "Lebanon 24",
        "المصدر: سانا",
        f"{P1} (صورة: أرشيف)",
        "ـ",
        "\u200f",
        "أعلنت",
        "شبكة الرصد الإخباري&",
        "جميع الحقوق محفوظة",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINES, max_size=12), st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_clean_keeps_length_and_line_breaks(lines: list[str], sep: str) -> None:
    text = sep.join(lines)
    art = Article(id="h", text=text)
    _CLEANER(art)
    assert art.clean is not None and len(art.clean) == len(text)
    for a, b in zip(text, art.clean, strict=True):
        assert b == a or (b == " " and a not in "\r\n")
    for span in art.removed:
        assert text[span.start : span.end] == span.text
        assert art.clean[span.start : span.end].strip() == ""
        assert "\n" not in span.text
    starts = [s.start for s in art.removed]
    assert starts == sorted(starts)


_CLEANER = Cleaner.load()


# -- the seeds and the development set (read from ../shared at run time) ----------------


def _seeds() -> list[Path]:
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip(f"../shared not present: {folder}")
    return sorted(folder.glob("*.txt"))


SEED_BOILERPLATE = [
    "fbpx",
    "اترك تعليقاً",
    "لن يتم نشر عنوان بريدك الإلكتروني",
    "زر الذهاب إلى الأعلى",
    "اظهر المزيد",
    "مقالات ذات صلة",
    "حقوق النشر",
    "تقرير خاص لـ مرصد",
]


def test_seed_boilerplate_removed_and_long_lines_kept(cleaner: Cleaner) -> None:
    for path in _seeds():
        art = run(cleaner, path.read_text("utf-8"))
        assert art.clean is not None
        for phrase in SEED_BOILERPLATE:
            assert phrase not in art.clean, f"{path.name}: {phrase!r} left"
        pos = 0
        for line in art.text.split("\n"):
            if len(line.strip()) > 80 and not any(b in line for b in SEED_BOILERPLATE):
                assert art.clean[pos : pos + len(line)] == line, f"{path.name}: lost {line[:40]!r}"
            pos += len(line) + 1


def test_seed_table_blanked(cleaner: Cleaner) -> None:
    tables = 0
    for path in _seeds():
        art = run(cleaner, path.read_text("utf-8"))
        assert art.clean is not None
        if "|" in art.text:
            tables += 1
            assert "|" not in art.clean, path.name
            assert art.metadata.get("table"), path.name
    assert tables >= 1


def _dev_articles() -> list[Article]:
    path = SHARED / "dev" / "input.jsonl"
    if not path.is_file():
        pytest.skip(f"../shared not present: {path}")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [Article(id=r["id"], text=r["text"], outlet=r.get("outlet")) for r in rows]


_SENTENCE_END = re.compile(r"[.؟!](?:[\"”»)]*)(?:\s|$)")


def test_dev_set_loses_no_real_sentence(cleaner: Cleaner) -> None:
    arts = _dev_articles()
    removed = 0
    for art in arts:
        cleaner(art)
        for span in art.removed:
            removed += 1
            long_sentence = len(span.text) > 150 and _SENTENCE_END.search(span.text)
            assert not long_sentence, f"{art.id}: removed a sentence {span.text[:60]!r}"
    # Page noise is present in the set (widgets, datelines, comment blocks): some is removed.
    assert removed >= 40


def test_dev_set_boilerplate_gone(cleaner: Cleaner) -> None:
    phrases = ["زر الذهاب إلى الأعلى", "اظهر المزيد", "حجم الخط", "التغطية الحية", "Read Previous"]
    for art in _dev_articles():
        cleaner(art)
        assert art.clean is not None
        for phrase in phrases:
            assert phrase not in art.clean, f"{art.id}: {phrase!r} left"
