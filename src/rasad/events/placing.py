"""Where a trigger happened: the places of its sentence, lists of places, roads, origins and
destinations, and the place inherited from the sentences before."""

from __future__ import annotations

import re

from rasad.events.token_view import TokenView, in_sentence
from rasad.model import PlaceSpan, Sentence, TriggerSpan

# where people come from ("أبناء الحسكة", "قادمة من عين عيسى") is not where the event happened
NOT_EVENT_PLACE = frozenset({"origin", "source", "destination"})
BRACKETED = re.compile(r"\([^()\n]{1,30}\)")
# kinds whose places may be listed before the trigger ("شهدت حماة وحمص مظاهرات")
SUBJECT_LIST_KINDS = frozenset({"protest", "armed_clash", "riot"})
# for these kinds a victim's home village ("إعدام شاب من أبناء السوسة") is a usable location
PEOPLE_KINDS = frozenset(
    {"execution", "attack_on_civilians", "abduction", "assassination", "arrest"}
)


class PlaceFinder(TokenView):
    """Chooses the places of triggers in one article."""

    def exposed(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "تعرضت أحياء الرستن وبلدة تلبيسة لقصف": the places before came under fire."""
        return self.preceded_by(
            trig.span.start, self.rules.exposure_words, self.rules.exposure_window, sent
        )

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
        roads = [g for g in groups if self._road_end(g[0], sent)]
        if kind in self.rules.places.list_kinds:
            listed = []
            for group in groups:
                if group in roads:
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

        road_ends = {p for group in roads for p in group}
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
        return self.preceded_by(place.span.start, self.rules.places.road_words, 3, sent)

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


def _all_connectors(gap: list[list[str]], conn: frozenset[str] | set[str]) -> bool:
    """Every word between two places is a list connector, a number, or part of a two-word
    connector ("إضافة إلى محيط مدينة جسر الشغور")."""
    k = 0
    while k < len(gap):
        if k + 1 < len(gap) and any(f"{a} {b}" in conn for a in gap[k] for b in gap[k + 1]):
            k += 2
            continue
        if not any(x in conn or x.isdigit() for x in gap[k]):
            return False
        k += 1
    return True
