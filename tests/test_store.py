"""The store on SQLite and on a real, throwaway PostgreSQL server (tests/pg.py).

Articles and mentions are built by hand from invented Arabic sentences in the genre, so
every expected value below follows from the construction, not from running the code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from pg import fresh_database, postgres_fixture
from rasad.merge.events import event_json, events_from_articles
from rasad.model import Actor, Article, Count, Event, Evidence, Location, Mention, Place
from rasad.serialize import mention_json
from rasad.store import EventFilter, Store, StoreError, migrations, rows, schema, text_digest

TESTS = Path(__file__).resolve().parent

pg_server = postgres_fixture()

# -- hand-built articles ------------------------------------------------------------------

ARMY = Actor("syria-army-2024", "Military Forces of Syria (2024-)", "الجيش العربي السوري", 1)
SDF = Actor("sdf", "Syrian Democratic Forces", "قوات سوريا الديمقراطية", 2)
ISIS = Actor("isis", "Islamic State (Syria)", "تنظيم الدولة الإسلامية", 2)
CIVILIANS = Actor("civilians", "Civilians (Syria)", "مدنيون", 7, kind="collective")
PROTESTERS = Actor("protesters", "Protesters (Syria)", "متظاهرون", 6, kind="collective")

SARAQIB = Place("g-saraqib", "Saraqib", "سراقب", "town", 35.8647, 36.8006, admin1="Idleb",
                admin2="Idleb")  # fmt: skip
SHUHAYL = Place("g-shuhayl", "Al-Shuhayl", "الشحيل", "town", 35.1167, 40.3833,
                admin1="Deir-ez-Zor", admin2="Deir-ez-Zor")  # fmt: skip
ALEPPO = Place("g-aleppo", "Aleppo", "حلب", "city", 36.2021, 37.1343, admin1="Aleppo")
DEIR = Place("g-deir", "Deir ez-Zor", "دير الزور", "city", 35.3359, 40.1408,
             admin1="Deir-ez-Zor")  # fmt: skip
HAMA = Place("g-hama", "Hama", "حماة", "city", 35.1318, 36.7578, admin1="Hama")
SWEIDA = Place("g-sweida", "As-Suwayda", "السويداء", "city", 32.7089, 36.5695,
               admin1="As-Sweida")  # fmt: skip

ACLED = {
    "shelling": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "air_strike": ("Explosions/Remote violence", "Air/drone strike"),
    "explosive_device": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "armed_clash": ("Battles", "Armed clash"),
    "arrest": ("Strategic developments", "Arrests"),
    "defection": ("Strategic developments", "Change to group/activity"),
    "protest": ("Protests", "Peaceful protest"),
}


@dataclass
class Item:
    """One sentence of an article and the mention it reports."""

    sentence: str
    kind: str
    place: Place | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    date: dt.date | None = None
    counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def build_article(
    aid: str, items: list[Item], published: dt.date | None = None,
    outlet: str | None = None, url: str | None = None,
) -> Article:  # fmt: skip
    text_ = "\n".join(i.sentence for i in items)
    art = Article(id=aid, text=text_, url=url, outlet=outlet, title=f"خبر {aid}",
                  published=published, source=f"test:{aid}")  # fmt: skip
    start = 0
    for n, it in enumerate(items, 1):
        end = start + len(it.sentence)
        event_type, sub = ACLED[it.kind]
        counts = {k: Count(v, v, v, "exact") for k, v in it.counts.items()}
        art.mentions.append(
            Mention(
                id=f"{aid}#m{n}", article_id=aid, kind=it.kind, event_type=event_type,
                sub_event_type=sub, date=it.date, date_precision="day" if it.date else None,
                actor1=it.actor1, actor2=it.actor2,
                location=Location(it.place, 1) if it.place else None,
                counts=counts, fatalities=it.counts.get("killed", 0), attributed_to=None,
                historical=False, evidence=[Evidence(start, end, text_[start:end])],
                confidence=0.8, notes=dict(it.notes), sentence=n - 1,
            )
        )  # fmt: skip
        start = end + 1
    return art


D = dt.date


def corpus() -> list[Article]:
    a1 = build_article("a1", [
        Item("قتل أربعة مدنيين بقصف مدفعي على مدينة سراقب في ريف إدلب الشرقي.", "shelling",
             SARAQIB, ARMY, CIVILIANS, D(2026, 1, 10), {"killed": 4}),
        Item("واشتبكت قوات سوريا الديمقراطية مع عناصر تنظيم الدولة الإسلامية قرب بلدة الشحيل.",
             "armed_clash", SHUHAYL, SDF, ISIS, D(2026, 1, 9)),
        Item("واعتقلت دورية عشرة أشخاص في حي الشيخ مقصود بمدينة حلب.", "arrest", ALEPPO, SDF,
             None, D(2026, 1, 10), {"arrested": 10}, {"source": "نقلاً عن ناشطين محليين"}),
    ], D(2026, 1, 10), "enab", "https://example.org/a1")  # fmt: skip
    a2 = build_article("a2", [
        Item("استهدفت طائرة مسيرة سيارة على طريق دير الزور - الميادين.", "air_strike", DEIR,
             None, None, D(2026, 2, 4)),
        Item("قتل عنصران من الجيش العربي السوري بانفجار عبوة ناسفة في ريف حماة.",
             "explosive_device", HAMA, None, ARMY, D(2026, 2, 5), {"killed": 2}),
    ], D(2026, 2, 5), "sana", "https://example.org/a2")  # fmt: skip
    a3 = build_article("a3", [
        Item("أفادت مصادر محلية بمقتل خمسة مدنيين في قصف على سراقب.", "shelling", SARAQIB,
             ARMY, CIVILIANS, D(2026, 1, 10), {"killed": 5}),
        Item("خرجت مظاهرة في مدينة السويداء تطالب بالإفراج عن المعتقلين.", "protest", SWEIDA,
             PROTESTERS),
        Item("وأعلنت وزارة الداخلية انشقاق ضابط.", "defection"),
    ], D(2026, 2, 6), "hawar", "https://example.org/a3")  # fmt: skip
    return [a1, a2, a3]


def corpus_events(arts: list[Article]) -> dict[str, Event]:
    """E1 merges the two Saraqib reports (a1#m1, a3#m1); every other mention is its own."""
    by_mention = {m.id: ev for ev in events_from_articles(arts) for m in ev.mentions}
    assert by_mention["a1#m1"] is by_mention["a3#m1"], "the merger joins the Saraqib reports"
    names = {"a1#m1": "E1", "a1#m2": "E2", "a1#m3": "E3", "a2#m1": "E4", "a2#m2": "E5",
             "a3#m2": "E6", "a3#m3": "E7"}  # fmt: skip
    return {name: by_mention[mid] for mid, name in names.items()}


PLACES = [SARAQIB, SHUHAYL, ALEPPO, DEIR, HAMA, SWEIDA]
TEMPLATES = [
    ("قتل {n} مدنيين بقصف مدفعي على {p}.", "shelling", ARMY, CIVILIANS, "killed"),
    ("اندلعت اشتباكات بين قوات سوريا الديمقراطية وتنظيم الدولة قرب {p} وقتل {n} عناصر.",
     "armed_clash", SDF, ISIS, "killed"),
    ("اعتقلت قوات الأمن {n} أشخاص في {p}.", "arrest", ARMY, None, "arrested"),
    ("استهدفت غارة جوية موقعاً في {p} ما أدى إلى مقتل {n} أشخاص.", "air_strike", None, None,
     "killed"),
    ("انفجرت عبوة ناسفة في {p} وأصيب {n} أشخاص.", "explosive_device", None, CIVILIANS,
     "injured"),
]  # fmt: skip


def synthetic_articles(n: int, mentions_each: int = 5) -> list[Article]:
    """n invented articles of ``mentions_each`` one-sentence mentions (for bulk tests)."""
    out = []
    for i in range(n):
        items = []
        for j in range(mentions_each):
            tpl, kind, a1, a2, key = TEMPLATES[(i + j) % len(TEMPLATES)]
            place = PLACES[(i * 7 + j) % len(PLACES)]
            items.append(Item(tpl.format(n=3 + (i + j) % 9, p=place.name_ar), kind, place, a1,
                              a2, D(2026, 1, 1) + dt.timedelta(days=(i + j) % 60),
                              {key: 3 + (i + j) % 9}))  # fmt: skip
        out.append(build_article(f"s{i:05d}", items, D(2026, 3, 1), "example",
                                 f"https://example.org/s{i:05d}"))  # fmt: skip
    return out


# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes URLs of fresh, empty databases on the backend under test."""
    with contextlib.ExitStack() as stack:
        counter = iter(range(1000))
        if request.param == "sqlite":

            def make() -> str:
                return f"sqlite:///{tmp_path}/db{next(counter)}/rasad.sqlite"
        else:
            base = request.getfixturevalue("pg_server")

            def make() -> str:
                return stack.enter_context(fresh_database(base))

        yield make


@pytest.fixture
def store_url(new_url: Callable[[], str]) -> str:
    return new_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture
def loaded(store: Store) -> tuple[Store, dict[str, str]]:
    """The corpus saved with its events; returns the store and event name → id."""
    arts = corpus()
    for a in arts:
        assert store.save_article(a) == "new"
    evs = corpus_events(arts)
    assert store.replace_events(list(evs.values())) == 7
    return store, {name: ev.id for name, ev in evs.items()}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def readonly(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, str]]]:
    """The corpus loaded once per backend, for tests that only read."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('ro')}/rasad.sqlite"
        else:
            url = stack.enter_context(fresh_database(request.getfixturevalue("pg_server")))
        s = stack.enter_context(Store.open(url))
        arts = corpus()
        for a in arts:
            s.save_article(a)
        evs = corpus_events(arts)
        s.replace_events(list(evs.values()))
        yield s, {name: ev.id for name, ev in evs.items()}


def statements(store: Store) -> list[str]:
    """Collects the SQL the store sends from now on."""
    seen: list[str] = []

    def hook(conn: Any, cursor: Any, stmt: str, *args: Any) -> None:
        seen.append(stmt.strip().split()[0].upper())

    event.listen(store.engine, "before_cursor_execute", hook)
    return seen


# -- migrations ---------------------------------------------------------------------------


def test_migrations_apply_once_and_are_recorded(store_url: str) -> None:
    with Store.open(store_url, migrate=False) as s:
        assert s.migrations_applied() == []
        assert s.migrate() == ["0001_initial"]
        assert s.migrate() == []
        assert s.migrations_applied() == ["0001_initial"]
    with Store.open(store_url) as s:  # opening migrates: nothing left to do
        assert s.migrations_applied() == ["0001_initial"]
        assert s.dump()["schema_migrations"] == [{"name": "0001_initial"}]


def test_a_failing_migration_leaves_no_trace(store: Store) -> None:
    def broken(conn: Any) -> None:
        conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
        raise RuntimeError("boom in the middle of a migration")

    def good(conn: Any) -> None:
        conn.execute(text("CREATE TABLE extra (x INTEGER)"))

    with pytest.raises(RuntimeError, match="boom"):
        migrations.apply(store.engine, [*migrations.MIGRATIONS, ("0002_broken", broken)])
    assert not inspect(store.engine).has_table("half_done")
    assert store.migrations_applied() == ["0001_initial"]
    applied = migrations.apply(store.engine, [*migrations.MIGRATIONS, ("0002_extra", good)])
    assert applied == ["0002_extra"]
    assert inspect(store.engine).has_table("extra")
    assert store.migrations_applied() == ["0001_initial", "0002_extra"]


def test_concurrent_opens_migrate_once(store_url: str) -> None:
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Store.open(store_url).close()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(store_url) as s:
        assert s.migrations_applied() == ["0001_initial"]


def test_migrated_database_matches_schema_module(store: Store) -> None:
    insp = inspect(store.engine)
    for table in schema.metadata.sorted_tables:
        cols = {c["name"]: c for c in insp.get_columns(table.name)}
        assert set(cols) == {c.name for c in table.c}, table.name
        for c in table.c:
            assert bool(cols[c.name]["nullable"]) == (c.nullable and not c.primary_key), (
                table.name, c.name)  # fmt: skip
        pk = insp.get_pk_constraint(table.name)["constrained_columns"]
        assert set(pk) == {c.name for c in table.primary_key.columns}, table.name
        indexes = {i["name"] for i in insp.get_indexes(table.name)}
        assert indexes == {i.name for i in table.indexes}, table.name


# -- articles and mentions ----------------------------------------------------------------


def test_save_article_new_unchanged_replaced(store: Store) -> None:
    v1 = corpus()[0]
    assert store.save_article(v1) == "new"
    assert store.mentions("a1") == [mention_json(m) for m in v1.mentions]
    assert store.save_article(v1) == "unchanged"
    v2 = build_article("a1", [
        Item("قتل ستة مدنيين بقصف مدفعي على مدينة سراقب.", "shelling", SARAQIB, ARMY, CIVILIANS,
             D(2026, 1, 11), {"killed": 6}),
        Item("خرجت مظاهرة في مدينة السويداء.", "protest", SWEIDA, PROTESTERS),
    ], D(2026, 1, 11), "enab", "https://example.org/a1")  # fmt: skip
    assert store.save_article(v2) == "replaced"
    docs = store.mentions("a1")
    assert [d["id"] for d in docs] == ["a1#m1", "a1#m2"]
    assert docs == [mention_json(m) for m in v2.mentions]
    assert docs[0]["counts"]["killed"]["value"] == 6
    got = store.get_article("a1")
    assert got is not None
    assert got["text"] == v2.text and got["published"] == "2026-01-11"
    assert [a["id"] for a in store.articles()] == ["a1"]
    assert store.save_article(v2, force=True) == "replaced"
    assert store.mentions() == docs


def test_unchanged_article_is_not_written_at_all(store: Store) -> None:
    arts = corpus()
    for a in arts:
        store.save_article(a)
    before = store.dump()
    seen = statements(store)
    assert [store.save_article(a) for a in corpus()] == ["unchanged"] * 3
    assert seen and set(seen) <= {"SELECT", "BEGIN"}, seen
    assert store.dump() == before


def test_same_url_under_a_new_id_replaces_the_old_article(loaded: tuple[Store, dict[str, str]]
                                                           ) -> None:  # fmt: skip
    store, ids = loaded
    again = build_article("a2-v2", [
        Item("استهدفت طائرة مسيرة سيارتين على طريق دير الزور - الميادين.", "air_strike", DEIR,
             None, None, D(2026, 2, 4)),
    ], D(2026, 2, 5), "sana", "https://example.org/a2")  # fmt: skip
    assert store.save_article(again) == "replaced"
    assert store.get_article("a2") is None
    assert [a["id"] for a in store.articles()] == ["a1", "a2-v2", "a3"]
    assert [m["id"] for m in store.mentions()] == [
        "a1#m1", "a1#m2", "a1#m3", "a2-v2#m1", "a3#m1", "a3#m2", "a3#m3"]  # fmt: skip
    # the events built on a2's mentions went with them; the others stay
    left = {e["id"] for e in store.events()}
    assert left == {ids[n] for n in ("E1", "E2", "E3", "E6", "E7")}


def test_replacing_an_article_drops_the_events_on_its_old_mentions(
    loaded: tuple[Store, dict[str, str]],
) -> None:
    store, ids = loaded
    a3 = corpus()[2]
    a3.text += "\n"  # new text, same mentions
    assert store.save_article(a3) == "replaced"
    # E1 (merged with a3#m1), E6 and E7 were built on a3's mentions
    assert {e["id"] for e in store.events()} == {ids[n] for n in ("E2", "E3", "E4", "E5")}
    dump = store.dump()
    assert {r["event_id"] for r in dump["sources"]} == {ids[n] for n in ("E2", "E3", "E4", "E5")}
    assert dump["claims"] == [r for r in dump["claims"] if r["event_id"] != ids["E1"]]


def test_resaving_everything_leaves_the_dump_identical(loaded: tuple[Store, dict[str, str]]
                                                       ) -> None:  # fmt: skip
    store, _ = loaded
    before = store.dump()
    arts = corpus()
    assert [store.save_article(a) for a in arts] == ["unchanged"] * 3
    store.replace_events(list(corpus_events(arts).values()))
    assert store.dump() == before


class Boom(RuntimeError):
    pass


def breaking_serialiser(after: int) -> Callable[[Mention], dict[str, Any]]:
    calls = [0]

    def serialise(m: Mention) -> dict[str, Any]:
        calls[0] += 1
        if calls[0] > after:
            raise Boom(f"serialiser broke at mention {m.id}")
        return mention_json(m)

    return serialise


def test_failure_inside_save_article_leaves_nothing_half_written(
    loaded: tuple[Store, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, _ = loaded
    before = store.dump()
    # a replacement: the old mentions and events are deleted and the article row updated
    # before the new mentions are serialised; the second one breaks
    changed = corpus()[0]
    changed.text += " "
    monkeypatch.setattr(rows, "mention_json", breaking_serialiser(after=1))
    with pytest.raises(Boom):
        store.save_article(changed)
    assert store.dump() == before
    # a new article: its row is inserted, then the first mention breaks
    monkeypatch.setattr(rows, "mention_json", breaking_serialiser(after=0))
    with pytest.raises(Boom):
        store.save_article(synthetic_articles(1)[0])
    assert store.get_article("s00000") is None
    assert store.dump() == before
    monkeypatch.undo()
    assert store.save_article(changed) == "replaced"


def test_save_articles_batch_is_all_or_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    arts = synthetic_articles(4)
    assert store.save_articles(arts[:2]) == ["new", "new"]
    assert store.article_digest("s00000") == text_digest(arts[0].text)
    assert store.article_digest("s00003") is None
    before = store.dump()
    # s00002 is written, s00000 is unchanged, then s00003 breaks at its third mention
    monkeypatch.setattr(rows, "mention_json", breaking_serialiser(after=7))
    with pytest.raises(Boom):
        store.save_articles([arts[2], arts[0], arts[3]])
    assert store.dump() == before
    monkeypatch.undo()
    assert store.save_articles([arts[2], arts[0], arts[3]]) == ["new", "unchanged", "new"]
    assert len(store.mentions()) == 20


def test_a_mention_of_another_article_is_refused(store: Store) -> None:
    art = corpus()[1]
    art.mentions[1].article_id = "a9"
    with pytest.raises(ValueError, match="belongs to article 'a9'"):
        store.save_article(art)
    assert store.articles() == []


KILL_SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
import test_store as t
from rasad.store import Store, rows
calls = [0]
real = rows.mention_json
def dying(m):
    calls[0] += 1
    if calls[0] == {kill_at}:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(m)
rows.mention_json = dying
store = Store.open({url!r})
for a in t.synthetic_articles(30):
    store.save_article(a)
"""


def test_killed_ingest_then_rerun_equals_a_clean_run(new_url: Callable[[], str]) -> None:
    killed_url, clean_url = new_url(), new_url()
    Store.open(killed_url).close()  # migrate before, so the kill falls in save_article
    # 5 mentions per article: the kill comes while article 13 (s00012) is half written
    script = KILL_SCRIPT.format(tests=str(TESTS), kill_at=12 * 5 + 3, url=killed_url)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    arts = synthetic_articles(30)
    with Store.open(killed_url) as s:
        stored = [a["id"] for a in s.articles()]
        assert stored == [a.id for a in arts[:12]]
        assert len(s.mentions()) == 12 * 5
        results = [s.save_article(a) for a in arts]
        assert results == ["unchanged"] * 12 + ["new"] * 18
        s.replace_events(events_from_articles(arts))
        killed_dump = s.dump()
    with Store.open(clean_url) as s:
        for a in arts:
            s.save_article(a)
        s.replace_events(events_from_articles(arts))
        assert s.dump() == killed_dump


def test_concurrent_writers(store_url: str) -> None:
    arts = synthetic_articles(24, mentions_each=3)
    errors: list[BaseException] = []
    Store.open(store_url).close()

    def write(part: list[Article]) -> None:
        try:
            with Store.open(store_url) as s:
                for a in part:
                    s.save_article(a)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(arts[i::2],)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Store.open(store_url) as s:
        assert len(s.articles()) == 24 and len(s.mentions()) == 72


# -- events -------------------------------------------------------------------------------


def test_events_round_trip_with_sources_and_claims(readonly: tuple[Store, dict[str, str]]
                                                   ) -> None:  # fmt: skip
    store, ids = readonly
    evs = corpus_events(corpus())
    got = {e["id"]: e for e in store.events()}
    assert got == {ev.id: json.loads(json.dumps(event_json(ev))) for ev in evs.values()}
    e1 = got[ids["E1"]]
    assert e1["mentions"] == ["a1#m1", "a3#m1"] and e1["n_sources"] == 2
    assert [c["value"] for c in e1["claims"]["killed"]] == [4, 5]
    dump = store.dump()
    assert [(r["article_id"], r["outlet"]) for r in dump["sources"]
            if r["event_id"] == ids["E1"]] == [("a1", "enab"), ("a3", "hawar")]  # fmt: skip
    assert [(r["key"], r["seq"], r["article_id"], r["value"], r["qualifier"])
            for r in dump["claims"] if r["event_id"] == ids["E1"]] == [
        ("killed", 0, "a1", 4, "exact"), ("killed", 1, "a3", 5, "exact")]  # fmt: skip
    links = {(r["event_id"], r["mention_id"]) for r in dump["event_mentions"]}
    assert (ids["E1"], "a3#m1") in links and len(links) == 8


def test_replace_events_scoped_to_articles(loaded: tuple[Store, dict[str, str]]) -> None:
    store, ids = loaded
    a2 = corpus()[1]
    only_first = [ev for ev in events_from_articles([a2]) if ev.mentions[0].id == "a2#m1"]
    assert store.replace_events(only_first, article_ids=["a2"]) == 1
    assert {e["id"] for e in store.events()} == {ids[n] for n in ("E1", "E2", "E3", "E4",
                                                                  "E6", "E7")}  # fmt: skip
    # scope by a source article: E1 is linked to a3 through a mention and a source
    assert store.replace_events([], article_ids=["a3"]) == 0
    assert {e["id"] for e in store.events()} == {ids[n] for n in ("E2", "E3", "E4")}
    assert store.replace_events([]) == 0
    assert store.events() == [] and store.dump()["claims"] == []


def test_replace_events_refuses_unknown_mentions_and_duplicate_ids(
    loaded: tuple[Store, dict[str, str]],
) -> None:
    store, _ = loaded
    before = store.dump()
    stray = synthetic_articles(1)[0]  # never saved
    with pytest.raises(StoreError, match="not stored"):
        store.replace_events(events_from_articles([stray]))
    evs = list(corpus_events(corpus()).values())
    with pytest.raises(StoreError, match="appears twice"):
        store.replace_events([*evs, evs[0]])
    assert store.dump() == before


def ids_of(store: Store, f: EventFilter, ids: dict[str, str]) -> set[str]:
    names = {v: k for k, v in ids.items()}
    return {names[e["id"]] for e in store.events(f)}


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (EventFilter(), {"E1", "E2", "E3", "E4", "E5", "E6", "E7"}),
        (EventFilter(since=D(2026, 1, 10)), {"E1", "E3", "E4", "E5"}),
        (EventFilter(until=D(2026, 1, 9)), {"E2"}),
        (EventFilter(since=D(2026, 1, 10), until=D(2026, 1, 31)), {"E1", "E3"}),
        (EventFilter(kinds=["shelling", "protest"]), {"E1", "E6"}),
        (EventFilter(kinds="defection"), {"E7"}),
        (EventFilter(actor="sdf"), {"E2", "E3"}),
        (EventFilter(actor="syria-army-2024"), {"E1", "E5"}),
        (EventFilter(actor="Democratic"), {"E2", "E3"}),
        (EventFilter(actor="الدوله الاسلاميه"), {"E2"}),  # normalised: ة→ه, إ→ا
        (EventFilter(actor="متظاهرون"), {"E6"}),
        (EventFilter(admin1="deir-ez-zor"), {"E2", "E4"}),
        (EventFilter(bbox=(36.0, 34.5, 37.0, 36.0)), {"E1", "E5"}),
        (EventFilter(bbox=(36.8006, 35.8647, 36.8006, 35.8647)), {"E1"}),  # edges included
        (EventFilter(min_sources=2), {"E1"}),
        (EventFilter(text="سراقب"), {"E1"}),
        (EventFilter(text="ناشطين"), {"E3"}),  # from the notes
        (EventFilter(text="نقلا عن"), {"E3"}),  # the notes say "نقلاً عن"
        (EventFilter(text="عبوه ناسفه"), {"E5"}),
        (EventFilter(kinds=["armed_clash", "arrest", "air_strike"], admin1="Deir-ez-Zor"),
         {"E2", "E4"}),
        (EventFilter(actor="sdf", since=D(2026, 1, 10)), {"E3"}),
        (EventFilter(text="50%"), set()),
        (EventFilter(text="_"), set()),
    ],
)  # fmt: skip
def test_event_filters(readonly: tuple[Store, dict[str, str]], f: EventFilter,
                       expected: set[str]) -> None:  # fmt: skip
    store, ids = readonly
    assert ids_of(store, f, ids) == expected
    assert store.count_events(f) == len(expected)


INJECTIONS = [
    "'; DROP TABLE events; --",
    "x' OR '1'='1",
    '" OR 1=1 --',
    "%",
    "%' UNION SELECT json FROM articles --",
    "sdf' --",
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_looking_filters_find_nothing_and_break_nothing(
    readonly: tuple[Store, dict[str, str]], evil: str
) -> None:
    store, _ = readonly
    before = store.dump()
    for f in (EventFilter(actor=evil), EventFilter(text=evil), EventFilter(admin1=evil),
              EventFilter(kinds=[evil])):  # fmt: skip
        assert store.events(f) == []
        assert store.count_events(f) == 0
        assert all(v == {} for v in store.facets(f).values())
    assert store.dump() == before
    assert store.count_events() == 7


def test_order_limit_offset(readonly: tuple[Store, dict[str, str]]) -> None:
    store, ids = readonly
    same_day = sorted([ids["E1"], ids["E3"]])
    undated = sorted([ids["E6"], ids["E7"]])
    order = [ids["E2"], *same_day, ids["E4"], ids["E5"], *undated]
    assert [e["id"] for e in store.events()] == order
    assert [e["id"] for e in store.events(EventFilter(limit=2, offset=1))] == order[1:3]
    assert [e["id"] for e in store.events(EventFilter(offset=6))] == order[6:]
    assert store.events(EventFilter(limit=0)) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"since": D(2026, 2, 1), "until": D(2026, 1, 1)},
        {"bbox": (37.0, 34.0, 36.0, 35.0)},
        {"bbox": (36.0, 34.0, float("nan"), 35.0)},
        {"limit": -1},
        {"offset": -3},
        {"min_sources": -1},
    ],
)
def test_invalid_filters_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        EventFilter(**kwargs)


def test_facets(readonly: tuple[Store, dict[str, str]]) -> None:
    store, _ = readonly
    assert store.facets() == {
        "kind": {"air_strike": 1, "armed_clash": 1, "arrest": 1, "defection": 1,
                 "explosive_device": 1, "protest": 1, "shelling": 1},
        "admin1": {"Aleppo": 1, "As-Sweida": 1, "Deir-ez-Zor": 2, "Hama": 1, "Idleb": 1},
        "date": {"2026-01-09": 1, "2026-01-10": 2, "2026-02-04": 1, "2026-02-05": 1},
        "actor": {"civilians": 1, "isis": 1, "protesters": 1, "sdf": 2, "syria-army-2024": 2},
    }  # fmt: skip
    sub = store.facets(EventFilter(kinds=["shelling", "explosive_device"]))
    assert sub["actor"] == {"civilians": 1, "syria-army-2024": 2}
    assert sub["admin1"] == {"Hama": 1, "Idleb": 1}


def test_an_actor_on_both_sides_counts_once_in_facets(store: Store) -> None:
    art = build_article("b1", [Item("اشتباكات بين فصائل الجيش الوطني في عفرين.", "armed_clash",
                                    ALEPPO, SDF, SDF, D(2026, 1, 3))])  # fmt: skip
    store.save_article(art)
    store.replace_events(events_from_articles([art]))
    assert store.facets()["actor"] == {"sdf": 1}


# -- stories, run log, backends -----------------------------------------------------------


def test_stories(loaded: tuple[Store, dict[str, str]]) -> None:
    store, _ = loaded
    store.replace_stories({"st-saraqib": ["a3", "a1", "a1"], "st-hama": ["a2"]})
    assert store.stories() == {"st-hama": ["a2"], "st-saraqib": ["a1", "a3"]}
    with pytest.raises(StoreError, match="not stored"):
        store.replace_stories({"st-x": ["nope"]})
    assert store.stories() == {"st-hama": ["a2"], "st-saraqib": ["a1", "a3"]}


def test_run_log(store: Store) -> None:
    first = store.start_run("extract", ["in.jsonl", "seeds/"])
    second = store.start_run("events", ["-"])
    assert second > first
    store.finish_run(first, articles_read=12, articles_skipped=2, articles_failed=1,
                     mentions=40, events=31)  # fmt: skip
    log = store.runs()
    assert [r["id"] for r in log] == [first, second]
    done, running = log
    assert (done["status"], done["command"], done["inputs"]) == ("ok", "extract",
                                                                ["in.jsonl", "seeds/"])  # fmt: skip
    assert (done["articles_read"], done["articles_skipped"], done["articles_failed"],
            done["mentions"], done["events"]) == (12, 2, 1, 40, 31)  # fmt: skip
    assert dt.datetime.fromisoformat(done["finished"]) >= dt.datetime.fromisoformat(
        done["started"])  # fmt: skip
    assert running["status"] == "running" and running["finished"] is None
    store.finish_run(second, status="failed", message="input not found")
    assert store.runs()[1]["message"] == "input not found"
    with pytest.raises(StoreError, match="no run with id"):
        store.finish_run(second + 100)
    assert "runs" not in store.dump()


def test_pipeline_output_round_trips(store: Store) -> None:
    from rasad.pipeline import extract_text

    art = extract_text(
        "قتل ثلاثة مدنيين وأصيب خمسة آخرون جراء قصف مدفعي على بلدة سرمين في ريف إدلب "
        "الشرقي، اليوم الثلاثاء.\nوفي دير الزور، اعتقلت قوات سوريا الديمقراطية عشرة أشخاص.",
        published=D(2026, 3, 3), article_id="p1",
    )  # fmt: skip
    assert art.mentions, "the pipeline found no mention in the test text"
    assert store.save_article(art) == "new"
    assert store.mentions("p1") == json.loads(json.dumps([mention_json(m) for m in art.mentions]))
    evs = events_from_articles([art])
    store.replace_events(evs)
    def by_id(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(docs, key=lambda d: str(d["id"]))

    assert by_id(store.events()) == by_id(json.loads(json.dumps([event_json(e) for e in evs])))
    got = store.get_article("p1")
    assert got is not None and got["text"] == art.text
    assert got["sentences"] == [{"start": s.start, "end": s.end, "heading": s.heading}
                                for s in art.sentences]  # fmt: skip


def test_sqlite_settings(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path}/new/dir/x.sqlite") as s, s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert (tmp_path / "new" / "dir" / "x.sqlite").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://user@localhost/db", "unsupported database 'mysql'"),
        ("not a url", "not a database URL"),
        ("postgresql+psycopg2://u@127.0.0.1/x", "psycopg driver"),
        ("postgresql://nobody@127.0.0.1:1/nothing", "cannot open database"),
    ],
)
def test_open_errors(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        Store.open(url)


def test_sqlite_and_postgresql_hold_the_same_content(tmp_path: Path, pg_server: str) -> None:
    arts = [*corpus(), *synthetic_articles(5)]
    dumps = []
    with fresh_database(pg_server) as pg_url:
        for url in (f"sqlite:///{tmp_path}/x.sqlite", pg_url):
            with Store.open(url) as s:
                for a in arts:
                    s.save_article(a)
                s.replace_events([*corpus_events(arts[:3]).values(),
                                  *events_from_articles(arts[3:])])  # fmt: skip
                s.replace_stories({"st": ["a1", "a3"]})
                dumps.append(s.dump())
    assert dumps[0] == dumps[1]
    assert len(dumps[0]["mentions"]) == 8 + 25
