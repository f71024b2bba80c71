"""Events: one per real-world happening, merged from the mentions of many articles.

Steps (each near-linear in the number of mentions):

1. group articles into **stories** (copies, syndications, rewrites: :mod:`rasad.merge.stories`);
2. **block** mentions by kind family (families joined by ``kind_links``) and governorate
   (or country), and within a block compare only mentions whose dates fall within each
   other's window (a day; a week, a month … for coarser dates). Mentions without a date
   or a place are compared only with mentions of their own story;
3. **score** each candidate pair under hard limits (:class:`Matcher`: kind family, place,
   date, actor1 never contradicted) and join the best pairs first; two groups join only
   if no article would then report the event twice (unless its mentions are identical in
   kind, place and date) and every pair of their distinct reports passes the limits (no
   chaining across days or towns);
4. **build** each event: all mentions and sources, every count as a per-source claim, the
   merged view (most precise place and date, actors filled from the other reports, the
   conservative figures), and a stable id taken from its earliest mention.

``n_sources`` counts independent stories: two syndicated copies are one source.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rasad.errors import DataFileError
from rasad.events.lexicon import KindTable, read_yaml
from rasad.geo import haversine_km
from rasad.merge.claims import Claim, ViewBuilder, claims_of, figure_json, figures
from rasad.merge.stories import StoryClusterer, StoryConfig
from rasad.model import Actor, Article, Event, Location, Mention
from rasad.recognize.actors import ActorDictionary
from rasad.recognize.sides import root_of
from rasad.serialize import mention_json


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


# -- when two reports may be one happening ----------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Weights:
    same_kind: float = 2.0
    same_place: float = 2.0
    near_place: float = 1.5
    contained_place: float = 0.5
    same_date: float = 1.0
    actor_agrees: float = 0.5
    actor2_disagrees: float = -0.5
    same_story: float = 1.5
    same_count: float = 0.5


@dataclasses.dataclass(frozen=True, slots=True)
class EventConfig:
    date_window_days: Mapping[str, int]
    near_km: Mapping[int, float]
    same_admin3: bool
    region_km: float
    distinct_settlements: frozenset[str]
    region_levels: Mapping[str, str]
    strict_families: frozenset[str]
    kind_links: frozenset[frozenset[str]]
    swap_families: frozenset[str]
    weak_actors: frozenset[str]
    umbrella_actors: Mapping[str, frozenset[int]]
    equivalent_actors: Mapping[str, str]
    weights: Weights
    max_compare: int

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str) -> EventConfig:
        """Read the ``events`` section of merge.yaml."""
        try:
            equivalent: dict[str, str] = {}
            for group in data.get("equivalent_actors") or []:
                for actor in group:
                    equivalent[str(actor)] = str(group[0])
            return cls(
                date_window_days={str(k): int(v) for k, v in data["date_window_days"].items()},
                near_km={int(k): float(v) for k, v in data["near_km"].items()},
                same_admin3=bool(data["same_admin3"]),
                region_km=float(data["region_km"]),
                distinct_settlements=frozenset(map(str, data.get("distinct_settlements") or [])),
                region_levels={str(k): str(v) for k, v in data["region_levels"].items()},
                strict_families=frozenset(map(str, data.get("strict_families") or [])),
                kind_links=frozenset(
                    frozenset(map(str, pair)) for pair in data.get("kind_links") or []
                ),
                swap_families=frozenset(map(str, data.get("swap_families") or [])),
                weak_actors=frozenset(map(str, data.get("weak_actors") or [])),
                umbrella_actors={
                    str(k): frozenset(int(x) for x in v)
                    for k, v in (data.get("umbrella_actors") or {}).items()
                },
                equivalent_actors=equivalent,
                weights=Weights(
                    **{str(k): float(v) for k, v in (data.get("weights") or {}).items()}
                ),
                max_compare=int(data["max_compare"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise DataFileError(f"{where}: invalid 'events' section: {exc!r}") from exc


class Matcher:
    """Whether two mentions may report one happening, and how well they agree.

    Hard limits: kinds of one family (or linked kinds); dates within the window of the
    coarser date; places within ``near_km`` of each other, in one sub-district, or one a
    region containing the other; actor1 never a different known side (unless the two
    reports swap the sides of a symmetric kind, a clash). Mentions without a date or a
    place only match reports of their own story; two mentions of one article only when
    identical in kind, place and date.
    """

    def __init__(
        self, config: EventConfig, families: Mapping[str, str], parents: Mapping[str, str]
    ) -> None:
        self.config = config
        self.families = dict(families)
        self.parents = dict(parents)
        blocks: dict[str, str] = {f: f for f in set(self.families.values())}
        for pair in config.kind_links:  # families joined by a link share a block
            roots = sorted({_find(blocks, self.families.get(k, k)) for k in pair})
            for r in roots[1:]:
                blocks[r] = roots[0]
        self._blocks = {k: _find(blocks, f) for k, f in self.families.items()}

    def block(self, kind: str) -> str:
        return self._blocks.get(kind, kind)

    def window(self, m: Mention) -> int:
        if m.date is None:
            return 0
        return self.config.date_window_days.get(m.date_precision or "day", 1)

    def kin(self, k1: str, k2: str) -> bool:
        """Two different kinds that may still report one happening."""
        if frozenset((k1, k2)) in self.config.kind_links:
            return True
        family = self.families.get(k1)
        return family == self.families.get(k2) and family not in self.config.strict_families

    # -- actors -----------------------------------------------------------------------------
    def weak(self, a: Actor) -> bool:
        return a.id in self.config.weak_actors

    def side(self, a: Actor) -> str:
        """The top of the actor's parent chain, through the equivalences."""
        eq = self.config.equivalent_actors
        top = root_of(self.parents, a.parent) if a.parent else a.id
        return eq.get(a.id) or eq.get(top) or top

    def conflict(self, a: Actor | None, b: Actor | None) -> bool:
        if a is None or b is None or self.weak(a) or self.weak(b) or self.side(a) == self.side(b):
            return False
        umbrella = self.config.umbrella_actors
        return not (b.inter in umbrella.get(a.id, ()) or a.inter in umbrella.get(b.id, ()))

    def agree(self, a: Actor | None, b: Actor | None) -> bool:
        return (
            a is not None and b is not None and not self.weak(a) and not self.weak(b)
            and self.side(a) == self.side(b)
        )  # fmt: skip

    def _actors(self, m1: Mention, m2: Mention) -> float | None:
        w = self.config.weights
        if self.conflict(m1.actor1, m2.actor1):
            swap = self.config.swap_families
            swapped = (
                (self.families.get(m1.kind) in swap or self.families.get(m2.kind) in swap)
                and not self.conflict(m1.actor1, m2.actor2)
                and not self.conflict(m1.actor2, m2.actor1)
                and (self.agree(m1.actor1, m2.actor2) or self.agree(m1.actor2, m2.actor1))
            )
            return w.actor_agrees if swapped else None
        score = w.actor_agrees if self.agree(m1.actor1, m2.actor1) else 0.0
        if self.agree(m1.actor2, m2.actor2):
            score += w.actor_agrees
        elif self.conflict(m1.actor2, m2.actor2):
            score += w.actor2_disagrees
        return score

    # -- places and dates -------------------------------------------------------------------
    def region(self, loc: Location) -> bool:
        return loc.precision >= 3 or loc.place.feature_type in self.config.region_levels

    def contains(self, big: Location, small: Location) -> bool:
        """Whether a region-like place contains another (by its administrative level)."""
        b, s = big.place, small.place
        level = self.config.region_levels.get(b.feature_type, "admin1")
        if level == "country" or (b.admin1 is None and b.country != "SY"):
            return s.country == b.country
        own = getattr(b, level)
        if own:
            return bool(getattr(s, level) == own and s.admin1 == b.admin1)
        return haversine_km(b.lat, b.lon, s.lat, s.lon) <= self.config.region_km

    def _places(self, l1: Location, l2: Location) -> float | None:
        w = self.config.weights
        p1, p2 = l1.place, l2.place
        if p1.id == p2.id:
            return w.same_place
        r1, r2 = self.region(l1), self.region(l2)
        if r1 or r2:
            inside = (r1 and self.contains(l1, l2)) or (r2 and self.contains(l2, l1))
            return w.contained_place if inside else None
        settlements = self.config.distinct_settlements
        if (
            l1.precision == 1 == l2.precision
            and p1.feature_type in settlements
            and p2.feature_type in settlements
        ):
            return None  # two named towns or villages: two places
        limit = self.config.near_km.get(max(l1.precision, l2.precision), 0.0)
        d = haversine_km(p1.lat, p1.lon, p2.lat, p2.lon)
        if d <= limit:
            return w.near_place * (1.0 - d / (2 * limit))
        if (
            self.config.same_admin3
            and p1.admin3
            and p1.admin3 == p2.admin3
            and p1.admin1 == p2.admin1
        ):
            return w.contained_place
        return None

    def _dates(self, m1: Mention, m2: Mention) -> float | None:
        assert m1.date is not None and m2.date is not None
        window = max(self.window(m1), self.window(m2))
        diff = abs((m1.date - m2.date).days)
        if diff > window:
            return None
        return self.config.weights.same_date * (1.0 - diff / (window + 1))

    # -- the pair ---------------------------------------------------------------------------
    def score(
        self, m1: Mention, m2: Mention, same_story: bool, linkage: bool = False
    ) -> float | None:
        """How well two mentions agree, or None when they cannot be one happening.

        ``linkage``: the check made between members when two groups join (two reports of
        one article were already allowed in by the identity rule).
        """
        w = self.config.weights
        if m1.article_id == m2.article_id and not linkage:
            same = (
                m1.kind == m2.kind and m1.date == m2.date
                and (m1.location.place.id if m1.location else None)
                == (m2.location.place.id if m2.location else None)
            )  # fmt: skip
            if not same:
                return None
        if m1.kind == m2.kind:
            total = w.same_kind
        elif self.kin(m1.kind, m2.kind):
            total = 0.0
        else:
            return None
        if m1.date is not None and m2.date is not None:
            d = self._dates(m1, m2)
        else:
            d = 0.0 if same_story else None
        if d is None:
            return None
        if m1.location is not None and m2.location is not None:
            p = self._places(m1.location, m2.location)
        else:
            p = 0.0 if same_story else None
        if p is None:
            return None
        a = self._actors(m1, m2)
        if a is None:
            return None
        total += d + p + a + (w.same_story if same_story else 0.0)
        for key, c in m1.counts.items():
            other = m2.counts.get(key)
            if other is not None and c.value is not None and other.value == c.value:
                total += w.same_count
        return total

    def same_event(self, m1: Mention, m2: Mention) -> bool:
        """Whether two mentions of different stories may report one happening."""
        return self.score(m1, m2, same_story=False) is not None


def _find(parent: dict[str, str], x: str) -> str:
    while parent.get(x, x) != x:
        x = parent[x]
    return x


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
class _PlaceIndex:
    """Where the reports of one kind block and governorate are: regions, sub-districts and
    grid cells at least ``km`` wide (so a place's neighbours within ``km`` lie in the 3x3
    cells around it)."""

    km: float
    regions: set[int] = dataclasses.field(default_factory=set)
    by_admin3: dict[tuple[str | None, str], set[int]] = dataclasses.field(default_factory=dict)
    grid: dict[tuple[int, int], set[int]] = dataclasses.field(default_factory=dict)

    def near(self, it: _Item) -> set[int]:
        """The reports whose place could match ``it``'s (a place that is not a region):
        regions (they may contain it), its sub-district, and anything within ``km``. A
        superset of what ``Matcher._places`` accepts, so bounding a coarse-dated report's
        comparisons this way changes no event."""
        assert it.m.location is not None
        p = it.m.location.place
        found = set(self.regions)
        if p.admin3:
            found |= self.by_admin3.get((p.admin1, p.admin3), set())
        cy, cx = self.cell(p.lat, p.lon)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                found |= self.grid.get((cy + dy, cx + dx), set())
        return found

    def cell(self, lat: float, lon: float) -> tuple[int, int]:
        # degrees of longitude shrink towards the pole: size cells for latitude 60°
        dlat = max(self.km, 1.0) / 111.0
        dlon = max(self.km, 1.0) / (111.0 * math.cos(math.radians(60.0)))
        return (math.floor(lat / dlat), math.floor(lon / dlon))


@dataclasses.dataclass(slots=True)
class _Cluster:
    members: list[int]
    sigs: dict[str, set[tuple[str, str, str]]]  # article id -> (kind, place, date) of its mentions
    reps: list[int]  # anchored members with distinct signatures (at most max_compare)
    rep_keys: set[tuple[str, str, str, str, str]]


class EventMerger:
    """Stories, then events. Build once per run (``load``), call on each batch."""

    def __init__(self, config: MergeConfig, kinds: KindTable, parents: Mapping[str, str]):
        self.config = config
        self.kinds = kinds
        families = {k: info.family for k, info in kinds.kinds.items()}
        self.matcher = Matcher(config.events, families, parents)
        self.stories = StoryClusterer(config.stories, families, self.matcher.same_event)
        self.view = ViewBuilder(kinds, self.matcher.weak)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> EventMerger:
        parents = ActorDictionary.load().parents()
        return cls(MergeConfig.load(extra), KindTable.load(), parents)

    # -- the whole step ---------------------------------------------------------------------
    def __call__(
        self, articles: Sequence[Article], stories: Mapping[str, str] | None = None
    ) -> list[Event]:
        story_of = dict(stories) if stories is not None else self.stories(articles)
        items = self._items(articles, story_of)
        clusters = self._cluster(items)
        by_id = {a.id: a for a in articles}
        used: set[str] = set()  # ids handed out in report order, so collisions resolve stably
        built: list[tuple[int, Event]] = []
        for members in sorted(clusters, key=lambda c: min(items[i].order for i in c)):
            event = self._event([items[i] for i in members], by_id, used)
            built.append((min(items[i].pos for i in members), event))
        return [ev for _, ev in sorted(built, key=lambda pe: pe[0])]  # input order

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
        short = self.config.events.date_window_days.get("week", 7)  # swept; longer: searched
        for members in groups.values():
            members.sort(key=lambda i: (items[i].day or 0, i))
            days = [items[i].day or 0 for i in members]
            sweep = max((items[i].window for i in members if items[i].window <= short), default=0)
            index: _PlaceIndex | None = None
            for a, i in enumerate(members):
                wi = items[i].window
                if wi <= short:  # forward over the neighbours with short windows
                    for b in range(a + 1, len(members)):
                        if days[b] - days[a] > sweep:
                            break
                        j = members[b]
                        if items[j].window <= short:
                            yield (min(i, j), max(i, j))
                else:  # a coarse date: everything inside its window that could be near
                    lo = bisect_left(days, days[a] - wi)
                    hi = bisect_right(days, days[a] + wi)
                    near = None
                    if not self._is_region(items[i]):
                        index = index or self._place_index(items, members)
                        near = index.near(items[i])
                    for b in range(lo, hi):
                        j = members[b]
                        if j != i and (near is None or j in near):
                            yield (min(i, j), max(i, j))
        for members in loose.values():  # undated or unplaced: only within the story
            for a, i in enumerate(members):
                for j in members[a + 1 :]:
                    if not (items[i].anchored and items[j].anchored):
                        yield (i, j)

    def _is_region(self, it: _Item) -> bool:
        return it.m.location is not None and self.matcher.region(it.m.location)

    def _place_index(self, items: list[_Item], members: list[int]) -> _PlaceIndex:
        index = _PlaceIndex(max(self.config.events.near_km.values(), default=0.0))
        for j in members:
            it = items[j]
            loc = it.m.location
            assert loc is not None
            if self._is_region(it):
                index.regions.add(j)
                continue
            p = loc.place
            if p.admin3:
                index.by_admin3.setdefault((p.admin1, p.admin3), set()).add(j)
            index.grid.setdefault(index.cell(p.lat, p.lon), set()).add(j)
        return index

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
            big, small = (
                (ci, cj) if len(clusters[ci].members) >= len(clusters[cj].members) else (cj, ci)
            )
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
    def _event(
        self, members: list[_Item], articles: Mapping[str, Article], used: set[str]
    ) -> Event:
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
        view = self.view(eid, [it.m for it in members], claims)
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
