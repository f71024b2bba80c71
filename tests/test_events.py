"""Event detection on invented sentences in the genre: the hard cases of issue 5."""

from __future__ import annotations

import datetime as dt

import pytest

from rasad.model import Article, Mention
from rasad.pipeline import Resources, extract_text

PUB = dt.date(2026, 1, 16)  # a Friday


def mentions(text: str, resources: Resources, published: dt.date | None = PUB) -> list[Mention]:
    art: Article = extract_text(text, published=published, resources=resources)
    assert not art.problems, art.problems
    return art.mentions


def kinds(ms: list[Mention]) -> list[str]:
    return [m.kind for m in ms if not m.historical]


def test_one_mention_per_listed_place(resources: Resources) -> None:
    text = "أعلنت مجموعات عشائرية في ريف دير الزور طرد ميليشيا قسد من بلدات الشحيل، ذيبان، الحوايج، وحطلة."
    ms = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    places = {m.location.place.name_ar for m in ms if m.location}
    assert len(ms) == 4
    assert len(places) == 4 and {"الشحيل", "حطلة"} <= places
    assert all(m.actor2 is not None and m.actor2.id == "sdf" for m in ms)


def test_clash_and_territory_change_in_one_sentence(resources: Resources) -> None:
    text = "سيطرت قوات الجيش السوري على بلدة مسكنة بعد اشتباكات عنيفة مع عناصر تنظيم داعش استمرت ساعات."
    found = set(kinds(mentions(text, resources)))
    assert {"territory_change", "armed_clash"} <= found


def test_count_updated_inside_article_keeps_latest_and_claims(resources: Resources) -> None:
    text = (
        "أفاد مصدر أمني بارتفاع عدد العناصر المنشقين عن تنظيم قسد في مدينة حلب إلى 100 عنصر.\n"
        "وأوضح المصدر أن عدد المنشقين كان قد بلغ في وقت سابق 20 عنصرًا، قبل أن يرتفع لاحقًا إلى 100."
    )
    ms = [m for m in mentions(text, resources) if m.kind == "defection"]
    assert len(ms) == 1
    m = ms[0]
    assert m.counts["defected"].value == 100
    assert {c.value for c in m.claims["defected"]} >= {20, 100}
    assert m.attributed_to is not None and "مصدر أمني" in m.attributed_to


def test_background_event_is_historical(resources: Resources) -> None:
    text = "وكان الصحفي قد اختطف في مدينة الرقة عام 2013 على يد عناصر تنظيم داعش."
    ms = mentions(text, resources, published=dt.date(2018, 12, 3))
    abductions = [m for m in ms if m.kind == "abduction"]
    assert abductions and all(m.historical for m in abductions)
    assert abductions[0].date is not None and abductions[0].date.year == 2013


@pytest.mark.parametrize(
    "text",
    [
        "دعا الجيش السوري عناصر قسد في دير حافر إلى الانشقاق وتسليم أنفسهم.",  # a call
        "نفت وزارة الدفاع انسحاب قواتها من مدينة منبج.",  # a denial
        "هل تشهد مدينة دير حافر موجة انشقاقات أوسع في الأيام القادمة؟",  # a question
        "وتنتهي المهلة التي حددها الجيش لانسحاب عناصر قسد من مسكنة عند الساعة الخامسة.",  # a deadline
        "هدد التنظيم بشن هجمات على مواقع الجيش في ريف حمص.",  # a threat
        "ورفع الجيش الجاهزية لمواجهة أي هجوم محتمل على مدينة دير الزور.",  # purpose, forecast
    ],
)
def test_non_events(resources: Resources, text: str) -> None:
    assert kinds(mentions(text, resources)) == []


def test_defection_sides(resources: Resources) -> None:
    text = "أعلنت وزارة الدفاع السورية انشقاق 6 عناصر من تنظيم قسد على جبهة دير حافر بريف حلب الشرقي."
    (m,) = mentions(text, resources)
    assert m.kind == "defection"
    assert m.actor1 is not None and m.actor1.id == "sdf"
    assert m.actor2 is not None and m.actor2.id.startswith("syria-")
    assert m.counts["defected"].value == 6
    assert m.location is not None and m.location.place.name_ar == "دير حافر"
    assert m.date == PUB
    assert m.attributed_to is not None and "وزارة الدفاع" in m.attributed_to
    assert m.evidence[0].text.startswith("أعلنت وزارة الدفاع")
    assert m.notes["en"].startswith("6 ") and "defected" in m.notes["en"]


def test_anaphora_follows_the_article(resources: Resources) -> None:
    text = (
        "اندلعت اشتباكات بين قوات سوريا الديمقراطية وتنظيم الدولة على أطراف بلدة هجين.\n"
        "وقام التنظيم بإعدام شاب من أبناء بلدة السوسة بتهمة التعامل مع قسد."
    )
    ms = mentions(text, resources, published=dt.date(2018, 12, 3))
    execution = next(m for m in ms if m.kind == "execution")
    assert execution.actor1 is not None and execution.actor1.id == "islamic-state"
    assert execution.counts["killed"].value == 1


def test_weapon_named_with_the_attack_is_not_a_second_event(resources: Resources) -> None:
    text = "تجددت المواجهات في محيط قرية حميمة إثر استهداف قسد لمنازل المدنيين بالرشاشات الثقيلة."
    found = kinds(mentions(text, resources))
    assert "shelling" not in found
    assert "attack_on_civilians" in found


def test_generic_attack_word_joins_the_specific_report(resources: Resources) -> None:
    text = (
        "فجر انتحاري نفسه داخل كنيسة في حي الدويلعة بدمشق مساء اليوم.\n"
        "وأسفر الهجوم عن مقتل 20 شخصاً وإصابة 52 آخرين."
    )
    ms = mentions(text, resources)
    assert kinds(ms) == ["suicide_bombing"]
    assert ms[0].counts["killed"].value == 20
    assert ms[0].counts["injured"].value == 52
    assert ms[0].fatalities == 20


def test_relative_dates_resolve_against_publication(resources: Resources) -> None:
    text = "فرض الجيش السوري مساء الخميس حظر تجوال كامل داخل حي الشيخ مقصود في مدينة حلب."
    (m,) = [m for m in mentions(text, resources) if m.kind == "movement_restriction"]
    assert m.date == dt.date(2026, 1, 15)
    assert m.date_precision == "day"


def test_without_publication_date_relative_dates_stay_unresolved(resources: Resources) -> None:
    text = "فرض الجيش السوري مساء الخميس حظر تجوال كامل داخل حي الشيخ مقصود في مدينة حلب."
    (m,) = [m for m in mentions(text, resources, published=None) if m.kind == "movement_restriction"]
    assert m.date is None
    assert m.weekday == 3


def test_acled_mapping_depends_on_the_taker(resources: Resources) -> None:
    gov = "استعادت قوات الجيش السوري السيطرة على مدينة تدمر بعد معارك مع تنظيم داعش."
    rebels = "سيطرت فصائل المعارضة على بلدة كفرنبودة في ريف حماة الشمالي."
    m_gov = next(m for m in mentions(gov, resources, dt.date(2017, 3, 2)) if m.kind == "territory_change")
    m_reb = next(m for m in mentions(rebels, resources, dt.date(2019, 5, 22)) if m.kind == "territory_change")
    assert m_gov.sub_event_type == "Government regains territory"
    assert m_reb.sub_event_type == "Non-state actor overtakes territory"


# -- the side a sentence leaves out ---------------------------------------------------------------
def test_territory_loser_comes_from_the_article(resources: Resources) -> None:
    text = (
        "شنت فصائل المعارضة هجوماً واسعاً على مواقع قوات النظام في ريف حماة الشمالي.\n"
        "وسيطرت الفصائل على مدينة خان شيخون بعد معارك استمرت ساعات."
    )
    taken = [m for m in mentions(text, resources, dt.date(2024, 11, 30)) if m.kind == "territory_change"]
    assert taken and taken[0].actor1 is not None and taken[0].actor1.id == "syria-opposition"
    assert taken[0].actor2 is not None and taken[0].actor2.id == "syria-army-2000"


def test_a_partner_is_not_the_other_side(resources: Resources) -> None:
    text = (
        "سيطرت فصائل الجيش الوطني السوري المدعومة من الجيش التركي على مركز مدينة عفرين.\n"
        "ودعت وحدات حماية الشعب الكردية المجتمع الدولي إلى التدخل."
    )
    taken = [m for m in mentions(text, resources, dt.date(2018, 3, 18)) if m.kind == "territory_change"]
    assert taken and taken[0].actor2 is not None
    assert taken[0].actor2.id == "ypg"


def test_the_subject_of_a_loss_lost_the_ground(resources: Resources) -> None:
    text = "أقرت قوات النظام السوري بخسارتها مدينة حماة أمام هجوم هيئة تحرير الشام."
    taken = [m for m in mentions(text, resources, dt.date(2024, 12, 5)) if m.kind == "territory_change"]
    assert taken and taken[0].actor2 is not None and taken[0].actor2.id == "syria-army-2000"
    assert taken[0].actor1 is not None and taken[0].actor1.id == "hts"


def test_no_opponent_is_invented_when_the_article_names_none(resources: Resources) -> None:
    text = "سيطرت قوات الجيش السوري على بلدة مسكنة في ريف حلب الشرقي."
    taken = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    assert taken and taken[0].actor2 is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("نزح أكثر من 30 ألف شخص من ريف إدلب الجنوبي خلال الأسبوع الماضي.", "displacement"),
        ("أعدم تنظيم داعش شابين بالسيف في مدينة الرقة.", "execution"),
    ],
)
def test_people_displaced_or_executed_are_civilians_by_default(
    resources: Resources, text: str, kind: str
) -> None:
    found = [m for m in mentions(text, resources, dt.date(2016, 5, 1)) if m.kind == kind]
    assert found and found[0].actor2 is not None and found[0].actor2.id == "civilians"


def test_protesters_are_actor1_whatever_the_sentence_names(resources: Resources) -> None:
    text = "خرجت مظاهرات في مدينة السويداء تطالب برحيل النظام والإفراج عن المعتقلين."
    found = [m for m in mentions(text, resources, dt.date(2023, 8, 20)) if m.kind == "protest"]
    assert found and found[0].actor1 is not None and found[0].actor1.id == "protesters"


def test_a_result_belongs_to_the_report_before_it(resources: Resources) -> None:
    text = (
        "اندلعت اشتباكات بين قسد وتنظيم الدولة على أطراف بلدة هجين أدت لمقتل عدد من عناصر "
        "الطرفين، وأفادت مصادر بأن قصفاً مدفعياً يستهدف مدينة هجين بالتزامن مع الاشتباكات."
    )
    ms = mentions(text, resources, dt.date(2018, 12, 3))
    clash = [m for m in ms if m.kind == "armed_clash"]
    assert clash and "killed" in clash[0].counts
    assert all("killed" not in m.counts for m in ms if m.kind == "shelling")


def test_places_that_came_under_fire_before_the_trigger(resources: Resources) -> None:
    text = "تعرضت أحياء الرستن وبلدة تلبيسة المجاورة لقصف مدفعي مكثف من مواقع الجيش."
    ms = [m for m in mentions(text, resources, dt.date(2012, 6, 1)) if m.kind == "shelling"]
    assert {m.location.place.name_ar for m in ms if m.location} == {"الرستن", "تلبيسة"}


def test_barrel_bombs_are_air_strikes(resources: Resources) -> None:
    text = "ألقت المروحيات برميلين متفجرين على بلدة عندان في ريف حلب الشمالي."
    ms = mentions(text, resources, dt.date(2014, 2, 1))
    assert [m.kind for m in ms] == ["air_strike"]
    assert ms[0].location is not None and ms[0].location.place.name_ar == "عندان"


def test_a_list_of_places_through_subdistrict_words(resources: Resources) -> None:
    text = "قصفت المدفعية التركية بلدة جنديرس ومحيط ناحية راجو بعشرات القذائف."
    ms = [m for m in mentions(text, resources, dt.date(2018, 2, 6)) if m.kind == "shelling"]
    assert {m.location.place.name_ar for m in ms if m.location} == {"جنديرس", "راجو"}
    assert all(m.actor1 is not None and m.actor1.id == "turkey-military" for m in ms)


@pytest.mark.parametrize(
    ("text", "located"),
    [
        ("اندلعت اشتباكات عنيفة بعد اتهام دمشق لحزب الله بخطف ثلاثة جنود سوريين.", False),
        ("صعدت أنقرة ضرباتها الجوية ضد مواقع قسد خلال الأشهر الأخيرة.", False),
        ("قتل ثلاثة أشخاص في انفجار عبوة ناسفة في دمشق.", True),
        ("قتل ثلاثة أشخاص في انفجار عبوة ناسفة بدمشق.", True),
    ],
)
def test_a_capital_speaking_for_its_government_is_not_the_place(
    resources: Resources, text: str, located: bool
) -> None:
    ms = mentions(text, resources, dt.date(2025, 3, 17))
    at_capital = [m for m in ms if m.location and m.location.place.name_ar in ("دمشق", "أنقرة")]
    assert bool(at_capital) is located


# -- background, sides fought against, where people left from ----------------------------------
def test_an_undated_pluperfect_is_background(resources: Resources) -> None:
    text = (
        "سيطرت قوات الجيش على بلدة مسكنة اليوم الجمعة.\n"
        "وكانت عناصر التنظيم قد اختطفت عشرات المدنيين في البلدة."
    )
    ms = mentions(text, resources)
    abductions = [m for m in ms if m.kind == "abduction"]
    assert abductions and all(m.historical for m in abductions)
    assert [m.kind for m in ms if not m.historical] == ["territory_change"]


def test_a_recent_pluperfect_is_news(resources: Resources) -> None:
    # seven days before publication, dated in the sentence: still a report of the week
    text = "وكانت القوات الإسرائيلية قد انسحبت، مساء الجمعة الماضي، من بلدة مسكنة."
    ms = [m for m in mentions(text, resources) if m.kind == "withdrawal"]
    assert ms and not ms[0].historical
    assert ms[0].date == PUB - dt.timedelta(days=7)


def test_a_pluperfect_of_speech_does_not_date_the_event(resources: Resources) -> None:
    text = "وكان المرصد السوري قد أفاد بمقتل ثلاثة مدنيين في قصف مدفعي على بلدة مسكنة."
    assert "shelling" in kinds(mentions(text, resources))


def test_the_side_fought_with_is_not_the_doer(resources: Resources) -> None:
    text = "وتأتي السيطرة على مدينة عفرين بعد معارك عنيفة مع وحدات حماية الشعب منذ مساء الخميس."
    tc = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    assert tc and (tc[0].actor1 is None or tc[0].actor1.id != "ypg")


def test_fighters_withdrawing_from_a_place_locate_the_withdrawal(resources: Resources) -> None:
    text = "وأفاد مراسلنا في حلب بأن المسلحين انسحبوا من حي الصاخور باتجاه عمق الأحياء الشرقية."
    ms = [m for m in mentions(text, resources) if m.kind == "withdrawal"]
    assert ms and ms[0].location is not None
    assert ms[0].location.place.name_ar == "الصاخور"


def test_a_place_of_its_own_beats_a_list_in_a_later_clause(resources: Resources) -> None:
    text = (
        "أعلن مصدر عسكري السيطرة الكاملة على حي هنانو مساء أمس، "
        "قبل أن تتقدم القوات وتسيطر على حيي الصاخور والحيدرية."
    )
    tc = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    assert [m.location.place.name_ar for m in tc if m.location][:1] == ["هنانو"]


def test_state_media_restoring_security_is_a_territory_change(resources: Resources) -> None:
    text = "أعادت وحدات الجيش العربي السوري الأمن والاستقرار إلى بلدة مسكنة بعد تطهيرها من الإرهابيين."
    tc = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    assert len(tc) == 1 and tc[0].location is not None
    assert tc[0].location.place.name_ar == "مسكنة"


def test_a_town_named_again_by_its_noun_locates_the_next_report(resources: Resources) -> None:
    text = (
        "قتل أربعة عناصر في تفجير انتحاري استهدف حاجزاً عند مدخل بلدة الشدادي.\n"
        "وتبنى التنظيم الهجوم عبر وكالته.\n"
        "ويعد هذا الهجوم الأعنف منذ أشهر.\n"
        "وعقب الهجوم، شنت قوات الأسايش حملة مداهمات في أحياء البلدة، اعتقلت خلالها ثمانية أشخاص."
    )
    arrests = [m for m in mentions(text, resources) if m.kind == "arrest"]
    assert arrests and arrests[0].location is not None
    assert arrests[0].location.place.name_ar in ("الشدادي", "الشدادة")
    assert arrests[0].counts["arrested"].value == 8


def test_occupying_a_town_is_a_territory_change(resources: Resources) -> None:
    text = 'احتل مسلحو ما يسمى "الجيش الوطني السوري" المدعوم من تركيا، أمس الخميس، بلدة تل رفعت.'
    tc = [m for m in mentions(text, resources) if m.kind == "territory_change"]
    assert len(tc) == 1 and tc[0].location is not None
    assert tc[0].location.place.name_ar == "تل رفعت"


def test_taking_control_of_no_place_is_not_a_territory_change(resources: Resources) -> None:
    text = (
        "فاز المنتخب السوري على ضيفه في ملعب مدينة حلب مساء الخميس.\n"
        "وسيطر المنتخب على مجريات اللعب منذ الدقائق الأولى."
    )
    assert "territory_change" not in kinds(mentions(text, resources))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "N من <people> قتلوا": the verb after the partitive still says who was killed
        ("استهدف هجوم انتحاري حاجزاً في بلدة الشدادي، أربعة من مقاتليها قُتلوا وأصيب ستة آخرون.",
         {"killed": 4, "injured": 6}),
        # a qualifier between the noun and the verb
        ("غارات جوية على مدينة دوما، 15 مدنياً على الأقل قُتلوا اليوم.", {"killed": 15}),
        # "وإصابة ثالث": an ordinal person is one more
        ("انفجرت عبوة ناسفة في مدينة طفس، ما أدى لمقتل عنصرين وإصابة ثالث بجروح.",
         {"killed": 2, "injured": 1}),
        # "قضوا": died
        ("انفجرت سيارة مفخخة في مدينة الباب، 5 أشخاص قضوا وأصيب أكثر من 13 آخرين.",
         {"killed": 5, "injured": 13}),
    ],
)
def test_counts_named_by_a_verb_after_the_noun(
    text: str, expected: dict[str, int], resources: Resources
) -> None:
    ms = [m for m in mentions(text, resources) if not m.historical]
    assert len(ms) == 1
    assert {k: c.low for k, c in ms[0].counts.items()} == expected


def test_a_lasting_state_is_not_news(resources: Resources) -> None:
    text = (
        "ألقت المروحيات اليوم الخميس برميلين على بلدة عندان.\n"
        "وتشهد أحياء مدينة حلب منذ منتصف كانون الأول الماضي حملة قصف مكثفة بالبراميل."
    )
    assert kinds(mentions(text, resources)) == ["air_strike"]


def test_no_clashes_recorded_is_not_a_clash(resources: Resources) -> None:
    text = "تظاهر المئات في مدينة السويداء اليوم. ولم تسجل حتى المساء أي مواجهات بين المحتجين وقوات الأمن."
    assert "armed_clash" not in kinds(mentions(text, resources))


@pytest.mark.parametrize(
    "text",
    [
        # a future step in a plan
        "وبعد ذلك ستدخل وحدات الجيش إلى بلدة معضمية الشام لتمشيطها من الألغام.",
        # a demand
        "فيما تطالب الأمم المتحدة بهدنة إنسانية عاجلة في مدينة حلب.",
        # what an agreement stipulates
        "وقع الطرفان اتفاقا يقضي بخروج المسلحين من بلدة التل إلى إدلب.",
        # a tally of earlier happenings
        "وهذه رابع غارة بطائرة مسيرة تطال محيط مدينة عامودا منذ مطلع الشهر.",
        # a pattern, not one happening
        "وتشهد مدينة الباب حالة من الفوضى الأمنية، وسط اشتباكات متكررة بين الفصائل على النفوذ.",
        # a growing pattern, and a state opening after "هذا"
        "وتدور في محيط مدينة منبج اشتباكات متزايدة بين الفصائل وقسد.",
        "هذا وتشهد المناطق المحررة في ريف درعا عمليات اغتيال لقيادات المعارضة.",
        # sport
        "وعزز المنتخب النتيجة بهدف ثان في مدينة حمص قبل نهاية الشوط الأول، مستغلا انسحاب لاعبي الخصم إلى مناطقهم الدفاعية.",
        # speculation and analysis
        "ويتزامن ذلك مع الحديث عن قرب دخول قوات الجيش إلى مدينة منبج.",
        # a recommendation
        "وشدد المحلل العسكري على أهمية تجفيف منابع الإمداد للخلايا، من خلال مداهمة مستودعات السلاح في ريف حمص.",
        # an energy deal
        "وأوضح وزير الطاقة في دمشق أن الاتفاق يتيح ضخ ما يصل إلى أربعة ملايين متر مكعب من الغاز يوميا.",
        # reactions and framing of what was told before
        "ورحبت واشنطن وعواصم عربية بالاتفاق الموقع في دمشق.",
        "وتعد ظاهرة التعفيش في مدينة حلب من أبرز الانتهاكات.",
    ],
)
def test_plans_tallies_and_metaphors_are_not_events(resources: Resources, text: str) -> None:
    assert kinds(mentions(text, resources)) == []


def test_a_defused_device_is_disrupted_weapons_not_an_explosion(resources: Resources) -> None:
    defused = "وفككت وحدة الهندسة في الأمن الداخلي عبوة ناسفة مزروعة قرب دوار في مدينة إدلب."
    assert kinds(mentions(defused, resources)) == ["weapons_disrupted"]
    exploded = "أصيب شخصان جراء انفجار عبوة ناسفة زرعها مجهولون في بلدة آفس بريف إدلب."
    assert kinds(mentions(exploded, resources)) == ["explosive_device"]


def test_defectors_handing_themselves_over_is_the_defection(resources: Resources) -> None:
    text = "انشق 9 عناصر من قسد في بلدة الكرامة شرقي الرقة، وسلموا أنفسهم مع أسلحتهم لنقطة للجيش."
    assert kinds(mentions(text, resources)) == ["defection"]


def test_arson_of_property_is_destruction(resources: Resources) -> None:
    text = "وأضرم عناصر من الميليشيات النار في بساتين الزيتون في بلدة كفرنبودة بريف حماة."
    assert kinds(mentions(text, resources)) == ["looting_destruction"]


def test_a_purpose_after_a_sending_is_not_a_second_event(resources: Resources) -> None:
    text = "وأرسل الجيش تعزيزات إلى ريف حماة لملاحقة الخلايا وإعادة الاستقرار إلى المنطقة."
    assert kinds(mentions(text, resources)) == ["reinforcement"]


def test_aircraft_supporting_a_ground_attack_are_not_an_air_strike(resources: Resources) -> None:
    text = "سيطرت الفصائل على بلدة تل رفعت بعد هجوم واسع بدعم من الطائرات المسيرة التركية."
    assert kinds(mentions(text, resources)) == ["territory_change"]
    strike = "قتل ثلاثة مدنيين في هجوم بطائرة مسيرة تركية على بلدة تل رفعت."
    assert kinds(mentions(strike, resources)) == ["air_strike"]


def test_buses_moving_families_out_is_displacement(resources: Resources) -> None:
    text = "وبدأت الحافلات صباح اليوم بنقل الدفعة الأولى من العائلات من بلدة التل إلى مركز إيواء."
    assert kinds(mentions(text, resources)) == ["displacement"]


def test_a_pronoun_after_the_trigger_points_to_the_place_before_it(resources: Resources) -> None:
    text = (
        "سيطرت قوات الجيش على بلدة مسرابا بعد انسحاب مقاتلي الفصائل منها، "
        "لتنجح بذلك في فصل مدينتي دوما وحرستا عن القطاع الأوسط."
    )
    withdrawals = [m for m in mentions(text, resources) if m.kind == "withdrawal"]
    assert [m.location.place.name_ar for m in withdrawals if m.location] == ["مسرابا"]


def test_parts_of_a_second_town_are_in_the_list(resources: Resources) -> None:
    text = "سيطرت قوات الجيش مساء أمس على بلدة مسرابا وأجزاء من مديرا في الغوطة الشرقية."
    places = sorted(
        m.location.place.name_ar for m in mentions(text, resources) if m.kind == "territory_change" and m.location
    )
    assert places == ["مديرا", "مسرابا"]


def test_the_advance_already_told_is_not_a_new_capture(resources: Resources) -> None:
    text = (
        "سيطرت قوات الجيش مساء أمس على بلدة مسرابا في الغوطة الشرقية. "
        "وترافق التقدم مع حملة جوية عنيفة شنتها الطائرات الحربية على مدينتي دوما وحرستا."
    )
    ms = mentions(text, resources)
    captured = sorted(m.location.place.name_ar for m in ms if m.kind == "territory_change" and m.location)
    assert captured == ["مسرابا"]
    assert sorted(m.location.place.name_ar for m in ms if m.kind == "air_strike" and m.location) == ["حرستا", "دوما"]


def test_avoiding_a_siege_is_not_a_siege(resources: Resources) -> None:
    text = "وقال الناطق باسم فيلق الرحمن إن مقاتليه أعادوا التموضع في بلدة مديرا لتجنب الحصار."
    assert "movement_restriction" not in kinds(mentions(text, resources))


def test_an_attack_named_as_the_cause_joins_its_sentence_report(resources: Resources) -> None:
    text = "ونزح نحو مليون شخص من ريف إدلب جراء الهجوم الذي شنته قوات النظام."
    assert kinds(mentions(text, resources)) == ["displacement"]


def test_a_capital_speaking_for_its_government_is_not_inherited(resources: Resources) -> None:
    text = (
        "ويقول محللون إن الاتفاق هش، في ظل تمسك دمشق باستعادة كامل محافظة إدلب. "
        "ونزح نحو مليون شخص منذ كانون الأول الماضي، وفق الأمم المتحدة."
    )
    ms = [m for m in mentions(text, resources) if m.kind == "displacement"]
    assert [m.location.place.name_ar for m in ms if m.location] == ["إدلب"]


def test_the_ends_of_a_road_are_not_where_it_happened(resources: Resources) -> None:
    text = (
        "ألقت قوى الأمن الداخلي القبض على خلية من ثلاثة أشخاص كانت تزرع عبوة ناسفة "
        "على طريق الرقة – الطبقة قرب بلدة المنصورة."
    )
    arrests = [m for m in mentions(text, resources) if m.kind == "arrest"]
    assert [m.location.place.name_ar for m in arrests if m.location] == ["المنصورة"]


def test_defectors_far_from_their_surrender_in_the_sentence(resources: Resources) -> None:
    text = (
        'انشق 7 عناصر من تنظيم "ي ب ك/بي كا كا" الإرهابي في منطقة منبج بريف حلب الشرقي، '
        "وسلموا أنفسهم للجيش الوطني السوري، اليوم الجمعة."
    )
    assert kinds(mentions(text, resources)) == ["defection"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # narrative: the imperfect after "قبل أن" tells what happened
        ("سيطر الجيش على حي هنانو مساء أمس، قبل أن تتقدم القوات صباح اليوم وتسيطر على حي الحيدرية.", 2),
        # states: who holds a place
        ("وقصفت الطائرات المناطق التي تسيطر عليها الفصائل قبل يومين في ريف حلب.", 0),
        ("ولا تزال الفصائل تسيطر على حي الحيدرية قبل بدء المفاوضات.", 0),
    ],
)
def test_the_imperfect_after_qabl_an_is_narrative(resources: Resources, text: str, expected: int) -> None:
    assert kinds(mentions(text, resources)).count("territory_change") == expected


def test_a_pluperfect_clause_after_a_comma_is_background(resources: Resources) -> None:
    text = (
        "ويسود الهدوء بلدة تلبيسة منذ الصباح، وكانت القوات قد اقتحمت البلدة "
        "في تشرين الأول الماضي بعد حصار دام أياما."
    )
    ms = mentions(text, resources, published=dt.date(2012, 3, 1))
    assert ms and kinds(ms) == []


@pytest.mark.parametrize(
    "text",
    [
        # a return home
        "وبدأ عدد من الأهالي الذين غادروا حي الخالدية في حمص بالعودة إلى منازلهم.",
        # a man leaving his house is not fighters leaving ground
        "اغتال مسلحون مجهولون مساء الثلاثاء قياديا سابقا في الفصائل، أثناء خروجه من منزله في مدينة طفس بريف درعا.",
        # a wish
        "وأعيد فتح معبر مخيم الوافدين أمام المدنيين الراغبين بالخروج من الغوطة.",
    ],
)
def test_returns_errands_and_wishes_are_no_movement(resources: Resources, text: str) -> None:
    assert not {"displacement", "withdrawal"} & set(kinds(mentions(text, resources)))


def test_a_happening_after_yati_dhalika_is_still_news(resources: Resources) -> None:
    text = "ويأتي ذلك بعد يوم واحد من إعدام التنظيم أربعة شبان في مدينة الطبقة."
    assert kinds(mentions(text, resources)) == ["execution"]


def test_one_sentence_tells_one_agreement_whatever_its_two_dates(resources: Resources) -> None:
    text = "بدأ اليوم تنفيذ الاتفاق الذي تم التوصل إليه أمس بين الحكومة والمسلحين في مدينة داريا."
    assert kinds(mentions(text, resources)).count("agreement") == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("نصب مسلحون كمائن لدوريات الأمن العام على طريق في ريف جبلة.", "armed_clash"),
        ("حيد الجيش الوطني السوري 5 إرهابيين حاولوا التسلل إلى محيط مدينة تل أبيض.", "armed_clash"),
        ("واقتادت الميليشيا الجنود إلى بلدة القصير حيث قامت بتصفيتهم ميدانيا.", "execution"),
        (
            "أحبطت وحدات حرس الحدود بالتعاون مع إدارة الأمن العام، فجر اليوم، محاولة تهريب "
            "شحنة أسلحة عبر أحد المعابر غير الشرعية في منطقة القصير.",
            "weapons_disrupted",
        ),
        ("عثر صباح اليوم على جثة لاجئ مقتولا داخل مخيم الهول.", "attack_on_civilians"),
        ("وتعرضت قافلة للمهجرين لهجوم من قبل المسلحين قرب بلدة دير حافر.", "attack_on_civilians"),
    ],
)
def test_more_ways_to_say_it(resources: Resources, text: str, kind: str) -> None:
    assert kinds(mentions(text, resources)) == [kind]


def test_a_body_found_counts_one_killed(resources: Resources) -> None:
    ms = mentions("عثر صباح اليوم على جثة لاجئ مقتولا داخل مخيم الهول.", resources)
    assert [m.counts["killed"].value for m in ms if "killed" in m.counts] == [1]


def test_the_subject_may_stand_between_the_verb_and_its_count(resources: Resources) -> None:
    text = "وقتلت قوات الجيش العربي السوري 12 مدنيا في قصف على بلدة كفرنبل بريف إدلب."
    counts = [m.counts for m in mentions(text, resources) if m.kind == "shelling"]
    assert counts and counts[0]["killed"].value == 12


@pytest.mark.parametrize(
    "text",
    [
        "شنت الطائرات الحربية غارات على بلدتي كفرنبل وحاس، إضافة إلى محيط مدينة جسر الشغور.",
        "شنت الطائرات الحربية غارات على بلدتي كفرنبل وحاس بريف إدلب الجنوبي، إضافة إلى محيط مدينة جسر الشغور.",
    ],
)
def test_a_list_goes_on_after_its_region_and_idafa_ila(resources: Resources, text: str) -> None:
    places = sorted(m.location.place.name_ar for m in mentions(text, resources) if m.location)
    assert places == ["جسر الشغور", "حاس", "كفر نبل"]


def test_the_site_of_the_strike_is_not_a_second_strike(resources: Resources) -> None:
    text = (
        "قتل عنصران بغارة لطائرة مسيرة تركية على سيارة في حي الهلالية بمدينة القامشلي. "
        "وأفاد مراسلنا بأن الهجوم أسفر أيضا عن إصابة مواطن قرب مكان الاستهداف."
    )
    assert kinds(mentions(text, resources)) == ["air_strike"]


def test_a_list_goes_on_past_a_name_the_gazetteer_lacks(resources: Resources) -> None:
    text = (
        'وقصفت قوات النظام بلدات "ترملا، ومعرة حرمة، وكفرزوزو، والشيخ مصطفى، وكفرسجنة" '
        "بريف إدلب الجنوبي."
    )
    places = {m.location.place.name_ar for m in mentions(text, resources) if m.location}
    assert {"ترملا", "معرة حرمة", "الشيخ مصطفى", "كفرسجنة"} <= places


def test_the_place_named_with_its_type_word_is_meant(resources: Resources) -> None:
    text = "انفجرت عبوة ناسفة مساء أمس في سيارة قيادي في درعا في مدينة بصرى الشام بريف درعا الشرقي."
    ms = [m for m in mentions(text, resources) if m.kind == "explosive_device"]
    assert [m.location.place.name_ar for m in ms if m.location] == ["بصرى"]
    # "لمدينة حلب" owns the quarters: the quarter is where it happened
    owner = "تقدم الجيش في الأحياء الشرقية لمدينة حلب، إذ أعلن السيطرة على حي مساكن هنانو."
    tc = [m for m in mentions(owner, resources) if m.kind == "territory_change"]
    assert [m.location.place.name_ar for m in tc if m.location] == ["هنانو"]


def test_a_placeless_generic_word_joins_the_report_however_far(resources: Resources) -> None:
    text = (
        "فجر انتحاري نفسه داخل مسجد في حي الميدان بدمشق، مساء الجمعة.\n\n"
        "وقال شهود إن سيارات الإسعاف هرعت إلى المكان.\n\n"
        "وأظهرت صور متداولة آثار الدمار داخل المبنى.\n\n"
        "ووفق حصيلة أولية نشرتها وزارة الصحة، فإن الانفجار أسفر عن مقتل 14 شخصاً وإصابة 30 آخرين."
    )
    ms = mentions(text, resources)
    assert kinds(ms) == ["suicide_bombing"]
    counts = {k: v.value for k, v in ms[0].counts.items()}
    assert counts == {"killed": 14, "injured": 30}


@pytest.mark.parametrize(
    ("text", "kind", "struck"),
    [
        (
            "قُتل عنصران من قوات سوريا الديمقراطية (قسد)، مساء أمس، إثر انفجار عبوة ناسفة "
            "استهدفت سيارتهم قرب بلدة الشحيل بريف دير الزور الشرقي.",
            "explosive_device",
            "sdf",
        ),
        (
            "قتل ثلاثة جنود من الجيش التركي بانفجار لغم في ريف عفرين.",
            "explosive_device",
            "turkey-military",
        ),
        (
            "قتل أربعة عناصر من قوات النظام جراء استهداف سيارتهم بعبوة ناسفة في ريف درعا.",
            "explosive_device",
            "syria-army-2000",
        ),
    ],
)
def test_members_struck_before_the_trigger_are_the_side_acted_on(
    resources: Resources, text: str, kind: str, struck: str
) -> None:
    ms = [m for m in mentions(text, resources, dt.date(2020, 1, 10)) if m.kind == kind]
    assert len(ms) == 1
    assert ms[0].actor1 is None
    assert ms[0].actor2 is not None and ms[0].actor2.id == struck
