"""Tests for rasad.recognize.numbers: digits, number words, duals, vague quantities,
qualifiers, roles, the Article stage, the lexicon files and property tests."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.errors import DataFileError
from rasad.model import Article
from rasad.recognize.numbers import LexiconError, NumberHit, NumberReader, parse_digits
from rasad.text.normalize import Normalizer

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"


@pytest.fixture(scope="module")
def reader() -> NumberReader:
    return NumberReader.load()


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_file()


def hits_for(reader: NumberReader, norm: Normalizer, text: str) -> tuple[str, list[NumberHit]]:
    t = norm.text(text)
    return t, reader.find(t)


def the_hit(reader: NumberReader, norm: Normalizer, text: str, span: str) -> NumberHit:
    t, hits = hits_for(reader, norm, text)
    want = norm.text(span)
    found = [h for h in hits if t[h.start:h.end] == want]
    assert len(found) == 1, [(t[h.start:h.end], h) for h in hits]
    return found[0]


# (sentence, span of the number, value, low, high, qualifier, role, normalised noun)
CASES = [
    ("أعلنت الوزارة انشقاق 6 عناصر من التنظيم", "6", 6, None, None, "exact", "count", "عناصر"),
    ("ارتفع عدد المنشقين إلى 100 عنصر", "100", 100, None, None, "exact", "count", "عنصر"),
    ("بلغ عددهم 20 عنصرًا قبل أن يرتفع", "20", 20, None, None, "exact", "count", "عنصر"),
    ("أسفر القصف عن سقوط 9 قتلى و55 مصابًا", "9", 9, None, None, "exact", "count", "قتلي"),
    ("أسفر القصف عن سقوط 9 قتلى و55 مصابًا", "55", 55, None, None, "exact", "count", "مصاب"),
    ("نزوح نحو 165 ألف شخص من الحيين", "165 ألف", 165000, None, None, "approx", "count", "شخص"),
    ("طرد المسلحين من عشرات القرى", "عشرات", None, 20, 99, "vague", "count", "قري"),
    ("فرار العناصر مع عشرات الآليات العسكرية", "عشرات", None, 20, 99, "vague", "count", "اليات"),
    ("دفعة تتكون من 300 عنصر و 16 آلية", "300", 300, None, None, "exact", "count", "عنصر"),
    ("دفعة تتكون من 300 عنصر و 16 آلية", "16", 16, None, None, "exact", "count", "اليه"),
    ("تمكن أكثر من 140 شخصاً من الهرب", "140", 140, 140, None, "at_least", "count", "شخص"),
    ("قام (43) شاباً بتسليم أنفسهم للحاجز", "43", 43, None, None, "exact", "count", "شاب"),
    ("ومن بينهم (11) شخصاً كانوا مع الفصائل", "11", 11, None, None, "exact", "count", "شخص"),
    ("أسفر عن مقتل 12 عنصرا من أبناء المدينة", "12", 12, None, None, "exact", "count", "عنصر"),
    ("تحدثت مصادر عن مقتل 23 عنصراً من التنظيم", "23", 23, None, None, "exact", "count", "عنصر"),
    ("واعتقلت شخصين من بلدة الزر", "شخصين", 2, None, None, "exact", "count", "شخص"),
    ("اعتقلت شخصين من القرية الأولى وشخص من القرية الثانية", "شخص", 1, None, None, "exact",
     "count", "شخص"),
    ("لا تبعد عن المشفى سوى 2 كم", "2", 2, None, None, "exact", "distance", "كم"),
    ("الهجوم هو الثالث خلال 3 ايام", "الثالث", 3, None, None, "exact", "ordinal", None),
    ("الهجوم هو الثالث خلال 3 ايام", "3", 3, None, None, "exact", "other", "ايام"),
    ("خطف الصحفي في سوريا عام 2013", "2013", 2013, None, None, "exact", "year", None),
    ("إلقاء القبض على أحد عناصر الاستخبارات", "أحد", 1, None, None, "exact", "count", "عناصر"),
    ("مقتل ستة مدنيين في القصف", "ستة", 6, None, None, "exact", "count", "مدنيين"),
    ("أصيبت ست نساء بجروح", "ست", 6, None, None, "exact", "count", "نساء"),
    ("قتل ثلاث سيدات في الغارة", "ثلاث", 3, None, None, "exact", "count", "سيدات"),
    ("وصول اثنين من الضباط إلى الحاجز", "اثنين", 2, None, None, "exact", "count", "ضباط"),
    ("أسر أحد عشر مقاتلا من الفصيل", "أحد عشر", 11, None, None, "exact", "count", "مقاتل"),
    ("إصابة خمسة عشر شخصا بجروح", "خمسة عشر", 15, None, None, "exact", "count", "شخص"),
    ("انتشار نحو عشرين عنصرا في البلدة", "عشرين", 20, None, None, "approx", "count", "عنصر"),
    ("خروج ثلاثمئة وخمسة عشر مدنيا", "ثلاثمئة وخمسة عشر", 315, None, None, "exact", "count",
     "مدني"),
    ("خروج ثلاثمائة وخمسة عشر مدنيا", "ثلاثمائة وخمسة عشر", 315, None, None, "exact", "count",
     "مدني"),
    ("نقل أكثر من مئة شخص إلى المشافي", "مئة", 100, 100, None, "at_least", "count", "شخص"),
    ("وصول مائة عنصر من القوات", "مائة", 100, None, None, "exact", "count", "عنصر"),
    ("خروج مئتين من المقاتلين", "مئتين", 200, None, None, "exact", "count", "مقاتلين"),
    ("نزوح ألف عائلة من القرى", "ألف", 1000, None, None, "exact", "count", "عايله"),
    ("نزوح ألفين من السكان", "ألفين", 2000, None, None, "exact", "count", "سكان"),
    ("دخول عشرة آلاف جندي إلى المنطقة", "عشرة آلاف", 10000, None, None, "exact", "count", "جندي"),
    ("بلغت أكثر من ستة آلاف وثمانمئة وسبعين شاحنة", "ستة آلاف وثمانمئة وسبعين", 6870, 6870,
     None, "at_least", "count", "شاحنه"),
    ("تدمير عشرين منزلا في القرية", "عشرين", 20, None, None, "exact", "count", "منزل"),
    ("اعتقال عنصرين من التنظيم", "عنصرين", 2, None, None, "exact", "count", "عنصر"),
    ("لم يعتقل سوى عنصر واحد", "عنصر واحد", 1, None, None, "exact", "count", "عنصر"),
    ("عثر على جثتين اثنتين في الوادي", "جثتين اثنتين", 2, None, None, "exact", "count", "جثه"),
    ("لجوء نصف مليون شخص إلى تركيا", "نصف مليون", 500000, None, None, "exact", "count", "شخص"),
    ("تتراوح أعمارهم بين 18 و60 عاما", "18 و60", None, 18, 60, "approx", "age", "عام"),
    ("سيخرج ما بين 400 و500 مقاتل", "400 و500", None, 400, 500, "approx", "count", "مقاتل"),
    ("بيع الزيت ما بين 25 و27 ألف ليرة", "25 و27 ألف", None, 25000, 27000, "approx", "money",
     "ليره"),
    ("مقتل 20 شخصًا على الأقل في الانفجار", "20", 20, 20, None, "at_least", "count", "شخص"),
    ("بقي أقل من 50 عنصرا في الموقع", "50", 50, None, 50, "at_most", "count", "عنصر"),
    ("نزوح حوالي 30 ألف شخص", "30 ألف", 30000, None, None, "approx", "count", "شخص"),
    ("عودة زهاء 200 عائلة", "200", 200, None, None, "approx", "count", "عايله"),
    ("مقتل ما يقارب 70 شخصا", "70", 70, None, None, "approx", "count", "شخص"),
    ("مقتل ما لا يقل عن 15 مدنيا", "15", 15, 15, None, "at_least", "count", "مدني"),
    ("تجمع ما يزيد عن 300 عنصر", "300", 300, 300, None, "at_least", "count", "عنصر"),
    ("نزوح عشرات الآلاف من المدنيين", "عشرات الآلاف", None, 20000, 99999, "vague", "count",
     "مدنيين"),
    ("تظاهر المئات من الأهالي", "المئات", None, 200, 999, "vague", "count", "اهالي"),
    ("معاناة آلاف السوريين في المخيمات", "آلاف", None, 2000, 9999, "vague", "count", "سوريين"),
    ("لجوء مئات الآلاف من السوريين", "مئات الآلاف", None, 200000, 999999, "vague", "count",
     "سوريين"),
    ("أدى إلى مقتل عدد من عناصر الطرفين", "عدد من", None, None, None, "vague", "count", "عناصر"),
    ("أعدم التنظيم العديد من السجناء", "العديد من", None, None, None, "vague", "count",
     "سجناء"),
    ("أصيب بضعة أشخاص بجروح طفيفة", "بضعة", None, 3, 9, "vague", "count", "اشخاص"),
    ("رصدت الطائرة عند الساعة 12:30 ظهرا", "12:30", None, None, None, "exact", "time", None),
    ("يبدأ الحظر عند الساعة الخامسة مساء", "الخامسة", 5, None, None, "exact", "time", None),
    ("ارتفعت الأسعار بنسبة 50% خلال الشهر", "50", 50, None, None, "exact", "percent", "%"),
    ("تراجع الإنتاج 20 في المئة", "20", 20, None, None, "exact", "percent", "في الميه"),
    ("قتل رجل يبلغ من العمر 45 عاما", "45", 45, None, None, "exact", "age", "عام"),
    ("قتل طفل (15 عاماً) برصاص قناص", "15", 15, None, None, "exact", "age", "عام"),
    ("طلبت المنظمة 3.19 مليار دولار", "3.19 مليار", 3190000000, None, None, "exact", "money",
     "دولار"),
    ("نزوح 1,200 شخص من البلدة", "1,200", 1200, None, None, "exact", "count", "شخص"),
    ("نزوح 1.200 شخص من البلدة", "1.200", 1200, None, None, "exact", "count", "شخص"),
    ("يحتاج 3.5 مليون شخص إلى المساعدة", "3.5 مليون", 3500000, None, None, "exact", "count",
     "شخص"),
    ("للتواصل على الرقم 0933123456", "0933123456", None, None, None, "exact", "phone", None),
    ("بدأت العملية في 16 كانون الثاني", "16", 16, None, None, "exact", "other", None),
    ("قائد اللواء 105 في الحرس", "105", 105, None, None, "exact", "other", None),
    ("مقتل ١٢ عنصرا من قوات النظام", "12", 12, None, None, "exact", "count", "عنصر"),
    ("دخل رتلان عسكريان إلى المنطقة", "رتلان", 2, None, None, "exact", "count", "رتل"),
    ("يقع المشفى على بعد 500 متر من الحاجز", "500", 500, None, None, "exact", "distance",
     "متر"),
    ("استمر الحصار منذ 73 يوما", "73", 73, None, None, "exact", "other", "يوم"),
]


@pytest.mark.parametrize(("text", "span", "value", "low", "high", "qualifier", "role", "noun"),
                         CASES)
def test_reads_number(reader: NumberReader, norm: Normalizer, text: str, span: str,
                      value: int | None, low: int | None, high: int | None, qualifier: str,
                      role: str, noun: str | None) -> None:
    h = the_hit(reader, norm, text, span)
    assert (h.value, h.low, h.high, h.qualifier, h.role, h.noun) == (
        value, low, high, qualifier, role, noun)
    if noun is not None:
        assert h.noun_end is not None and h.noun_end > h.start


@pytest.mark.parametrize("text", [
    "مقتل مدنيين في الغارة على البلدة",  # a plural, not a dual
    "لم يصب أحد بأذى في الحادث",  # "nobody"
    "انتهت المهلة في كانون الثاني",  # the ordinal inside a month name
    "عقد الاجتماع يوم الأحد في دمشق",  # Sunday is not "one"
    "لست أدري ما حدث",
])
def test_no_count(reader: NumberReader, norm: Normalizer, text: str) -> None:
    _, hits = hits_for(reader, norm, text)
    assert [h for h in hits if h.role == "count"] == []


def test_adjective_dual_is_not_a_second_count(reader: NumberReader, norm: Normalizer) -> None:
    _, hits = hits_for(reader, norm, "دخل رتلان عسكريان إلى المنطقة")
    assert len(hits) == 1


def test_coordinated_list_of_arrests(reader: NumberReader, norm: Normalizer) -> None:
    text = "واعتقلت شخصين من بلدة الزر وشخص من بلدة أخرى وشخصين من قرية ثالثة"
    t, hits = hits_for(reader, norm, text)
    counts = [(t[h.start:h.end], h.value) for h in hits if h.role == "count"]
    assert counts == [("شخصين", 2), ("شخص", 1), ("شخصين", 2)]


@pytest.mark.parametrize(("digits", "value"), [
    ("1,200", 1200), ("1.200", 1200), ("3.5", 3.5), ("10,300", 10300),
    ("1,200,000", 1200000), ("15760.50", 15760.5), ("1,200.5", 1200.5), ("12", 12),
])
def test_parse_digits(digits: str, value: float) -> None:
    assert parse_digits(digits) == value


def test_decimal_point_before_scale() -> None:
    assert parse_digits("2.500", scale_follows=True) == 2.5


def test_value_at(reader: NumberReader, norm: Normalizer) -> None:
    t = norm.text("منذ ثلاثة أيام")
    assert reader.value_at(t, t.index("ثلاثه")) == (3, t.index("ثلاثه") + len("ثلاثه"))
    assert reader.value_at(t, 0) is None


def test_article_stage_maps_offsets(reader: NumberReader, norm: Normalizer) -> None:
    text = "أعلنت الوزارة انشقاقَ ٦ عناصـرَ من التنظيم"
    n = norm(text)
    art = Article(id="a1", text=text, norm_text=n.text, norm_offsets=n.offsets)
    reader(art)
    assert len(art.numbers) == 1
    num = art.numbers[0]
    assert num.span.text == "٦" and num.value == 6 and num.role == "count"
    assert num.noun == "عناصر"
    assert num.noun_end is not None and text[:num.noun_end].endswith("عناصـر")


def test_extra_lexicon_file(tmp_path: Path, norm: Normalizer) -> None:
    extra = tmp_path / "more_numbers.json"
    extra.write_text(json.dumps({"nouns": [{"singular": "مدفع", "dual": ["مدفعين"],
                                            "plural": ["مدافع"]}]}, ensure_ascii=False),
                     encoding="utf-8")
    assert NumberReader.load().find(norm.text("تدمير مدفعين للنظام")) == []
    hits = NumberReader.load(extra=[extra]).find(norm.text("تدمير مدفعين للنظام"))
    assert [(h.value, h.noun) for h in hits] == [(2, "مدفع")]


@pytest.mark.parametrize("content", ["[1, 2]", "{not json", '{"units": ["list"]}'])
def test_bad_extra_lexicon_file(tmp_path: Path, content: str) -> None:
    extra = tmp_path / "bad.json"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        NumberReader.load(extra=[extra])
    assert isinstance(err.value, DataFileError) and err.value.code == "lexicon"


def test_numbers_json_matches_schema() -> None:
    schema = json.loads((DATA / "schemas" / "numbers.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((DATA / "numbers.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert set(data["meta"]) >= {"version", "description", "source", "licence"}


# ---------------------------------------------------------------- the seeds (read at run time)

SEED_EXPECT = [
    ("002_c687c9c6b6151ccd", "6", 6, "exact", "عناصر"),
    ("002_c687c9c6b6151ccd", "احد", 1, "exact", "عناصر"),
    ("001_0ccb467799332b30", "100", 100, "exact", "عنصر"),
    ("001_0ccb467799332b30", "9", 9, "exact", "قتلي"),
    ("001_0ccb467799332b30", "55", 55, "exact", "مصاب"),
    ("001_0ccb467799332b30", "165 الف", 165000, "approx", "شخص"),
    ("003_203163ffda9da0e9", "عشرات", None, "vague", "عناصر"),
    ("004_04aac2cd1ce09db4", "12", 12, "exact", "عنصر"),
    ("004_04aac2cd1ce09db4", "23", 23, "exact", "عنصر"),
    ("004_04aac2cd1ce09db4", "300", 300, "exact", "عنصر"),
    ("004_04aac2cd1ce09db4", "16", 16, "exact", "اليه"),
    ("004_04aac2cd1ce09db4", "43", 43, "exact", "شاب"),
    ("004_04aac2cd1ce09db4", "140", 140, "at_least", "شخص"),
    ("004_04aac2cd1ce09db4", "شخصين", 2, "exact", "شخص"),
    ("004_04aac2cd1ce09db4", "شخص", 1, "exact", "شخص"),
]


@pytest.mark.parametrize(("seed", "span", "value", "qualifier", "noun"), SEED_EXPECT)
def test_seed_counts(reader: NumberReader, norm: Normalizer, seed: str, span: str,
                     value: int | None, qualifier: str, noun: str) -> None:
    path = SHARED / "seeds" / f"{seed}.txt"
    if not path.exists():
        pytest.skip(f"../shared not present: {path}")
    t, hits = hits_for(reader, norm, path.read_text("utf-8"))
    got = {(t[h.start:h.end], h.value, h.qualifier, h.noun) for h in hits if h.role == "count"}
    assert (span, value, qualifier, noun) in got


def test_seed_non_counts(reader: NumberReader, norm: Normalizer) -> None:
    path = SHARED / "seeds" / "004_04aac2cd1ce09db4.txt"
    if not path.exists():
        pytest.skip(f"../shared not present: {path}")
    t, hits = hits_for(reader, norm, path.read_text("utf-8"))
    roles = {(t[h.start:h.end], h.role) for h in hits}
    assert {("2", "distance"), ("الثالث", "ordinal"), ("3", "other"), ("2013", "year"),
            ("2014", "year")} <= roles


# ---------------------------------------------------------------- properties

_UNITS = ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة"]
_TENS = ["", "عشرة", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
_HUNDREDS = ["", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة",
             "تسعمئة"]


def _below_thousand(n: int) -> str:
    """Arabic words for 1 ≤ n ≤ 999 (nominative, masculine), as newspapers write them."""
    parts = [_HUNDREDS[n // 100]] if n >= 100 else []
    r = n % 100
    if 0 < r < 10:
        parts.append(_UNITS[r])
    elif r == 10:
        parts.append("عشرة")
    elif r == 11:
        parts.append("أحد عشر")
    elif r == 12:
        parts.append("اثنا عشر")
    elif 13 <= r <= 19:
        parts.append(f"{_UNITS[r - 10]} عشر")
    elif r >= 20:
        parts.append(_TENS[r // 10] if r % 10 == 0 else f"{_UNITS[r % 10]} و{_TENS[r // 10]}")
    return " و".join(parts)


def render(n: int) -> str:
    """Arabic words for 1 ≤ n ≤ 999999."""
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands == 1:
        parts.append("ألف")
    elif thousands == 2:
        parts.append("ألفان")
    elif 3 <= thousands <= 10:
        parts.append(f"{_below_thousand(thousands)} آلاف")
    elif thousands > 10:
        parts.append(f"{_below_thousand(thousands)} ألف")
    if rest:
        parts.append(_below_thousand(rest))
    return " و".join(parts)


def test_renderer_examples() -> None:
    assert render(6870) == "ستة آلاف وثمانمئة وسبعون"
    assert render(315) == "ثلاثمئة وخمسة عشر"
    assert render(165000) == "مئة وخمسة وستون ألف"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999999))
def test_digits_read_back(n: int) -> None:
    reader, norm = _shared()
    hits = reader.find(norm.text(f"أسفر الهجوم عن مقتل {n} مدنيا"))
    assert [(h.value, h.role) for h in hits] == [(n, "count")]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.integers(min_value=2, max_value=99),
                 st.integers(min_value=1, max_value=9).map(lambda k: k * 100),
                 st.integers(min_value=1, max_value=999).map(lambda k: k * 1000),
                 st.integers(min_value=2, max_value=999999)))
def test_words_read_back(n: int) -> None:
    reader, norm = _shared()
    text = norm.text(f"أسفر الهجوم عن مقتل {render(n)} مدنيا")
    hits = reader.find(text)
    assert [(h.value, h.role, h.noun) for h in hits] == [(n, "count", "مدني")], render(n)


_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءةىأإآئؤ0123456789٠١٢٣ ,.،:%()/-\n"
_WORDS = ["ثلاثة", "عشر", "آلاف", "ألف", "عشرات", "نحو", "أكثر من", "عنصرا", "شخصين", "واحد",
          "أحد", "الثالث", "و", "بين", "2013", "12:30", "كم", "(", ")", "مليون", "نصف", "عام",
          "الساعة", "كانون الثاني", "عدد من", "مئة", "3.5", "1,200", "على الأقل", "٥"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=120),
                 st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join)))
def test_find_never_raises_and_offsets_stay_inside(text: str) -> None:
    reader, norm = _shared()
    for t in (text, norm.text(text)):
        for h in reader.find(t):
            assert 0 <= h.start < h.end <= len(t)
            assert h.noun_end is None or 0 < h.noun_end <= len(t)
            if h.value is None and h.qualifier != "vague":
                assert h.role != "count" or h.low is not None


@functools.cache
def _shared() -> tuple[NumberReader, Normalizer]:
    """One reader for the Hypothesis tests (function-scoped fixtures do not mix with @given)."""
    return NumberReader.load(), Normalizer.from_file()
