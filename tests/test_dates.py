"""Tests for rasad.recognize.dates: weekdays, today/yesterday words, parts of the day, "ago"
phrases, periods, absolute dates in several month systems, Hijri dates, the Article stage,
the lexicon file and property tests."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.model import Article
from rasad.recognize.dates import TimeHit, TimeReader
from rasad.recognize.numbers import LexiconError
from rasad.text.normalize import Normalizer

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"

D = dt.date
FRI_16 = D(2026, 1, 16)  # a Friday
FRI_9 = D(2026, 1, 9)  # a Friday
MON_3 = D(2018, 12, 3)  # a Monday


@functools.cache
def _shared() -> tuple[TimeReader, Normalizer]:
    return TimeReader.load(), Normalizer.from_file()


@pytest.fixture(scope="module")
def reader() -> TimeReader:
    return _shared()[0]


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return _shared()[1]


def hits_for(text: str, published: dt.date | None) -> tuple[str, list[TimeHit]]:
    reader, norm = _shared()
    t = norm.text(text)
    return t, reader.find(t, published)


# (text, published, the expression as it should be spanned, date, precision, weekday, part)
CASES = [
    ("أعلنت الوزارة اليوم الجمعة انشقاق عناصر", FRI_16, "اليوم الجمعة", FRI_16, "day", 4, None),
    ("أفاد مصدر أمني مساء الجمعة بارتفاع العدد", FRI_9, "مساء الجمعة", FRI_9, "day", 4,
     "evening"),
    ("تعود جذور التصعيد إلى الثلاثاء الماضي", FRI_9, "الثلاثاء الماضي", D(2026, 1, 6), "day", 1,
     None),
    ("أطلق الجيش عملية يوم الخميس", FRI_9, "يوم الخميس", D(2026, 1, 8), "day", 3, None),
    ("عقدت اجتماعات الأحد الماضي في دمشق", FRI_9, "الأحد الماضي", D(2026, 1, 4), "day", 6, None),
    ("اندلعت اشتباكات فجر اليوم الإثنين على أطراف البلدة", MON_3, "فجر اليوم الإثنين", MON_3,
     "day", 0, "dawn"),
    ("آخر الهجمات فجر أمس في محيط التل", MON_3, "فجر أمس", D(2018, 12, 2), "day", None, "dawn"),
    ("أدت ضرباته يوم الأحد إلى مقتل قيادي", MON_3, "يوم الأحد", D(2018, 12, 2), "day", 6, None),
    ("سلموا أنفسهم يوم السبت الماضي", MON_3, "يوم السبت الماضي", D(2018, 12, 1), "day", 5, None),
    ("خطف في سوريا عام 2013", MON_3, "عام 2013", D(2013, 1, 1), "year", None, None),
    ("ثم ظهر عام 2014 في مقطع فيديو", MON_3, "عام 2014", D(2014, 1, 1), "year", None, None),
    ("قتل الناشط الجمعة الماضية", FRI_16, "الجمعة الماضية", FRI_9, "day", 4, None),
    ("قال المتحدث الجمعة إن القوات تقدمت", FRI_16, "الجمعة", FRI_16, "day", 4, None),
    ("ستعقد الجولة الخميس المقبل", FRI_16, "الخميس المقبل", D(2026, 1, 22), "day", 3, None),
    ("تنتهي المهلة الجمعة القادمة", FRI_16, "الجمعة القادمة", D(2026, 1, 23), "day", 4, None),
    ("دارت اشتباكات ليلة الخميس/الجمعة", FRI_16, "ليلة الخميس/الجمعة", D(2026, 1, 15), "day", 3,
     "night"),
    ("قصفت الطائرات البلدة ليل السبت الأحد", FRI_16, "ليل السبت الأحد", D(2026, 1, 10), "day",
     5, "night"),
    ("وصلت أمس دفعة جديدة", FRI_16, "أمس", D(2026, 1, 15), "day", None, None),
    ("انفجرت عبوة البارحة قرب الحاجز", FRI_16, "البارحة", D(2026, 1, 15), "day", None, None),
    ("أعلن أول أمس عن السيطرة", FRI_16, "أول أمس", D(2026, 1, 14), "day", None, None),
    ("أعلن أول من أمس عن السيطرة", FRI_16, "أول من أمس", D(2026, 1, 14), "day", None, None),
    ("يبدأ الحظر غداً في المدينة", FRI_16, "غدا", D(2026, 1, 17), "day", None, None),
    ("تصل القافلة الليلة إلى المعبر", FRI_16, "الليلة", FRI_16, "day", None, "night"),
    ("دخلت القوات صباح اليوم إلى الحي", FRI_16, "صباح اليوم", FRI_16, "day", None, "morning"),
    ("انفجرت سيارة مفخخة مساء أمس", FRI_16, "مساء أمس", D(2026, 1, 15), "day", None, "evening"),
    ("بدأ الهجوم منذ ثلاثة أيام", FRI_16, "منذ ثلاثة أيام", D(2026, 1, 13), "day", None, None),
    ("قتل قبل يومين برصاص قناص", FRI_16, "قبل يومين", D(2026, 1, 14), "day", None, None),
    ("انسحبت القوات قبل أسبوع", FRI_16, "قبل أسبوع", FRI_9, "week", None, None),
    ("تصاعد القصف الأسبوع الماضي", FRI_16, "الأسبوع الماضي", FRI_9, "week", None, None),
    ("وقعت الحادثة الشهر الماضي", FRI_16, "الشهر الماضي", D(2025, 12, 1), "month", None, None),
    ("اعتقل العام الماضي في حلب", FRI_16, "العام الماضي", D(2025, 1, 1), "year", None, None),
    ("شهدت المنطقة تطورات خلال الساعات الماضية", FRI_16, "خلال الساعات الماضية", FRI_16, "day",
     None, None),
    ("في 16 كانون الثاني/يناير 2026 أعلنت الوزارة", FRI_16, "16 كانون الثاني/يناير 2026",
     FRI_16, "day", None, None),
    ("اغتيل القيادي في 22 أكتوبر", FRI_16, "22 أكتوبر", D(2025, 10, 22), "day", None, None),
    ("بدأت العملية في 3 آذار", D(2026, 6, 1), "3 آذار", D(2026, 3, 3), "day", None, None),
    ("سيطر التنظيم على البلدة في تشرين الأول 2019", FRI_16, "تشرين الأول 2019",
     D(2019, 10, 1), "month", None, None),
    ("صدر القرار في يناير 2026", FRI_16, "يناير 2026", D(2026, 1, 1), "month", None, None),
    ("انشق الضابط في 2014", FRI_16, "في 2014", D(2014, 1, 1), "year", None, None),
    ("وقع الهجوم في 15 رمضان 1445 هـ", FRI_16, "15 رمضان 1445 ه", D(2024, 3, 25), "day", None,
     None),
    ("تجري الانتخابات يوم الأحد 13 ربيع الثاني 1447 هـ", D(2025, 9, 26),
     "يوم الأحد 13 ربيع الثاني 1447 ه", D(2025, 10, 5), "day", 6, None),
    ("تنتهي المهلة عند الساعة الخامسة مساءً", FRI_16, "الساعة الخامسة مساء", None, None, None,
     "evening"),
    ("تنتهي المهلة عند الساعة الخامسة بالتوقيت المحلي من مساء اليوم", FRI_16,
     "الساعة الخامسة بالتوقيت المحلي من مساء اليوم", FRI_16, "day", None, "evening"),
    ("أعلنت الحكومة في 12 غشت 2019", FRI_16, "12 غشت 2019", D(2019, 8, 12), "day", None, None),
    ("وقعت المواجهات يوم 3 يوليوز", D(2019, 8, 1), "يوم 3 يوليوز", D(2019, 7, 3), "day", None,
     None),
    ("صدر التقرير في شتنبر 2018", FRI_16, "شتنبر 2018", D(2018, 9, 1), "month", None, None),
    ("تفاقمت الأوضاع منذ دجنبر 2020", FRI_16, "دجنبر 2020", D(2020, 12, 1), "month", None, None),
    ("توقفت المعارك في ماي 2017", FRI_16, "ماي 2017", D(2017, 5, 1), "month", None, None),
    ("أعلن الاتفاق في أبريل/نيسان 2024", FRI_16, "أبريل/نيسان 2024", D(2024, 4, 1), "month",
     None, None),
    ("دخل الجيش المدينة في 10 أبريل/نيسان", D(2024, 5, 1), "10 أبريل/نيسان", D(2024, 4, 10),
     "day", None, None),
    ("تظاهر الأهالي اليوم السبت 28 تشرين الأول", D(2023, 10, 28), "اليوم السبت 28 تشرين الأول",
     D(2023, 10, 28), "day", 5, None),
    ("قصفت الطائرات المواقع بعد منتصف ليل الاثنين/الثلاثاء", D(2024, 3, 26),
     "منتصف ليل الاثنين/الثلاثاء", D(2024, 3, 25), "day", 0, "midnight"),
    ("نشر في 10.09.2018 الساعة العاشرة", FRI_16, "10.09.2018", D(2018, 9, 10), "day", None,
     None),
    ("ارتفعت وتيرة القتال منذ نحو 3 أسابيع", D(2016, 3, 27), "منذ نحو 3 أسابيع", D(2016, 3, 6),
     "week", None, None),
    ("اندلعت الانتفاضة قبل 16 شهرا", D(2012, 7, 6), "قبل 16 شهرا", D(2011, 3, 1), "month", None,
     None),
    ("سيطر عليها في ديسمبر الماضي", D(2017, 3, 2), "ديسمبر الماضي", D(2016, 12, 1), "month",
     None, None),
    ("بدأت العملية في الساعة الحادية عشر من مساء أمس السبت", D(2019, 10, 27),
     "الساعة الحادية عشر من مساء أمس السبت", D(2019, 10, 26), "day", 5, "evening"),
    ("تسيطر عليها منذ العشرين من مايو العام الماضي", D(2016, 3, 27),
     "العشرين من مايو العام الماضي", D(2015, 5, 20), "day", None, None),
    ("أعلن الجيش مساء أمس الاثنين فرض حظر التجوال", D(2025, 12, 30), "مساء أمس الاثنين",
     D(2025, 12, 29), "day", 0, "evening"),
    ("يستمر حتى صباح غد الأربعاء", D(2025, 12, 30), "صباح غد الأربعاء", D(2025, 12, 31), "day",
     2, "morning"),
]


@pytest.mark.parametrize(("text", "published", "span", "date", "precision", "weekday", "part"),
                         CASES)
def test_resolves(norm: Normalizer, text: str, published: dt.date, span: str,
                  date: dt.date | None, precision: str | None, weekday: int | None,
                  part: str | None) -> None:
    t, hits = hits_for(text, published)
    want = norm.text(span)
    found = [h for h in hits if t[h.start:h.end] == want]
    assert len(found) == 1, [(t[h.start:h.end], h) for h in hits]
    h = found[0]
    assert (h.date, h.precision, h.weekday, h.part_of_day) == (date, precision, weekday, part)


@pytest.mark.parametrize(("text", "weekday", "part"), [
    ("قصفت الطائرات البلدة يوم الأحد", 6, None),
    ("استشهد ستة أشخاص مساء الأمس الجمعة", 4, "evening"),
    ("انفجرت عبوة فجر أمس", None, "dawn"),
    ("قتل قبل يومين", None, None),
])
def test_no_publication_date_keeps_weekday(text: str, weekday: int | None,
                                           part: str | None) -> None:
    _, hits = hits_for(text, None)
    assert len(hits) == 1
    h = hits[0]
    assert (h.date, h.precision, h.weekday, h.part_of_day, h.relative) == (
        None, None, weekday, part, True)


def test_no_publication_date_absolute_year_still_resolves() -> None:
    _, hits = hits_for("خطف في سوريا عام 2013 وأطلق في 22 أكتوبر", None)
    assert [(h.date, h.absolute) for h in hits] == [(D(2013, 1, 1), True), (None, True)]


@pytest.mark.parametrize("text", [
    "يصلي الناس كل جمعة في الجامع",  # recurrent, not a date
    "وفي اليوم التالي انسحبت القوات",  # "the next day", not today
    "مارس الضغط على الفصائل",  # the verb, not March
    "فجر الانتحاري نفسه قرب الحاجز",  # the verb "blew up", not dawn
    "قتل شخص واحد في الهجوم",
])
def test_not_a_time(text: str) -> None:
    _, hits = hits_for(text, FRI_16)
    assert hits == []


def test_relative_and_absolute_flags() -> None:
    _, hits = hits_for("أعلنت الوزارة اليوم الجمعة وفي 16 كانون الثاني 2026", FRI_16)
    assert [(h.relative, h.absolute) for h in hits] == [(True, False), (False, True)]


def test_missing_year_uses_previous_year_when_far_in_future() -> None:
    _, near = hits_for("في 10 شباط", FRI_16)
    _, far = hits_for("في 10 أيار", FRI_16)
    assert near[0].date == D(2026, 2, 10)
    assert far[0].date == D(2025, 5, 10)


def test_article_stage_maps_offsets() -> None:
    reader, norm = _shared()
    text = "اندلعت اشتباكاتٌ فجرَ اليومِ الإثنين على أطراف البلدة"
    n = norm(text)
    art = Article(id="a", text=text, published=MON_3, norm_text=n.text, norm_offsets=n.offsets)
    reader(art)
    assert len(art.times) == 1
    span = art.times[0]
    assert span.span.text == "فجرَ اليومِ الإثنين"
    assert (span.date, span.weekday, span.part_of_day, span.relative) == (MON_3, 0, "dawn", True)


def test_extra_lexicon_file(tmp_path: Path) -> None:
    extra = tmp_path / "more_dates.json"
    extra.write_text(json.dumps({"weekdays": {"الأحدِ": 6},
                                 "parts_of_day": {"هزيع": "night"}}, ensure_ascii=False),
                     encoding="utf-8")
    reader = TimeReader.load(extra=[extra])
    norm = Normalizer.from_file()
    hits = reader.find(norm.text("تسلل المسلحون هزيع الجمعة"), FRI_16)
    assert [(h.date, h.part_of_day) for h in hits] == [(FRI_16, "night")]


def test_bad_extra_lexicon_file(tmp_path: Path) -> None:
    extra = tmp_path / "bad.json"
    extra.write_text('{"weekdays": ["not", "a", "map"]}', encoding="utf-8")
    with pytest.raises(LexiconError):
        TimeReader.load(extra=[extra])


def test_dates_json_matches_schema() -> None:
    schema = json.loads((DATA / "schemas" / "dates.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads((DATA / "dates.json").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert set(data["meta"]) >= {"version", "description", "source", "licence"}


# ---------------------------------------------------------------- the seeds (read at run time)

SEED_EXPECT = [
    ("001_0ccb467799332b30", "مساء الجمعة", D(2026, 1, 9)),
    ("001_0ccb467799332b30", "الثلاثاء الماضي", D(2026, 1, 6)),
    ("001_0ccb467799332b30", "يوم الخميس", D(2026, 1, 8)),
    ("001_0ccb467799332b30", "الأحد الماضي", D(2026, 1, 4)),
    ("002_c687c9c6b6151ccd", "اليوم الجمعة", D(2026, 1, 16)),
    ("002_c687c9c6b6151ccd", "فجر اليوم", D(2026, 1, 16)),
    ("003_203163ffda9da0e9", "خلال الساعات الماضية", D(2026, 1, 18)),
    ("004_04aac2cd1ce09db4", "فجر اليوم الإثنين", D(2018, 12, 3)),
    ("004_04aac2cd1ce09db4", "فجر أمس", D(2018, 12, 2)),
    ("004_04aac2cd1ce09db4", "يوم الأحد", D(2018, 12, 2)),
    ("004_04aac2cd1ce09db4", "يوم السبت الماضي", D(2018, 12, 1)),
    ("004_04aac2cd1ce09db4", "عام 2013", D(2013, 1, 1)),
]


@pytest.mark.parametrize(("seed", "phrase", "date"), SEED_EXPECT)
def test_seed_times(norm: Normalizer, seed: str, phrase: str, date: dt.date) -> None:
    path = SHARED / "seeds" / f"{seed}.txt"
    meta = SHARED / "seeds" / f"{seed}.meta.json"
    if not path.exists() or not meta.exists():
        pytest.skip(f"../shared not present: {path}")
    published = D.fromisoformat(json.loads(meta.read_text("utf-8"))["published"])
    t, hits = hits_for(path.read_text("utf-8"), published)
    got = {(t[h.start:h.end], h.date) for h in hits}
    assert (norm.text(phrase), date) in got


# ---------------------------------------------------------------- properties

_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءةىأإآئؤ0123456789٠١ ,.،:/-()\n"
_WORDS = ["اليوم", "أمس", "الأول", "أول", "من", "يوم", "الجمعة", "الأحد", "الماضي", "المقبل",
          "فجر", "مساء", "ليلة", "/", "منذ", "قبل", "ثلاثة", "أيام", "يومين", "الأسبوع", "الشهر",
          "العام", "عام", "2013", "16", "كانون", "الثاني", "يناير", "رمضان", "1445", "هـ",
          "الساعة", "الخامسة", "12:30", "10.09.2018", "خلال", "الساعات", "الماضية", "في", "ماي",
          "صفر", "الحالي", "هذا", "العشرين"]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=_ALPHABET, max_size=120),
                 st.lists(st.sampled_from(_WORDS), max_size=14).map(" ".join)),
       st.one_of(st.none(), st.dates(min_value=D(1990, 1, 1), max_value=D(2040, 12, 31)),
                 st.dates()))
def test_find_never_raises_and_offsets_stay_inside(text: str, published: dt.date | None) -> None:
    reader, norm = _shared()
    for t in (text, norm.text(text)):
        hits = reader.find(t, published)
        for h in hits:
            assert 0 <= h.start < h.end <= len(t)
            assert h.weekday is None or 0 <= h.weekday <= 6
            if h.date is not None:
                assert h.precision is not None
        assert all(a.end <= b.start for a, b in itertools.pairwise(hits))


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31)),
       st.sampled_from(["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]),
       st.sampled_from(["", " الماضي", " المقبل"]))
def test_weekday_resolution(published: dt.date, name: str, modifier: str) -> None:
    _, hits = hits_for(f"وقع الهجوم يوم {name}{modifier} في البلدة", published)
    assert len(hits) == 1
    h = hits[0]
    assert h.date is not None and h.weekday == h.date.weekday()
    delta = (h.date - published).days
    if modifier == " الماضي":
        assert -7 <= delta < 0
    elif modifier == " المقبل":
        assert 0 < delta <= 7
    else:
        assert -6 <= delta <= 0
