"""Per-source claims of an event's counts, and the figures an event reports from them.

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

from collections.abc import Iterable, Sequence
from typing import Any

from rasad.model import Count, Mention

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
