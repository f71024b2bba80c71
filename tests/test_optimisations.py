"""Optimisations change no output: each fast path against a plain reference, on the seeds
and the project's own development set (issue 8: results stay identical)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections.abc import Iterable
from typing import Any

from conftest import OWN_DEV, SEEDS_META, read_jsonl
from rasad.ingest.reader import ArticleReader
from rasad.merge.events import EventMerger, event_json
from rasad.model import Article, Location, Mention, Place
from rasad.pipeline import Pipeline, Resources
from rasad.settings import Settings
from test_accuracy import predict, seeds_rows


def rows() -> list[dict[str, Any]]:
    own = list(read_jsonl(OWN_DEV / "input.jsonl"))
    return own + (seeds_rows() if SEEDS_META.exists() else [])


def test_memoised_clitics_change_no_mention(resources: Resources) -> None:
    """The clitic candidates of a word are memoised across articles; without the memo (a
    fresh computation for every word) every mention is the same, and so is a second pass
    over warm memos (no caller may change a memoised list)."""
    fast = predict(resources, rows())
    again = predict(resources, rows())
    plain = Resources(Settings())
    plain.morphology.cache_size = 0  # every lookup computes afresh
    assert predict(plain, rows()) == fast == again


class AllPairs(EventMerger):
    """The reference merge: every pair of one kind block and governorate within the wider
    date window is scored, with no place index."""

    def _candidates(self, items: list[Any]) -> Iterable[tuple[int, int]]:
        for i, j in itertools.combinations(range(len(items)), 2):
            a, b = items[i], items[j]
            if a.anchored and b.anchored:
                if (
                    a.block == b.block
                    and a.region == b.region
                    and abs((a.day or 0) - (b.day or 0)) <= max(a.window, b.window)
                ):
                    yield (i, j)
            elif a.block == b.block and a.story == b.story:
                yield (i, j)


def coarse_articles() -> list[Article]:
    """Reports around Homs dated by day, month or year, some by region only."""
    rnd = random.Random(11)
    govs = [Place("ocha:SY04", "Homs", "حمص", "governorate", 34.6, 37.5, "SY", "Homs")]
    places = govs + [
        Place(f"p{i}", f"P{i}", f"م{i}", rnd.choice(["town", "village", "neighbourhood"]),
              34.6 + rnd.random() * 0.8, 36.4 + rnd.random() * 0.8, "SY", "Homs", "Homs",
              f"a3-{i % 5}")
        for i in range(30)
    ]  # fmt: skip
    out = []
    for k in range(150):
        aid = f"o{k:03d}"
        on = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randint(0, 120))
        ms = [
            Mention(
                id=f"{aid}#m{n}", article_id=aid, kind=rnd.choice(["arrest", "armed_clash"]),
                event_type="E", sub_event_type="S", date=on,
                date_precision=rnd.choice(["day", "day", "month", "year"]),
                actor1=None, actor2=None,
                location=Location(rnd.choice(places), rnd.choice([1, 1, 2])),
                counts={}, fatalities=0, attributed_to=None, historical=False, evidence=[],
                confidence=0.7,
            )
            for n in (1, 2)
        ]  # fmt: skip
        art = Article(id=aid, text=aid, outlet=f"{aid}.example", published=on)
        art.norm_text = art.text
        art.mentions = ms
        out.append(art)
    return out


def test_the_merge_place_index_changes_no_event(resources: Resources) -> None:
    pipeline = Pipeline(resources)
    extracted = [pipeline.process(a) for a in _articles(resources, rows())]
    for articles in (extracted, coarse_articles()):
        fast, reference = EventMerger.load(), AllPairs.load()
        stories = fast.stories(articles)
        got = [event_json(e) for e in fast(articles, stories)]
        want = [event_json(e) for e in reference(articles, stories)]
        assert got == want
        assert len(got) < sum(len(a.mentions) for a in articles)  # something did merge


def _articles(resources: Resources, items: list[dict[str, Any]]) -> list[Article]:
    reader = ArticleReader(resources.settings)
    out = []
    for row in items:
        art = reader._jsonl_line(json.dumps(row, ensure_ascii=False), str(row.get("id")))
        assert isinstance(art, Article)
        out.append(art)
    return out
