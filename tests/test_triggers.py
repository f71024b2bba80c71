"""Trigger recognition: forms with clitics, phrases, context requirements and overrides."""

from __future__ import annotations

import pytest

from rasad.events.lexicon import EventRules, KindTable, TriggerLexicon
from rasad.events.triggers import Tokens, TriggerRecognizer
from rasad.model import KINDS, Article, Sentence
from rasad.text.morphology import Morphology
from rasad.text.normalize import Normalizer


@pytest.fixture(scope="module")
def recognizer(normalizer: Normalizer) -> TriggerRecognizer:
    return TriggerRecognizer(TriggerLexicon.load(normalizer), Morphology.load())


def kinds_in(text: str, recognizer: TriggerRecognizer, normalizer: Normalizer) -> list[str]:
    norm = normalizer(text)
    art = Article(id="t", text=text, norm_text=norm.text, norm_offsets=norm.offsets)
    art.sentences = [Sentence(0, 0, len(text), 0, len(norm.text))]
    recognizer(art, Tokens.of(norm.text, recognizer.morphology))
    for t in art.triggers:
        assert art.text[t.span.start : t.span.end] == t.span.text
    return [t.kind for t in art.triggers]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("أعلنت الوزارة انشقاق 6 عناصر", "defection"),
        ("وانشقوا عن التنظيم فجر اليوم", "defection"),
        ("استقبال المنشقين في نقاط الجيش", "defection"),
        ("اندلعت اشتباكات عنيفة بين الطرفين", "armed_clash"),
        ("وبسط سيطرته على الحي", "territory_change"),
        ("سيطرت الفصائل على القرية", "territory_change"),
        ("أسفرت الغارات عن مقتل خمسة", "air_strike"),
        ("قصف مدفعي على البلدة", "shelling"),
        ("قصف جوي استهدف البلدة", "air_strike"),
        ("انفجار عبوة ناسفة بسيارة", "explosive_device"),
        ("هجوم انتحاري على الكنيسة", "suicide_bombing"),
        ("إسقاط مسيرة استهدفت نقاط الجيش", "weapons_disrupted"),
        ("مقتل مدني برصاص قناص", "attack_on_civilians"),
        ("أعدم التنظيم شاباً بتهمة التهريب", "execution"),
        ("اختطاف ناشط على يد مسلحين", "abduction"),
        ("اغتيال قيادي في الفصيل", "assassination"),
        ("واعتقلت شخصين من البلدة", "arrest"),
        ("إلقاء القبض على أحد عناصر الخلية", "arrest"),
        ("قاموا بتسليم أنفسهم للحاجز", "surrender"),
        ("توصل الطرفان إلى اتفاق لوقف إطلاق النار", "agreement"),
        ("وصلت تعزيزات عسكرية إلى المدينة", "reinforcement"),
        ("فرض الجيش حظر تجوال كامل", "movement_restriction"),
        ("فتح ممر إنساني لخروج الأهالي", "humanitarian_corridor"),
        ("نزوح آلاف المدنيين من البلدة", "displacement"),
        ("خرجت مظاهرة في ساحة المدينة", "protest"),
        ("أعمال شغب في المدينة", "riot"),
        ("نهب المحال التجارية في السوق", "looting_destruction"),
        ("أنشأت القوات قاعدة جديدة قرب المطار", "base_established"),
        ("أعلنت القوات انسحابها من المدينة", "withdrawal"),
    ],
)
def test_trigger_kind(recognizer: TriggerRecognizer, normalizer: Normalizer, text: str, kind: str) -> None:
    assert kind in kinds_in(text, recognizer, normalizer)


@pytest.mark.parametrize(
    "text",
    [
        "مناطق سيطرة الجيش في المدينة",  # سيطرة without a taking
        "انسحاب القوات العسكرية بموجب اتفاق يقضي بذلك",  # excluded by context
        "فرار المدنيين من القصف",  # civilians fleeing is not a withdrawal
        "وصل الوفد إلى العاصمة",  # no reinforcement without fighters
    ],
)
def test_context_keeps_weak_triggers_quiet(recognizer: TriggerRecognizer, normalizer: Normalizer, text: str) -> None:
    kinds = kinds_in(text, recognizer, normalizer)
    assert "territory_change" not in kinds
    assert "withdrawal" not in kinds
    assert "reinforcement" not in kinds


def test_every_kind_has_triggers_and_acled_mapping(normalizer: Normalizer) -> None:
    lex = TriggerLexicon.load(normalizer)
    kinds_with_triggers = {e.kind for entries in lex.by_first.values() for e in entries}
    assert kinds_with_triggers == set(KINDS)
    table = KindTable.load()
    assert set(table.kinds) == set(KINDS)
    EventRules.load(normalizer)


def test_clitic_candidates() -> None:
    m = Morphology.load()
    assert "انشقاق" in m.candidates("وانشقاق")
    assert "انشقاق" in m.candidates("بالانشقاق")
    assert "سيطرت" in m.candidates("سيطرتها")
    assert m.candidates("من") == ["من"]  # too short to strip
