"""The other side of a two-sided event the sentence names only one side of.

"سيطرت قوات المعارضة على مدينة خان شيخون": who lost Khan Shaykhun is not in the sentence,
but the article says it elsewhere. The opponent is taken from the article itself: first
from its other reports that name both sides, then from the adversaries it names most. The
chosen side is one of the article's own actor mentions (the nearest one to the trigger), so
it keeps its offsets; an actor on the same side as the known one (its parent, its allies
in the actor dictionary) is never taken for its opponent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from rasad.events.arguments import ARMED_INTER, Draft
from rasad.model import ActorSpan, Article
from rasad.recognize.sides import Sides

__all__ = ["complete_opponents"]

# a report naming both sides counts for this many plain mentions of an adversary
PAIR_WEIGHT = 3


def complete_opponents(
    article: Article, drafts: Sequence[Draft], kinds: frozenset[str], sides: Sides
) -> None:
    """Fill the missing side of two-sided drafts; drop a "side" that is the known side's ally."""
    spans = [
        a for a in article.actors if a.role_hint != "source" and a.actor.inter in ARMED_INTER
    ]
    if not spans:
        return
    pairs = [
        (d.actor1, d.actor2)
        for d in drafts
        if d.actor1 is not None
        and d.actor2 is not None
        and not sides.same_side(d.actor1.actor, d.actor2.actor)
    ]
    for d in drafts:
        if d.kind not in kinds:
            continue
        if d.actor1 is not None and d.actor2 is not None:
            if d.kind == "armed_clash" or not sides.same_side(d.actor1.actor, d.actor2.actor):
                continue  # two sides named (fights inside one camp do happen)
            d.actor2 = None  # "المدعومة من الجيش التركي": a partner, not the other side
        known = d.actor1 or d.actor2
        if known is None:
            continue
        other = _opponent(d, known, spans, pairs, sides)
        if other is None:
            continue
        if d.actor1 is None:
            d.actor1 = other
        else:
            d.actor2 = other


def _opponent(
    d: Draft,
    known: ActorSpan,
    spans: list[ActorSpan],
    pairs: list[tuple[ActorSpan, ActorSpan]],
    sides: Sides,
) -> ActorSpan | None:
    votes: Counter[str] = Counter()
    for a, b in pairs:
        if sides.same_side(a.actor, known.actor):
            votes[b.actor.id] += PAIR_WEIGHT
        elif sides.same_side(b.actor, known.actor):
            votes[a.actor.id] += PAIR_WEIGHT
    candidates = [s for s in spans if not sides.same_side(s.actor, known.actor)]
    for s in candidates:
        votes[s.actor.id] += 1
    if not votes:
        return None
    at = d.trigger.span.start

    def rank(s: ActorSpan) -> tuple[int, int]:
        return (votes[s.actor.id], -abs(s.span.start - at))

    # with no candidate left, only other reports name the adversary: use their mention of it
    pool = candidates or [b for pair in pairs for b in pair if b.actor.id in votes]
    return max(pool, key=rank) if pool else None
