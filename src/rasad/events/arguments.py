"""Attaching arguments to a trigger: whether it is news at all, its actors, counts and date
(places: ``rasad.events.placing``), within its sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rasad.events.lexicon import EventRules
from rasad.events.placing import PlaceFinder
from rasad.events.token_view import has_phrase, in_sentence
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


# ACLED interaction codes of armed actors (state, rebel, political and identity militias, external)
ARMED_INTER = frozenset({1, 2, 3, 4, 8})
# kinds whose agent may follow the trigger noun directly ("غارات التحالف")
GENITIVE_AGENT_KINDS = frozenset({"air_strike", "shelling", "armed_clash", "attack_on_civilians"})
# kinds whose two sides an article names with "بين X و Y"
BETWEEN_KINDS = frozenset({"armed_clash", "agreement", "riot"})
# ACLED's interaction code of state forces
STATE_INTER = 1
# ACLED's interaction code of civilians, and kinds where civilians may be the doers
CIVILIANS_INTER = 7
# ACLED interaction codes of crowds: rioters and protesters
CROWD_INTER = frozenset({5, 6})
PASSIVE_KINDS = frozenset({"displacement", "protest", "riot", "surrender", "defection"})
# count keys of people struck: members named after one of their cues are the side acted on
STRUCK_KEYS = frozenset({"killed", "injured", "captured", "arrested", "abducted"})


class ArgumentFinder(PlaceFinder):
    """Finds the arguments of triggers in one article (built per article): whether it is an
    event at all, its places (``PlaceFinder``), actors, counts and time."""

    def __init__(self, article: Article, tokens: Tokens, rules: EventRules) -> None:
        super().__init__(article, tokens, rules)
        self._other_domain: dict[int, bool] = {}  # sentence index -> in another domain

    # -- non-events -----------------------------------------------------------------------------
    def is_non_event(self, trig: TriggerSpan, sent: Sentence) -> bool:
        text = self.article.text[sent.start : sent.end].rstrip()
        if text.endswith(self.rules.question_marks):
            return True
        first = self.sentence_token_floor(sent)
        opening = self.tokens.candidates[first : min(first + 2, self.tok_index(trig.span.start))]
        if (
            any(c in self.rules.habitual_openers for cands in opening for c in cands)
            and self.clause_start(trig, sent) == sent.start
        ):
            # "وتشهد الرستن منذ أشهر مواجهات متكررة", "هذا وتشهد المناطق المحررة عمليات
            # اغتيال": a lasting state
            return True
        if self.is_tally(trig, sent) or self.other_domain(sent):
            return True
        before = self.words_before(trig.span.start, self.rules.non_event_window, first)
        if any(c in self.rules.non_event_words for cands in before for c in cands):
            return True
        if before and any(c in self.rules.site_words for c in before[-1]):
            return True  # "قرب مكان الاستهداف": the site of what was told
        wide = self.words_before(trig.span.start, self.rules.non_event_wide_window, first)
        if any(c in self.rules.non_event_wide for cands in wide for c in cands):
            return True
        after = self.tok_index(trig.span.end)
        if any(
            c in self.rules.non_event_after
            for cands in self.tokens.candidates[after : after + 2]
            for c in cands
        ):
            return True
        if has_phrase([cands[0] for cands in before], self.rules.non_event_phrases):
            return True
        return self.is_purpose(trig, before, sent)

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


    def is_continuation(self, trig: TriggerSpan, sent: Sentence) -> bool:
        """ "ولا تزال الاشتباكات متواصلة": more of a happening the article already reported."""
        i = self.tok_index(trig.span.start)
        lo = max(self.sentence_token_floor(sent), i - 4)
        hi = min(self.tok_index(sent.end), i + 5)
        words = [self.tokens.candidates[k][0] for k in range(lo, hi)]
        firsts = self.rules.continuation_firsts
        return any(w in firsts for w in words) and has_phrase(words, self.rules.continuation)

    # -- actors -------------------------------------------------------------------------------------
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

    def struck_members(self, actor: ActorSpan, sent: Sentence) -> bool:
        """Members named after a death, injury or capture word: "قُتل عنصران من قسد",
        "إصابة ثلاثة جنود من الجيش التركي"."""
        cues = self.rules.counts.cues
        before = self.words_before(actor.span.start, 6, self.sentence_token_floor(sent))
        return any(cues.get(c) in STRUCK_KEYS for cands in before for c in cands)

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
        # "مقتل 23 عنصراً من التنظيم", "عناصر سابقة من تنظيم الدولة": members, not doers;
        # "قُتل عنصران من قسد إثر انفجار عبوة": the members struck are the other side
        members = [a for a in before if self.member_of(a, sent)]
        victims = [a for a in members if self.struck_members(a, sent)]
        before = [a for a in before if a not in members]
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
        if a2 is None and victims and (a1 is None or victims[-1].actor.id != a1.actor.id):
            a2 = victims[-1]
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
        return has_phrase([self.tokens.candidates[i][0] for i in rng], self.rules.no_fighting)


