"""JSON round trip of mentions: what is stored or exported reads back to the same mention."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.model import KINDS, Actor, Count, Evidence, Location, Mention, Place, Span
from rasad.serialize import mention_from_json, mention_json

counts = st.dictionaries(
    st.sampled_from(["killed", "injured", "defected", "displaced"]),
    st.builds(Count, st.none() | st.integers(0, 10**6), st.none() | st.integers(0, 10**6),
              st.none() | st.integers(0, 10**6), st.sampled_from(["exact", "approx", "at_least", "vague"])),
    max_size=3,
)
actors = st.none() | st.builds(Actor, st.sampled_from(["sdf", "islamic-state"]), st.text(max_size=10),
                               st.text(max_size=10), st.integers(1, 8))
places = st.none() | st.builds(
    Location,
    st.builds(Place, st.just("gn:1"), st.text(max_size=8), st.text(max_size=8), st.just("town"),
              st.floats(32, 38), st.floats(35, 43), st.just("SY"), st.just("Aleppo"), st.none(), st.none()),
    st.integers(1, 3),
)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(KINDS), st.none() | st.dates(dt.date(2011, 1, 1), dt.date(2030, 1, 1)), actors, actors, places, counts, st.booleans())
def test_round_trip(kind: str, date: dt.date | None, a1: Actor | None, a2: Actor | None,
                    loc: Location | None, cs: dict[str, Count], hist: bool) -> None:
    m = Mention(
        id="a#m1", article_id="a", kind=kind, event_type="Battles", sub_event_type="Armed clash",
        date=date, date_precision="day" if date else None, actor1=a1, actor2=a2, location=loc,
        counts=cs, fatalities=0, attributed_to=None, historical=hist,
        evidence=[Evidence(0, 4, "نص ما")], confidence=0.5, trigger=Span(0, 2, "نص"),
        claims={k: [c] for k, c in cs.items()}, notes={"en": "x", "ar": "س"},
    )
    doc = mention_json(m)
    again = mention_json(mention_from_json(doc))
    assert again == doc
