"""Attaching arguments to a trigger: places, actors, counts and the date, within its sentence."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from rasad.events.lexicon import EventRules
from rasad.events.triggers import Tokens
from rasad.model import (
    ActorSpan,
    Article,
    NumberSpan,
    PlaceSpan,
    Sentence,
    TimeSpan,
    TriggerSpan,
)


@dataclass(slots=True)
class Draft:
    """A mention under construction."""

    kind: str
    trigger: TriggerSpan
    sentence: Sentence
    place: PlaceSpan | None = None
    place_inherited: bool = False
    actor1: ActorSpan | None = None
    actor2: ActorSpan | None = None
    counts: dict[str, list[NumberSpan]] = field(default_factory=dict)
    updated: set[str] = field(default_factory=set)  # count keys whose later figure wins
    time: TimeSpan | None = None
    historical: bool = False
    attributed_to: str | None = None
    support: int = 1  # how many trigger occurrences were merged into this draft
    continues: bool = False  # "لا تزال الاشتباكات متواصلة": part of an earlier happening
    time_inherited: bool = False  # the time comes from the sentences before
    sentences: list[Sentence] = field(default_factory=list)


# where people come from ("أبناء الحسكة", "قادمة من عين عيسى") is not where the event happened
NOT_EVENT_PLACE = frozenset({"origin", "source", "destination"})
# ACLED interaction codes of armed actors (state, rebel, political and identity militias, external)
ARMED_INTER = frozenset({1, 2, 3, 4, 8})
# kinds whose agent may follow the trigger noun directly ("غارات التحالف")
GENITIVE_AGENT_KINDS = frozenset({"air_strike", "shelling", "armed_clash", "attack_on_civilians"})
BRACKETED = re.compile(r"\([^()\n]{1,30}\)")
# kinds whose places may be listed before the trigger ("شهدت حماة وحمص مظاهرات")
SUBJECT_LIST_KINDS = frozenset({"protest", "armed_clash", "riot"})
# kinds whose two sides an article names with "بين X و Y"
BETWEEN_KINDS = frozenset({"armed_clash", "agreement", "riot"})
# ACLED's interaction code of state forces
STATE_INTER = 1
# ACLED's interaction code of civilians, and kinds where civilians may be the doers
CIVILIANS_INTER = 7
# ACLED interaction codes of crowds: rioters and protesters
CROWD_INTER = frozenset({5, 6})
PASSIVE_KINDS = frozenset({"displacement", "protest", "riot", "surrender", "defection"})
# for these kinds a victim's home village ("إعدام شاب من أبناء السوسة") is a usable location
PEOPLE_KINDS = frozenset(
    {"execution", "attack_on_civilians", "abduction", "assassination", "arrest"}
)


def in_sentence(start: int, sent: Sentence) -> bool:
    return sent.start <= start < sent.end


class ArgumentFinder:
    """Finds the arguments of triggers in one article (built per article)."""

    def __init__(self, article: Article, tokens: Tokens, rules: EventRules) -> None:
        self.article = article
        self.tokens = tokens
        self.rules = rules
        offsets = article.norm_offsets
        # original start of every token, to relate original spans to token indices
        self._tok_orig = [offsets[s] for s, _ in tokens.spans]
        self._other_domain: dict[int, bool] = {}  # sentence index -> in another domain

    # -- token helpers ------------------------------------------------------------------------
    def tok_index(self, orig_offset: int) -> int:
        """Index of the first token starting at or after ``orig_offset``."""
        return bisect_left(self._tok_orig, orig_offset)

    def tok_containing(self, orig_offset: int) -> int:
        """Index of the token that contains ``orig_offset`` ("وبني" for "بني" after a clitic)."""
        return max(0, bisect_right(self._tok_orig, orig_offset) - 1)

    def words_before(self, orig_offset: int, n: int, floor: int = 0) -> list[list[str]]:
        i = self.tok_index(orig_offset)
        return self.tokens.candidates[max(floor, i - n) : i]

    def sentence_token_floor(self, sent: Sentence) -> int:
        return self.tok_index(sent.start)

    def preceded_by(self, orig_offset: int, words: frozenset[str], n: int, sent: Sentence) -> bool:
        floor = self.sentence_token_floor(sent)
        return any(c in words for cands in self.words_before(orig_offset, n, floor) for c in cands)

    # -- non-events -----------------------------------------------------------------------------
    def is_non_event(self, trig: TriggerSpan, sent: Sentence) -> bool:
        text = self.article.text[sent.start : sent.end].rstrip()
        if text.endswith(self.rules.question_marks):
            return True
        first = self.sentence_token_floor(sent)
        opening = self.tokens.candidates[first : min(first + 2, self.tok_index(trig.span.start))]
        if any(c in self.rules.habitual_openers for cands in opening for c in cands) and not any(
            ch in self.article.text[sent.start : trig.span.start] for ch in "،,"
        ):
            # "وتشهد الرستن منذ أشهر مواجهات متكررة", "هذا وتشهد المناطق المحررة عمليات
            # اغتيال": a lasting state
            return True
        if self.is_tally(trig, sent) or self.other_domain(sent):
            return True
        floor = first
        before = self.words_before(trig.span.start, self.rules.non_event_window, floor)
        if any(c in self.rules.non_event_words for cands in before for c in cands):
            return True
        if before and any(c in self.rules.site_words for c in before[-1]):
            return True  # "قرب مكان الاستهداف": the site of what was told
        wide = self.words_before(trig.span.start, self.rules.non_event_wide_window, floor)
        if any(c in self.rules.non_event_wide for cands in wide for c in cands):
            return True
        after = self.tok_index(trig.span.end)
        if any(
            c in self.rules.non_event_after
            for cands in self.tokens.candidates[after : after + 2]
            for c in cands
        ):
            return True
        flat = [cands[0] for cands in before]
        for phrase in self.rules.non_event_phrases:
            n = len(phrase)
            for k in range(len(flat) - n + 1):
                if tuple(flat[k : k + n]) == phrase:
                    return True
        return self.is_purpose(trig, before, sent)

    def clause_start(self, trig: TriggerSpan, sent: Sentence) -> int:
        """Where the trigger's clause starts: after the last comma before it in its sentence."""
        text = self.article.text
        comma = max(text.rfind(c, sent.start, trig.span.start) for c in "،,")
        return comma + 1 if comma >= 0 else sent.start

    def is_tally(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "وهذه ثالث ضربة تطال ريف القامشلي", "وهي النقطة التاسعة التي تقيمها": the clause
        counts earlier happenings."""
        first = self.tok_index(self.clause_start(trig, sent))
        cands = self.tokens.candidates
        if first >= len(cands) or not any(c in self.rules.tally_openers for c in cands[first]):
            return False
        stop = min(first + 4, self.tok_index(sent.end))
        return any(c in self.rules.tally_ordinals for k in range(first + 1, stop) for c in cands[k])

    def other_domain(self, sent: Sentence) -> bool:
        """ "قبل نهاية الشوط الأول … انسحاب لاعبي ميانمار": sport, not war."""
        known = self._other_domain.get(sent.index)
        if known is None:
            words = self.rules.other_domain
            lo, hi = self.tok_index(sent.start), self.tok_index(sent.end)
            flat = [self.tokens.candidates[k][0] for k in range(lo, hi)]
            known = self._other_domain[sent.index] = any(
                c in words for k in range(lo, hi) for c in self.tokens.candidates[k]
            ) or any(" ".join(flat[k : k + 2]) in words for k in range(len(flat) - 1))
        return known

    def is_purpose(self, trig: TriggerSpan, before: list[list[str]], sent: Sentence) -> bool:
        """ "لمواجهة أي تهديد", "للانشقاق": a purpose, not a happening (but "أدت لمقتل" is)."""
        prefix = self.rules.purpose_prefix
        if not prefix:
            return False
        i = self.tok_index(trig.span.start)
        if i >= len(self.tokens.words):
            return False
        word = self.tokens.words[i]
        lemma = trig.lemma.split()[0]
        for conj in ("و", "ف"):
            if word.startswith(conj + prefix):
                word = word[1:]
        if not word.startswith(prefix) or lemma.startswith(prefix):
            return False
        if any(c in self.rules.result_words for cands in before[-2:] for c in cands):
            return False  # "أدت لمقتل"
        return not self.exposed(trig, sent)

    def exposed(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "تعرضت أحياء الرستن وبلدة تلبيسة لقصف": the places before came under fire."""
        return self.preceded_by(
            trig.span.start, self.rules.exposure_words, self.rules.exposure_window, sent
        )

    def is_continuation(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "ولا تزال الاشتباكات متواصلة": more of a happening the article already reported."""
        i = self.tok_index(trig.span.start)
        lo = max(self.sentence_token_floor(sent), i - 4)
        hi = min(self.tok_index(sent.end), i + 5)
        words = [self.tokens.candidates[k][0] for k in range(lo, hi)]
        firsts = self.rules.continuation_firsts
        if not any(w in firsts for w in words):
            return False
        for phrase in self.rules.continuation:
            n = len(phrase)
            if any(tuple(words[k : k + n]) == phrase for k in range(len(words) - n + 1)):
                return True
        return False

    # -- places -----------------------------------------------------------------------------------
    def sentence_places(self, sent: Sentence, trig: TriggerSpan) -> list[PlaceSpan]:
        allowed = NOT_EVENT_PLACE - {"origin"} if trig.kind in PEOPLE_KINDS else NOT_EVENT_PLACE
        places = [
            p
            for p in self.article.places
            if in_sentence(p.span.start, sent)
            and p.role not in allowed
            and not (p.span.start <= trig.span.start < p.span.end)
        ]
        return places

    def _is_origin(self, trig: TriggerSpan, place: PlaceSpan, sent: Sentence) -> bool:
        if place.span.start < trig.span.end:
            return False
        lo = self.tok_index(trig.span.end)
        hi = self.tok_containing(place.span.start)
        words = [c for cands in self.tokens.candidates[lo:hi] for c in cands]
        for k, w in enumerate(words):
            if w == "من" and any(x in self.rules.places.origin_nouns for x in words[k + 1 : k + 4]):
                return True
        return False

    def member_of(self, actor: ActorSpan, sent: Sentence) -> bool:
        """ "عناصر من قسد", "23 عنصراً من التنظيم": the group people belong to."""
        before = self.words_before(actor.span.start, 4, self.sentence_token_floor(sent))
        flat = [c for cands in before for c in cands]
        if not flat or (
            "من" not in flat[-2:]
            and not self.tokens.words[self.tok_containing(actor.span.start)].startswith("من")
        ):
            return False
        people = self.rules.counts.people | self.rules.counts.singular_people
        return any(c in people or c.isdigit() for c in flat)

    def speaks(self, place: PlaceSpan, sent: Sentence) -> bool:
        """ "قالت دمشق", "اتهام دمشق لحزب الله": a capital as the voice of its government."""
        if place.cue:
            return False
        before = self.words_before(place.span.start, 1, self.sentence_token_floor(sent))
        if any(c in self.rules.metonymy_verbs for cands in before for c in cands):
            return True
        i = self.tok_containing(place.span.start)
        if self._tok_orig[i] < place.span.start:
            return False  # a clitic glued to the name: "بدمشق", "لدمشق"
        name = " ".join(self.tokens.words[i : max(i + 1, self.tok_index(place.span.end))])
        if name not in self.rules.metonymy_places:
            return False
        return not any(c in self.rules.locative_words for cands in before for c in cands)

    def listed_places(self, sent: Sentence) -> list[PlaceSpan]:
        """The places of a sentence that only continues a list ("وشملت تلك المواقع X، Y،
        Z"): three or more places after a list word, and no trigger of its own."""
        rng = self.tokens.range_of(sent.norm_start, sent.norm_end)
        head = [
            c
            for k in range(rng.start, min(rng.stop, rng.start + 6))
            for c in self.tokens.candidates[k]
        ]
        if not any(c in self.rules.places.list_continuation for c in head):
            return []
        places = [
            p
            for p in self.article.places
            if in_sentence(p.span.start, sent) and p.role not in NOT_EVENT_PLACE
        ]
        groups = [g for g in self.place_groups(places) if len(g) >= 3]
        return max(groups, key=len) if groups else []

    def people_from(self, place: PlaceSpan) -> bool:
        """ "(43) شاباً من بلدة الغبرة", "شخصين من سويدان": where the people come from."""
        return self._whence(place) is not None

    def _whence(self, place: PlaceSpan) -> int | None:
        """The token of the "من" that makes ``place`` where people come from, if any."""
        i = self.tok_containing(place.span.start)
        lo = max(0, i - 4)
        cands = self.tokens.candidates
        # the "من" nearest the place; the people noun comes right before it ("انسحب المسلحون
        # من حي الصاخور" is where they left, not where they come from)
        at = i if self.tokens.words[i].startswith("من") else None
        for k in range(i - 1, lo - 1, -1):
            if at is not None:
                break
            if "في" in cands[k]:
                return None  # "عنصراً من التنظيم في بلدة الكرامة": where, not whence
            if "من" in cands[k]:
                at = k
        if at is None or at == 0:
            return None
        people = self.rules.counts.people | self.rules.counts.singular_people
        return at if any(c in people or c.isdigit() for c in cands[at - 1]) else None

    def _people_whence(self, trig: TriggerSpan, place: PlaceSpan) -> bool:
        """Where people come from, unless the trigger itself governs the "من" ("إخراج
        عناصرها من حيي الأشرفية وبني زيد": where it happened)."""
        at = self._whence(place)
        return at is not None and not 0 <= at - self.tok_index(trig.span.end) <= 2

    def place_groups(self, places: list[PlaceSpan]) -> list[list[PlaceSpan]]:
        """Consecutive places joined only by list connectors form one group."""
        groups: list[list[PlaceSpan]] = []
        c = self.rules.counts
        # "شخصين من بلدة الزر وشخص من بلدة محيميدة": people and counts may separate the places
        conn = self.rules.places.list_connectors | c.people | c.singular_people | {"من"}
        for p in sorted(places, key=lambda x: x.span.start):
            if groups:
                prev = groups[-1][-1]
                lo, hi = self.tok_index(prev.span.end), self.tok_containing(p.span.start)
                # a bracketed aside ("اللاذقية وطرطوس (غرب) وحماة") does not break a list
                bracketed = [
                    m.span()
                    for m in BRACKETED.finditer(self.article.text, prev.span.end, p.span.start)
                ]
                gap = [
                    self.tokens.candidates[k]
                    for k in range(lo, hi)
                    if not any(a <= self._tok_orig[k] < b for a, b in bracketed)
                ]
                # the feature word of the place's own name ("جسر" of "جسر الشغور") is no gap
                cue_words = set(p.cue.split()) & set(p.place.name_ar.split()) if p.cue else set()
                while gap and any(x in cue_words for x in gap[-1]):
                    gap.pop()
                if hi < len(self.tokens.words) and self._tok_orig[hi] < p.span.start:
                    # a clitic glued to the place name ("وبني زيد"): the clitic is the connector
                    gap.append([self.tokens.words[hi][: p.span.start - self._tok_orig[hi]]])
                # the region of a list ("بلدتي كفرنبل وحاس بريف إدلب الجنوبي، إضافة إلى ...")
                # stands in it: it is dropped later as not precise
                regional = p.precision >= 3 and all(any(x in ("ب", "في") for x in g) for g in gap)
                # an unknown name standing as a list item of its own ("، وكفرومة، ")
                between = self.article.text[prev.span.end : p.span.start]
                unknown = [g for g in gap if not any(x in conn or x.isdigit() for x in g)]
                item = len(unknown) <= 1 and sum(between.count(c) for c in "،,") >= 2
                if len(gap) <= 5 and (regional or item or _all_connectors(gap, conn)):
                    groups[-1].append(p)
                    continue
            groups.append([p])
        return groups

    def choose_places(self, kind: str, trig: TriggerSpan, sent: Sentence) -> list[PlaceSpan]:
        # a country ("سوريا", "تركيا", "ومقره بريطانيا") says too little to locate an event:
        # without a better place the draft takes its place from its context instead
        found = [p for p in self.sentence_places(sent, trig) if not self.speaks(p, sent)]
        places = [p for p in found if p.place.feature_type != "country"]
        if not places and kind == "defection":
            # a defector is often located by the country he reached ("وصل تركيا")
            places = found
        if not places:
            return []
        not_origin = [p for p in places if not self._is_origin(trig, p, sent)]
        places = not_origin or places
        if kind not in PEOPLE_KINDS and kind != "displacement":
            settled = [p for p in places if not self._people_whence(trig, p)]
            places = settled or places
        if self._refers_back(trig, sent):
            places = [p for p in places if p.span.end <= trig.span.start] or places
        groups = self.place_groups(places)
        if kind in self.rules.places.list_kinds:
            listed = []
            for group in groups:
                if self._road_end(group[0], sent):
                    continue
                precise = [p for p in group if p.precision < 3] or [
                    p for p in group if p.place.feature_type == "governorate"
                ]
                if not precise:
                    continue
                if any(p.place.country != "SY" for p in precise) or (
                    kind not in PEOPLE_KINDS and self._people_whence(trig, precise[0])
                ):
                    # foreign capitals reacting, or "أهالي السوسة والشعفة": not a list of sites
                    continue
                after = group[-1].span.start > trig.span.start
                just_before = (
                    kind in SUBJECT_LIST_KINDS or self.exposed(trig, sent)
                ) and 0 <= trig.span.start - group[-1].span.end <= 40
                # "السيطرة على حي مساكن هنانو ... وتسيطر على جبل بدرو وحي الحيدرية": a place
                # of its own between the trigger and a later list is where it happened
                text = self.article.text
                nearer = after and any(
                    trig.span.end <= p.span.start < group[0].span.start
                    and p.precision < 3
                    and any(ch in text[p.span.end : group[0].span.start] for ch in "،,")
                    for p in places
                    if p not in group
                )
                if len(precise) >= 2 and (after or just_before) and not nearer:
                    gap = min(abs(p.span.start - trig.span.start) for p in precise)
                    listed.append((gap, precise))
            if listed:
                return min(listed, key=lambda x: x[0])[1]

        road_ends = {p for group in groups if self._road_end(group[0], sent) for p in group}
        typed = {p for p in places if self._typed(p)}

        def score(p: PlaceSpan) -> float:
            d = (
                p.span.start - trig.span.end
                if p.span.start >= trig.span.start
                else (trig.span.start - p.span.end) * 1.5
            )
            country = 60 if p.place.country != "SY" else 0  # "قنصلية طهران بدمشق"
            # the victim's home village ("إعدام شاب من أبناء السوسة") locates people-centred
            # events; for others where people come from is a poor guess
            role = (20 if kind in PEOPLE_KINDS else 80) if p.role else 0
            road = 60 if p in road_ends else 0
            # "في درعا في مدينة بصرى الشام": the place its own type word names is meant
            own_type = -20 if p in typed else 0
            return d + {1: 0, 2: 25, 3: 90}.get(p.precision, 90) + role + country + road + own_type

        return [min(places, key=score)]

    def _typed(self, place: PlaceSpan) -> bool:
        """Named with its own type word ("في مدينة بصرى الشام"), not as the owner of
        something ("الأحياء الشرقية لمدينة حلب")."""
        if place.precision != 1 or not place.cue:
            return False
        word = place.cue.split()[-1]
        if word not in self.rules.places.typed_words:
            return False
        i = self.tok_containing(place.span.start) - 1
        return i >= 0 and not self.tokens.words[i].startswith(("ل" + word, "لل"))

    def _road_end(self, place: PlaceSpan, sent: Sentence) -> bool:
        """ "على طريق الرقة – الطبقة", "الطريق الواصل بين القامشلي وعامودا"."""
        floor = self.sentence_token_floor(sent)
        before = self.words_before(place.span.start, 3, floor)
        return any(c in self.rules.places.road_words for cands in before for c in cands)

    def _refers_back(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "بعد انسحاب مقاتلي الفصائل منها": the trigger's place was named before it."""
        i = self.tok_index(trig.span.end)
        stop = min(i + 3, self.tok_index(sent.end))
        words = self.rules.places.back_references
        return any(self.tokens.words[k] in words for k in range(i, stop))

    def inherited_place(self, sent: Sentence) -> PlaceSpan | None:
        """The most precise place of the nearest earlier sentence (two back at most)."""
        idx = sent.index
        for back in (1, 2):
            if idx - back < 0:
                break
            prev = self.article.sentences[idx - back]
            cands = [
                p
                for p in self.article.places
                if in_sentence(p.span.start, prev)
                and p.role not in NOT_EVENT_PLACE
                and not self.speaks(p, prev)  # "في ظل تمسك دمشق باستعادة إدلب"
            ]
            if cands:
                return min(cands, key=lambda p: (p.precision, -p.span.start))
        return None

    # -- actors -------------------------------------------------------------------------------------
    def choose_actors(
        self, kind: str, trig: TriggerSpan, sent: Sentence
    ) -> tuple[ActorSpan | None, ActorSpan | None]:
        roles = self.rules.roles
        all_actors = [a for a in self.article.actors if in_sentence(a.span.start, sent)]
        actors = [a for a in all_actors if a.role_hint != "source"]
        sources = [a for a in all_actors if a.role_hint == "source"]
        before = [a for a in actors if a.span.end <= trig.span.start]
        after = [a for a in actors if a.span.start >= trig.span.end]
        a1: ActorSpan | None = None
        a2: ActorSpan | None = None

        def marked(a: ActorSpan, words: frozenset[str], n: int = 2) -> bool:
            return self.preceded_by(a.span.start, words, n, sent)

        # "اشتباكات بين X و Y" (not "التسلل بين المدنيين")
        for i, a in enumerate(actors[:-1]):
            if (
                kind in BETWEEN_KINDS
                and 0 <= a.span.start - trig.span.end < 60
                and marked(a, roles.between, 2)
            ):
                b = next((x for x in actors[i + 1 :] if x.actor.id != a.actor.id), None)
                if b is not None:
                    return a, b
        if kind == "territory_change" and trig.lemma.split()[0] in roles.loser_subject:
            return self.loss_sides(trig, sent)
        if kind == "defection":
            a1 = next((a for a in after if marked(a, roles.defection_from, 3)), None)
            a2 = next((a for a in after if marked(a, roles.defection_to, 3)), None)
            if a1 is None:
                a1 = next((a for a in after if a is not a2), None) or (
                    before[-1] if before else None
                )
            if a2 is None:
                a2 = next((s for s in sources if a1 is None or s.actor.id != a1.actor.id), None)
            return a1, a2
        agents = [
            a
            for a in actors
            if marked(a, roles.agent_markers, 2) and abs(a.span.start - trig.span.start) < 150
        ]
        if kind in GENITIVE_AGENT_KINDS:
            # "غارات التحالف", "ضربات للتحالف", "قصف قوات النظام": the strike's owner
            owner = next((a for a in after if a.span.start - trig.span.end <= 3), None)
            if owner is not None and not self.member_of(owner, sent):
                agents = [owner]
        # "مقتل 23 عنصراً من التنظيم", "عناصر سابقة من تنظيم الدولة": members, not doers
        before = [a for a in before if not self.member_of(a, sent)]
        # "خاضت اشتباكات مع آخر تجمعات الإرهابيين ... وإلقاء القبض على": fought, not doing
        before = [a for a in before if not marked(a, roles.opponent_markers, 3)] or before
        if agents:
            a1 = min(agents, key=lambda a: abs(a.span.start - trig.span.start))
        elif before:
            a1 = before[-1]
        elif (
            after
            and after[0].span.start - trig.span.end < 40
            and not marked(after[0], roles.opponent_markers, 2)
        ):
            a1 = after[0]
        rest = [a for a in after if a1 is None or a.actor.id != a1.actor.id]
        if kind == "territory_change" and trig.lemma.split()[0] in roles.loser_markers and after:
            # "طرد X من": X lost the ground
            a2 = after[0]
            if a1 is not None and a1.actor.id == a2.actor.id:
                a1 = before[-1] if before and before[-1].actor.id != a2.actor.id else None
        elif rest:
            a2 = rest[0]
        elif a1 is not None:
            others = [a for a in before if a.actor.id != a1.actor.id]
            a2 = others[-1] if others else None
        if a1 is not None and a1.actor.inter == CIVILIANS_INTER and kind not in PASSIVE_KINDS:
            # civilians do not shell, raid or arrest: they are the ones acted upon
            a2 = a2 if a2 is not None and a2.actor.id != a1.actor.id else a1
            a1 = None
        if kind in roles.civilians_kinds:
            civ = next((a for a in actors if a.actor.id == "civilians"), None)
            if civ is not None:
                if a1 is not None and a1.actor.id == "civilians":
                    a1 = None
                a2 = civ
        if kind == "surrender" and a1 is not None and a1.actor.inter == STATE_INTER and a2 is None:
            # "تسوية أوضاع 125 مسلحاً" with the army named: the army is who they surrender to
            a1, a2 = None, a1
        if a2 is None and kind in roles.civilian_victim_kinds:
            a2 = next((a for a in actors if a.actor.id == "civilians" and a is not a1), None)
        if a1 is None:
            # the speaker may be the doer: "أعلنت مجموعات عشائرية عن طرد قسد"
            a1 = next(
                (
                    s
                    for s in reversed(sources)
                    if s.span.end <= trig.span.start
                    and s.actor.inter in ARMED_INTER
                    and (a2 is None or s.actor.id != a2.actor.id)
                ),
                None,
            )
        if a1 is not None and a2 is not None and a1.actor.id == a2.actor.id:
            a2 = None
        return a1, a2

    def loss_sides(
        self, trig: TriggerSpan, sent: Sentence
    ) -> tuple[ActorSpan | None, ActorSpan | None]:
        """ "أقرت قوات النظام بخسارتها مدينة حماة أمام هجوم الهيئة": the subject (or the
        speaker) lost the ground; an actor named after the trigger took it."""
        all_actors = [a for a in self.article.actors if in_sentence(a.span.start, sent)]
        before = [a for a in all_actors if a.span.end <= trig.span.start]
        armed = [a for a in before if a.role_hint != "source" or a.actor.inter in ARMED_INTER]
        loser = armed[-1] if armed else None
        winner = next(
            (
                a
                for a in all_actors
                if a.span.start >= trig.span.end
                and a.role_hint != "source"
                and (loser is None or a.actor.id != loser.actor.id)
            ),
            None,
        )
        return winner, loser

    # -- counts -----------------------------------------------------------------------------------------
    def count_key(self, kind: str, num: NumberSpan, sent: Sentence) -> str | None:
        c = self.rules.counts
        if num.noun is not None and num.noun in c.nouns:
            key = c.nouns[num.noun]
            return key if key in c.accepts.get(kind, ()) else None
        floor = self.sentence_token_floor(sent)
        # the verb's subject may stand between it and the number ("حيّد الجيش الوطني السوري
        # 5 إرهابيين", "قتلت قوات النظام 12 مدنياً")
        subject = next(
            (
                a
                for a in self.article.actors
                if in_sentence(a.span.start, sent) and 0 <= num.span.start - a.span.end <= 2
            ),
            None,
        )
        windows = [self.words_before(num.span.start, 3, floor)]
        if subject is not None:
            windows.append(self.words_before(subject.span.start, 2, floor))
        for window in windows:
            for cands in reversed(window):
                for cand in cands:
                    if cand in c.cues:
                        key = c.cues[cand]
                        return key if key in c.accepts.get(kind, ()) else None
        after_key = self._cue_after(num, sent)
        if after_key is not None:
            # "15 مدنياً قُتلوا", "10 أشخاص أصيبوا"
            return after_key if after_key in c.accepts.get(kind, ()) else None
        if kind in c.needs_cue:
            return None
        # "قبل أن يرتفع لاحقاً إلى 100", or a number of people
        if (num.noun is None and self.is_update(num, sent)) or (
            num.noun is not None and num.noun in c.people
        ):
            people_key = c.kind_people_key.get(kind)
            return people_key if people_key in c.accepts.get(kind, ()) else None
        return None

    def singular_after(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """A singular person right after the trigger: "مقتل مدني", "بإعدام شاب", "أحد عناصر"."""
        i = self.tok_index(trig.span.end)
        hi = min(self.tok_index(sent.end), i + 3)
        singular = self.rules.counts.singular_people
        for k in range(i, hi):
            if any(c in singular for c in self.tokens.candidates[k][:2]):
                return True
        # the person may be inside a phrase trigger ("مقتل مدني")
        return any(w in singular for w in trig.lemma.split()[1:])

    def cue_counts(self, sent: Sentence) -> list[tuple[int, str, int | None]]:
        """Death and injury cues without a number: ``(orig_offset, key, 1 or None)`` for
        "استشهاد طفل" (one), "وإصابة آخرين" (a count with no number)."""
        c = self.rules.counts
        found: list[tuple[int, str, int | None]] = []
        rng = self.tokens.range_of(sent.norm_start, sent.norm_end)
        for k in rng:
            key = next((c.cues[x] for x in self.tokens.candidates[k] if x in c.cues), None)
            if key not in ("killed", "injured"):
                continue
            nxt = self.tokens.candidates[k + 1] if k + 1 < rng.stop else []
            if any(x.isdigit() for x in nxt) or any(x in c.nouns for x in nxt):
                continue
            offset = self._tok_orig[k]
            if any(x in c.singular_people for x in nxt[:2]):
                found.append((offset, key, 1))
            elif any(x in c.unnumbered for x in nxt[:2]):
                found.append((offset, key, None))
        return found

    def _cue_after(self, num: NumberSpan, sent: Sentence) -> str | None:
        """A death or injury verb right after the counted noun."""
        end = num.noun_end if num.noun_end is not None else num.span.end
        i = self.tok_index(end)
        cands = self.tokens.candidates
        stop = self.tok_index(sent.end)
        if num.noun_end is None and i + 1 < stop and "من" in cands[i]:
            i += 2  # "أربعة من مقاتليها قتلوا", "تسعة من جامعي الكمأة"
        # "15 مدنياً على الأقل قُتلوا": a qualifier may stand between; a number ends the search
        for k in range(i, min(stop, i + 4)):
            if any(c.isdigit() for c in cands[k]):
                break
            for cand in cands[k]:
                key = self.rules.counts.cues.get(cand)
                if key in ("killed", "injured"):
                    return key
        return None

    def is_update(self, num: NumberSpan, sent: Sentence) -> bool:
        """ "ارتفع العدد إلى 100": a figure that replaces earlier ones ("في وقت سابق" does not)."""
        floor = self.sentence_token_floor(sent)
        words = self.words_before(num.span.start, 6, floor)
        flat = {c for cands in words for c in cands}
        c = self.rules.counts
        return bool(flat & c.update_cues) and not flat & c.earlier_cues

    # -- time -----------------------------------------------------------------------------------------------
    def choose_time(self, trig: TriggerSpan, sent: Sentence) -> TimeSpan | None:
        times = [t for t in self.article.times if in_sentence(t.span.start, sent)]
        if not times:
            return None
        dated = [t for t in times if t.date is not None or t.weekday is not None] or times
        # an explicit calendar date beats a relative word nearby ("اليوم السبت 28 تشرين الأول")
        return min(
            dated,
            key=lambda t: abs(t.span.start - trig.span.start) - (40 if t.absolute else 0),
        )

    def context_time(self, sent: Sentence) -> TimeSpan | None:
        """The day the surrounding report is about: the nearest day-precise, recent time of
        the three sentences before (no heading in between)."""
        pub = self.article.published
        for back in (1, 2, 3):
            k = sent.index - back
            if k < 0:
                break
            prev = self.article.sentences[k]
            if prev.heading:
                break
            times = [
                t
                for t in self.article.times
                if in_sentence(t.span.start, prev)
                and t.date is not None
                and t.precision == "day"
                and (pub is None or dt.timedelta(0) <= pub - t.date <= dt.timedelta(days=7))
            ]
            if times:
                return times[-1]
        return None

    def is_historical(self, time: TimeSpan | None) -> bool:
        pub = self.article.published
        if time is None or time.date is None or pub is None:
            return False
        return time.date.year <= pub.year - self.rules.history_years and (
            pub - time.date > dt.timedelta(days=365)
        )

    def is_background(self, trig: TriggerSpan, sent: Sentence, time: TimeSpan | None) -> bool:
        """A pluperfect sentence ("وكانت القوات قد اقتحمت المدينة ...") tells what happened
        before the news, unless its own date is recent or the verb after قد reports speech."""
        r = self.rules
        if not r.pluperfect_auxiliaries or not r.pluperfect_particle:
            return False
        at = self.tok_index(trig.span.start)
        cands = self.tokens.candidates
        # the sentence opens with it, or the trigger's own clause does ("وتشهد الرستن
        # مواجهات، وكانت القوات قد اقتحمت المدينة في تشرين الأول الماضي")
        openings = [self.sentence_token_floor(sent), self.tok_index(self.clause_start(trig, sent))]
        particle = None
        for first in openings:
            opening = range(first, min(first + 2, at))
            if any(c in r.pluperfect_auxiliaries for k in opening for c in cands[k]):
                particle = next(
                    (k for k in range(first + 1, at) if r.pluperfect_particle in cands[k]), None
                )
                if particle is not None:
                    break
        if particle is None:
            return False
        if particle + 1 < len(cands) and any(c in r.speech_verbs for c in cands[particle + 1]):
            return False  # "وكان المرصد قد أفاد بمقتل ...": the report is old, not the event
        pub = self.article.published
        if time is not None and time.date is not None and pub is not None:
            return (pub - time.date).days > r.recent_days
        return True

    def no_fighting(self, sent: Sentence) -> bool:
        rng = self.tokens.range_of(sent.norm_start, sent.norm_end)
        words = [self.tokens.candidates[i][0] for i in rng]
        for phrase in self.rules.no_fighting:
            n = len(phrase)
            if any(tuple(words[k : k + n]) == phrase for k in range(len(words) - n + 1)):
                return True
        return False



def _all_connectors(gap: list[list[str]], conn: frozenset[str] | set[str]) -> bool:
    """Every word between two places is a list connector, a number, or part of a two-word
    connector ("إضافة إلى محيط مدينة جسر الشغور")."""
    k = 0
    while k < len(gap):
        if k + 1 < len(gap) and any(
            f"{a} {b}" in conn for a in gap[k] for b in gap[k + 1]
        ):
            k += 2
            continue
        if not any(x in conn or x.isdigit() for x in gap[k]):
            return False
        k += 1
    return True
