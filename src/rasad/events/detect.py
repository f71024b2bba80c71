"""From triggers and recognised spans to coded mentions.

Per trigger: drop non-events (calls, denials, questions …), attach places (one mention per
listed place), actors, counts, the date and the attribution; then merge the drafts of one
article that describe the same happening, and code each as a :class:`~rasad.model.Mention`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rasad.events.acled import acled_pair, fatalities, notes
from rasad.events.arguments import CROWD_INTER, ArgumentFinder, Draft
from rasad.events.lexicon import EventRules, KindTable
from rasad.events.opponents import complete_opponents
from rasad.events.token_view import in_sentence
from rasad.events.triggers import Tokens
from rasad.geo import haversine_km
from rasad.model import (
    Actor,
    Article,
    Count,
    DatePrecision,
    Evidence,
    Location,
    Mention,
    NumberSpan,
    PlaceSpan,
    Qualifier,
    Sentence,
    Span,
    TriggerSpan,
)
from rasad.recognize.sides import Sides

# actor id and date -> the dictionary entry valid then
ActorLookup = Callable[[str, dt.date | None], Actor | None]
# features of a draft -> probability that it is right (fitted model)
Scorer = Callable[[dict[str, float]], float]
# raw detector score -> calibrated confidence
Calibration = Callable[[float], float]
# (article, sentence) -> who the sentence attributes its claim to, or None
Attribution = Callable[[Article, Sentence], str | None]


class EventDetector:
    def __init__(
        self,
        rules: EventRules,
        kinds: KindTable,
        attribution: Attribution | None = None,
        calibration: Calibration | None = None,
        scorer: Scorer | None = None,
        actor_of: ActorLookup | None = None,
        sides: Sides | None = None,
    ) -> None:
        self.rules = rules
        self.kinds = kinds
        self.attribution = attribution
        self.calibration = calibration
        self.scorer = scorer
        self.actor_of = actor_of
        self.sides = sides

    def __call__(self, article: Article, tokens: Tokens) -> None:
        finder = ArgumentFinder(article, tokens, self.rules)
        drafts = self._drafts(article, finder)
        self._assign_counts(article, finder, drafts)
        self._singular_counts(finder, drafts)
        self._inherit_agents(drafts)
        if self.sides is not None:
            complete_opponents(article, drafts, self.rules.roles.opponent_kinds, self.sides)
        merged = self._merge(drafts, finder)
        article.mentions = [self._code(article, d, n) for n, d in enumerate(merged, start=1)]

    # -- drafting -------------------------------------------------------------------------------
    def _drafts(self, article: Article, finder: ArgumentFinder) -> list[Draft]:
        drafts: list[Draft] = []
        suppressed_end: dict[int, int] = {}  # sentence index -> token after the last non-event
        attributions: dict[int, str | None] = {}
        for trig in article.triggers:
            sent = article.sentence_at(trig.span.start)
            if sent is None:
                continue
            tok = finder.tok_index(trig.span.start)
            coordinated = (
                sent.index in suppressed_end
                and 0 <= tok - suppressed_end[sent.index] <= 4
                and finder.tokens.words[tok].startswith("و")
            )
            if coordinated or finder.is_non_event(trig, sent):
                suppressed_end[sent.index] = finder.tok_index(trig.span.end)
                continue
            if _inside_name(trig, article):
                continue  # "هيئة تحرير الشام", "مركز المصالحة": part of a name
            time = finder.choose_time(trig, sent)
            inherited_time = time is None
            if time is None:
                time = finder.context_time(sent)
            a1, a2 = finder.choose_actors(trig.kind, trig, sent)
            if sent.index not in attributions:
                attributions[sent.index] = (
                    self.attribution(article, sent) if self.attribution else None
                )
            attributed = attributions[sent.index]
            places = finder.choose_places(trig.kind, trig, sent)
            options: list[PlaceSpan | None] = [*places] if places else [None]
            for place in options:
                drafts.append(
                    Draft(
                        kind=trig.kind,
                        trigger=trig,
                        sentence=sent,
                        place=place,
                        actor1=a1,
                        actor2=a2,
                        time=time,
                        historical=finder.is_historical(time)
                        or finder.is_background(trig, sent, None if inherited_time else time),
                        time_inherited=inherited_time and time is not None,
                        attributed_to=attributed,
                        sentences=[sent],
                        continues=finder.is_continuation(trig, sent),
                    )
                )
        drafts.extend(self._continued_lists(article, finder, drafts))
        self._air_context(article, drafts)
        return drafts

    def _continued_lists(
        self, article: Article, finder: ArgumentFinder, drafts: list[Draft]
    ) -> list[Draft]:
        """A sentence that only lists more places extends the report just before it."""
        out: list[Draft] = []
        with_drafts = {d.sentence.index for d in drafts}
        for sent in article.sentences:
            if sent.index in with_drafts or sent.index == 0:
                continue
            prev = [d for d in drafts if d.sentence.index == sent.index - 1]
            if not prev:
                continue
            listed = finder.listed_places(sent)
            if not listed:
                continue
            model = prev[-1]
            for place in listed:
                out.append(
                    Draft(
                        kind=model.kind,
                        trigger=model.trigger,
                        sentence=sent,
                        place=place,
                        actor1=model.actor1,
                        actor2=model.actor2,
                        time=model.time,
                        time_inherited=True,
                        historical=model.historical,
                        attributed_to=model.attributed_to,
                        sentences=[model.sentence, sent],
                    )
                )
        return out

    def _air_context(self, article: Article, drafts: list[Draft]) -> None:
        """ "القصف" with no weapon named, just after an air strike: more of the air strike."""
        air = [d for d in drafts if d.kind == "air_strike"]
        for d in drafts:
            if d.kind != "shelling" or not d.trigger.span.text.lstrip("وفب").startswith("ال"):
                continue
            if _adjective_follows(article, d):
                continue  # "القصف التركي", "القصف المدفعي": it says what kind of fire
            if any(0 <= d.sentence.index - a.sentence.index <= 2 for a in air):
                d.kind = "air_strike"

    def _assign_counts(self, article: Article, finder: ArgumentFinder, drafts: list[Draft]) -> None:
        by_sentence: dict[int, list[Draft]] = {}
        for d in drafts:
            by_sentence.setdefault(d.sentence.index, []).append(d)
        numbers: list[tuple[NumberSpan, str | None]] = [(n, None) for n in article.numbers]
        for sent_index in sorted({d.sentence.index for d in drafts}):
            for offset, cue_key, value in finder.cue_counts(article.sentences[sent_index]):
                qualifier: Qualifier = "exact" if value else "vague"
                synthetic = NumberSpan(article.span(offset, offset), value, value, value, qualifier)
                numbers.append((synthetic, cue_key))
        numbers.sort(key=lambda n: n[0].span.start)
        for num, forced in numbers:
            if num.role != "count":
                continue
            found = article.sentence_at(num.span.start)
            if found is None:
                continue
            sent = found
            if sent.index not in by_sentence:
                # a consequence sentence ("ما أدى إلى مقتل 7 أشخاص") after the report
                prev = self._previous_drafts(by_sentence, sent.index, article)
                if prev is None:
                    continue
                candidates = prev
            else:
                candidates = by_sentence[sent.index]
                if finder.preceded_by(num.span.start, self.rules.result_words, 4, sent):
                    # "اشتباكات ... أدت لمقتل عدد من العناصر، وأفادت مصادر بأن قصفاً ...":
                    # a result belongs to a report before it
                    earlier = [d for d in candidates if d.trigger.span.start < num.span.start]
                    candidates = earlier or candidates
            best: tuple[int, Draft, str] | None = None
            for d in candidates:
                key = (
                    (forced if forced in self.rules.counts.accepts.get(d.kind, ()) else None)
                    if forced
                    else finder.count_key(d.kind, num, sent)
                )
                if key is None:
                    continue
                dist = abs(num.span.start - d.trigger.span.start)
                if best is None or dist < best[0]:
                    best = (dist, d, key)
            if best is None:
                continue
            _, target, key = best
            if sent.index not in by_sentence and key not in ("killed", "injured"):
                continue
            copies = [d for d in candidates if d.trigger is target.trigger]
            own = _place_after(num, copies)
            for d in copies:
                # per-place copies of one trigger share a count, unless the count stands
                # right before its own place ("شخصين من بلدة الزر وشخص من بلدة محيميدة")
                if own is None or d is own:
                    d.counts.setdefault(key, []).append(num)
                    if finder.is_update(num, sent):
                        d.updated.add(key)

    @staticmethod
    def _previous_drafts(
        by_sentence: dict[int, list[Draft]], index: int, article: Article
    ) -> list[Draft] | None:
        """Drafts of the one or two sentences before, when no heading stands between."""
        for back in (1, 2):
            k = index - back
            if k < 0 or article.sentences[k].heading:
                return None
            if k in by_sentence:
                return by_sentence[k]
        return None

    def _inherit_agents(self, drafts: list[Draft]) -> None:
        """A strike or attack with no named doer continues the previous report's doer
        ("... شنتها طائرات النظام. وقُتل 15 مدنياً في غارات على دوما")."""
        last: Draft | None = None
        for d in sorted(drafts, key=lambda x: x.trigger.span.start):
            family = self.kinds.kinds[d.kind].family
            if (
                d.actor1 is None
                and family in VIOLENT_FAMILIES
                and last is not None
                and last.actor1 is not None
                and 0 < d.sentence.index - last.sentence.index <= 3
                and (d.actor2 is None or d.actor2.actor.id != last.actor1.actor.id)
            ):
                d.actor1 = last.actor1
            if family in VIOLENT_FAMILIES and d.actor1 is not None:
                last = d

    def _singular_counts(self, finder: ArgumentFinder, drafts: list[Draft]) -> None:
        c = self.rules.counts
        for d in drafts:
            key = c.kind_people_key.get(d.kind)
            if key is None or key in d.counts or key not in c.accepts.get(d.kind, ()):
                continue
            first = d.trigger.lemma.split()[0]
            if d.kind in c.needs_cue and c.cues.get(first) != key:
                continue
            if finder.singular_after(d.trigger, d.sentence):
                at = d.trigger.span.end
                one = NumberSpan(Span(at, at, ""), 1, 1, 1, "exact", "count")
                d.counts[key] = [one]

    # -- merging within the article ---------------------------------------------------------------
    def _merge(self, drafts: list[Draft], finder: ArgumentFinder) -> list[Draft]:
        kept: list[Draft] = []
        placeless: list[Draft] = []
        # specific words first: a generic "الهجوم"/"الانفجار" then joins what they found
        drafts = sorted(drafts, key=lambda x: (x.trigger.generic, x.sentence.heading))
        for d in drafts:
            if d.trigger.generic or d.sentence.heading:
                cause = finder.preceded_by(
                    d.trigger.span.start, self.rules.cause_words, 2, d.sentence
                )
                host = self._host_for(kept, d, cause)
                if host is not None:
                    self._absorb(host, d)
                    continue
            if d.continues:
                host = self._nearest_same_kind(kept, d)
                if host is not None:
                    self._absorb(host, d)
                    continue
            if d.place is None:
                placeless.append(d)
                continue
            twin = next((k for k in kept if self._same(k, d)), None)
            if twin is None:
                kept.append(d)
            else:
                self._absorb(twin, d)
        # region-level drafts fold into a precise draft of the same kind in that region
        for d in [k for k in kept if _is_area(k)]:
            host = next(
                (
                    k
                    for k in kept
                    if k is not d
                    and k.kind == d.kind
                    and k.place is not None
                    and k.place.precision < 3
                    and self._dates_agree(k, d)
                    and (k.place.place.admin1 == d.place.place.admin1 if d.place else False)
                ),
                None,
            )
            if host is not None:
                self._absorb(host, d)
                kept.remove(d)
        for d in placeless:
            same_kind = [k for k in kept if k.kind == d.kind and self._dates_agree(k, d)]
            if same_kind:
                host = min(
                    same_kind, key=lambda k: abs(k.trigger.span.start - d.trigger.span.start)
                )
                self._absorb(host, d)
                continue
            if d.kind in self.rules.places.own_place_kinds:
                continue  # "سيطر المنتخب على مجريات اللعب": no place of its own, no event
            inherited = finder.inherited_place(d.sentence)
            if inherited is not None:
                d.place = inherited
                d.place_inherited = True
            twin = next((k for k in kept if self._same(k, d)), None)
            if twin is None:
                kept.append(d)
            else:
                self._absorb(twin, d)
        # a city-level draft folds into a draft of the same kind in one of its neighbourhoods
        # or villages nearby ("تفجير في دمشق" and "في منطقة الدويلعة في دمشق")
        for d in [
            k for k in kept if k.place is not None and k.place.place.feature_type in WIDE_PLACES
        ]:
            host = next(
                (
                    k
                    for k in kept
                    if k is not d
                    and k.kind == d.kind
                    and k.place is not None
                    and k.place.place.feature_type in INSIDE_A_CITY
                    and abs(k.sentence.index - d.sentence.index) <= 2
                    and self._dates_agree(k, d)
                    and _km(k, d) <= NEAR_KM
                    and (set(d.counts) <= set(k.counts) or not k.counts)
                ),
                None,
            )
            if host is not None and d in kept:
                self._absorb(host, d)
                kept.remove(d)
        floor = self.rules.places.region_only_min_weight
        kept = [
            k
            for k in kept
            if not (
                (k.place is None or k.place.precision == 3)
                and not k.counts
                and k.support == 1
                and k.trigger.weight < floor
            )
        ]
        kept.sort(key=lambda k: k.trigger.span.start)
        return kept

    def _host_for(self, kept: list[Draft], d: Draft, cause: bool = False) -> Draft | None:
        """Where a generic trigger or a headline belongs: the nearest draft that a specific
        word of the body found (any violent kind for a generic word, the same kind for a
        headline)."""
        if d.trigger.generic:
            family = self.kinds.kinds[d.kind].family
            related = {family} | VIOLENT_FAMILIES if family in VIOLENT_FAMILIES else {family}
            reports = [
                k
                for k in kept
                if self.kinds.kinds[k.kind].family in related and not k.trigger.generic
            ]
            cands = [
                k
                for k in reports
                if _explicitly_same_day(k, d)
                or (self._dates_agree(k, d) and abs(k.sentence.index - d.sentence.index) <= 2)
            ]
            if not cands and d.place is None:
                # "فإن الانفجار أسفر عن مقتل 20 شخصاً" three paragraphs after the bombing: a
                # generic word with no place of its own refers back however far
                cands = [k for k in reports if self._dates_agree(k, d)]
            if not cands and cause:
                # "ونزح نحو مليون شخص جراء الهجوم الذي شنته قوات النظام": the attack named
                # as the cause of its sentence's report
                cands = [k for k in kept if k.sentence is d.sentence and not k.trigger.generic]
        else:
            cands = [k for k in kept if k.kind == d.kind and self._dates_agree(k, d)]
        cands = [k for k in cands if not k.sentence.heading]
        if not cands:
            return None
        return min(cands, key=lambda k: abs(k.trigger.span.start - d.trigger.span.start))

    def _nearest_same_kind(self, kept: list[Draft], d: Draft) -> Draft | None:
        same = [k for k in kept if k.kind == d.kind and self._dates_agree(k, d)]
        if not same:
            return None
        return min(same, key=lambda k: abs(k.trigger.span.start - d.trigger.span.start))

    @staticmethod
    def _dates_agree(a: Draft, b: Draft) -> bool:
        da = a.time.date if a.time and not a.time_inherited else None
        db = b.time.date if b.time and not b.time_inherited else None
        return da is None or db is None or da == db

    def _same(self, a: Draft, b: Draft) -> bool:
        if a.kind != b.kind or a.historical != b.historical:
            return False
        pa = a.place.place.id if a.place else None
        pb = b.place.place.id if b.place else None
        # "بدأ اليوم تنفيذ الاتفاق الذي تم التوصل إليه أمس": one sentence, one agreement
        return pa == pb and (self._dates_agree(a, b) or a.sentence is b.sentence)

    @staticmethod
    def _absorb(host: Draft, other: Draft) -> None:
        host.support += other.support
        for key, nums in other.counts.items():
            host.counts.setdefault(key, []).extend(nums)
        host.updated |= other.updated
        host.actor1 = host.actor1 or other.actor1
        host.actor2 = host.actor2 or other.actor2
        if (
            host.actor1 is not None
            and host.actor2 is not None
            and host.actor1.actor.id == host.actor2.actor.id
        ):
            host.actor2 = None
        if (
            host.time is None
            or host.time.date is None
            or (host.time_inherited and other.time is not None and not other.time_inherited)
        ):
            host.time, host.time_inherited = other.time or host.time, other.time_inherited
        host.attributed_to = host.attributed_to or other.attributed_to
        if other.place is not None and (
            host.place is None or (host.place_inherited and not other.place_inherited)
        ):
            host.place, host.place_inherited = other.place, other.place_inherited
        for s in other.sentences:
            if all(s.index != h.index for h in host.sentences):
                host.sentences.append(s)

    # -- coding -------------------------------------------------------------------------------------
    def _code(self, article: Article, d: Draft, n: int) -> Mention:
        on = self._date(article, d)
        raw, feats = self._confidence(d)
        counts, claims = self._counts(d)
        location = (
            Location(
                d.place.place, max(d.place.precision, 2 if d.place_inherited else 1), d.place.span
            )
            if d.place is not None
            else None
        )
        actor1 = d.actor1.actor if d.actor1 else None
        actor2 = d.actor2.actor if d.actor2 else None
        default = self.rules.roles.default_actor1.get(d.kind)
        if (
            default
            and self.actor_of is not None
            and (actor1 is None or actor1.inter not in CROWD_INTER)
        ):
            # "خرج آلاف المحتجين"/"أهالي المدينة" in a protest: ACLED's "Protesters" (a
            # government named in the sentence is what they protest against, not who acts)
            actor1 = self.actor_of(default, on[0]) or actor1
        default = self.rules.roles.default_actor2.get(d.kind)
        if default and actor2 is None and self.actor_of is not None:
            # "نزوح أكثر من 30 ألف شخص", "أعدم التنظيم شابين": ACLED codes them as civilians
            actor2 = self.actor_of(default, on[0])
            if actor2 is not None and actor1 is not None and actor1.id == actor2.id:
                actor2 = None
        circumstances = {"no_fighting": False}
        event_type, sub_event_type = acled_pair(self.kinds, d.kind, actor1, circumstances)
        framing = sorted({a.framing for a in (d.actor1, d.actor2) if a is not None and a.framing})
        evidence = [
            Evidence(s.start, s.end, article.text[s.start : s.end])
            for s in sorted(d.sentences, key=lambda s: s.start)
        ]
        return Mention(
            id=f"{article.id}#m{n}",
            article_id=article.id,
            kind=d.kind,
            event_type=event_type,
            sub_event_type=sub_event_type,
            date=on[0],
            date_precision=on[1],
            actor1=actor1,
            actor2=actor2,
            location=location,
            counts=counts,
            fatalities=fatalities(counts),
            attributed_to=d.attributed_to,
            historical=d.historical,
            evidence=evidence,
            confidence=self.calibration(raw) if self.calibration else raw,
            raw_score=raw,
            features=feats,
            trigger=d.trigger.span,
            weekday=d.time.weekday if d.time else None,
            framing=framing,
            claims=claims,
            notes=notes(self.kinds, d.kind, actor1, actor2, location, counts),
            sentence=d.sentence.index,
        )

    @staticmethod
    def _date(article: Article, d: Draft) -> tuple[dt.date | None, DatePrecision | None]:
        if d.time is not None and d.time.date is not None:
            return d.time.date, d.time.precision
        if article.published is not None:
            return article.published, "week"
        return None, None

    @staticmethod
    def _counts(d: Draft) -> tuple[dict[str, Count], dict[str, list[Count]]]:
        counts: dict[str, Count] = {}
        claims: dict[str, list[Count]] = {}
        for key, nums in d.counts.items():
            # figures read from the text beat those inferred from a singular noun or a cue
            read = [n for n in set(nums) if n.span.end > n.span.start]
            ordered = sorted(read or set(nums), key=lambda x: x.span.start)
            all_claims = [_count(x) for x in ordered]
            chosen = ordered[-1] if key in d.updated else _most_informative(ordered)
            counts[key] = _count(chosen)
            if len(all_claims) > 1:
                claims[key] = all_claims
        return counts, claims

    def _features(self, d: Draft) -> dict[str, float]:
        """What the confidence model looks at (names are keys of calibration.json)."""
        place = d.place
        family = self.kinds.kinds[d.kind].family
        return {
            "bias": 1.0,
            "trigger_weight": d.trigger.weight,
            "place_exact": float(
                place is not None and not d.place_inherited and place.precision == 1
            ),
            "place_near": float(
                place is not None and not d.place_inherited and place.precision == 2
            ),
            "place_region": float(
                place is not None and not d.place_inherited and place.precision == 3
            ),
            "place_inherited": float(d.place_inherited),
            "actor1": float(d.actor1 is not None),
            "actor2": float(d.actor2 is not None),
            "time_in_sentence": float(d.time is not None and not d.time_inherited),
            "counts": float(bool(d.counts)),
            "support": float(min(d.support, 4) - 1),
            "heading_only": float(d.sentence.heading and d.support == 1),
            "generic": float(d.trigger.generic),
            "attributed": float(d.attributed_to is not None),
            f"family_{family}": 1.0,
        }

    def _confidence(self, d: Draft) -> tuple[float, dict[str, float]]:
        """The raw score (before the isotonic map): the fitted model's probability when
        there is one, else a fixed prior from the trigger and the arguments."""
        feats = self._features(d)
        if self.scorer is not None:
            return round(self.scorer(feats), 3), feats
        score = (
            0.35 + 0.35 * d.trigger.weight + 0.1 * feats["place_exact"] - 0.1 * (d.place is None)
        )
        score += 0.05 * (feats["actor1"] + feats["time_in_sentence"] + feats["counts"])
        return round(min(0.99, max(0.05, score)), 2), feats


def _adjective_follows(article: Article, d: Draft) -> bool:
    """Whether the trigger word is followed by an adjective in ي/ية ("القصف التركي")."""
    words = article.text[d.trigger.span.end : d.sentence.end].split()
    return bool(words) and words[0].strip("،,.").endswith(("ي", "ية"))


def _explicitly_same_day(a: Draft, b: Draft) -> bool:
    return (
        a.time is not None
        and b.time is not None
        and not a.time_inherited
        and not b.time_inherited
        and a.time.date is not None
        and a.time.date == b.time.date
    )


def _place_after(num: NumberSpan, copies: list[Draft]) -> Draft | None:
    """The list copy whose place follows the number closely, if the list pairs them."""
    if len(copies) < 2:
        return None
    after = [
        d for d in copies if d.place is not None and 0 <= d.place.span.start - num.span.end <= 25
    ]
    return min(after, key=lambda d: d.place.span.start if d.place else 0) if after else None


VIOLENT_FAMILIES = frozenset({"battle", "remote", "civilians"})


def _inside_name(trig: TriggerSpan, article: Article) -> bool:
    """The trigger is a word of an actor's or a place's name."""
    s, e = trig.span.start, trig.span.end
    return any(a.span.start <= s and e <= a.span.end for a in article.actors) or any(
        p.span.start <= s and e <= p.span.end for p in article.places
    )


WIDE_PLACES = frozenset({"city", "district", "subdistrict", "governorate", "region"})
NEAR_KM = 12.0
# places that lie inside a city: a report at city level is the same report
INSIDE_A_CITY = frozenset(
    {"neighbourhood", "landmark", "prison", "camp", "airport", "base", "bridge", "crossing"}
)


def _km(a: Draft, b: Draft) -> float:
    assert a.place is not None and b.place is not None
    pa, pb = a.place.place, b.place.place
    return haversine_km(pa.lat, pa.lon, pb.lat, pb.lon)


AREA_TYPES = frozenset({"country", "governorate", "district", "subdistrict", "region"})


def _is_area(d: Draft) -> bool:
    """A draft located only at an administrative area, a countryside or a wide region."""
    if d.place is None:
        return False
    p = d.place
    return p.precision == 3 or (
        p.precision == 2 and (p.place.feature_type in AREA_TYPES or (p.cue or "").endswith("ريف"))
    )


def _contains(area: Draft, precise: Draft) -> bool:
    """Whether the area of one draft contains the place of the other."""
    if area.place is None or precise.place is None:
        return False
    a, p = area.place.place, precise.place.place
    if area.place.precision == 3 or a.feature_type in {"governorate", "region", "country"}:
        return a.admin1 is not None and a.admin1 == p.admin1
    return a.admin2 is not None and a.admin2 == p.admin2


def _count(num: NumberSpan) -> Count:
    """A claim as events.md writes it: an exact figure is its own low and high."""
    value, low, high = num.value, num.low, num.high
    if value is not None:
        if num.qualifier == "exact":
            low = high = value
        elif num.qualifier == "at_least" and low is None:
            low = value
        elif num.qualifier == "at_most" and high is None:
            high = value
    return Count(value, low, high, num.qualifier)


def _most_informative(nums: list[NumberSpan]) -> NumberSpan:
    exact = [n for n in nums if n.value is not None]
    return exact[0] if exact else nums[0]


__all__ = ["EventDetector", "in_sentence"]
