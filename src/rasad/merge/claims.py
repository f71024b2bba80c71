"""What an event says: per-source claims, the figures drawn from them, the merged view.

Every count of every merged mention stays a separate claim (who said how many, in which
article and story), never averaged. From the claims an event reports two figures per count
key, as conflict datasets do:

- the **conservative** figure: the lowest credible number among independent stories (ACLED
  codes fatalities this way). One claim per story (its latest article's), then the lowest
  number given as exact, approximate, "at least" or "at most"; only when no story gives a
  number, the vague claim with the lowest bound ("dozens" before "hundreds");
- the **latest** figure: the claim of the most recently published article (tolls rise as
  reports come in), preferring a number to a vague quantity on the same day.

Figures earlier in the same article ("rose from 20 to 100") are kept as claims marked
``superseded`` and take part in neither figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rasad.events.acled import fatalities, notes
from rasad.events.lexicon import KindTable
from rasad.model import Actor, Count, DatePrecision, Location, Mention

NUMERIC = frozenset({"exact", "approx", "at_least", "at_most"})

Claim = dict[str, Any]


def claims_of(
    mention: Mention,
    outlet: str | None,
    story: str,
    published: str | None,
) -> dict[str, list[Claim]]:
    """The claims one mention makes: its counts, then the figures it superseded."""
    out: dict[str, list[Claim]] = {}
    for key, count in mention.counts.items():
        out.setdefault(key, []).append(
            _claim(mention, count, outlet, story, published, superseded=False)
        )
    for key, earlier in mention.claims.items():
        for count in dict.fromkeys(earlier):  # the mention's other figures, once each
            if count == mention.counts.get(key):
                continue
            out.setdefault(key, []).append(
                _claim(mention, count, outlet, story, published, superseded=True)
            )
    return out


def _claim(
    mention: Mention,
    count: Count,
    outlet: str | None,
    story: str,
    published: str | None,
    superseded: bool,
) -> Claim:
    return {
        "article_id": mention.article_id,
        "outlet": outlet,
        "story": story,
        "mention": mention.id,
        "published": published,
        **count.to_json(),
        "superseded": superseded,
    }


def count_of(claim: Claim) -> Count:
    """The :class:`Count` a claim states."""
    return Count(claim.get("value"), claim.get("low"), claim.get("high"), claim["qualifier"])


def figure(claim: Claim) -> int | None:
    """The number a claim commits to: the lower bound of "at least", else the value."""
    if claim["qualifier"] not in NUMERIC:
        return None
    if claim["qualifier"] == "at_least" and claim.get("low") is not None:
        return int(claim["low"])
    value = claim.get("value")
    if value is None:
        value = claim.get("low")
    return int(value) if value is not None else None


def _current(claims: Iterable[Claim]) -> list[Claim]:
    return [c for c in claims if not c.get("superseded")]


def _date_key(claim: Claim) -> str:
    return claim.get("published") or ""


def conservative(claims: Sequence[Claim]) -> Claim | None:
    """The lowest credible claim among independent stories (see the module docstring)."""
    per_story: dict[str, Claim] = {}
    for c in _current(claims):
        story = str(c.get("story") or c.get("article_id"))
        held = per_story.get(story)
        if held is None or _date_key(c) > _date_key(held):
            per_story[story] = c
    if not per_story:
        return None
    numeric = [c for c in per_story.values() if figure(c) is not None]
    if numeric:
        return min(numeric, key=lambda c: (figure(c), _date_key(c), c["article_id"]))
    vague = list(per_story.values())
    return min(
        vague,
        key=lambda c: (
            c.get("low") is None,
            c.get("low") or 0,
            _date_key(c),
            c["article_id"],
        ),
    )


def latest(claims: Sequence[Claim]) -> Claim | None:
    """The claim of the most recently published article (a number before a vague one)."""
    current = _current(claims)
    if not current:
        return None
    return max(
        current,
        key=lambda c: (
            _date_key(c),
            figure(c) is not None,
            figure(c) or c.get("low") or 0,
            c["article_id"],
        ),
    )


def figures(claims: dict[str, list[Claim]]) -> tuple[dict[str, Claim], dict[str, Claim]]:
    """Conservative and latest claim per count key."""
    low: dict[str, Claim] = {}
    last: dict[str, Claim] = {}
    for key, cs in claims.items():
        c = conservative(cs)
        if c is not None:
            low[key] = c
        c = latest(cs)
        if c is not None:
            last[key] = c
    return low, last


def figure_json(claim: Claim) -> dict[str, Any]:
    """A figure as written in the event JSON: the count and whose claim it is."""
    return {
        "value": claim.get("value"),
        "low": claim.get("low"),
        "high": claim.get("high"),
        "qualifier": claim["qualifier"],
        "article_id": claim["article_id"],
        "outlet": claim.get("outlet"),
        "story": claim.get("story"),
    }


# -- the merged view ------------------------------------------------------------------------
_PRECISION_RANK = {"day": 3, "week": 2, "month": 1, "year": 0}


def _date_rank(m: Mention) -> int:
    return _PRECISION_RANK.get(m.date_precision or "day", -1) if m.date else -1


class ViewBuilder:
    """Builds an event's merged view from its reports.

    The view is the most informative report of the most reported kind (finest place, then
    finest date, named actors, counts, confidence), with the finest place and date that most
    reports agree on, actors filled from the other reports when missing or weak, and the
    conservative figures as its counts.
    """

    def __init__(self, kinds: KindTable, weak: Callable[[Actor], bool]) -> None:
        self.kinds = kinds
        self.weak = weak

    def info(self, m: Mention) -> tuple[int, int, int, int, int, float]:
        loc = m.location
        known = sum(1 for a in (m.actor1, m.actor2) if a is not None and not self.weak(a))
        precision = loc.precision if loc else 9
        return (int(loc is not None), -precision, _date_rank(m), known, len(m.counts), m.confidence)

    def __call__(self, eid: str, ms: Sequence[Mention], claims: dict[str, list[Claim]]) -> Mention:
        """``ms`` in report order (earliest first): ties go to the earlier report."""
        order = {id(m): n for n, m in enumerate(ms)}
        kinds = Counter(m.kind for m in ms)
        top = max(kinds.values())
        kind = max(ms, key=lambda m: (kinds[m.kind] == top, self.info(m), -order[id(m)])).kind
        rep = max((m for m in ms if m.kind == kind), key=lambda m: (self.info(m), -order[id(m)]))
        location = self._location(rep, ms)
        date, precision = self._date(rep, ms)
        actor1 = self._fill(rep.actor1, [m.actor1 for m in ms], exclude=None)
        actor2 = self._fill(rep.actor2, [m.actor2 for m in ms], exclude=actor1)
        low, _ = figures(claims)
        counts = {key: count_of(c) for key, c in low.items()}
        return dataclasses.replace(
            rep,
            id=eid,
            date=date,
            date_precision=precision,
            actor1=actor1,
            actor2=actor2,
            location=location,
            counts=counts,
            fatalities=fatalities(counts),
            historical=all(m.historical for m in ms),
            confidence=max(m.confidence for m in ms),
            framing=sorted({f for m in ms for f in m.framing}),
            claims={},
            notes=notes(self.kinds, kind, actor1, actor2, location, counts),
        )

    @staticmethod
    def _location(rep: Mention, ms: Sequence[Mention]) -> Location | None:
        located = [m.location for m in ms if m.location is not None]
        if not located:
            return rep.location
        finest = min(loc.precision for loc in located)
        fine = [loc for loc in located if loc.precision == finest]
        votes = Counter(loc.place.id for loc in fine)
        own = rep.location
        if (
            own is not None
            and own.precision == finest
            and votes[own.place.id] == max(votes.values())
        ):
            return own
        return max(fine, key=lambda loc: (votes[loc.place.id], -fine.index(loc)))

    @staticmethod
    def _date(rep: Mention, ms: Sequence[Mention]) -> tuple[dt.date | None, DatePrecision | None]:
        dated = [m for m in ms if m.date is not None]
        if not dated:
            return rep.date, rep.date_precision
        rank = max(_date_rank(m) for m in dated)
        fine = [m for m in dated if _date_rank(m) == rank]
        votes = Counter(m.date for m in fine)
        if (
            rep.date is not None
            and _date_rank(rep) == rank
            and votes[rep.date] == max(votes.values())
        ):
            return rep.date, rep.date_precision
        chosen = max(fine, key=lambda m: (votes[m.date], -fine.index(m)))
        return chosen.date, chosen.date_precision

    def _fill(
        self, own: Actor | None, others: list[Actor | None], exclude: Actor | None
    ) -> Actor | None:
        """Keep a named actor; fill a missing or weak one from the other reports."""
        if own is not None and not self.weak(own):
            return own
        votes = Counter(
            a.id for a in others
            if a is not None and not self.weak(a) and (exclude is None or a.id != exclude.id)
        )  # fmt: skip
        if not votes:
            return own
        top = max(votes.values())
        return next(a for a in others if a is not None and votes.get(a.id) == top)
