"""Events: one per real-world happening, merged from the mentions of many articles.

Steps (each near-linear in the number of mentions):

1. group articles into **stories** (copies, syndications, rewrites: :mod:`rasad.merge.stories`);
2. **block** mentions by kind family (families joined by ``kind_links``) and governorate
   (or country), and within a block compare only mentions whose dates fall within each
   other's window (a day; a week, a month … for coarser dates). Mentions without a date
   or a place are compared only with mentions of their own story;
3. **score** each candidate pair under hard limits (:class:`~rasad.merge.match.Matcher`-like
   rules in :class:`Matcher`: kind family, place, date, actor1 never contradicted) and join
   the best pairs first; two groups join only if no article would then report the event
   twice (unless its mentions are identical in kind, place and date) and every pair of
   their distinct reports passes the limits (no chaining across days or towns);
4. **build** each event: all mentions and sources, every count as a per-source claim, the
   merged view (most precise place and date, actors filled from the other reports, the
   conservative figures), and a stable id taken from its earliest mention.

``n_sources`` counts independent stories: two syndicated copies are one source.
"""

from __future__ import annotations

import dataclasses
import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rasad.errors import DataFileError
from rasad.events.acled import fatalities, notes
from rasad.events.lexicon import KindTable, read_yaml
from rasad.merge.claims import Claim, claims_of, count_of, figure_json, figures
from rasad.merge.match import EventConfig, Matcher
from rasad.merge.stories import StoryClusterer, StoryConfig
from rasad.model import Actor, Article, Event, Mention
from rasad.serialize import mention_json

_PRECISION_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}


def stable_id(*parts: str) -> str:
    """An event id from the parts that define it (same parts, same id, on every run)."""
    return "ev-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclasses.dataclass(frozen=True, slots=True)
class MergeConfig:
    stories: StoryConfig
    events: EventConfig

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> MergeConfig:
        """The packaged merge.yaml, with user files laid over it (lists are extended)."""
        data = read_yaml("merge.yaml")
        for path in extra:
            data = _overlay(data, read_yaml(path.name, path))
        for section in ("stories", "events"):
            if not isinstance(data.get(section), dict):
                raise DataFileError(f"merge.yaml: section {section!r} must be a mapping")
        return cls(
            StoryConfig.from_mapping(data["stories"], "merge.yaml"),
            EventConfig.from_mapping(data["events"], "merge.yaml"),
        )


def _overlay(base: Any, top: Any) -> Any:
    if isinstance(base, dict) and isinstance(top, dict):
        out = dict(base)
        for k, v in top.items():
            out[k] = _overlay(base[k], v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(top, list):
        return base + [x for x in top if x not in base]
    return top


@dataclasses.dataclass(slots=True)
class _Item:
    """A mention with what merging needs to know about it."""

    m: Mention
    pos: int  # input order
    order: tuple[int, str, int]  # (published ordinal, article id, mention number)
    story: str
    block: str  # kind family, joined by kind_links
    region: str | None  # governorate or country; None without a place
    day: int | None
    window: int

    @property
    def anchored(self) -> bool:
        return self.day is not None and self.region is not None


@dataclasses.dataclass(slots=True)
class _Cluster:
    members: list[int]
    sigs: dict[str, set[tuple[str, str, str]]]  # article id -> (kind, place, date) of its mentions
    reps: list[int]  # anchored members with distinct signatures (at most max_compare)
    rep_keys: set[tuple[str, str, str, str, str]]


class EventMerger:
    """Stories, then events. Build once per run (``load``), call on each batch."""

    def __init__(self, config: MergeConfig, kinds: KindTable, parents: Mapping[str, str | None]):
        self.config = config
        self.kinds = kinds
        families = {k: info.family for k, info in kinds.kinds.items()}
        self.matcher = Matcher(config.events, families, parents)
        self.stories = StoryClusterer(config.stories, families, self.matcher.same_event)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> EventMerger:
        data = read_yaml("actors.yaml")
        parents: dict[str, str | None] = {}
        for row in data.get("actors") or []:
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                parent = row.get("parent")
                parents[row["id"]] = parent if isinstance(parent, str) else None
        return cls(MergeConfig.load(extra), KindTable.load(), parents)

    # -- the whole step ---------------------------------------------------------------------
    def __call__(
        self, articles: Sequence[Article], stories: Mapping[str, str] | None = None
    ) -> list[Event]:
        story_of = dict(stories) if stories is not None else self.stories(articles)
        items = self._items(articles, story_of)
        clusters = self._cluster(items)
        by_id = {a.id: a for a in articles}
        events: list[Event] = []
        used: set[str] = set()
        for members in sorted(clusters, key=lambda c: min(items[i].order for i in c)):
            events.append(self._event([items[i] for i in members], by_id, used))
        positions = {ev.id: min(m_pos(items, c)) for ev, c in zip(events, sorted(
            clusters, key=lambda c: min(items[i].order for i in c)), strict=True)}
        events.sort(key=lambda ev: positions[ev.id])
        return events

    def _items(self, articles: Sequence[Article], story_of: Mapping[str, str]) -> list[_Item]:
        items: list[_Item] = []
        for art in articles:
            published = art.published.toordinal() if art.published else 10**7
            for n, m in enumerate(art.mentions):
                place = m.location.place if m.location else None
                items.append(
                    _Item(
                        m=m,
                        pos=len(items),
                        order=(published, art.id, n),
                        story=story_of.get(art.id, art.id),
                        block=self.matcher.block(m.kind),
                        region=(place.admin1 or f"cc:{place.country}") if place else None,
                        day=m.date.toordinal() if m.date else None,
                        window=self.matcher.window(m),
                    )
                )
        return items

    # -- candidates and clustering ------------------------------------------------------------
    def _candidates(self, items: list[_Item]) -> Iterable[tuple[int, int]]:
        groups: dict[tuple[str, str], list[int]] = {}
        loose: dict[tuple[str, str], list[int]] = {}
        for i, it in enumerate(items):
            if it.anchored:
                assert it.region is not None
                groups.setdefault((it.block, it.region), []).append(i)
            loose.setdefault((it.block, it.story), []).append(i)
        for members in groups.values():
            members.sort(key=lambda i: (items[i].day or 0, i))
            days = [items[i].day or 0 for i in members]
            fine = max((items[i].window for i in members if items[i].window <= 7), default=0)
            for a, i in enumerate(members):
                wi = items[i].window
                if wi <= 7:  # sweep forward over the fine-dated neighbours
                    for b in range(a + 1, len(members)):
                        j = members[b]
                        if days[b] - days[a] > fine:
                            break
                        if items[j].window <= 7:
                            yield (i, j)
                else:  # a coarse date: everything inside its window
                    lo = bisect_left(days, days[a] - wi)
                    hi = bisect_right(days, days[a] + wi)
                    for b in range(lo, hi):
                        j = members[b]
                        if j != i and (items[j].window <= 7 or j > i):
                            yield (min(i, j), max(i, j))
        for members in loose.values():  # undated or unplaced: only within the story
            for a, i in enumerate(members):
                for j in members[a + 1 :]:
                    if not (items[i].anchored and items[j].anchored):
                        yield (i, j)

    def _cluster(self, items: list[_Item]) -> list[list[int]]:
        scored: list[tuple[float, int, int]] = []
        seen: set[tuple[int, int]] = set()
        for i, j in self._candidates(items):
            if (i, j) in seen:
                continue
            seen.add((i, j))
            s = self.matcher.score(items[i].m, items[j].m, items[i].story == items[j].story)
            if s is not None:
                scored.append((-s, i, j))
        scored.sort()
        owner = list(range(len(items)))
        clusters = {i: self._singleton(items, i) for i in range(len(items))}
        for _, i, j in scored:
            ci, cj = owner[i], owner[j]
            if ci == cj or not self._joinable(items, clusters[ci], clusters[cj]):
                continue
            big, small = (ci, cj) if len(clusters[ci].members) >= len(clusters[cj].members) else (cj, ci)
            self._absorb(items, clusters[big], clusters.pop(small))
            for k in clusters[big].members:
                owner[k] = big
        return [c.members for c in clusters.values()]

    @staticmethod
    def _sig(m: Mention) -> tuple[str, str, str]:
        place = m.location.place.id if m.location else ""
        return (m.kind, place, m.date.isoformat() if m.date else "")

    def _rep_key(self, m: Mention) -> tuple[str, str, str, str, str]:
        a1 = m.actor1.id if m.actor1 else ""
        a2 = m.actor2.id if m.actor2 else ""
        return (*self._sig(m), a1, a2)

    def _singleton(self, items: list[_Item], i: int) -> _Cluster:
        m = items[i].m
        anchored = items[i].anchored
        return _Cluster(
            members=[i],
            sigs={m.article_id: {self._sig(m)}},
            reps=[i] if anchored else [],
            rep_keys={self._rep_key(m)} if anchored else set(),
        )

    def _joinable(self, items: list[_Item], a: _Cluster, b: _Cluster) -> bool:
        for art, sigs in b.sigs.items():
            mine = a.sigs.get(art)
            if mine is not None and (mine != sigs or len(mine) > 1):
                return False  # an article never reports one event twice
        for i in a.reps:
            for j in b.reps:
                same_story = items[i].story == items[j].story
                if self.matcher.score(items[i].m, items[j].m, same_story, linkage=True) is None:
                    return False
        return True

    def _absorb(self, items: list[_Item], into: _Cluster, other: _Cluster) -> None:
        into.members.extend(other.members)
        for art, sigs in other.sigs.items():
            into.sigs.setdefault(art, set()).update(sigs)
        cap = self.config.events.max_compare
        for j in other.reps:
            key = self._rep_key(items[j].m)
            if key not in into.rep_keys and len(into.reps) < cap:
                into.reps.append(j)
                into.rep_keys.add(key)

    # -- building an event ------------------------------------------------------------------
    def _event(self, members: list[_Item], articles: Mapping[str, Article], used: set[str]) -> Event:
        members = sorted(members, key=lambda it: it.order)
        first = members[0].m
        place_id = first.location.place.id if first.location else ""
        date = first.date.isoformat() if first.date else ""
        eid = stable_id(first.article_id, first.kind, place_id, date)
        if eid in used:  # two events from one first mention's kind, place and date
            eid = stable_id(first.article_id, first.kind, place_id, date, first.id)
        used.add(eid)
        sources: list[dict[str, str | None]] = []
        claims: dict[str, list[Claim]] = {}
        seen_articles: set[str] = set()
        for it in members:
            art = articles[it.m.article_id]
            published = art.published.isoformat() if art.published else None
            if art.id not in seen_articles:
                seen_articles.add(art.id)
                sources.append({"article_id": art.id, "outlet": art.outlet, "url": art.url,
                                "story": it.story, "published": published})  # fmt: skip
            for key, cs in claims_of(it.m, art.outlet, it.story, published).items():
                claims.setdefault(key, []).extend(cs)
        view = self._view(eid, [it.m for it in members], claims)
        return Event(
            id=eid,
            mention=view,
            mentions=[it.m for it in members],
            sources=sources,
            n_sources=len({s["story"] for s in sources}),
            claims=claims,
        )


def events_from_articles(
    articles: Iterable[Article],
    merger: EventMerger | None = None,
    stories: Mapping[str, str] | None = None,
) -> list[Event]:
    """Merge the mentions of analysed articles into events (the ``rasad events`` step)."""
    arts = list(articles)
    return (merger or EventMerger.load())(arts, stories)


def event_json(event: Event) -> dict[str, Any]:
    """An event as one line of ``rasad events``: the merged view, its reports and figures."""
    row = mention_json(event.mention)
    row["id"] = event.id
    row["mentions"] = [m.id for m in event.mentions]
    row["sources"] = event.sources
    row["n_sources"] = event.n_sources
    stories = sorted({str(s.get("story") or s.get("article_id")) for s in event.sources})
    row["n_stories"] = len(stories)
    row["stories"] = stories
    row["n_articles"] = len(event.sources)
    row["claims"] = event.claims
    low, last = figures(event.claims)
    row["conservative"] = {k: figure_json(c) for k, c in low.items()}
    row["latest"] = {k: figure_json(c) for k, c in last.items()}
    return row
