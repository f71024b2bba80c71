"""The typed objects that flow through Rasad's stages.

One :class:`Article` goes in at ingest and comes out of every stage with more filled in:
the cleaned text, the normalised text with its offset map, sentences, recognised spans
(numbers, times, places, actors), and finally mentions. Every recognised span carries
``start``/``end`` offsets into ``Article.text`` (the text exactly as given), so every field
of every mention can be traced to characters of the input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

Qualifier = Literal["exact", "approx", "at_least", "at_most", "vague"]
DatePrecision = Literal["day", "week", "month", "year"]
NumberRole = Literal[
    "count", "ordinal", "year", "time", "distance", "percent", "age", "phone", "money", "other"
]

KINDS: tuple[str, ...] = (
    "armed_clash",
    "territory_change",
    "withdrawal",
    "air_strike",
    "shelling",
    "explosive_device",
    "suicide_bombing",
    "weapons_disrupted",
    "attack_on_civilians",
    "execution",
    "abduction",
    "assassination",
    "arrest",
    "defection",
    "surrender",
    "agreement",
    "reinforcement",
    "movement_restriction",
    "humanitarian_corridor",
    "displacement",
    "protest",
    "riot",
    "looting_destruction",
    "base_established",
)

COUNT_KEYS: tuple[str, ...] = (
    "killed",
    "injured",
    "defected",
    "arrested",
    "captured",
    "abducted",
    "surrendered",
    "displaced",
    "fighters",
    "vehicles",
)


@dataclass(slots=True, frozen=True)
class Span:
    """A stretch of ``Article.text``: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(slots=True, frozen=True)
class Sentence:
    """A sentence or headline line. ``start``/``end`` index ``Article.text``;
    ``norm_start``/``norm_end`` index ``Article.norm.text``."""

    index: int
    start: int
    end: int
    norm_start: int
    norm_end: int
    heading: bool = False


@dataclass(slots=True, frozen=True)
class NumberSpan:
    """A number read from the text, with what kind of number it is."""

    span: Span
    value: int | None
    low: int | None
    high: int | None
    qualifier: Qualifier
    role: NumberRole = "count"
    noun: str | None = None  # normalised counted noun when attached ("عنصر", "اليه")
    noun_end: int | None = None  # Article.text offset just after that noun


@dataclass(slots=True, frozen=True)
class TimeSpan:
    """A time expression resolved against the publication date (or left unresolved)."""

    span: Span
    date: dt.date | None
    precision: DatePrecision | None
    weekday: int | None = None  # 0 = Monday … 6 = Sunday, when named
    part_of_day: str | None = None
    relative: bool = False  # resolved against the publication date
    absolute: bool = False  # an explicit calendar date in the text


@dataclass(slots=True, frozen=True)
class Place:
    """A gazetteer entry."""

    id: str
    name: str
    name_ar: str
    feature_type: str
    lat: float
    lon: float
    country: str = "SY"
    admin1: str | None = None
    admin2: str | None = None
    admin3: str | None = None
    admin1_ar: str | None = None
    rank: int = 0


@dataclass(slots=True, frozen=True)
class PlaceSpan:
    """A place recognised in the text and resolved to the gazetteer."""

    span: Span
    place: Place
    precision: int  # 1 the place itself, 2 near/countryside/district, 3 region/governorate
    cue: str | None = None  # the cue word that introduced it ("قرية", "ريف", "محيط")
    score: float = 1.0
    role: str | None = None  # "origin" for "أبناء الحسكة", "من بلدة X" of people: not an event place


@dataclass(slots=True, frozen=True)
class Actor:
    """An actor dictionary entry (already chosen for the event date)."""

    id: str
    name: str
    name_ar: str
    inter: int
    parent: str | None = None
    kind: str = "organisation"  # organisation | collective | state | individual


@dataclass(slots=True, frozen=True)
class ActorSpan:
    """An actor named (or referred to) in the text."""

    span: Span
    actor: Actor
    framing: str | None = None  # loaded wording kept as a framing feature ("ميليشيا", "الإرهابية")
    anaphoric: bool = False  # "التنظيم", "الميليشيا" resolved from context
    role_hint: str | None = None  # "source" when the span is a speaker ("مصدر أمني")


@dataclass(slots=True, frozen=True)
class TriggerSpan:
    """A word that signals an event kind."""

    span: Span
    kind: str
    lemma: str
    negated: bool = False
    weight: float = 1.0
    instrument: bool = False
    generic: bool = False


@dataclass(slots=True, frozen=True)
class Count:
    value: int | None
    low: int | None
    high: int | None
    qualifier: Qualifier

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "qualifier": self.qualifier}


@dataclass(slots=True, frozen=True)
class Evidence:
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(slots=True, frozen=True)
class Location:
    """Where a mention happened: a place and how precisely the text locates it."""

    place: Place
    precision: int
    span: Span | None = None

    def to_json(self) -> dict[str, Any]:
        p = self.place
        return {
            "name": p.name,
            "name_ar": p.name_ar,
            "country": p.country,
            "admin1": p.admin1,
            "admin2": p.admin2,
            "admin3": p.admin3,
            "lat": p.lat,
            "lon": p.lon,
            "precision": self.precision,
            "gazetteer_id": p.id,
            "feature_type": p.feature_type,
        }


@dataclass(slots=True)
class Mention:
    """One event as one article reports it."""

    id: str
    article_id: str
    kind: str
    event_type: str
    sub_event_type: str
    date: dt.date | None
    date_precision: DatePrecision | None
    actor1: Actor | None
    actor2: Actor | None
    location: Location | None
    counts: dict[str, Count]
    fatalities: int
    attributed_to: str | None
    historical: bool
    evidence: list[Evidence]
    confidence: float
    trigger: Span | None = None
    weekday: int | None = None
    framing: list[str] = field(default_factory=list)
    claims: dict[str, list[Count]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    sentence: int | None = None
    raw_score: float = 0.0  # the detector's score before calibration
    features: dict[str, float] = field(default_factory=dict)  # what the score was made from


@dataclass(slots=True)
class Problem:
    """Something that went wrong with one input; the batch goes on."""

    code: str
    message: str
    source: str  # file name and line, e.g. "input.jsonl:12"
    stage: str = "ingest"


@dataclass(slots=True)
class Article:
    """An article and everything the stages have learnt about it."""

    id: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    published: dt.date | None = None
    source: str = ""  # where it was read from ("seeds/000.txt", "input.jsonl:3")
    html: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # filled by the stages
    clean: str | None = None  # same length as text; boilerplate blanked out
    norm_text: str = ""
    norm_offsets: list[int] = field(default_factory=list)
    removed: list[Span] = field(default_factory=list)  # boilerplate lines removed from analysis
    metadata: dict[str, str] = field(default_factory=dict)  # byline, dateline …
    sentences: list[Sentence] = field(default_factory=list)
    numbers: list[NumberSpan] = field(default_factory=list)
    times: list[TimeSpan] = field(default_factory=list)
    places: list[PlaceSpan] = field(default_factory=list)
    actors: list[ActorSpan] = field(default_factory=list)
    triggers: list[TriggerSpan] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def span(self, start: int, end: int) -> Span:
        """A :class:`Span` of the original text."""
        return Span(start, end, self.text[start:end])

    def norm_span(self, norm_start: int, norm_end: int) -> Span:
        """Map a span of ``norm_text`` back to the original text."""
        start, end = map_span(self.norm_offsets, norm_start, norm_end)
        return Span(start, end, self.text[start:end])

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence containing an original-text offset."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if offset < s.start:
                hi = mid
            elif offset >= s.end:
                lo = mid + 1
            else:
                return s
        return None


def recorded_spans(article: Article) -> Iterator[tuple[str, Span]]:
    """Every span the stages recorded on an article, with what it is: each must satisfy
    ``article.text[span.start:span.end] == span.text`` (provenance checks, fuzzing)."""
    for kind, items in (
        ("number", article.numbers),
        ("time", article.times),
        ("place", article.places),
        ("actor", article.actors),
        ("trigger", article.triggers),
    ):
        for item in items:
            yield kind, item.span
    yield from (("removed", s) for s in article.removed)
    for m in article.mentions:
        if m.trigger is not None:
            yield "mention trigger", m.trigger
        if m.location is not None and m.location.span is not None:
            yield "mention location", m.location.span
        for ev in m.evidence:
            yield "evidence", Span(ev.start, ev.end, ev.text)


def map_span(offsets: list[int], norm_start: int, norm_end: int) -> tuple[int, int]:
    """Map ``[norm_start, norm_end)`` of a normalised text to the original text.

    ``offsets[i]`` is the original index of normalised character ``i``; the list has one
    extra entry, the original length, so empty spans at the end map too.
    """
    if norm_end <= norm_start:
        pos = offsets[norm_start]
        return pos, pos
    return offsets[norm_start], offsets[norm_end - 1] + 1


@dataclass(slots=True)
class Event:
    """One real-world happening, merged from the mentions that report it."""

    id: str
    mention: Mention  # the merged view (fields of the representative mention)
    mentions: list[Mention]
    sources: list[dict[str, str | None]]
    n_sources: int
    claims: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
