"""Loading the event data files (triggers, rules, kinds) into typed, normalised tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rasad.errors import DataFileError
from rasad.model import KINDS
from rasad.text.morphology import Morphology
from rasad.text.normalize import Normalizer


def read_yaml(name: str, path: Path | None = None) -> dict[str, Any]:
    """A packaged YAML data file (or a user file at ``path``) as a mapping."""
    try:
        if path is None:
            raw = resources.files("rasad.data").joinpath(name).read_text("utf-8")
        else:
            raw = path.read_text("utf-8")
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read data file {path or name}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"data file {path or name} must hold a mapping at the top level")
    return data


def _words(normalizer: Normalizer, text: str) -> tuple[str, ...]:
    return tuple(normalizer.text(text).split())


@dataclass(slots=True, frozen=True)
class Override:
    kind: str
    when_any: frozenset[str]
    unless_any: frozenset[str] = frozenset()


@dataclass(slots=True, frozen=True)
class TriggerEntry:
    kind: str
    words: tuple[str, ...]  # normalised words of the form, first word is the key
    weight: float
    requires_any: frozenset[str]
    excludes_any: frozenset[str]
    window: int
    overrides: tuple[Override, ...]
    instrument: bool = False
    generic: bool = False

    @property
    def lemma(self) -> str:
        return " ".join(self.words)


@dataclass(slots=True)
class TriggerLexicon:
    """Trigger entries keyed by their first normalised word."""

    by_first: dict[str, list[TriggerEntry]] = field(default_factory=dict)
    _morphology: Morphology | None = None

    def _context(self, normalizer: Normalizer, words: Iterable[str]) -> frozenset[str]:
        """Context words with their clitic-free stems, to meet tokens' candidates halfway."""
        out: set[str] = set()
        for w in words:
            norm = normalizer.text(w)
            out.add(norm)
            if self._morphology is not None and " " not in norm:
                out.update(c for c in self._morphology.candidates(norm)[1:] if len(c) >= 3)
        return frozenset(out)

    @classmethod
    def load(
        cls,
        normalizer: Normalizer,
        extra: Sequence[Path] = (),
        morphology: Morphology | None = None,
    ) -> TriggerLexicon:
        lex = cls()
        lex._morphology = morphology or Morphology.load()
        for data, origin in [(read_yaml("triggers.yaml"), "triggers.yaml")] + [
            (read_yaml("", p), str(p)) for p in extra
        ]:
            kinds = data.get("kinds")
            if not isinstance(kinds, dict):
                raise DataFileError(f"{origin}: 'kinds' must map kind names to entry lists")
            for kind, entries in kinds.items():
                if kind not in KINDS:
                    raise DataFileError(f"{origin}: unknown kind {kind!r}; use one of {KINDS}")
                for entry in entries:
                    lex._add(normalizer, kind, entry, origin)
        for entries in lex.by_first.values():
            entries.sort(key=lambda e: len(e.words), reverse=True)
        return lex

    def _add(self, normalizer: Normalizer, kind: str, entry: dict[str, Any], origin: str) -> None:
        forms: Iterable[str]
        if "phrase" in entry:
            forms = [" ".join(entry["phrase"])]
        elif "forms" in entry:
            forms = entry["forms"]
        else:
            raise DataFileError(f"{origin}: an entry of {kind!r} needs 'forms' or 'phrase'")
        overrides = tuple(
            Override(
                o["kind"],
                frozenset(w for x in o["when_any"] for w in _words(normalizer, x)),
                self._context(normalizer, o.get("unless_any", [])),
            )
            for o in entry.get("overrides", [])
        )
        for form in forms:
            words = _words(normalizer, str(form))
            if not words:
                continue
            self.by_first.setdefault(words[0], []).append(
                TriggerEntry(
                    kind=kind,
                    words=words,
                    weight=float(entry.get("weight", 0.8)),
                    requires_any=self._context(normalizer, entry.get("requires_any", [])),
                    excludes_any=self._context(normalizer, entry.get("excludes_any", [])),
                    window=int(entry.get("window", 8)),
                    overrides=overrides,
                    instrument=bool(entry.get("instrument", False)),
                    generic=bool(entry.get("generic", False)),
                )
            )


@dataclass(slots=True, frozen=True)
class CountRules:
    cues: dict[str, str]  # word -> count key
    nouns: dict[str, str]  # noun -> count key
    people: frozenset[str]
    kind_people_key: dict[str, str]
    needs_cue: frozenset[str]
    update_cues: frozenset[str]
    accepts: dict[str, frozenset[str]]
    singular_people: frozenset[str]
    unnumbered: frozenset[str]
    earlier_cues: frozenset[str]


@dataclass(slots=True, frozen=True)
class PlaceRules:
    list_connectors: frozenset[str]
    list_kinds: frozenset[str]
    own_place_kinds: frozenset[str]
    origin_nouns: frozenset[str]
    region_only_min_weight: float
    list_continuation: frozenset[str]
    back_references: frozenset[str] = frozenset()
    road_words: frozenset[str] = frozenset()
    typed_words: frozenset[str] = frozenset()


@dataclass(slots=True, frozen=True)
class RoleRules:
    agent_markers: frozenset[str]
    patient_markers: frozenset[str]
    defection_from: frozenset[str]
    defection_to: frozenset[str]
    between: frozenset[str]
    opponent_markers: frozenset[str]
    loser_markers: frozenset[str]
    civilians_kinds: frozenset[str]
    civilian_victim_kinds: frozenset[str]
    default_actor1: dict[str, str]
    default_actor2: dict[str, str]
    opponent_kinds: frozenset[str]
    loser_subject: frozenset[str]


@dataclass(slots=True, frozen=True)
class EventRules:
    non_event_words: frozenset[str]
    non_event_phrases: tuple[tuple[str, ...], ...]
    non_event_window: int
    non_event_wide: frozenset[str]
    non_event_wide_window: int
    non_event_after: frozenset[str]
    site_words: frozenset[str]
    question_marks: tuple[str, ...]
    history_years: int
    habitual_openers: frozenset[str]
    tally_openers: frozenset[str]
    tally_ordinals: frozenset[str]
    other_domain: frozenset[str]
    pluperfect_auxiliaries: frozenset[str]
    pluperfect_particle: str
    recent_days: int
    speech_verbs: frozenset[str]
    counts: CountRules
    roles: RoleRules
    places: PlaceRules
    no_fighting: tuple[tuple[str, ...], ...]
    purpose_prefix: str
    result_words: frozenset[str]
    exposure_words: frozenset[str]
    exposure_window: int
    cause_words: frozenset[str]
    continuation: tuple[tuple[str, ...], ...]
    continuation_firsts: frozenset[str]
    metonymy_verbs: frozenset[str]
    metonymy_places: frozenset[str]
    locative_words: frozenset[str]

    @classmethod
    def load(cls, normalizer: Normalizer) -> EventRules:
        data = read_yaml("event_rules.yaml")

        def norm_set(items: Iterable[str]) -> frozenset[str]:
            return frozenset(normalizer.text(i) for i in items)

        non_event = data["non_event"]
        history = data.get("history", {})
        before = [_words(normalizer, w) for w in non_event["before"]]
        c = data["counts"]
        cues = {normalizer.text(w): key for key, ws in c["cues"].items() for w in ws}
        nouns = {normalizer.text(w): key for key, ws in c["nouns"].items() for w in ws}
        r = data["roles"]
        return cls(
            non_event_words=frozenset(w[0] for w in before if len(w) == 1),
            non_event_phrases=tuple(w for w in before if len(w) > 1),
            non_event_window=int(non_event.get("window", 5)),
            non_event_wide=norm_set(non_event.get("before_wide", [])),
            non_event_wide_window=int(non_event.get("wide_window", 12)),
            non_event_after=norm_set(non_event.get("after", [])),
            site_words=norm_set(non_event.get("site_words", [])),
            question_marks=tuple(non_event.get("question_marks", ["؟", "?"])),
            history_years=int(history.get("years_before", 1)),
            habitual_openers=norm_set(non_event.get("habitual_openers", [])),
            tally_openers=norm_set(non_event.get("tally_openers", [])),
            tally_ordinals=norm_set(non_event.get("tally_ordinals", [])),
            other_domain=norm_set(non_event.get("other_domain", [])),
            pluperfect_auxiliaries=norm_set(history.get("pluperfect_auxiliaries", [])),
            pluperfect_particle=normalizer.text(str(history.get("pluperfect_particle", ""))),
            recent_days=int(history.get("recent_days", 7)),
            speech_verbs=norm_set(history.get("speech_verbs", [])),
            counts=CountRules(
                cues=cues,
                nouns=nouns,
                people=norm_set(c["people"]),
                kind_people_key=dict(c["kind_people_key"]),
                needs_cue=frozenset(c.get("needs_cue", [])),
                update_cues=norm_set(c.get("update_cues", [])),
                accepts={k: frozenset(v) for k, v in c["accepts"].items()},
                singular_people=norm_set(c.get("singular_people", [])),
                unnumbered=norm_set(c.get("unnumbered", [])),
                earlier_cues=norm_set(c.get("earlier_cues", [])),
            ),
            places=PlaceRules(
                list_connectors=norm_set(data["places"]["list_connectors"]),
                list_kinds=frozenset(data["places"]["list_kinds"]),
                own_place_kinds=frozenset(data["places"].get("own_place_kinds", [])),
                origin_nouns=frozenset(
                    w for x in data["places"]["origin_nouns"] for w in _words(normalizer, x)
                ),
                region_only_min_weight=float(data["places"].get("region_only_min_weight", 0.0)),
                list_continuation=norm_set(data["places"].get("list_continuation", [])),
                back_references=norm_set(data["places"].get("back_references", [])),
                road_words=norm_set(data["places"].get("road_words", [])),
                typed_words=norm_set(data["places"].get("typed_words", [])),
            ),
            purpose_prefix=normalizer.text(str(non_event.get("purpose_prefix", ""))),
            result_words=norm_set(non_event.get("result_words", [])),
            exposure_words=norm_set(non_event.get("exposure_words", [])),
            exposure_window=int(non_event.get("exposure_window", 10)),
            cause_words=norm_set(data.get("cause_words", [])),
            continuation=tuple(_words(normalizer, w) for w in data.get("continuation", [])),
            metonymy_verbs=norm_set(data.get("metonymy_verbs", [])),
            metonymy_places=norm_set(data.get("metonymy_places", [])),
            locative_words=norm_set(data.get("locative_words", [])),
            continuation_firsts=frozenset(
                _words(normalizer, w)[0] for w in data.get("continuation", []) if w.strip()
            ),
            no_fighting=tuple(_words(normalizer, w) for w in data.get("no_fighting_cues", [])),
            roles=RoleRules(
                agent_markers=norm_set(r["agent_markers"]),
                patient_markers=norm_set(r["patient_markers"]),
                defection_from=norm_set(r["defection_from"]),
                defection_to=norm_set(r["defection_to"]),
                between=norm_set(r["between"]),
                opponent_markers=norm_set(r.get("opponent_markers", [])),
                loser_markers=norm_set(r["loser_markers"]),
                civilians_kinds=frozenset(r["civilians_kinds"]),
                civilian_victim_kinds=frozenset(r.get("civilian_victim_kinds", [])),
                default_actor1=dict(r.get("default_actor1", {})),
                default_actor2=dict(r.get("default_actor2", {})),
                opponent_kinds=frozenset(r.get("opponent_kinds", [])),
                loser_subject=norm_set(r.get("loser_subject", [])),
            ),
        )


@dataclass(slots=True, frozen=True)
class KindInfo:
    kind: str
    family: str
    acled: tuple[str, str]
    rules: tuple[tuple[dict[str, Any], tuple[str, str]], ...]
    note_en: str
    note_ar: str


@dataclass(slots=True, frozen=True)
class KindTable:
    kinds: dict[str, KindInfo]

    @classmethod
    def load(cls) -> KindTable:
        data = read_yaml("kinds.yaml")
        table: dict[str, KindInfo] = {}
        for kind, info in data["kinds"].items():
            if kind not in KINDS:
                raise DataFileError(f"kinds.yaml: unknown kind {kind!r}")
            table[kind] = KindInfo(
                kind=kind,
                family=str(info["family"]),
                acled=(str(info["acled"][0]), str(info["acled"][1])),
                rules=tuple(
                    (dict(r["when"]), (str(r["acled"][0]), str(r["acled"][1])))
                    for r in info.get("rules", [])
                ),
                note_en=str(info.get("note_en", "")),
                note_ar=str(info.get("note_ar", "")),
            )
        missing = set(KINDS) - set(table)
        if missing:
            raise DataFileError(f"kinds.yaml lacks kinds {sorted(missing)}")
        return cls(table)
