"""Actor dictionary, actor recognition, anaphora, framing and attribution phrases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from rasad.errors import DataFileError
from rasad.model import Actor, Article
from rasad.recognize.actors import ActorDictionary, ActorHit, ActorRecognizer, SourceFinder
from rasad.recognize.sides import Sides
from rasad.text.normalize import Normalizer

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
D2018 = dt.date(2018, 6, 1)
D2026 = dt.date(2026, 1, 16)


@pytest.fixture(scope="module")
def norm() -> Normalizer:
    return Normalizer.from_file()


@pytest.fixture(scope="module")
def rec() -> ActorRecognizer:
    return ActorRecognizer.load()


def hits(
    rec: ActorRecognizer, norm: Normalizer, text: str, on: dt.date | None = None
) -> list[tuple[str, ActorHit]]:
    t = norm.text(text)
    return [(t[h.start : h.end], h) for h in rec.find(t, on)]


def ids(rec: ActorRecognizer, norm: Normalizer, text: str, on: dt.date | None = None) -> list[str]:
    return [h.actor.id for _, h in hits(rec, norm, text, on)]


# ----------------------------------------------------------------- data files


@pytest.mark.parametrize("stem", ["actors", "sources"])
def test_data_file_matches_schema(stem: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((DATA / "schemas" / f"{stem}.schema.json").read_text("utf-8"))
    data = yaml.safe_load((DATA / f"{stem}.yaml").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    assert set(data["meta"]) >= {"version", "description", "source", "licence"}


def test_dictionary_is_consistent() -> None:
    d = ActorDictionary.load()
    entries = d.entries()
    assert len(entries) == len({e.id for e in entries}) >= 70
    assert d.alias_count >= 600
    for e in entries:
        assert e.parent is None or e.parent in d
        assert e.valid_from is None or e.valid_to is None or e.valid_from < e.valid_to
    # successive entries of one lineage do not overlap
    for lineage in ("syria-army", "syria-gov", "syria-security"):
        members = sorted(
            (e for e in entries if e.lineage == lineage), key=lambda e: e.valid_from or dt.date.min
        )
        assert len(members) == 2
        assert members[0].valid_to == members[1].valid_from == dt.date(2024, 12, 8)


def test_required_ids_exist() -> None:
    d = ActorDictionary.load()
    for actor_id in (
        "sdf", "ypg", "asayish", "dez-military-council", "islamic-state", "hts", "sna", "fsa",
        "syria-army-2000", "syria-army-2024", "syria-police-2024", "syria-intel-2000",
        "syria-gov-2000", "syria-gov-2024", "ndf", "turkey-military", "us-military", "coalition",
        "russia-military", "iran-irgc", "iran-backed-militias", "hezbollah", "israel-military",
        "ahrar-al-sham", "tribes", "civilians", "protesters", "rioters", "unidentified-armed-group",
    ):  # fmt: skip
        assert actor_id in d
    assert d.get("coalition").inter == 8
    assert d.get("tribes").inter == 4
    assert (d.get("civilians").inter, d.get("protesters").inter, d.get("rioters").inter) == (
        7,
        6,
        5,
    )


# ------------------------------------------------------------ name variety


@pytest.mark.parametrize(
    ("text", "surface", "actor_id"),
    [
        ("هاجمت قسد مواقع في ريف دير الزور", "قسد", "sdf"),
        ("انسحبت قوات سوريا الديموقراطية من المدينة", "قوات سوريا الديموقراطيه", "sdf"),
        ("انشق عشرون عنصراً عن تنظيم “قسد” أمس", 'تنظيم "قسد', "sdf"),
        ("أعلنت ميليشيا قسد حظر التجوال", "ميليشيا قسد", "sdf"),
        ("قصفت مجموعات قسد الحي", "مجموعات قسد", "sdf"),
        ("اشتبكت وحدات حماية الشعب مع الفصائل", "وحدات حمايه الشعب", "ypg"),
        ("هاجم مسلحو YPG نقطة عسكرية", "ypg", "ypg"),
        ("تبنى داعش الهجوم", "داعش", "islamic-state"),
        ("خلايا تنظيم الدولة نفذت الهجوم", "خلايا تنظيم الدوله", "islamic-state"),
        ('أعلن تنظيم "الدولة الإسلامية" مسؤوليته', 'تنظيم "الدوله الاسلاميه', "islamic-state"),
        ("سيطرت هيئة تحرير الشام على المعبر", "هييه تحرير الشام", "hts"),
        ("وصلت تعزيزات لحزب الله إلى القصير", "حزب الله", "hezbollah"),  # ل stays outside
        ("وصل رتل عسكري أمريكي إلى القاعدة", "رتل عسكري امريكي", "us-military"),
        ("نفذ طيران التحالف غارتين", "طيران التحالف", "coalition"),
        ("وشنت الطائرات الحربية الروسية غارات", "الطايرات الحربيه الروسيه", "russia-military"),
        ("وأدت الغارة الإسرائيلية إلى مقتل ثلاثة", "الاسراييليه", "israel-military"),
        ("انتشر عناصر الآساييش في الحي", "الاساييش", "asayish"),
        ("هاجمت قوات الدفاع الوطني الحاجز", "قوات الدفاع الوطني", "ndf"),
        ("وقال أبناء العشائر إنهم طردوا العناصر", "ابناء العشاير", "tribes"),
        ("حضر وجهاء قبيلة العكيدات الاجتماع", "قبيله العكيدات", "tribe-aqidat"),
        ("سقط عدد من المدنيين جرحى", "المدنيين", "civilians"),
        ("أطلق الرصاص على المتظاهرين", "المتظاهرين", "protesters"),
        ("اعتدى مثيرو الشغب على المحلات", "مثيرو الشغب", "rioters"),
        ("اغتال مسلحون مجهولون القيادي", "مسلحون مجهولون", "unidentified-armed-group"),
        ("هاجم مقاتلو المعارضة الحاجز", "مقاتلو المعارضه", "syria-opposition"),
        (
            "ووصلت تعزيزات للميليشيات الإيرانية إلى البوكمال",
            "للميليشيات الايرانيه",
            "iran-backed-militias",
        ),
        (
            "أعلن مجلس دير الزور العسكري بدء الحملة",
            "مجلس دير الزور العسكري",
            "dez-military-council",
        ),
        ("أعلن مجلس منبج العسكري النفير", "مجلس منبج العسكري", "manbij-military-council"),
        ("أعلن مجلس الباب العسكري النفير", "مجلس الباب العسكري", "sdf"),
        ("وقالت مصادر إن ميليشيا PKK قصفت القرية", "ميليشيا pkk", "pkk"),
        ("أحبطت وحدات حرس الحدود محاولة تهريب", "وحدات حرس الحدود", "syria-army-2000"),
        ("أطلق حرس الحدود التركي النار على لاجئين", "حرس الحدود التركي", "turkey-military"),
    ],
)
def test_alias_variety(
    rec: ActorRecognizer, norm: Normalizer, text: str, surface: str, actor_id: str
) -> None:
    found = [(s, h.actor.id) for s, h in hits(rec, norm, text, D2018)]
    assert (surface, actor_id) in found


@pytest.mark.parametrize(
    ("text", "surface", "actor_id"),
    [
        ("والتقى بالجيش السوري", "الجيش السوري", "syria-army-2000"),  # ب stays outside
        ("وقدمت المساعدات للمدنيين", "للمدنيين", "civilians"),  # ل + ال written لل
        ("وتصدى وللجيش العربي السوري", "للجيش العربي السوري", "syria-army-2000"),
        ("وهرب المدنيون", "المدنيون", "civilians"),
        ("ومدنيين آخرين", "مدنيين", "civilians"),  # و stays outside
        ("فقسد انسحبت", "قسد", "sdf"),
    ],
)
def test_clitics_are_matched(
    rec: ActorRecognizer, norm: Normalizer, text: str, surface: str, actor_id: str
) -> None:
    assert [(s, h.actor.id) for s, h in hits(rec, norm, text, D2018)] == [(surface, actor_id)]


@pytest.mark.parametrize(
    "text",
    [
        "الإدارة المدنية في المدينة",  # مدني inside a longer word
        "منحت الإدارة تصريح قسدي",  # name inside a longer word
        "وسائل النقل العامة والنظام العام",
        "طالبوا باعتماد النظام الفدرالي",
        "الطيران المدني السوري يستأنف رحلاته",
    ],
)
def test_no_actor_in_lookalikes(rec: ActorRecognizer, norm: Normalizer, text: str) -> None:
    assert ids(rec, norm, text, D2018) == []


def test_bracketed_short_form_is_one_mention(rec: ActorRecognizer, norm: Normalizer) -> None:
    found = hits(rec, norm, "أعلنت قوات سوريا الديمقراطية (قسد) انسحابها", D2018)
    assert [(s, h.actor.id) for s, h in found] == [("قوات سوريا الديمقراطيه (قسد)", "sdf")]


# --------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        ("قصف الجيش السوري البلدة", D2018, "syria-army-2000"),
        ("قصف الجيش السوري البلدة", D2026, "syria-army-2024"),
        ("قصف الجيش السوري البلدة", None, "syria-army-2024"),
        ("قصف الجيش العربي السوري البلدة", dt.date(2024, 12, 7), "syria-army-2000"),
        ("قصف الجيش العربي السوري البلدة", dt.date(2024, 12, 8), "syria-army-2024"),
        ("أعلنت وزارة الدفاع السورية السيطرة", D2018, "syria-army-2000"),
        ("أعلنت وزارة الدفاع السورية السيطرة", D2026, "syria-army-2024"),
        ("قالت الحكومة السورية إن", D2026, "syria-gov-2024"),
        ("انتشرت قوى الأمن الداخلي في الحسكة", dt.date(2019, 3, 1), "asayish"),
        ("انتشرت قوى الأمن الداخلي في اللاذقية", D2026, "syria-police-2024"),
        ("انتشرت قوى الأمن الداخلي (الأسايش) في الحسكة", D2026, "asayish"),
        ("اعتقل الأمن العسكري شابين", D2018, "syria-intel-2000"),
        ("اعتقل الأمن العسكري شابين", D2026, "syria-army-2024"),
        ("اعتقل الأمن العام شابين في إدلب", dt.date(2021, 5, 1), "hts"),
        ("اعتقل الأمن العام شابين في حمص", D2026, "syria-police-2024"),
        ("ظهر أبو محمد الجولاني في المقطع", dt.date(2020, 1, 1), "al-jolani"),
        ("استقبل أحمد الشرع الوفد", D2026, "syria-president-2024"),
        ("قال الرئيس السوري إن", D2018, "syria-president-2000"),
    ],
)
def test_validity_periods(
    rec: ActorRecognizer, norm: Normalizer, text: str, on: dt.date | None, expected: str
) -> None:
    assert ids(rec, norm, text, on)[0] == expected


def test_former_qualifier_selects_previous_period(rec: ActorRecognizer, norm: Normalizer) -> None:
    text = "القبض على رئيس سابق لمفرزة الأمن العسكري، فيما قال الجيش السوري في وقت سابق إن"
    assert ids(rec, norm, text, D2026) == ["syria-intel-2000", "syria-army-2024"]
    assert ids(rec, norm, "ضابط سابق في الجيش السوري", D2026) == ["syria-army-2000"]


def test_undated_article_is_dated_by_period_specific_names(
    rec: ActorRecognizer, norm: Normalizer
) -> None:
    text = "انشق ضابط عن الجيش النظامي وانضم إلى جبهة النصرة، فيما قصف الجيش السوري القرية"
    assert ids(rec, norm, text, None) == ["syria-army-2000", "jabhat-al-nusra", "syria-army-2000"]


def test_dictionary_resolve_follows_lineage() -> None:
    d = ActorDictionary.load()
    assert d.resolve("syria-army-2000", D2026).id == "syria-army-2024"
    assert d.resolve("syria-army-2024", D2018).id == "syria-army-2000"
    assert d.resolve("syria-army-2000", None).id == "syria-army-2024"
    assert d.resolve("sdf", D2018).name == "Syrian Democratic Forces"
    assert d.resolve_alias("قوى الأمن الداخلي", dt.date(2020, 1, 1)).id == "asayish"  # type: ignore[union-attr]
    assert d.resolve_alias("قوات النظام", D2026).id == "syria-army-2000"  # type: ignore[union-attr]
    assert d.resolve_alias("اسم لا يعرفه القاموس", D2026) is None
    with pytest.raises(KeyError):
        d.resolve("no-such-actor")


def test_persons_lift_to_their_organisation() -> None:
    d = ActorDictionary.load()
    assert d.organisation(d.resolve("mazloum-abdi")).id == "sdf"
    jolani = d.resolve("al-jolani", dt.date(2020, 1, 1))
    assert (jolani.id, d.organisation(jolani).id) == ("al-jolani", "hts")
    sharaa = d.resolve("al-jolani", D2026)  # the same man, after December 2024
    assert (sharaa.id, d.organisation(sharaa).id) == ("syria-president-2024", "syria-gov-2024")
    assad = d.resolve("syria-president-2000", D2026)  # a person does not change party
    assert d.organisation(assad).id == "syria-gov-2000"


def test_article_records_persons_as_their_organisation(rec: ActorRecognizer) -> None:
    text = "أعلن مظلوم عبدي، وقال القيادي في هيئة تحرير الشام أبو عمر الحلبي، إن الهجوم فشل"
    art = Article(id="t3", text=text, published=dt.date(2020, 1, 1))
    rec(art)
    got = [(a.span.text, a.actor.id, a.role_hint) for a in art.actors]
    assert got == [
        ("مظلوم عبدي", "sdf", "source"),
        ("هيئة تحرير الشام", "hts", "source"),
        ("أبو عمر الحلبي", "hts", "source"),
    ]


# ------------------------------------------------------------------ traps


@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        ("عاد المنشقون إلى كنف الدولة السورية", D2026, ["syria-gov-2024"]),
        ("عاد المنشقون إلى كنف الدولة", D2026, []),
        ("هاجم تنظيم الدولة حاجزاً", D2018, ["islamic-state"]),
        ("هاجم الجيش الحر مواقع الجيش", D2018, ["fsa", "syria-army-2000"]),
        ("قصف النظام ريف إدلب", D2018, ["syria-gov-2000"]),
        ("قال إن النظام ارتكب مجازر قبل سقوطه", D2026, ["syria-gov-2000"]),
        ("اشتبك الأمن العام مع فلول النظام", D2026, ["syria-police-2024", "former-regime"]),
        ("اعتقل ضابطاً في النظام البائد", D2026, ["former-regime"]),
        ("سيطر الجيش الوطني السوري على القرية", D2018, ["sna"]),
        ("قتل عنصر من الجيش اللبناني", D2018, ["lebanon-military"]),
    ],
)
def test_traps(
    rec: ActorRecognizer, norm: Normalizer, text: str, on: dt.date, expected: list[str]
) -> None:
    assert ids(rec, norm, text, on) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("فر آلاف المدنيين إلى تركيا", ["civilians"]),
        ("وصل اللاجئون من لبنان وتركيا", []),
        ("قصفت تركيا مواقع قسد", ["turkey-military", "sdf"]),
        ("طهران- وكالة الأنباء: قال المسؤول", []),
        ("اتفقت روسيا وتركيا على الهدنة", ["russia-military", "turkey-military"]),
    ],
)
def test_country_names_are_actors_only_outside_place_phrases(
    rec: ActorRecognizer, norm: Normalizer, text: str, expected: list[str]
) -> None:
    assert ids(rec, norm, text, D2018) == expected


# --------------------------------------------------------------- framing


@pytest.mark.parametrize(
    ("text", "surface", "framing"),
    [
        (
            "دعت إلى ترك صفوف ميليشيا “قسد” الإرهابية",
            'ميليشيا "قسد" الارهابيه',
            ("ميليشيا", "الإرهابية"),
        ),
        ("مشكلتنا مع فلول النظام البائد", "فلول النظام البايد", ("فلول", "البائد")),
        ("هاجمت مرتزقة الاحتلال التركي القرية", "مرتزقه الاحتلال التركي", ("مرتزقة",)),
        ("تبنى تنظيم داعش الإرهابي التفجير", "تنظيم داعش الارهابي", ("الإرهابي",)),
        ("قصفت قسد الحي", "قسد", ()),
    ],
)
def test_framing_is_kept(
    rec: ActorRecognizer, norm: Normalizer, text: str, surface: str, framing: tuple[str, ...]
) -> None:
    found = {s: h.framing for s, h in hits(rec, norm, text, D2026)}
    assert found[surface] == framing


# ----------------------------------------------------------------- anaphora


@pytest.mark.parametrize(
    ("text", "anaphor", "expected"),
    [
        ("انشق عناصر من تنظيم قسد، في ظل انهيار صفوف التنظيم", "التنظيم", "sdf"),
        ("اشتبكت قسد مع تنظيم الدولة، وتمكن التنظيم من صد الهجوم", "التنظيم", "islamic-state"),
        ("قسد تخترق صفوف التنظيم في هجين بعد معارك مع تنظيم الدولة", "التنظيم", "islamic-state"),
        ("طردت العشائر ميليشيا قسد واستولت على مقرات الميليشيا", "الميليشيا", "sdf"),
        ("توغل الجيش التركي في القرية ثم انسحب الجيش منها", "الجيش", "turkey-military"),
        ("تقدم الجيش في ريف حماة", "الجيش", "syria-army-2000"),
        (
            "أقامت قوات الاحتلال التركي نقطة ثم عززت قوات الاحتلال وجودها",
            "قوات الاحتلال",
            "turkey-military",
        ),
        ("توغلت قوات الاحتلال في ريف القنيطرة", "قوات الاحتلال", "israel-military"),
        ("دخلت الفصائل مدينة حماة", "الفصائل", "syria-opposition"),
        (
            "اعتقلت إدارة الأمن العام ضابطا في القرداحة، وقالت مصادر إن قوة أمنية طوقت الحي",
            "قوة أمنية",
            "syria-police-2024",
        ),
    ],
)
def test_anaphora(
    rec: ActorRecognizer, norm: Normalizer, text: str, anaphor: str, expected: str
) -> None:
    found = hits(rec, norm, text, D2018)
    resolved = [h for s, h in found if s == norm.text(anaphor)]
    assert resolved and resolved[-1].anaphoric and resolved[-1].actor.id == expected


def test_two_sided_anaphor(rec: ActorRecognizer, norm: Normalizer) -> None:
    found = hits(
        rec, norm, "اندلعت اشتباكات بين قسد وتنظيم الدولة أدت لمقتل عناصر من الطرفين", D2018
    )
    both = {h.actor.id for s, h in found if s == "الطرفين"}
    assert both == {"sdf", "islamic-state"}


def _seed(stem: str) -> tuple[str, dt.date]:
    folder = SHARED / "seeds"
    if not folder.is_dir():
        pytest.skip(f"../shared not present: {folder}")
    text = next(folder.glob(f"{stem}_*.txt"))
    meta = json.loads(text.with_name(text.name[:-4] + ".meta.json").read_text("utf-8"))
    return text.read_text("utf-8"), dt.date.fromisoformat(meta["published"])


def test_seed_000_organisation_is_the_sdf(rec: ActorRecognizer, norm: Normalizer) -> None:
    text, on = _seed("000")
    found = hits(rec, norm, text, on)
    tanzim = [h.actor.id for s, h in found if s.endswith("التنظيم")]
    assert len(tanzim) >= 5 and set(tanzim) == {"sdf"}
    assert "islamic-state" not in {h.actor.id for _, h in found}


def test_seed_004_organisation_is_the_islamic_state(rec: ActorRecognizer, norm: Normalizer) -> None:
    text, on = _seed("004")
    found = hits(rec, norm, text, on)
    tanzim = [h.actor.id for s, h in found if s.endswith("التنظيم")]
    assert len(tanzim) >= 8 and set(tanzim) == {"islamic-state"}
    assert {"sdf", "coalition", "syria-gov-2000", "fsa"} <= {h.actor.id for _, h in found}


# --------------------------------------------------------------- persons


@pytest.mark.parametrize(
    ("text", "person", "organisation"),
    [
        ("بحضور زعيم التنظيم أبو خالد الشامي، وقيادات أخرى، اشتبكت قسد", "ابو خالد الشامي", None),
        ('أعلن "سامر الحمود"، قائد مجلس مدينة هجين العسكري، انشقاقه', "سامر الحمود", "sdf"),
        ("قتل القيادي في هيئة تحرير الشام أبو عمر الحلبي، بغارة", "ابو عمر الحلبي", "hts"),
    ],
)
def test_titled_person_attaches_to_organisation(
    rec: ActorRecognizer, norm: Normalizer, text: str, person: str, organisation: str | None
) -> None:
    found = {s: h for s, h in hits(rec, norm, text, D2018)}
    hit = found[person]
    assert hit.actor.kind == "individual" and hit.role_hint in ("member", "source")
    if organisation is not None:
        assert hit.actor.parent == organisation


def test_person_named_again_keeps_organisation(rec: ActorRecognizer, norm: Normalizer) -> None:
    text = 'انفجرت عبوة بسيارة "خالد العلي" القيادي في اللواء الثامن، وكان خالد العلي قد نجا سابقاً'
    persons = [h.actor.parent for s, h in hits(rec, norm, text, D2018) if s == "خالد العلي"]
    assert persons == ["eighth-brigade", "eighth-brigade"]


# ------------------------------------------------------------ speakers


@pytest.mark.parametrize(
    ("text", "speaker", "is_source"),
    [
        ("أعلنت وزارة الدفاع السورية انشقاق ستة عناصر", "وزاره الدفاع السوريه", True),
        ("قصفت وزارة الدفاع السورية المواقع", "وزاره الدفاع السوريه", False),
        ("وقال المتحدث باسم التحالف إن الضربات استهدفت قياديين", "التحالف", True),
        ("تحدثت مصادر من قسد عن مقتل عشرة عناصر", "قسد", True),
        ("بحسب الجيش التركي فإن القصف طال المواقع", "الجيش التركي", True),
        ("هاجم الجيش التركي المواقع", "الجيش التركي", False),
    ],
)
def test_speaker_hint(
    rec: ActorRecognizer, norm: Normalizer, text: str, speaker: str, is_source: bool
) -> None:
    found = {s: h for s, h in hits(rec, norm, text, D2026)}
    assert (found[speaker].role_hint == "source") is is_source


@pytest.fixture(scope="module")
def sources() -> SourceFinder:
    return SourceFinder.load()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("أعلنت وزارة الدفاع السورية، عن انشقاق عناصر", "وزاره الدفاع السوريه"),
        ("أفاد مصدر أمني سوري، مساء الجمعة، بارتفاع العدد", "مصدر امني سوري"),
        ("ما أسفر عن نزوح 165 ألف شخص، وفق أحدث الأرقام الرسمية.", "احدث الارقام الرسميه"),
        ("وأفادت مصادر “مينا” بأن القصف متواصل", "مصادر مينا"),
        ("وقال المتحدث باسم التحالف: نفذنا ضربات", "المتحدث باسم التحالف"),
        ("قتل 23 جندياً، حسبما نقلت وكالة سانا.", "وكاله سانا"),
        ("وأكدت مصادر ميدانية أن العناصر وصلوا", "مصادر ميدانيه"),
        ("نقلاً عن ناشطين في المدينة", "ناشطين في المدينه"),
        ("وبحسب المرصد السوري لحقوق الإنسان فإن الحصيلة ارتفعت", "المرصد السوري لحقوق الانسان"),
        ("وذكر مراسلنا أن الطائرات حلقت فوق المدينة", "مراسلنا"),
    ],
)
def test_source_finder_phrasings(
    sources: SourceFinder, norm: Normalizer, text: str, label: str
) -> None:
    t = norm.text(text)
    found = sources.find(t, 0, len(t))
    assert found is not None
    start, end, got = found
    assert got == label
    assert t[start:end].replace('"', "").replace("  ", " ").startswith(label.split()[0])


@pytest.mark.parametrize(
    "text",
    [
        "رصد مقتل مدني برصاص قناص",  # رصد + an event noun is not attribution
        "تم اعتقالهما وفقاً للإجراءات القانونية",
        "اشتباكات بين قسد والتنظيم",
        "وكان الجيش قد أعلن في وقت سابق فتح ممر إنساني",
    ],
)
def test_source_finder_rejects_non_attributions(
    sources: SourceFinder, norm: Normalizer, text: str
) -> None:
    t = norm.text(text)
    assert sources.find(t, 0, len(t)) is None


def test_source_finder_respects_the_span(sources: SourceFinder, norm: Normalizer) -> None:
    t = norm.text("أفادت مصادر محلية بسقوط قذائف. وقال ناشطون إن الطيران حلق فوق المدينة.")
    second = t.index("وقال")
    found = sources.find(t, second, len(t))
    assert found is not None and found[2] == "ناشطون"
    assert sources.find(t, 0, 5) is None


# ------------------------------------------------------- article and extras


def test_article_spans_map_to_original_text(rec: ActorRecognizer) -> None:
    text = "أعلنت وزارةُ الدفاعِ السورية انشقاقَ عناصر من “قسد” في دير حافر."
    art = Article(id="t1", text=text, published=D2026)
    rec(art)
    got = [(a.span.text, a.actor.id, a.role_hint) for a in art.actors]
    assert got == [("وزارةُ الدفاعِ السورية", "syria-army-2024", "source"), ("قسد", "sdf", None)]
    for a in art.actors:
        assert text[a.span.start : a.span.end] == a.span.text


def test_article_framing_is_a_string(rec: ActorRecognizer) -> None:
    art = Article(id="t2", text="قصفت ميليشيا قسد الإرهابية القرية", published=D2026)
    rec(art)
    assert art.actors[0].framing == "ميليشيا|الإرهابية"


def test_user_file_adds_actor_and_alias(tmp_path: Path, norm: Normalizer) -> None:
    extra = tmp_path / "local.yaml"
    extra.write_text(
        "actors:\n"
        "  - id: quwat-al-fajr\n"
        "    name: Quwat al-Fajr\n"
        "    name_ar: قوات الفجر\n"
        "    names_ar: [قوات الفجر, فصيل الفجر]\n"
        "    inter: 2\n"
        "    kind: organisation\n"
        "    source: analyst\n"
        "  - id: sdf\n"
        "    names_ar: [قوات سوريا الديمقراطية شمالي البلاد]\n",
        encoding="utf-8",
    )
    rec = ActorRecognizer.load(extra=[extra])
    assert ids(rec, norm, "هاجم فصيل الفجر مواقع قسد", D2018) == ["quwat-al-fajr", "sdf"]
    assert rec.dictionary.get("sdf").name == "Syrian Democratic Forces"


def test_bad_user_file_is_a_data_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "actors:\n  - id: x\n    name: X\n    name_ar: اكس\n    inter: 12\n    kind: organisation\n    names_ar: []\n    source: s\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError):
        ActorDictionary.load(extra=[bad])
    bad.write_text("actors: [oops\n", encoding="utf-8")
    with pytest.raises(DataFileError):
        ActorDictionary.load(extra=[bad])


# -- sides: parents and allies ------------------------------------------------------------------
def test_sides_follow_parents_and_allies() -> None:
    sides = ActorDictionary.load().sides()
    on = dt.date(2018, 3, 1)
    dic = ActorDictionary.load()

    def a(actor_id: str) -> Actor:
        actor = dic.resolve(actor_id, on)
        assert actor is not None
        return actor

    assert sides.same_side(a("ypg"), a("sdf"))  # parent
    assert sides.same_side(a("sdf"), a("coalition"))  # allies
    assert sides.same_side(a("fsa"), a("turkey-military"))  # an ally's ally (both with the SNA)
    assert sides.same_side(a("ndf"), a("russia-military"))  # parent, then allies
    assert not sides.same_side(a("sdf"), a("turkey-military"))
    assert not sides.same_side(a("islamic-state"), a("syria-army-2000"))
    assert not sides.same_side(a("syria-opposition"), a("syria-army-2000"))


def test_sides_from_user_data_without_parents() -> None:
    sides = Sides({"b": "a"}, [("a", "x"), ("y", "z")])
    mk = lambda i: Actor(i, i, i, 2)  # noqa: E731
    assert sides.same_side(mk("b"), mk("x"))
    assert not sides.same_side(mk("b"), mk("y"))
    assert sides.camp("b") == sides.camp("x") and sides.root("b") == "a"


def test_unknown_ally_is_a_data_error(norm: Normalizer) -> None:
    item = {"id": "x", "name": "X", "name_ar": "س", "names_ar": [], "inter": 2,
            "kind": "organisation", "allies": ["nobody"], "source": "test"}  # fmt: skip
    with pytest.raises(DataFileError, match="unknown ally 'nobody'"):
        ActorDictionary.from_raw([item], norm)


# -- the generic "gunmen"/"terrorists" of state media --------------------------------------------
@pytest.mark.parametrize(
    ("text", "on", "expected"),
    [
        # a group the article names: the generic word is that group
        ("اشتبكت وحدات الجيش مع إرهابيي جيش الإسلام في مسرابا. وفر المسلحون باتجاه دوما.",
         dt.date(2018, 3, 10), "jaysh-al-islam"),
        # none named, during the war: the opposition
        ("قصف المسلحون بالقذائف الصاروخية حي الحمدانية.", dt.date(2016, 5, 3), "syria-opposition"),
        # none named, after the fall of the Assad government: unidentified gunmen
        ("هاجم المسلحون حاجزاً للأمن العام في ريف اللاذقية.", dt.date(2025, 3, 6),
         "unidentified-armed-group"),
        # explicitly unknown gunmen stay unknown whatever the date
        ("اغتال مسلحون مجهولون قيادياً سابقاً في درعا.", dt.date(2019, 6, 1),
         "unidentified-armed-group"),
    ],
)  # fmt: skip
def test_generic_gunmen_resolve_from_the_article(
    rec: ActorRecognizer, norm: Normalizer, text: str, on: dt.date, expected: str
) -> None:
    got = [h.actor.id for t, h in hits(rec, norm, text, on) if "مسلح" in t]
    assert got and got[-1] == expected, got
