"""Stories and cross-source events: unit cases on invented reports, then the real sets.

The figures of docs/merging.md come from ``test_merge_quality_*`` (run with ``-s``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import DEV, OWN_DEV, SEEDS, SEEDS_GOLD, need_shared, read_jsonl
from rasad.errors import DataFileError
from rasad.evaluate import Scorer
from rasad.merge.claims import conservative, latest
from rasad.merge.events import EventMerger, MergeConfig, event_json, events_from_articles
from rasad.merge.stories import story_groups
from rasad.model import KINDS, Actor, Article, Count, Event, Location, Mention, Place
from rasad.pipeline import Pipeline, Resources
from rasad.serialize import mention_json
from rasad.text.normalize import Normalizer

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"


@pytest.fixture(scope="module")
def merger() -> EventMerger:
    return EventMerger.load()


# -- invented building blocks -------------------------------------------------------------------
def place(pid: str, name: str, lat: float, lon: float, ftype: str = "town", admin1: str = "Homs",
          admin2: str | None = "Homs", admin3: str | None = None, country: str = "SY") -> Place:  # fmt: skip
    return Place(pid, name, name, ftype, lat, lon, country, admin1, admin2, admin3 or name)


HOMS = place("gn:homs", "Homs", 34.73, 36.72, "city", admin3="Homs")
WAER = place("cur:waer", "Al-Waer", 34.74, 36.67, "neighbourhood", admin3="Homs")
TALBISEH = place("gn:talbiseh", "Talbiseh", 34.84, 36.73, "town", admin3="Talbiseh")
RASTAN = place("gn:rastan", "Ar-Rastan", 34.93, 36.73, "town", admin3="Rastan")
HOMS_GOV = Place("ocha:SY04", "Homs", "حمص", "governorate", 34.6, 37.5, "SY", "Homs")
IDLIB_GOV = Place("ocha:SY07", "Idleb", "ادلب", "governorate", 35.8, 36.6, "SY", "Idleb")
ALEPPO_TOWN = place("gn:azaz", "Azaz", 36.58, 37.05, "town", admin1="Aleppo", admin2="Azaz")

ARMY = Actor(
    "syria-army-2024", "Military Forces of Syria (2024-)", "الجيش", 1, "syria-gov-2024", "state"
)
POLICE = Actor(
    "syria-police-2024",
    "Police Forces of Syria (2024-)",
    "الأمن العام",
    1,
    "syria-gov-2024",
    "state",
)
IS = Actor("islamic-state", "Islamic State", "داعش", 2)
SDF = Actor("sdf", "Syrian Democratic Forces", "قسد", 2)
HTS = Actor("hts", "Hayat Tahrir al-Sham", "هيئة تحرير الشام", 2)
OPPOSITION = Actor("syria-opposition", "Opposition", "المعارضة", 2)
CIVILIANS = Actor("civilians", "Civilians (Syria)", "مدنيون", 7, kind="collective")
COALITION = Actor("coalition", "International Coalition", "التحالف", 8, kind="state")
US = Actor(
    "us-military", "Military Forces of the United States", "القوات الأمريكية", 8, kind="state"
)

D0 = dt.date(2025, 3, 10)


def mention(article: str, n: int = 1, kind: str = "arrest", where: Place | None = HOMS,
            on: dt.date | None = D0, precision: str | None = "day", actor1: Actor | None = None,
            actor2: Actor | None = None, counts: dict[str, Count] | None = None,
            geo: int = 1) -> Mention:  # fmt: skip
    return Mention(
        id=f"{article}#m{n}", article_id=article, kind=kind, event_type="E", sub_event_type="S",
        date=on, date_precision=precision if on else None,  # type: ignore[arg-type]
        actor1=actor1, actor2=actor2, location=Location(where, geo) if where else None,
        counts=counts or {}, fatalities=0, attributed_to=None, historical=False, evidence=[],
        confidence=0.7,
    )  # fmt: skip


def exact(n: int) -> Count:
    return Count(n, n, n, "exact")


def article(aid: str, mentions: list[Mention], published: dt.date | None = D0, text: str = "",
            outlet: str | None = None, normalizer: Normalizer | None = None) -> Article:  # fmt: skip
    a = Article(id=aid, text=text or aid, outlet=outlet or f"{aid}.example", published=published)
    a.norm_text = normalizer.text(a.text) if normalizer else a.text
    a.mentions = mentions
    return a


def event_of(events: list[Event], mention_id: str) -> Event:
    return next(e for e in events if any(m.id == mention_id for m in e.mentions))


# -- configuration ----------------------------------------------------------------------------------
def test_merge_yaml_matches_schema() -> None:
    schema = json.loads((DATA / "schemas" / "merge.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load((DATA / "merge.yaml").read_text("utf-8"))
    jsonschema.validate(data, schema)
    assert set(data["meta"]) >= {"version", "description", "source", "licence"}
    for pair in data["events"]["kind_links"]:
        assert set(pair) <= set(KINDS)


def test_user_file_overrides_thresholds(tmp_path: Path) -> None:
    user = tmp_path / "merge.yaml"
    user.write_text("events:\n  near_km: {'1': 2.5}\n  weak_actors: [tribes]\n", "utf-8")
    cfg = MergeConfig.load([user])
    assert cfg.events.near_km[1] == 2.5 and cfg.events.near_km[2] == 25.0
    assert {"civilians", "tribes"} <= cfg.events.weak_actors  # lists are extended


def test_bad_user_file_is_a_data_file_error(tmp_path: Path) -> None:
    user = tmp_path / "merge.yaml"
    user.write_text("events:\n  near_km: nine\n", "utf-8")
    with pytest.raises(DataFileError):
        MergeConfig.load([user])


# -- when two reports are one happening -----------------------------------------------------------
CASES: list[tuple[str, Mention, Mention, bool]] = [
    ("same place and day", mention("a"), mention("b"), True),
    ("a day apart", mention("a"), mention("b", on=D0 + dt.timedelta(days=1)), True),
    ("two days apart", mention("a"), mention("b", on=D0 + dt.timedelta(days=2)), False),
    ("week precision five days", mention("a", precision="week"),
     mention("b", on=D0 - dt.timedelta(days=5)), True),
    ("same family", mention("a", kind="armed_clash"), mention("b", kind="territory_change"), True),
    ("other family", mention("a", kind="arrest"), mention("b", kind="armed_clash"), False),
    ("strict family: curfew vs displacement", mention("a", kind="movement_restriction"),
     mention("b", kind="displacement"), False),
    ("linked kinds", mention("a", kind="assassination"), mention("b", kind="air_strike"), True),
    ("neighbourhood in its city", mention("a", where=WAER), mention("b"), True),
    ("two towns 10 km apart", mention("a", where=TALBISEH), mention("b", where=RASTAN), False),
    ("governorate contains town", mention("a", where=HOMS_GOV, geo=3), mention("b"), True),
    ("other governorate", mention("a", where=IDLIB_GOV, geo=3), mention("b"), False),
    ("actor1 contradicts", mention("a", actor1=POLICE), mention("b", actor1=IS), False),
    ("army and police are one side", mention("a", actor1=ARMY), mention("b", actor1=POLICE), True),
    ("victims taken for the actor", mention("a", actor1=CIVILIANS), mention("b", actor1=POLICE), True),
    ("one side missing", mention("a", actor1=POLICE), mention("b"), True),
    ("umbrella opposition", mention("a", kind="armed_clash", actor1=OPPOSITION),
     mention("b", kind="armed_clash", actor1=HTS), True),
    ("equivalent names", mention("a", kind="air_strike", actor1=COALITION),
     mention("b", kind="air_strike", actor1=US), True),
    ("clash sides swapped", mention("a", kind="armed_clash", actor1=SDF, actor2=IS),
     mention("b", kind="armed_clash", actor1=IS, actor2=SDF), True),
    ("arrest sides swapped", mention("a", actor1=POLICE, actor2=IS),
     mention("b", actor1=IS, actor2=POLICE), False),
    ("same article, other place", mention("a"), mention("a", 2, where=WAER), False),
    ("same article, identical", mention("a"), mention("a", 2), True),
    ("undated, other story", mention("a", on=None), mention("b"), False),
    ("unplaced, other story", mention("a", where=None), mention("b"), False),
]  # fmt: skip


@pytest.mark.parametrize(("m1", "m2", "same"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matcher(merger: EventMerger, m1: Mention, m2: Mention, same: bool) -> None:
    assert (merger.matcher.score(m1, m2, same_story=False) is not None) is same
    assert (merger.matcher.score(m2, m1, same_story=False) is not None) is same  # symmetric


def test_undated_mentions_merge_inside_their_story(merger: EventMerger) -> None:
    assert merger.matcher.score(mention("a", on=None), mention("b"), same_story=True) is not None


# -- claims and figures --------------------------------------------------------------------------
def claim(article: str, story: str, published: str, value: int | None, qualifier: str = "exact",
          low: int | None = None, high: int | None = None, superseded: bool = False) -> dict[str, Any]:  # fmt: skip
    low = value if low is None and qualifier == "exact" else low
    return {"article_id": article, "outlet": None, "story": story, "published": published,
            "value": value, "low": low, "high": high, "qualifier": qualifier,
            "superseded": superseded}  # fmt: skip


@pytest.mark.parametrize(
    ("claims", "low", "last"),
    [
        # three independent stories: the lowest credible figure, and the latest report's
        ([claim("a", "a", "2021-10-24", 5), claim("b", "b", "2021-10-24", 7, "at_least", low=7),
          claim("c", "c", "2021-10-25", 9)], ("a", 5), ("c", 9)),
        # "dozens" is not a number: the numbers decide the conservative figure
        ([claim("a", "a", "2021-10-24", None, "vague", low=20, high=99),
          claim("b", "b", "2021-10-25", 30, "approx")], ("b", 30), ("b", 30)),
        # only vague claims: the lowest bound
        ([claim("a", "a", "2021-10-24", None, "vague", low=100, high=999),
          claim("b", "b", "2021-10-24", None, "vague", low=20, high=99)], ("b", None), ("a", None)),
        # one story updated by its later copy: the story counts once, with its latest figure
        ([claim("a", "a", "2021-10-24", 5), claim("a2", "a", "2021-10-25", 8),
          claim("b", "b", "2021-10-25", 6)], ("b", 6), ("a2", 8)),
        # a figure superseded inside its own article takes part in neither
        ([claim("a", "a", "2021-10-24", 2, superseded=True), claim("a", "a", "2021-10-24", 12),
          claim("b", "b", "2021-10-24", 10)], ("b", 10), ("a", 12)),
    ],
)  # fmt: skip
def test_conservative_and_latest(claims: list[dict[str, Any]], low: tuple[str, int | None],
                                 last: tuple[str, int | None]) -> None:  # fmt: skip
    c, lt = conservative(claims), latest(claims)
    assert c is not None and lt is not None
    assert (c["article_id"], c["value"]) == low
    assert (lt["article_id"], lt["value"]) == last


# -- events -------------------------------------------------------------------------------------
def car_bomb(aid: str, killed: Count, published: dt.date, n: int = 1,
             actor1: Actor | None = None) -> Article:  # fmt: skip
    m = mention(aid, n, "explosive_device", ALEPPO_TOWN, dt.date(2021, 10, 24), actor1=actor1,
                counts={"killed": killed})  # fmt: skip
    return article(aid, [m], published)


def test_three_outlets_one_event(merger: EventMerger) -> None:
    arts = [
        car_bomb("r1", exact(5), dt.date(2021, 10, 24)),
        car_bomb("r2", Count(7, 7, None, "at_least"), dt.date(2021, 10, 25), actor1=CIVILIANS),
        car_bomb("r3", exact(9), dt.date(2021, 10, 25), actor1=IS),
    ]
    events = merger(arts)
    assert len(events) == 1
    ev = events[0]
    assert [s["article_id"] for s in ev.sources] == ["r1", "r2", "r3"]
    assert ev.n_sources == 3
    assert [c["value"] for c in ev.claims["killed"]] == [5, 7, 9]  # every claim kept
    assert ev.mention.counts["killed"] == exact(5)  # conservative
    assert ev.mention.fatalities == 5
    assert ev.mention.actor1 == IS  # filled from the report that names the perpetrator
    row = event_json(ev)
    assert row["conservative"]["killed"]["value"] == 5
    assert row["latest"]["killed"]["value"] == 9 and row["latest"]["killed"]["article_id"] == "r3"
    assert row["n_stories"] == 3 and row["mentions"] == ["r1#m1", "r2#m1", "r3#m1"]


def test_event_id_survives_new_sources_and_reruns(merger: EventMerger) -> None:
    first = [car_bomb("r1", exact(5), dt.date(2021, 10, 24))]
    ev_id = merger(first)[0].id
    later = [*first, car_bomb("r2", exact(7), dt.date(2021, 10, 26))]
    assert merger(later)[0].id == ev_id
    assert merger(list(reversed(later)))[0].id == ev_id  # input order does not matter
    assert [e.id for e in merger(later)] == [e.id for e in merger(later)]


def test_one_article_never_reports_an_event_twice(merger: EventMerger) -> None:
    a = article("a", [mention("a", 1, where=HOMS), mention("a", 2, where=WAER)])
    b = article("b", [mention("b", 1, where=HOMS)])
    events = merger([a, b])
    assert len(events) == 2
    assert {m.id for m in event_of(events, "b#m1").mentions} == {"a#m1", "b#m1"}


def test_no_chaining_across_days(merger: EventMerger) -> None:
    days = [D0 + dt.timedelta(days=k) for k in range(3)]
    arts = [article(f"d{k}", [mention(f"d{k}", on=day)]) for k, day in enumerate(days)]
    events = merger(arts)
    assert len(events) == 2  # day 0 + day 1 may join, day 2 then cannot reach day 0
    assert all(len(e.mentions) <= 2 for e in events)


def test_merged_view_takes_the_finest_place_and_date(merger: EventMerger) -> None:
    coarse = mention("a", where=HOMS_GOV, geo=3, precision="week", actor1=POLICE)
    fine = mention("b", where=WAER, counts={"arrested": exact(3)})
    events = merger([article("a", [coarse]), article("b", [fine], D0 + dt.timedelta(days=1))])
    assert len(events) == 1
    view = events[0].mention
    assert view.location is not None and view.location.place == WAER
    assert view.date_precision == "day" and view.actor1 == POLICE
    assert view.counts == {"arrested": exact(3)}
    assert events[0].id.startswith("ev-") and view.id == events[0].id


def test_coarse_dates_find_their_candidates(merger: EventMerger) -> None:
    month = article("m", [mention("m", precision="month")])
    day = article("d", [mention("d", on=D0 + dt.timedelta(days=20))], D0 + dt.timedelta(days=20))
    year = article("y", [mention("y", on=D0 + dt.timedelta(days=100), precision="year")])
    assert len(merger([month, day])) == 1
    assert len(merger([month, year])) == 1  # found from the year's wider window
    far = article("f", [mention("f", on=D0 + dt.timedelta(days=40))], D0 + dt.timedelta(days=40))
    assert len(merger([month, far])) == 2


def test_coarse_dates_are_compared_with_every_place_that_could_match(merger: EventMerger) -> None:
    """A month- or year-dated report is compared only with reports nearby (its sub-district,
    the grid cells around it, any region): every pair the matcher would accept is still a
    candidate."""
    rnd = random.Random(3)
    places = [
        place(f"p{i}", f"P{i}", 34.6 + rnd.random() * 0.8, 36.4 + rnd.random() * 0.8,
              rnd.choice(["town", "village", "neighbourhood", "camp"]), admin3=f"a3-{i % 6}")
        for i in range(40)
    ] + [HOMS_GOV]  # fmt: skip
    arts = []
    for k in range(160):
        aid = f"c{k:03d}"
        on = D0 + dt.timedelta(days=rnd.randint(0, 90))
        ms = [
            mention(aid, n, rnd.choice(["arrest", "armed_clash", "shelling"]), rnd.choice(places),
                    on, rnd.choice(["day", "day", "month", "year"]), geo=rnd.choice([1, 1, 2]))
            for n in (1, 2)
        ]  # fmt: skip
        arts.append(article(aid, ms, on))
    stories = merger.stories(arts)
    items = merger._items(arts, stories)
    found = set(merger._candidates(items))
    coarse = left_out = 0
    for i, j in itertools.combinations(range(len(items)), 2):
        a, b = items[i], items[j]
        if a.block != b.block or a.region != b.region or max(a.window, b.window) <= 7:
            continue
        coarse += 1
        left_out += (i, j) not in found
        if merger.matcher.score(a.m, b.m, a.story == b.story) is not None:
            assert (i, j) in found, (a.m.id, b.m.id)
    assert coarse > 1000 and left_out > 100  # many coarse pairs checked, many never scored


def test_events_from_articles_keeps_input_order() -> None:
    arts = [
        article("z", [mention("z", where=TALBISEH)]),
        article("a", [mention("a", where=RASTAN)]),
    ]
    events = events_from_articles(arts)
    assert [e.mentions[0].article_id for e in events] == ["z", "a"]


# -- stories --------------------------------------------------------------------------------------
STATEMENT = (
    "أن دورية تابعة لها ألقت القبض على خلية مؤلفة من أربعة أشخاص كانت تخطط لتنفيذ تفجيرات في "
    "أحياء المدينة، وضبطت بحوزتهم عبوات ناسفة وأسلحة خفيفة وذخائر متنوعة، وأحالتهم إلى القضاء "
    "المختص لاستكمال التحقيقات معهم ومعرفة الجهات التي تقف وراءهم"
)
WIRE = f"حمص - خاص\nأعلنت قيادة الأمن الداخلي في محافظة حمص {STATEMENT}. وأوضح مصدر أمني أن العملية جاءت بعد متابعة استمرت أسابيع."
REWRITE = (
    "في خطوة جديدة تؤكد تصاعد الجهود الأمنية في وسط البلاد، قالت وزارة الداخلية السورية اليوم "
    f"الإثنين في بيان نشرته على معرفاتها الرسمية {STATEMENT}. ويأتي ذلك ضمن حملة واسعة "
    "تشهدها المحافظة منذ مطلع الشهر، وسط ترحيب من الأهالي بعودة الهدوء إلى الأحياء."
)
COPY = f"عاجل | الأمن يفكك خلية في حمص\n{WIRE}\nاقرأ أيضاً: أسعار الخضار اليوم\nشارك الخبر\nجميع الحقوق محفوظة"
OTHER = (
    "اعتقلت قوات الأمن أربعة شبان من حي الوعر بمدينة حمص قالت إنهم كانوا يعدون لهجمات "
    "بالمتفجرات، بحسب ما نقله ناشطون عن أهالي الحي الذين تحدثوا عن مداهمات ليلية طالت عدة منازل."
)


@pytest.fixture(scope="module")
def cell_reports(normalizer: Normalizer) -> list[Article]:
    def arrest(aid: str, text: str, where: Place = HOMS) -> Article:
        m = mention(aid, where=where, actor1=POLICE, counts={"arrested": exact(4)})
        return article(aid, [m], text=text, normalizer=normalizer)

    return [arrest("wire", WIRE), arrest("rewrite", REWRITE), arrest("copy", COPY),
            arrest("other", OTHER, WAER)]  # fmt: skip


def test_copies_and_rewrites_are_one_story(
    merger: EventMerger, cell_reports: list[Article]
) -> None:
    links = {(k.a, k.b): k.reason for k in merger.stories.links(cell_reports)}
    assert links[("wire", "copy")] == "copy"
    assert links[("wire", "rewrite")] == "rewrite"
    stories = merger.stories(cell_reports)
    assert stories == {"wire": "copy", "rewrite": "copy", "copy": "copy", "other": "other"}
    assert story_groups(stories) == {"copy": ["copy", "rewrite", "wire"], "other": ["other"]}


def test_syndicated_copies_count_once(merger: EventMerger, cell_reports: list[Article]) -> None:
    events = merger(cell_reports)
    assert len(events) == 1
    ev = events[0]
    assert len(ev.sources) == 4 and ev.n_sources == 2
    assert event_json(ev)["stories"] == ["copy", "other"]


def test_same_event_in_other_words_is_another_story(
    merger: EventMerger, normalizer: Normalizer
) -> None:
    a = article("a", [mention("a")], text=WIRE, normalizer=normalizer)
    b = article("b", [mention("b")], text=OTHER, normalizer=normalizer)
    assert merger.stories([a, b]) == {"a": "a", "b": "b"}


def test_unrelated_copies_of_boilerplate_are_not_a_story(
    merger: EventMerger, normalizer: Normalizer
) -> None:
    footer = "\nشارك الخبر\nجميع الحقوق محفوظة لموقع الأخبار 2025"
    a = article("a", [mention("a")], text=OTHER + footer, normalizer=normalizer)
    b = article("b", [mention("b", where=RASTAN)], text="قصف مدفعي على مدينة الرستن." + footer,
                normalizer=normalizer)  # fmt: skip
    assert merger.stories([a, b]) == {"a": "a", "b": "b"}


# -- speed ------------------------------------------------------------------------------------------
def synthetic(n_mentions: int, seed: int = 7) -> list[Article]:
    """Articles of four mentions each; every happening reported by about two articles."""
    rnd = random.Random(seed)
    govs = [f"Gov{i}" for i in range(14)]
    places = [Place(f"p{i}", f"P{i}", f"م{i}", rnd.choice(["town", "village", "city"]),
                    32.5 + rnd.random() * 4.5, 35.8 + rnd.random() * 6.0, "SY", govs[i % 14],
                    None, f"a3-{i // 5}") for i in range(1500)]  # fmt: skip
    actors = [Actor(f"act{i}", f"A{i}", f"ف{i}", 1 + i % 8) for i in range(40)]
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    vocab = ["".join(rnd.choice(letters) for _ in range(rnd.randint(2, 7))) for _ in range(3000)]
    happenings = [
        (rnd.choice(KINDS), rnd.choice(places), dt.date(2025, 1, 1) + dt.timedelta(rnd.randint(0, 364)),
         rnd.choice(actors), rnd.randint(0, 30))
        for _ in range(n_mentions // 2)
    ]  # fmt: skip
    arts: list[Article] = []
    while sum(len(a.mentions) for a in arts) < n_mentions:
        aid = f"s{len(arts):06d}"
        picked = [happenings[rnd.randrange(len(happenings))] for _ in range(4)]
        text = " ".join(rnd.choice(vocab) for _ in range(600))
        ms = [mention(aid, n, kind, where, on, actor1=a1,
                      counts={"killed": exact(k)} if k else None)
              for n, (kind, where, on, a1, k) in enumerate(picked, start=1)]  # fmt: skip
        published = max(h[2] for h in picked) + dt.timedelta(days=rnd.randint(0, 2))
        arts.append(article(aid, ms, published, text=text))
    return arts


def test_10k_mentions_merge_into_their_happenings(merger: EventMerger) -> None:
    """Every happening is told by about two articles: the merge finds most of them (its speed
    is measured by benchmarks/scale.py, docs/scaling.md, not here)."""
    arts = synthetic(10_000)
    events = merger(arts, merger.stories(arts))
    n = sum(len(a.mentions) for a in arts)
    assert n > len(events) > n / 4


# -- the real sets ---------------------------------------------------------------------------------
def run(resources: Resources, inputs: list[Path]) -> list[Article]:
    return [a for a in Pipeline(resources).run([str(p) for p in inputs]) if isinstance(a, Article)]


@pytest.fixture(scope="module")
def seed_articles(resources: Resources) -> list[Article]:
    need_shared(SEEDS)
    return run(resources, [SEEDS])


def _seed(articles: list[Article], prefix: str) -> Article:
    return next(a for a in articles if a.id.startswith(prefix))


def test_seed_rewrite_is_one_story(merger: EventMerger, seed_articles: list[Article]) -> None:
    stories = merger.stories(seed_articles)
    s000, s002 = _seed(seed_articles, "000_").id, _seed(seed_articles, "002_").id
    assert stories[s000] == stories[s002] == min(s000, s002)
    assert len(set(stories.values())) == len(seed_articles) - 1


@pytest.mark.parametrize("kind", ["defection", "arrest"])
def test_seed_shared_events_merge_as_one_source(
    merger: EventMerger, seed_articles: list[Article], kind: str
) -> None:
    s000, s002 = _seed(seed_articles, "000_").id, _seed(seed_articles, "002_").id
    events = [e for e in events_from_articles(seed_articles, merger)
              if e.mention.kind == kind and e.mention.location is not None
              and e.mention.location.place.name == "Dayr Hafir"
              and e.mention.date == dt.date(2026, 1, 16)]  # fmt: skip
    assert len(events) == 1
    ev = events[0]
    assert sorted(m.article_id for m in ev.mentions) == [s000, s002]
    assert ev.n_sources == 1 and len(ev.sources) == 2


def test_seed_000_only_events_stay_apart(
    merger: EventMerger, seed_articles: list[Article], normalizer: Normalizer
) -> None:
    need_shared(SEEDS_GOLD)
    gold = list(read_jsonl(SEEDS_GOLD))
    matched = gold_matches(seed_articles, gold, Scorer(normalizer))
    events = events_from_articles(seed_articles, merger)
    s000 = _seed(seed_articles, "000_").id
    only = [
        mid for mid, g in matched.items() if g["article_id"] == s000 and g.get("event_key") is None
    ]
    assert len(only) >= 3
    for mid in only:
        assert {m.article_id for m in event_of(events, mid).mentions} == {s000}, mid


def test_new_report_keeps_the_event_id(
    merger: EventMerger, seed_articles: list[Article], resources: Resources
) -> None:
    before = events_from_articles(seed_articles, merger)
    defection = next(e for e in before if e.mention.kind == "defection"
                     and any(m.article_id.startswith("002_") for m in e.mentions))  # fmt: skip
    text = ("أفادت مصادر ميدانية في ريف حلب الشرقي بانشقاق ستة عناصر من قوات سوريا الديمقراطية "
            "يوم الجمعة في مدينة دير حافر، ووصولهم إلى نقاط الجيش السوري.")  # fmt: skip
    new = Pipeline(resources).process(
        Article(id="new-001", text=text, published=dt.date(2026, 1, 17))
    )
    after = events_from_articles([*seed_articles, new], merger)
    same = event_of(after, "new-001#m1")
    assert same.id == defection.id
    assert len(same.sources) == 3 and same.n_sources == 2


# -- quality against the gold event keys -------------------------------------------------------
def gold_matches(
    articles: list[Article], gold: list[dict[str, Any]], scorer: Scorer
) -> dict[str, dict[str, Any]]:
    """Predicted mention id -> the gold mention it matches (one-to-one, as ``rasad evaluate``)."""
    by_article: dict[str, list[dict[str, Any]]] = {}
    for g in gold:
        by_article.setdefault(str(g["article_id"]), []).append(g)
    out: dict[str, dict[str, Any]] = {}
    for art in articles:
        preds = [mention_json(m) for m in art.mentions if not m.historical]
        golds = by_article.get(art.id, [])
        pairs = sorted((cost, gi, pi) for gi, g in enumerate(golds) for pi, p in enumerate(preds)
                       if (cost := scorer.pair_cost(g, p)) is not None)  # fmt: skip
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, gi, pi in pairs:
            if gi not in used_g and pi not in used_p:
                used_g.add(gi)
                used_p.add(pi)
                out[preds[pi]["id"]] = golds[gi]
    return out


def pairwise(events: list[Event], matched: dict[str, dict[str, Any]]) -> tuple[int, int, int]:
    """(true, predicted, gold) "same event" pairs over matched mentions of different articles."""
    event = {m.id: e.id for e in events for m in e.mentions}
    tp = pred = gold = 0
    for a, b in itertools.combinations(sorted(matched), 2):
        if matched[a]["article_id"] == matched[b]["article_id"]:
            continue
        ka, kb = matched[a].get("event_key"), matched[b].get("event_key")
        g, p = ka is not None and ka == kb, event[a] == event[b]
        tp, pred, gold = tp + (g and p), pred + p, gold + g
    return tp, pred, gold


def groups_from_gold(gold: list[dict[str, Any]]) -> list[set[str]]:
    """Articles that share an event key: the same-event groups of a set's README."""
    keyed: dict[str, set[str]] = {}
    for g in gold:
        if g.get("event_key"):
            keyed.setdefault(g["event_key"], set()).add(g["article_id"])
    groups: list[set[str]] = []
    for arts in keyed.values():
        if len(arts) > 1 and arts not in groups:
            groups.append(arts)
    return groups


def quality(resources: Resources, merger: EventMerger, normalizer: Normalizer, name: str,
            folder: Path) -> Iterator[tuple[str, Any]]:  # fmt: skip
    articles = run(resources, [folder / "input.jsonl"])
    gold = list(read_jsonl(folder / "gold.jsonl"))
    stories = merger.stories(articles)
    events = merger(articles, stories)
    tp, pred, gold_pairs = pairwise(events, gold_matches(articles, gold, Scorer(normalizer)))
    p = tp / pred if pred else 1.0
    r = tp / gold_pairs if gold_pairs else 1.0
    print(f"\n{name}: {len(articles)} articles, {sum(len(a.mentions) for a in articles)} mentions "
          f"-> {len(events)} events; same-event pairs P {p:.3f} ({tp}/{pred}) R {r:.3f} ({tp}/{gold_pairs})")  # fmt: skip
    clustered = {s for s in stories.values() if list(stories.values()).count(s) > 1}
    print(f"{name}: stories with several articles: "
          + ", ".join(sorted("+".join(sorted(a for a, s in stories.items() if s == c)) for c in clustered)))  # fmt: skip
    yield "p", p
    yield "r", r
    yield "stories", stories
    yield "groups", groups_from_gold(gold)


def gold_as_articles(folder: Path, normalizer: Normalizer) -> tuple[list[Article], dict[str, Any]]:
    """The gold mentions as a perfect extractor would give them (no actors: gold names them
    as free text), on the real texts so that stories are found as usual."""
    inputs = {str(d["id"]): d for d in read_jsonl(folder / "input.jsonl")}
    gold = {str(g["gid"]): g for g in read_jsonl(folder / "gold.jsonl") if not g.get("historical")}
    arts: dict[str, Article] = {}
    for gid, g in gold.items():
        d = inputs[str(g["article_id"])]
        published = dt.date.fromisoformat(str(d["published"])[:10]) if d.get("published") else None
        a = arts.get(str(d["id"])) or article(str(d["id"]), [], published, text=str(d["text"]),
                                              normalizer=normalizer)  # fmt: skip
        arts[a.id] = a
        p = g.get("place")
        where = Place(f"gold:{p['name']}", p["name"], p.get("name_ar") or "", "point", p["lat"],
                      p["lon"], "SY", p.get("admin1")) if p else None  # fmt: skip
        on = dt.date.fromisoformat(g["date"]) if g.get("date") else published
        m = mention(a.id, 0, g["kind"], where, on, "day" if g.get("date") else "week",
                    counts={k: exact(v) for k, v in (g.get("counts") or {}).items()
                            if isinstance(v, int)})  # fmt: skip
        m.id = gid
        a.mentions.append(m)
    return list(arts.values()), gold


@pytest.mark.parametrize("name", ["dev", "own"])
def test_merge_quality_on_gold_mentions(
    merger: EventMerger, normalizer: Normalizer, name: str
) -> None:
    folder = DEV if name == "dev" else OWN_DEV
    need_shared(folder / "gold.jsonl")
    articles, gold = gold_as_articles(folder, normalizer)
    events = merger(articles)
    tp, pred, gold_pairs = pairwise(
        events, {m.id: gold[m.id] for a in articles for m in a.mentions}
    )
    print(f"\n{name} gold mentions as input: same-event pairs P {tp / pred:.3f} ({tp}/{pred}) "
          f"R {tp / gold_pairs:.3f} ({tp}/{gold_pairs})")  # fmt: skip
    assert tp / pred >= 0.6 and tp / gold_pairs >= 0.6


def test_merge_quality_dev(
    resources: Resources, merger: EventMerger, normalizer: Normalizer
) -> None:
    need_shared(DEV / "input.jsonl")
    q = dict(quality(resources, merger, normalizer, "dev", DEV))
    assert q["p"] >= 0.65 and q["r"] >= 0.6  # measured 0.760 / 0.704
    stories = q["stories"]
    # rewrites of one wire or statement (shared passages): one story each
    for ids in (["d033", "d034", "d035"], ["d058", "d059"], ["d083", "d084"]):
        assert len({stories[i] for i in ids}) == 1, ids
    # independent reports of one happening stay separate sources
    for ids in (["d004", "d005", "d006"], ["d007", "d008", "d009"], ["d010", "d011", "d012"],
                ["d016", "d017", "d018"], ["d022", "d023", "d024"], ["d064", "d065"]):  # fmt: skip
        assert len({stories[i] for i in ids}) == len(ids), ids


def test_merge_quality_own(
    resources: Resources, merger: EventMerger, normalizer: Normalizer
) -> None:
    q = dict(quality(resources, merger, normalizer, "own", OWN_DEV))
    # measured 0.909 / 0.714; 0.769 / 0.714 since actor completion: the opponent filled in on
    # r010 lets a clash "near Harasta" (a place error upstream) pair with Beit Sawa's capture
    assert q["p"] >= 0.75 and q["r"] >= 0.6
    stories = q["stories"]
    assert stories["r015"] == stories["r016"]  # rg6, the syndicated copy
    for group in q["groups"]:  # rg1-rg5: independent reports
        if group != {"r015", "r016"}:
            assert len({stories[i] for i in group}) == len(group), group
