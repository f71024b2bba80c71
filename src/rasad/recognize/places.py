"""Place recognition: gazetteer names found in normalised Arabic text, resolved in context.

How it works (data in ``place_cues.json`` and ``place_stopnames.json``):

1. Every gazetteer name is normalised with the article's :class:`Normalizer` and indexed in
   one Aho-Corasick automaton with its variants: the article ال dropped or added, the
   ``لل`` form (ل + ال), glued/split compounds (``دير الزور``/``ديرالزور``,
   ``كفرنبل``/``كفر نبل``). A name that starts with a feature word (``حقل العمر``,
   ``معبر الصالحية``, ``حي طي``) is indexed by its core (``العمر``) and needs that word
   before it. Organisation and operation names that contain a place (``قوات سوريا
   الديمقراطية``, ``درع الفرات``) are indexed as blockers.
2. A match must sit on Arabic word boundaries, after at most the clitics ``و ف ب ل ك``
   (``وبابيري``, ``لحلب``); the longest match wins.
3. The words before a name give its cue: a feature word (``قرية``، ``حي``، ``حقل``،
   ``محافظة`` …) prefers feature types and sets precision; a proximity word (``محيط``,
   ``ريف``, ``شمال`` …) makes it precision 2, ``ريف X الشرقي`` precision 3; a role word
   marks people's origin (``أبناء الحسكة``), the source (``قادمة من``) or destination
   (``باتجاه``) of a movement.
4. Names that are also common words (``حصان``, ``قواس``, ``العمر``) count only with a cue,
   inside a list of places (``مسكنة وبابيري وقواس``), or after a locative preposition in an
   article whose other places share their governorate.
5. Homonyms are resolved by score: feature-type cue, the sentence's and the article's
   governorates and districts, the parent city of a neighbourhood, Syria before neighbouring
   countries (those only when the text names the country), and rank.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import ahocorasick

from rasad.errors import DataFileError
from rasad.model import Article, PlaceSpan
from rasad.recognize.gazetteer import WIDE_TYPES, GazEntry, Gazetteer, PlaceContext
from rasad.recognize.place_anaphora import Antecedent, PlaceAnaphora
from rasad.text.normalize import Normalizer

_SETTLEMENT = frozenset({"village", "town", "city", "neighbourhood"})
_ADMIN = frozenset({"governorate", "district", "subdistrict"})
_SENTENCE_END = re.compile(r"[.!?؟\n]+")
_GAP_PUNCT = str.maketrans({ch: " " for ch in '،,/-"«»()'})
_ROLE_SCORE = {"place": 1.0, "destination": 0.6, "source": 0.4, "origin": 0.3}


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A place found in normalised text. ``start``/``end`` index the name itself (clitics
    excluded); ``cue`` is the normalised cue wording (``محيط قرية``, ``ريف … الشرقي``)."""

    start: int
    end: int
    surface: str
    entry: GazEntry
    precision: int
    cue: str | None = None
    role: str = "place"  # place | origin | source | destination
    score: float = 1.0
    candidates: tuple[str, ...] = ()
    word_start: int = 0
    cue_start: int | None = None


@dataclass(slots=True)
class _Form:
    """One indexed string and the entries it names."""

    text: str
    lil: bool = False  # the لل form: only و/ف may precede
    block: bool = False
    country: str | None = None  # a demonym: context only ("الأردنية" -> JO)
    items: dict[int, tuple[bool, bool]] = field(default_factory=dict)  # entry -> (needs_cue, core)
    feature_words: dict[int, set[str]] = field(default_factory=dict)  # core entry -> its words

    def add(self, idx: int, needs_cue: bool, core: bool) -> None:
        old = self.items.get(idx)
        if old is None:
            self.items[idx] = (needs_cue, core)
        else:  # the easiest way to reach an entry wins
            self.items[idx] = (old[0] and needs_cue, old[1] and core)


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    word_start: int
    form: _Form
    type_cue: str | None = None
    type_group: frozenset[str] = frozenset()
    type_precision: int = 1
    prox_cue: str | None = None
    countryside: bool = False
    wide: bool = False
    direction: str | None = None
    role: str = "place"
    role_cue: str | None = None
    locative: bool = False
    cue_start: int | None = None
    sentence: int = 0
    entries: list[tuple[int, bool]] = field(default_factory=list)  # (entry, core)
    pending: bool = False
    best: int = -1
    ranked: list[int] = field(default_factory=list)
    top: list[int] = field(default_factory=list)  # readings within 1.0 of the best score


class PlaceRecognizer:
    """Finds and resolves places. Build once per run (:meth:`load`) and reuse."""

    def __init__(
        self, gazetteer: Gazetteer, cues: dict[str, Any], stopnames: dict[str, Any]
    ) -> None:
        self.gazetteer = gazetteer
        self.normalizer = gazetteer.normalizer
        k = gazetteer.key
        try:
            self._clitics = frozenset(k(p) for p in cues["clitic_prefixes"]) | {""}
            self._lil = frozenset(k(p) for p in cues["lil_prefixes"])
            self._glue = frozenset(k(w) for w in cues["glue_words"])
            self._types: dict[str, tuple[frozenset[str], int]] = {}
            for group in cues["type_cues"]:
                for w in group["words"]:
                    self._types[k(w)] = (frozenset(group["types"]), int(group["precision"]))
            self._prox: dict[str, tuple[int, bool]] = {}
            for group in cues["proximity_cues"]:
                for w in group["words"]:
                    self._prox[k(w)] = (
                        int(group["precision"]),
                        bool(group.get("countryside", False)),
                    )
            self._directions = sorted(
                {k(w) for w in cues["direction_suffixes"]}, key=len, reverse=True
            )
            self._wide = int(cues["wide_precision"])
            self._roles = {k(w): role for role, words in cues["role_cues"].items() for w in words}
            self._locative = frozenset(k(w) for w in cues["locative_words"])
            self._list_words = frozenset(k(w) for w in cues["list_words"])
            blocking = [k(p) for p in cues["blocking_phrases"]]
            adjectives = {
                k(w): cc for cc, words in cues.get("country_adjectives", {}).items() for w in words
            }
            self._anaphora = PlaceAnaphora.from_cues(cues, k, self._strip)
            self._never = frozenset(k(w) for w in stopnames["never"])
            self._needs_cue = frozenset(k(w) for w in stopnames["needs_cue"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(f"place cue data is malformed: {exc!r}") from exc
        alt = "|".join(re.escape(d) for d in self._directions)
        self._direction_re = re.compile(rf"[ ]+({alt})(?:[ ]+و?({alt}))?(?![^\W_])")
        self._max_prox_words = max(len(p.split()) for p in self._prox)
        self._max_role_words = max(len(p.split()) for p in self._roles)
        self._entries: list[GazEntry] = list(gazetteer.entries)
        self._forms: list[_Form] = []
        self._automaton = self._build(blocking, adjectives)

    @classmethod
    def load(
        cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None
    ) -> PlaceRecognizer:
        """The packaged gazetteer, cues and stop-names, plus extra gazetteer files."""
        gaz = Gazetteer.load(extra, normalizer)
        return cls.from_gazetteer(gaz)

    @classmethod
    def from_gazetteer(cls, gazetteer: Gazetteer) -> PlaceRecognizer:
        data = resources.files("rasad.data")
        try:
            cues = json.loads(data.joinpath("place_cues.json").read_text("utf-8"))
            stop = json.loads(data.joinpath("place_stopnames.json").read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise DataFileError(f"place cue data is not valid JSON: {exc}") from exc
        return cls(gazetteer, cues, stop)

    # -- index ---------------------------------------------------------------------------
    def _variants(self, key: str, entry: GazEntry) -> Iterable[tuple[str, str]]:
        """(form, kind) for one normalised name; kind: name, bare, al, glued."""
        yield key, "name"
        words = key.split()
        for i in range(len(words) - 1):
            if words[i] in self._glue:
                yield " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]]), "glued"
        if len(words) == 1:
            for glue in self._glue:
                if key.startswith(glue) and len(key) >= len(glue) + 3:
                    yield glue + " " + key[len(glue) :], "glued"
        if key.startswith("ال") and len(words[0]) >= 7:
            yield key[2:], "bare"
        elif (
            not key.startswith("ال")
            and entry.feature_type in _SETTLEMENT
            and len(words[0]) >= 5
            and not words[0].endswith(("يه", "ي"))
        ):
            yield "ال" + key, "al"

    def _common(self, key: str) -> bool:
        """A common word or personal name, with or without the article."""
        toggled = key[2:] if key.startswith("ال") else "ال" + key
        return key in self._needs_cue or toggled in self._needs_cue

    def _form(self, table: dict[tuple[str, bool], int], text: str, lil: bool = False) -> _Form:
        idx = table.get((text, lil))
        if idx is None:
            idx = table[(text, lil)] = len(self._forms)
            self._forms.append(_Form(text, lil=lil))
        return self._forms[idx]

    def _build(self, blocking: Sequence[str], adjectives: dict[str, str]) -> ahocorasick.Automaton:
        table: dict[tuple[str, bool], int] = {}
        k = self.gazetteer.key
        for idx, entry in enumerate(self._entries):
            for name in entry.names_ar:
                key = k(name)
                if not key:
                    continue
                core = False
                first, _, rest = key.partition(" ")
                if rest and first in self._types and rest not in self._never:
                    key, core = rest, True  # "حقل العمر" -> "العمر" after a feature word
                needs = core or self._common(key)
                for form, kind in self._variants(key, entry):
                    if form in self._never or form in self._types or form in self._prox:
                        continue
                    form_needs = needs or self._common(form)
                    self._form(table, form).add(idx, form_needs, core)
                    if core:  # "جبل بدرو" (a neighbourhood) is still named by "جبل"
                        self._form(table, form).feature_words.setdefault(idx, set()).add(first)
                    if form.startswith("ال") and kind in ("name", "al", "glued"):
                        self._form(table, "لل" + form[2:], lil=True).add(idx, form_needs, core)
        for phrase in blocking:
            self._form(table, phrase).block = True
        for word, cc in adjectives.items():
            if (word, False) not in table:
                self._form(table, word).country = cc
        auto = ahocorasick.Automaton()
        for (text, _lil), idx in table.items():
            old = auto.get(text) if auto.exists(text) else ()
            auto.add_word(text, (*old, idx))
        auto.make_automaton()
        return auto

    # -- matching ------------------------------------------------------------------------
    def _scan(self, text: str) -> list[_Cand]:
        n = len(text)
        found: list[_Cand] = []
        for end, idxs in self._automaton.iter(text):
            if end + 1 < n and text[end + 1].isalnum():
                continue
            for idx in idxs:
                form = self._forms[idx]
                start = end + 1 - len(form.text)
                ws = start
                while ws > 0 and text[ws - 1].isalnum() and start - ws < 3:
                    ws -= 1
                if ws > 0 and text[ws - 1].isalnum():
                    continue
                prefix = text[ws:start]
                if form.lil:
                    if prefix not in ("", "و", "ف"):
                        continue
                elif prefix not in self._clitics:
                    continue
                # للرقة: the first ل is the preposition, the name is لرقة (ال with its alef elided)
                found.append(_Cand(start + 1 if form.lil else start, end + 1, ws, form))
        # longest match wins; ties: leftmost
        found.sort(key=lambda c: (c.start - c.end, c.start))
        taken = bytearray(n + 1)
        keep: list[_Cand] = []
        for c in found:
            if any(taken[c.start : c.end]):
                continue
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
            if not c.form.block:
                keep.append(c)
        keep.sort(key=lambda c: c.start)
        return keep

    def _strip(self, word: str) -> list[str]:
        out = [word]
        if len(word) > 3 and word[:2] in ("وب", "فب", "ول", "فل", "وك"):
            out.append(word[2:])
        if len(word) > 2 and word[0] in "وفبلك":
            out.append(word[1:])
        return out

    def _cues(self, text: str, c: _Cand) -> None:
        words, pos = _words_before(text, c.word_start)
        i = len(words)
        if i:
            for w in self._strip(words[i - 1]):
                if w in self._types:
                    c.type_cue = w
                    c.type_group, c.type_precision = self._types[w]
                    c.cue_start = pos[i - 1]
                    i -= 1
                    break
        for size in range(min(self._max_prox_words, i), 0, -1):
            phrase_words = words[i - size : i]
            for first in self._strip(phrase_words[0]):
                phrase = " ".join([first, *phrase_words[1:]])
                if phrase in self._prox:
                    c.prox_cue = phrase
                    c.countryside = self._prox[phrase][1]
                    c.cue_start = pos[i - size]
                    i -= size
                    break
            if c.prox_cue:
                break
        for size in range(min(self._max_role_words, i), 0, -1):
            phrase_words = words[i - size : i]
            for first in self._strip(phrase_words[0]):
                phrase = " ".join([first, *phrase_words[1:]])
                if phrase in self._roles:
                    c.role, c.role_cue = self._roles[phrase], phrase
                    i -= size
                    break
            if c.role_cue:
                break
        if i and any(w in self._locative for w in self._strip(words[i - 1])):
            c.locative = True
        if c.countryside:
            d = self._direction_re.match(text, c.end)
            if d:
                c.wide = True
                c.direction = d.group(1)
                c.prox_cue = f"{c.prox_cue} … {d.group(0).strip()}"

    def _countryside_region(self, c: _Cand, e: GazEntry) -> GazEntry:
        """ "ريفي إدلب الجنوبي" is the region "ريف إدلب الجنوبي" when the gazetteer has it."""
        key = f"ريف {self.gazetteer.key(e.name_ar)} {c.direction}"
        for region in self.gazetteer.lookup(key):
            if region.feature_type == "region" and self.gazetteer.key(region.name_ar) == key:
                return region
        return e

    def _admit(self, c: _Cand) -> None:
        """Which entries this match may name, given its cue; pending when only a cue-less
        reading of a common word is left (a list or a locative context may still admit it).
        A core name (``العمر`` of ``حقل العمر``) needs its feature word, or a list."""
        has_cue = c.type_cue is not None or c.prox_cue is not None
        easy: list[tuple[int, bool]] = []
        common: list[tuple[int, bool]] = []
        cores: list[tuple[int, bool]] = []
        for idx, (needs_cue, core) in c.form.items.items():
            e = self._entries[idx]
            if core:
                if c.type_cue is not None and (
                    _own_word(c, idx) or e.feature_type in c.type_group
                ):
                    easy.append((idx, True))
                else:
                    cores.append((idx, True))
            elif needs_cue and not has_cue:
                common.append((idx, False))
            else:
                easy.append((idx, False))
        c.entries = easy or common or cores
        c.pending = not easy

    def _score(
        self, c: _Cand, e: GazEntry, sent: PlaceContext, art: PlaceContext, owner: int
    ) -> float:
        s = e.rank / 100.0
        if c.type_group:
            s += 1.5 if e.feature_type in c.type_group else -0.5
        if c.countryside and e.feature_type in _ADMIN:
            s -= 0.5
        if e.feature_type != "country" and e.country != "SY":
            s += 1.0 if sent.countries[e.country] > 0 or art.countries[e.country] > 0 else -3.0
        if e.admin1_pcode:
            s += 2.5 * (sent.admin1[e.admin1_pcode] > 0) + 1.0 * (art.admin1[e.admin1_pcode] > 0)
        if e.admin2_pcode:
            s += 2.0 * (sent.admin2[e.admin2_pcode] > 0) + 0.5 * (art.admin2[e.admin2_pcode] > 0)
        if e.parent:
            s += 3.0 if (sent.ids[e.parent] > 0 or art.ids[e.parent] > 0) else -0.7
        if len(c.entries) > 1 and e.feature_type not in WIDE_TYPES:
            d = sent.near(e, owner, True)
            if d < 80:
                s += 2.0 * math.exp(-d / 25.0)
            d = art.near(e, owner, False)
            if d < 40:
                s += 0.5 * math.exp(-d / 25.0)
        return s

    def _resolve(self, c: _Cand, sent: PlaceContext, art: PlaceContext, owner: int = -1) -> None:
        cands = []
        for idx, _core in c.entries:
            e = self._entries[idx]
            if e.needs_context and sent.countries[e.country] <= 0 and art.countries[e.country] <= 0:
                continue
            if (
                e.parent
                and c.form.items[idx] == (True, False)
                and sent.ids[e.parent] <= 0
                and art.ids[e.parent] <= 0
            ):
                continue  # a generic quarter name ("الصناعة") only inside its own city
            cands.append((-self._score(c, e, sent, art, owner), e.id, idx))
        cands.sort()
        c.ranked = [idx for _s, _id, idx in cands]
        c.best = c.ranked[0] if c.ranked else -1
        c.top = [idx for s, _id, idx in cands if s <= cands[0][0] + 1.0]

    # -- public --------------------------------------------------------------------------
    def find(
        self, norm_text: str, sentences: Sequence[tuple[int, int]] | None = None
    ) -> list[PlaceHit]:
        """Places in ``norm_text`` (already normalised), in text order, with offsets into it."""
        found = self._scan(norm_text)
        if not found:
            return []
        if sentences is None:
            sentences = _split_sentences(norm_text)
        starts = [s for s, _e in sentences]
        empty = PlaceContext()
        art = PlaceContext()
        by_sent: dict[int, PlaceContext] = {}
        cands: list[_Cand] = []
        for c in found:
            c.sentence = max(0, bisect.bisect_right(starts, c.start) - 1)
            if c.form.country:
                art.countries[c.form.country] += 1
                _sentence_context(by_sent, c.sentence).countries[c.form.country] += 1
                continue
            self._cues(norm_text, c)
            self._admit(c)
            cands.append(c)
        _share_roles(norm_text, cands)
        # pass 1: context from the readings that need no context
        given: dict[int, list[GazEntry]] = {}
        for i, c in enumerate(cands):
            if c.pending:
                continue
            self._resolve(c, empty, empty)
            if c.best >= 0 and c.role == "place":
                top = given[i] = [self._entries[j] for j in c.top]
                art.apply(top, i)
                _sentence_context(by_sent, c.sentence).apply(top, i)
        # pass 2: admit common-word names inside lists of places
        accepted = [not c.pending for c in cands]
        changed = True
        while changed:
            changed = False
            for i, c in enumerate(cands):
                if accepted[i]:
                    continue
                left = i > 0 and accepted[i - 1] and self._list_gap(norm_text, cands[i - 1], c)
                right = (
                    i + 1 < len(cands)
                    and accepted[i + 1]
                    and self._list_gap(norm_text, c, cands[i + 1])
                )
                if left or right:
                    accepted[i] = changed = True
        # pass 3: resolve every match in the context of the others
        hits: list[PlaceHit] = []
        for i, c in enumerate(cands):
            if len(c.entries) > 1 or c.best < 0:
                sent = by_sent.get(c.sentence, empty)
                own = given.get(i)
                if own:
                    art.apply(own, i, -1)
                    sent.apply(own, i, -1)
                self._resolve(c, sent, art, i)
                if own:
                    art.apply(own, i)
                    sent.apply(own, i)
            elif c.pending:
                self._resolve(c, empty, art, i)
            if c.best < 0:
                continue
            e = self._entries[c.best]
            if not accepted[i]:
                core = dict(c.entries).get(c.best, False)
                if core or not (c.locative and e.admin1_pcode and art.admin1[e.admin1_pcode] > 0):
                    continue
            if c.wide and c.direction:
                e = self._countryside_region(c, e)
            hits.append(self._hit(norm_text, c, e))
        return hits

    def _list_gap(self, text: str, a: _Cand, b: _Cand) -> bool:
        """True when only list punctuation or a conjunction (، , / - و أو) separates a and b."""
        if b.word_start < a.end or b.word_start - a.end > 24:
            return False
        gap = text[a.end : b.word_start]
        has_sep = any(ch in gap for ch in "،,/-") or text[b.word_start : b.start].startswith("و")
        for w in gap.translate(_GAP_PUNCT).split():
            if w in self._list_words:
                has_sep = True
            elif not any(x in self._types or x in self._prox for x in self._strip(w)):
                return False
        return has_sep

    def _hit(self, text: str, c: _Cand, e: GazEntry) -> PlaceHit:
        precision = e.precision_hint
        if c.type_cue and not _own_word(c, c.best) and c.type_precision > precision:
            precision = c.type_precision
        if c.prox_cue:
            precision = max(precision, 2)
        if c.wide:
            precision = self._wide
        cue_parts = [p for p in (c.prox_cue, c.type_cue) if p]
        if c.role_cue:
            cue_parts.insert(0, c.role_cue)
        return PlaceHit(
            start=c.start,
            end=c.end,
            surface=text[c.start : c.end],
            entry=e,
            precision=precision,
            cue=" ".join(cue_parts) or None,
            role=c.role,
            score=_ROLE_SCORE.get(c.role, 1.0),
            candidates=tuple(self._entries[i].id for i in c.ranked),
            word_start=c.word_start,
            cue_start=c.cue_start,
        )

    def __call__(self, article: Article) -> None:
        """Fill ``article.places`` from ``article.norm_text`` and its sentences.

        ``PlaceSpan.cue`` holds the cue wording; a place that is people's origin, or the
        source or destination of a movement, keeps its role word first in ``cue`` and a
        lower ``score`` (origin 0.3, source 0.4, destination 0.6)."""
        if not article.norm_text:
            article.places = []
            return
        sentences = [(s.norm_start, s.norm_end) for s in article.sentences] or None
        spans: list[PlaceSpan] = []
        hits = self.find(article.norm_text, sentences)
        for hit in hits:
            spans.append(
                PlaceSpan(
                    span=article.norm_span(hit.start, hit.end),
                    place=self.gazetteer.place(hit.entry.id),
                    precision=hit.precision,
                    cue=hit.cue,
                    score=hit.score,
                    role=None if hit.role == "place" else hit.role,
                )
            )
        named = [
            Antecedent(
                h.word_start,
                h.end,
                h.entry.feature_type,
                h.precision,
                i,
                role=h.role,
                words=frozenset(article.norm_text[h.cue_start or h.word_start : h.end].split()),
            )
            for i, h in enumerate(hits)
        ]
        starts = [s.norm_start for s in article.sentences]
        for ref in self._anaphora.resolve(article.norm_text, named, starts):
            spans.append(
                PlaceSpan(
                    span=article.norm_span(ref.start, ref.end),
                    place=spans[ref.ref].place,
                    precision=ref.precision,
                    cue=ref.cue,
                )
            )
        spans.sort(key=lambda p: p.span.start)
        article.places = spans


def _share_roles(text: str, cands: list[_Cand]) -> None:
    """A place joined by "و" to a destination, source or origin shares its role ("باتجاه
    مدينتي الطبقة والرقة": both are where the convoys went)."""
    for prev, c in pairwise(cands):
        if (
            c.role == "place"
            and prev.role != "place"
            and c.type_cue is None
            and c.prox_cue is None
            and text[prev.end : c.start].strip() == "و"
        ):
            c.role, c.role_cue = prev.role, prev.role_cue


def _own_word(c: _Cand, idx: int) -> bool:
    """Whether the cue word is the entry's own feature word ("جبل" of "جبل بدرو")."""
    return c.type_cue in c.form.feature_words.get(idx, ())


def _sentence_context(by_sent: dict[int, PlaceContext], index: int) -> PlaceContext:
    ctx = by_sent.get(index)
    if ctx is None:
        ctx = by_sent[index] = PlaceContext()
    return ctx


def _words_before(text: str, end: int, limit: int = 6) -> tuple[list[str], list[int]]:
    """Up to ``limit`` words right before ``end``, separated by spaces only (punctuation
    stops the search; an opening quote right before ``end`` is skipped)."""
    if end > 0 and text[end - 1] in '"«(':
        end -= 1
    words: list[str] = []
    pos: list[int] = []
    i = end
    while len(words) < limit:
        j = i
        while j > 0 and text[j - 1] == " ":
            j -= 1
        if j == i:
            break
        k = j
        while k > 0 and text[k - 1].isalnum():
            k -= 1
        if k == j:
            break
        words.append(text[k:j])
        pos.append(k)
        i = k
    words.reverse()
    pos.reverse()
    return words, pos


def _split_sentences(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        out.append((pos, m.end()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def describe(
    text: str, recognizer: PlaceRecognizer, normalizer: Normalizer
) -> list[dict[str, Any]]:
    """Every place found in ``text`` (raw, not normalised) with its surface text, offsets
    into ``text``, gazetteer id, names, admin chain, coordinates, precision and feature type.
    For the ``rasad places`` command."""
    norm = normalizer(text)
    out: list[dict[str, Any]] = []
    for hit in recognizer.find(norm.text):
        start = norm.offsets[hit.start]
        end = norm.offsets[hit.end - 1] + 1
        e = hit.entry
        out.append(
            {
                "text": text[start:end],
                "start": start,
                "end": end,
                "id": e.id,
                "name": e.name,
                "name_ar": e.name_ar,
                "feature_type": e.feature_type,
                "lat": e.lat,
                "lon": e.lon,
                "country": e.country,
                "admin1": e.admin1,
                "admin1_ar": e.admin1_ar,
                "admin2": e.admin2,
                "admin3": e.admin3,
                "precision": hit.precision,
                "cue": hit.cue,
                "role": hit.role,
                "candidates": list(hit.candidates),
            }
        )
    return out
