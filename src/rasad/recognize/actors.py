"""The actor dictionary and actor recognition.

:class:`ActorDictionary` holds the entries of ``rasad/data/actors.yaml`` (plus any user
files) and resolves names by date: "الجيش السوري" is the Assad-era army in 2018 and the
post-2024 army in 2026. :class:`ActorRecognizer` finds actors in normalised text with one
Aho-Corasick automaton over every alias (Arabic word boundaries, attached clitics
و ف ب ل ك ال لل, quotes inside names, longest match wins), a few data-driven regular
patterns (unit and council names, "<noun> <nationality>"), then widens each mention over
a descriptor noun or loaded wording ("ميليشيا “قسد” الإرهابية"), merges
"قوات سوريا الديمقراطية (قسد)", resolves anaphors, attaches titled persons and marks
actors in speaker position (:class:`~rasad.recognize.sources.SourceFinder`, re-exported
here). An undated article is dated by period-specific names ("الجيش النظامي" + "جبهة
النصرة" → before 2017) and "سابق"/"البائد" select the earlier period. The context rules
live in :mod:`rasad.recognize.anaphora`. All word lists are data
(``rasad/data/actors.yaml``, ``sources.yaml``); nothing is read at import time.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Self

import ahocorasick

from rasad.errors import DataFileError
from rasad.model import Actor, ActorSpan, Article
from rasad.recognize.anaphora import (
    AnaphorRule,
    FormerCue,
    Found,
    NationalityContext,
    PersonRules,
    PlaceContext,
    Widener,
    attach_persons,
    bare,
    bare_words,
    former,
    infer_date,
    merge_brackets,
    read_yaml,
    repeat_persons,
    resolve_anaphors,
)
from rasad.recognize.sides import Sides
from rasad.recognize.sources import SourceFinder
from rasad.text.normalize import Normalizer

__all__ = [
    "ActorDictionary",
    "ActorEntry",
    "ActorHit",
    "ActorRecognizer",
    "AliasTarget",
    "SourceFinder",
]

KINDS = frozenset({"state", "organisation", "collective", "individual"})


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataFileError(f"{where}: bad date {value!r}") from exc


@dataclass(slots=True, frozen=True)
class ActorEntry:
    """One entry of the actor dictionary."""

    id: str
    name: str
    name_ar: str
    inter: int
    kind: str
    parent: str | None = None
    lineage: str | None = None
    allies: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None  # exclusive: the first day the entry no longer applies
    country: str | None = None
    names_ar: tuple[str, ...] = ()
    names_en: tuple[str, ...] = ()
    abbrev: tuple[str, ...] = ()
    nisba: tuple[str, ...] = ()
    notes: str = ""
    source: str = ""

    def actor(self) -> Actor:
        return Actor(self.id, self.name, self.name_ar, self.inter, self.parent, self.kind)


@dataclass(slots=True, frozen=True)
class AliasTarget:
    """What a normalised alias may mean, with the period in which it means it."""

    actor_id: str
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    toponym: bool = False

    def valid_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on < self.valid_to
        )

    def distance(self, on: dt.date) -> int:
        if self.valid_from is not None and on < self.valid_from:
            return (self.valid_from - on).days
        if self.valid_to is not None and on >= self.valid_to:
            return (on - self.valid_to).days + 1
        return 0


def _later(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


class ActorDictionary:
    """Actor entries and the aliases that name them, resolved by date."""

    __slots__ = ("_aliases", "_entries", "_lineages", "normalizer")

    def __init__(
        self,
        entries: dict[str, ActorEntry],
        aliases: dict[str, tuple[AliasTarget, ...]],
        normalizer: Normalizer,
    ) -> None:
        self._entries = entries
        self._aliases = aliases
        self.normalizer = normalizer
        lineages: dict[str, list[ActorEntry]] = {}
        for e in entries.values():
            if e.lineage:
                lineages.setdefault(e.lineage, []).append(e)
        self._lineages = lineages
        for e in entries.values():
            if e.parent is not None and e.parent not in entries:
                raise DataFileError(f"actor {e.id!r}: unknown parent {e.parent!r}")
            for ally in e.allies:
                if ally not in entries:
                    raise DataFileError(f"actor {e.id!r}: unknown ally {ally!r}")

    @classmethod
    def load(cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None) -> Self:
        """The packaged dictionary plus user files (new entries, or more aliases for an id)."""
        norm = normalizer or Normalizer.from_file()
        docs = [_packaged()] + [read_yaml(Path(p).read_text("utf-8"), str(p)) for p in extra]
        raw_entries: dict[str, dict[str, Any]] = {}
        for doc in docs:
            for item in doc.get("actors") or []:
                _merge_entry(raw_entries, item)
        return cls.from_raw(raw_entries.values(), norm)

    @classmethod
    def from_raw(cls, items: Iterable[dict[str, Any]], normalizer: Normalizer) -> Self:
        entries: dict[str, ActorEntry] = {}
        aliases: dict[str, list[AliasTarget]] = {}

        def add(alias: str, target: AliasTarget) -> None:
            key = normalize_alias(normalizer, alias)
            if key:
                bucket = aliases.setdefault(key, [])
                if target not in bucket:
                    bucket.append(target)

        for item in items:
            entry = _entry(item)
            entries[entry.id] = entry
            for name in (entry.name_ar, *entry.names_ar):
                add(name, AliasTarget(entry.id, entry.valid_from, entry.valid_to))
            for name in entry.abbrev:
                add(name, AliasTarget(entry.id, entry.valid_from, entry.valid_to))
            for extra in item.get("aliases") or []:
                where = f"actor {entry.id!r} alias {extra.get('name')!r}"
                add(
                    str(extra["name"]),
                    AliasTarget(
                        entry.id,
                        _later(entry.valid_from, _date(extra.get("valid_from"), where)),
                        _earlier(entry.valid_to, _date(extra.get("valid_to"), where)),
                        bool(extra.get("toponym", False)),
                    ),
                )
        return cls(entries, {k: tuple(v) for k, v in aliases.items()}, normalizer)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._entries

    @property
    def alias_count(self) -> int:
        """Distinct normalised aliases (Arabic names, spellings and abbreviations)."""
        return len(self._aliases)

    def entries(self) -> list[ActorEntry]:
        return list(self._entries.values())

    def aliases(self) -> dict[str, tuple[AliasTarget, ...]]:
        return dict(self._aliases)

    def get(self, actor_id: str) -> ActorEntry:
        try:
            return self._entries[actor_id]
        except KeyError:
            raise KeyError(f"unknown actor id {actor_id!r}") from None

    def resolve(self, actor_id: str, on: dt.date | None = None) -> Actor:
        """The actor for ``actor_id`` on a date: when the entry belongs to a lineage of
        time-bounded entries ("syria-army-2000" → "syria-army-2024"), the member valid on
        ``on``; with no date, the open-ended current member."""
        entry = self.get(actor_id)
        members = self._lineages.get(entry.lineage or "", [])
        if len(members) > 1:
            targets = tuple(AliasTarget(m.id, m.valid_from, m.valid_to) for m in members)
            entry = self._entries[self.choose(targets, on).actor_id]
        return entry.actor()

    def resolve_alias(self, alias: str, on: dt.date | None = None) -> Actor | None:
        """The actor an Arabic name (any spelling) means on a date, or None."""
        targets = self._aliases.get(normalize_alias(self.normalizer, alias))
        if not targets:
            return None
        return self._entries[self.choose(targets, on).actor_id].actor()

    def choose(self, targets: Sequence[AliasTarget], on: dt.date | None) -> AliasTarget:
        """Pick among an alias's meanings: the first valid on ``on``; else the nearest in
        time; with no date, the first open-ended one, else the one that ended last."""
        if on is None:
            for t in targets:
                if t.valid_to is None:
                    return t
            return max(targets, key=lambda t: t.valid_to or dt.date.max)
        for t in targets:
            if t.valid_on(on):
                return t
        return min(targets, key=lambda t: t.distance(on))

    def parents(self) -> dict[str, str]:
        """Entry id -> its parent organisation's id (entries without a parent left out)."""
        return {e.id: e.parent for e in self._entries.values() if e.parent}

    def sides(self) -> Sides:
        """Who fights on whose side, from the entries' ``parent`` and ``allies``."""
        allies = [(e.id, ally) for e in self._entries.values() for ally in e.allies]
        return Sides(self.parents(), allies)

    def organisation(self, actor: Actor) -> Actor:
        """The organisation a person belongs to (the actor itself otherwise). The parent
        entry is taken as it is: a person's entry is already the one of its period."""
        for _ in range(5):
            if actor.kind != "individual" or actor.parent not in self._entries:
                break
            actor = self._entries[actor.parent].actor()
        return actor


def normalize_alias(normalizer: Normalizer, alias: str) -> str:
    text = normalizer.text(alias).replace("ـ", "")
    return " ".join(text.split())


def _packaged() -> dict[str, Any]:
    raw = resources.files("rasad.data").joinpath("actors.yaml").read_text("utf-8")
    return read_yaml(raw, "actors.yaml")


def _fallbacks(value: Any, where: str) -> tuple[tuple[str, dt.date | None, dt.date | None], ...]:
    """An anaphor's fallback: one alias, or aliases each for a period."""
    if value is None:
        return ()
    if isinstance(value, str):
        return ((value, None, None),)
    return tuple(
        (str(v["name"]), _date(v.get("valid_from"), where), _date(v.get("valid_to"), where))
        for v in value
    )


def _merge_entry(into: dict[str, dict[str, Any]], item: Any) -> None:
    if not isinstance(item, dict) or "id" not in item:
        raise DataFileError(f"actor entry without an id: {item!r}")
    old = into.get(item["id"])
    if old is None:
        into[item["id"]] = dict(item)
        return
    for key, value in item.items():  # a user file extends an existing entry
        if isinstance(value, list):
            old[key] = list(old.get(key) or []) + value
        else:
            old[key] = value


def _entry(item: dict[str, Any]) -> ActorEntry:
    where = f"actor {item.get('id')!r}"
    try:
        kind = str(item["kind"])
        inter = int(item["inter"])
        if kind not in KINDS or not 1 <= inter <= 8:
            raise DataFileError(f"{where}: bad kind {kind!r} or inter {inter!r}")
        return ActorEntry(
            id=str(item["id"]),
            name=str(item["name"]),
            name_ar=str(item["name_ar"]),
            inter=inter,
            kind=kind,
            parent=item.get("parent"),
            lineage=item.get("lineage"),
            allies=tuple(str(a) for a in item.get("allies") or ()),
            valid_from=_date(item.get("valid_from"), where),
            valid_to=_date(item.get("valid_to"), where),
            country=item.get("country"),
            names_ar=tuple(str(n) for n in item.get("names_ar") or ()),
            names_en=tuple(str(n) for n in item.get("names_en") or ()),
            abbrev=tuple(str(n) for n in item.get("abbrev") or ()),
            nisba=tuple(str(n) for n in item.get("nisba") or ()),
            notes=str(item.get("notes") or ""),
            source=str(item.get("source") or ""),
        )
    except KeyError as exc:
        raise DataFileError(f"{where}: missing field {exc}") from exc


@dataclass(slots=True, frozen=True)
class ActorHit:
    """An actor found in normalised text (offsets index the normalised text)."""

    start: int
    end: int
    actor: Actor
    framing: tuple[str, ...] = ()
    anaphoric: bool = False
    role_hint: str | None = None  # "source" in a speaker phrase; "member" for a titled person
    candidates: tuple[str, ...] = ()  # every actor id the wording may mean, for re-dating


@dataclass(slots=True, frozen=True)
class _Key:
    kind: str  # "name" | "anaphor" | "blocker" | "nisba"
    targets: tuple[AliasTarget, ...] = ()
    rule: int = -1
    definite: bool = False
    lam: bool = False
    latin: bool = False
    toponym: bool = False


class ActorRecognizer:
    """Finds actors in normalised Arabic text. Build once with :meth:`load`, reuse."""

    def __init__(
        self, dictionary: ActorDictionary, lexicon: dict[str, Any], sources: SourceFinder
    ) -> None:
        self.dictionary = dictionary
        self.sources = sources
        self._normalizer = norm = dictionary.normalizer

        def words(values: Iterable[Any]) -> list[str]:
            return [normalize_alias(norm, str(v)) for v in values]

        try:
            cl = lexicon["clitics"]
            self._before_def = frozenset(["", *words(cl["before_definite"])])
            self._before_indef = frozenset(["", *words(cl["before_indefinite"])])
            self._before_lam = frozenset(["", *(w[:-2] for w in words(cl["lam_definite"]))])
            framing = lexicon["framing"]
            self._widener = Widener.build(
                words(lexicon.get("descriptors") or []),
                {normalize_alias(norm, str(w)): str(w) for w in framing["prefixes"]},
                {normalize_alias(norm, str(w)): str(w) for w in framing["suffixes"]},
            )
            self._anaphors = [
                AnaphorRule(
                    forms=tuple(words(a["forms"])),
                    heads=bare_words(" ".join(words(a.get("heads") or []))),
                    kinds=frozenset(a["kinds"]),
                    frequent=bool(a.get("frequent", False)),
                    following=bool(a.get("following", False)),
                    fallback=_fallbacks(a.get("fallback"), f"anaphor {a['forms'][0]!r}"),
                    count=int(a.get("count", 1)),
                )
                for a in lexicon.get("anaphors") or []
            ]
            nisba = lexicon["nisba"]
            nisba_words = (words(nisba["forces"]), words(nisba["acts"]), words(nisba["between"]))
            self._persons = PersonRules.build({k: words(v) for k, v in lexicon["roles"].items()})
            self._places = PlaceContext(frozenset(words(lexicon.get("toponym_context") or [])))
            self._descriptors = frozenset(
                bare(w) for w in words([*lexicon.get("descriptors", []), *framing["prefixes"]])
            )
            former_data = lexicon.get("former") or {}
            self._former = FormerCue.build(
                *(words(former_data.get(k) or []) for k in ("cues", "links", "not_after"))
            )
            blockers = words(lexicon.get("blockers") or [])
            patterns = list(lexicon.get("patterns") or [])
        except (KeyError, TypeError) as exc:
            raise DataFileError(f"actors data: missing or malformed section {exc}") from exc
        self._keys: list[_Key] = []
        self._automaton = ahocorasick.Automaton()
        self._nationality = NationalityContext.build(*nisba_words, self._build_automaton(blockers))
        self._pattern_re, self._pattern_targets = self._build_patterns(patterns)

    @classmethod
    def load(cls, extra: Sequence[Path] = (), sources_extra: Sequence[Path] = ()) -> Self:
        """The packaged dictionary and word lists plus user actor files (``extra``: their
        lists are appended, their actors added or extended) and user source files."""
        norm = Normalizer.from_file()
        lexicon = _packaged()
        for path in extra:
            more = read_yaml(Path(path).read_text("utf-8"), str(path))
            for key, value in more.items():
                if key in ("meta", "actors"):
                    continue
                if isinstance(value, list):
                    lexicon[key] = list(lexicon.get(key) or []) + value
                elif isinstance(value, dict) and isinstance(lexicon.get(key), dict):
                    for sub, subval in value.items():
                        lexicon[key][sub] = list(lexicon[key].get(sub) or []) + list(subval)
        dictionary = ActorDictionary.load(extra, norm)
        return cls(dictionary, lexicon, SourceFinder.load(sources_extra, norm))

    # ------------------------------------------------------------------ building

    def _add_key(self, text: str, key: _Key) -> None:
        existing = self._automaton.get(text, None)
        if existing is None:
            self._keys.append(key)
            self._automaton.add_word(text, (len(text), len(self._keys) - 1))
        elif key.kind == "name" and self._keys[existing[1]].kind == "name":
            old = self._keys[existing[1]]
            merged = tuple(dict.fromkeys(old.targets + key.targets))
            self._keys[existing[1]] = replace(
                old, targets=merged, toponym=old.toponym and key.toponym
            )

    def _variants(self, alias: str, key: _Key) -> None:
        head, _, rest = alias.partition(" ")
        # 'قوات "X' where X is itself a name is left to the descriptor rule
        same = bare(head) in self._descriptors and rest in self.dictionary.aliases()
        self._add_key(alias, key)
        for i, ch in enumerate(alias):  # a quote may open after any space: تنظيم "الدولة"
            if ch == " " and (i > len(head) or not same):
                self._add_key(alias[: i + 1] + '"' + alias[i + 1 :], key)
        if key.definite:
            self._add_key("لل" + alias[2:], replace(key, lam=True))

    def _build_automaton(self, blockers: list[str]) -> list[str]:
        """Every alias, anaphor, blocker and nationality form; returns the latter."""
        for alias, targets in self.dictionary.aliases().items():
            toponym = all(t.toponym for t in targets)
            self._variants(
                alias,
                _Key("name", targets, -1, alias.startswith("ال"), False, alias.isascii(), toponym),
            )
        for i, rule in enumerate(self._anaphors):
            for form in rule.forms:
                self._variants(form, _Key("anaphor", (), i, form.startswith("ال")))
        for form in blockers:
            self._variants(form, _Key("blocker", (), -1, form.startswith("ال")))
        nisba: dict[str, list[AliasTarget]] = {}
        for e in self.dictionary.entries():
            for base in e.nisba:
                b = normalize_alias(self._normalizer, base)
                for form in (b, b + "ه", b + "ين", b + "ون"):
                    nisba.setdefault(form, []).append(AliasTarget(e.id, e.valid_from, e.valid_to))
        for form, found in nisba.items():
            self._add_key(form, _Key("nisba", tuple(found)))
        if len(self._automaton):
            self._automaton.make_automaton()
        return list(nisba)

    def _build_patterns(
        self, items: list[dict[str, Any]]
    ) -> tuple[re.Pattern[str] | None, list[tuple[AliasTarget, ...]]]:
        branches, targets = [], []
        for i, item in enumerate(items):
            try:
                re.compile(item["regex"])
                ids = [self.dictionary.get(a) for a in item["actors"]]
            except (re.error, KeyError) as exc:
                raise DataFileError(f"actor pattern {item.get('name')!r}: {exc}") from exc
            branches.append(f"(?P<p{i}>{item['regex']})")
            targets.append(tuple(AliasTarget(e.id, e.valid_from, e.valid_to) for e in ids))
        if not branches:
            return None, []
        return re.compile(rf"(?<!\w)(?:{'|'.join(branches)})(?!\w)"), targets

    # ------------------------------------------------------------------ matching

    def find(self, norm_text: str, on: dt.date | None = None) -> list[ActorHit]:
        """Actors in ``norm_text`` (normalised), resolved for the date ``on``."""
        text = norm_text
        if "\n" in text or "\t" in text or "\r" in text:
            text = text.replace("\n", " ").replace("\t", " ").replace("\r", " ")
        found = merge_brackets(text, self._widener(text, self._select(text)))
        dic = self.dictionary
        if on is None:
            on = infer_date(found)
        for f in found:
            if f.kind != "anaphor":
                targets = f.targets
                if self._former(text, f.start, f.end):
                    targets = former(targets, on or dt.date.max) or targets
                f.actor = dic.get(dic.choose(targets, on).actor_id).actor()
        resolve_anaphors(
            text, found, self._anaphors, lambda alias: dic.resolve_alias(alias, on), on
        )
        found = [f for f in found if f.actor is not None]
        persons = attach_persons(text, found, self._persons)
        if persons:
            persons += repeat_persons(text, found, persons)
            found = sorted(found + persons, key=lambda f: f.start)
        speakers = [
            (f.start, f.end) for f in found if f.actor is not None and f.actor.kind != "collective"
        ]
        phrases = self.sources.find_all(text, 0, len(text), speakers, require_speaker=True)
        if phrases:
            starts = [f.start for f in found]
            for s, e, _ in phrases:
                for f in found[bisect_left(starts, s) :]:
                    if f.start > e:
                        break
                    if f.end <= e + 2:
                        f.role_hint = "source"
        hits: list[ActorHit] = []
        for f in found:
            assert f.actor is not None
            ids = tuple(dict.fromkeys(t.actor_id for t in f.targets))
            anaphoric = f.kind == "anaphor"
            hits.append(ActorHit(f.start, f.end, f.actor, f.framing, anaphoric, f.role_hint, ids))
            hits.extend(ActorHit(f.start, f.end, a, f.framing, True, f.role_hint) for a in f.extra)
        return hits

    def __call__(self, article: Article) -> None:
        """Fill ``article.actors`` (normalising the text first if no stage did).

        A named person is recorded as the organisation the article attaches them to, with
        ``role_hint="member"`` (or ``"source"`` when they speak); framing words are joined
        with "|"."""
        if not article.norm_text and article.text:
            norm = self._normalizer(article.text)
            article.norm_text, article.norm_offsets = norm.text, norm.offsets
        spans = []
        for h in self.find(article.norm_text, article.published):
            person = h.actor.kind == "individual"
            spans.append(
                ActorSpan(
                    span=article.norm_span(h.start, h.end),
                    actor=self.dictionary.organisation(h.actor) if person else h.actor,
                    framing="|".join(h.framing) or None,
                    anaphoric=h.anaphoric,
                    role_hint=h.role_hint or ("member" if person else None),
                )
            )
        article.actors = spans

    def _select(self, text: str) -> list[Found]:
        """Boundary-checked candidates, longest leftmost first, blockers dropped."""
        n = len(text)
        cands: list[tuple[int, int, int, _Key]] = []
        for end_idx, (klen, idx) in self._automaton.iter(text):
            e = end_idx + 1
            if e < n and text[e].isalnum():
                continue
            s = e - klen
            j = s
            if s > 0 and text[s - 1].isalnum():
                while j > 0 and text[j - 1].isalnum() and s - j < 5:
                    j -= 1
                if j > 0 and text[j - 1].isalnum():
                    continue
            key = self._keys[idx]
            prefix = text[j:s]
            if key.latin:
                ok = prefix == ""
            elif key.lam:
                ok = prefix in self._before_lam
            elif key.definite:
                ok = prefix in self._before_def
            else:
                ok = prefix in self._before_indef
            if not ok or (key.toponym and self._places.around(text, j, e, prefix)):
                continue
            start = s - 2 if not (key.definite or key.latin) and prefix[-2:] in ("ال", "لل") else s
            if key.kind == "nisba":
                start = self._nationality.start(text, j, start)
                if start < 0:
                    continue
            cands.append((start, e, 0, key))
        if self._pattern_re is not None:
            for m in self._pattern_re.finditer(text):
                assert m.lastgroup is not None
                targets = self._pattern_targets[int(m.lastgroup[1:])]
                cands.append((m.start(), m.end(), 1, _Key("pattern", targets)))
        return _choose(cands)


def _choose(cands: list[tuple[int, int, int, _Key]]) -> list[Found]:
    """Non-overlapping mentions: in each run of overlapping candidates the one reaching
    furthest wins (then the longest, then a listed name over a pattern), so
    "قوات الجيش السوري الحر" is the FSA, not "قوات الجيش السوري"; a dropped candidate of
    the same actor that starts earlier extends it ('تنظيم "الدولة' + 'الدولة الإسلامية')."""
    cands.sort(key=lambda c: (c[0], c[0] - c[1]))
    out: list[Found] = []
    i = 0
    while i < len(cands):
        j, reach = i + 1, cands[i][1]
        while j < len(cands) and cands[j][0] < reach:
            reach = max(reach, cands[j][1])
            j += 1
        if j == i + 1:  # the usual case: no overlap
            c = cands[i]
            if c[3].kind != "blocker":
                out.append(Found(c[0], c[1], c[3].kind, c[3].targets, c[3].rule))
            i = j
            continue
        group = cands[i:j]
        while group:
            best = min(group, key=lambda c: (-c[1], c[0], c[2]))
            ids = {t.actor_id for t in best[3].targets}
            start = min(
                (
                    c[0]
                    for c in group
                    if c[1] > best[0]
                    and c[0] < best[0]
                    and {t.actor_id for t in c[3].targets} == ids
                    and c[3].kind == best[3].kind == "name"
                ),
                default=best[0],
            )
            if best[3].kind != "blocker":
                out.append(Found(start, best[1], best[3].kind, best[3].targets, best[3].rule))
            group = [c for c in group if c[1] <= start or c[0] >= best[1]]
        i = j
    out.sort(key=lambda f: f.start)
    return out
