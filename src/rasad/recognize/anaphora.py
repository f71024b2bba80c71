"""Context rules around recognised names: what a phrase refers to.

The rules used by :mod:`rasad.recognize.actors`, each driven by data:

* a mention **widens** over a descriptor or loaded noun before it and a loaded
  adjective after it ("ميليشيا “قسد” الإرهابية"), and a name followed by its bracketed
  or quoted short form is one mention ("قوات سوريا الديمقراطية (قسد)");

* **anaphors** ("التنظيم"، "الميليشيا"، "الطرفين"، "الجيش") resolve to an organisation
  the article itself has named: the most recent mention whose words contain the
  anaphor's head noun ("تنظيم قسد" → التنظيم = SDF), else the most frequent actor named so
  far, else the first one named after, else a fallback name resolved by date;
* **persons** attach to an organisation when a title links them
  ("زعيم التنظيم فرهاد عبدي شاهين"، "“وضاح المشعان”، قائد مجلس ... العسكري");
* **nationality, place and period cues**: "رتل عسكري أمريكي" names US forces, "فرّ
  إلى تركيا" names a place, "ضابط سابق في الجيش السوري" the army of the earlier period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from rasad.errors import DataFileError
from rasad.model import Actor

WORD_RE = re.compile(r"[^\W_]+")


_CLITIC_ART = frozenset({"وال", "فال", "بال", "كال", "ولل", "فلل"})


def bare(word: str) -> str:
    """A normalised word without a leading conjunction/preposition clitic and article."""
    if len(word) > 5 and word[:4] in ("وبال", "فبال"):
        return word[4:]
    if len(word) > 4 and word[:3] in _CLITIC_ART:
        return word[3:]
    if len(word) > 3 and word[:2] in ("ال", "لل"):
        return word[2:]
    return word


def bare_words(text: str) -> frozenset[str]:
    return frozenset(bare(w) for w in WORD_RE.findall(text))


@dataclass(slots=True)
class Found:
    """A stretch of normalised text recognised as (or referring to) an actor."""

    start: int
    end: int
    kind: str  # "name" | "anaphor" | "pattern" | "nisba" | "person"
    targets: tuple[Any, ...] = ()  # AliasTarget candidates for names
    rule: int = -1  # anaphor rule index
    actor: Actor | None = None
    words: frozenset[str] = frozenset()
    framing: tuple[str, ...] = ()
    role_hint: str | None = None
    extra: list[Actor] = field(default_factory=list)  # second referent of "الطرفين"


@dataclass(slots=True, frozen=True)
class AnaphorRule:
    forms: tuple[str, ...]
    heads: frozenset[str]
    kinds: frozenset[str]
    frequent: bool = False
    following: bool = False
    # aliases to take when no antecedent is found: (alias, valid_from, valid_to), the first
    # whose period holds on the article's date
    fallback: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()
    count: int = 1

    def fallback_on(self, on: dt.date | None) -> str | None:
        for alias, start, end in self.fallback:
            if on is None or ((start is None or start <= on) and (end is None or on < end)):
                return alias
        return None


_CLAUSE_BREAK = re.compile(r"[.,،؛;:!?؟()\n]")
NEAR = 30  # characters: an anaphor does not refer to an actor named this close in its clause


def resolve_anaphors(
    text: str,
    found: Sequence[Found],
    rules: Sequence[AnaphorRule],
    fallback: Callable[[str], Actor | None],
    on: dt.date | None = None,
) -> None:
    """Fill ``actor`` (and ``extra`` for two-referent forms) of every anaphoric item.

    ``found`` is in text order; named items already carry their actor. Items that stay
    unresolved keep ``actor = None``. A single-referent anaphor never takes an actor
    named within the same clause a few words before it ("قسد تخترق صفوف التنظيم":
    التنظيم is not قسد).
    """
    named = [(i, f) for i, f in enumerate(found) if f.kind != "anaphor" and f.actor is not None]
    for i, item in enumerate(found):
        if item.kind != "anaphor":
            continue
        rule = rules[item.rule]
        before = [
            f for j, f in named if j < i and f.actor is not None and f.actor.kind in rule.kinds
        ]
        if rule.count == 2:
            picked: list[Actor] = []
            for f in reversed(before):
                assert f.actor is not None
                if all(f.actor.id != a.id for a in picked):
                    picked.append(f.actor)
                if len(picked) == 2:
                    break
            if picked:
                item.actor = picked[0]
                item.extra = picked[1:]
            continue
        item.actor = _antecedent(text, item, rule, before, [f for j, f in named if j > i])
        if item.actor is None:
            alias = rule.fallback_on(on)
            if alias is not None:
                item.actor = fallback(alias)


def _near(text: str, antecedent: Found, anaphor: Found) -> bool:
    gap = text[antecedent.end : anaphor.start]
    return len(gap) < NEAR and _CLAUSE_BREAK.search(gap) is None


def _antecedent(
    text: str, item: Found, rule: AnaphorRule, before: list[Found], after: list[Found]
) -> Actor | None:
    """The most recent mention with the head noun; else the most frequent actor so far;
    else the first later mention (with the head noun if any). Past the head-noun step,
    actors named close before the anaphor in its clause are not candidates."""
    for f in reversed(before):
        if rule.heads & f.words:
            return f.actor
    near = {f.actor.id for f in before if f.actor is not None and _near(text, f, item)}
    before = [f for f in before if not _near(text, f, item)]
    if rule.frequent and before:
        counts = Counter(f.actor.id for f in before if f.actor is not None)
        best = max(counts.values())
        for f in reversed(before):
            if f.actor is not None and counts[f.actor.id] == best:
                return f.actor
    if rule.following:
        later = [
            f
            for f in after
            if f.actor is not None and f.actor.kind in rule.kinds and f.actor.id not in near
        ]
        for f in later:
            if rule.heads & f.words:
                return f.actor
        if later:
            return later[0].actor
    return None


# ------------------------------------------------------------------------ widening


@dataclass(slots=True, frozen=True)
class Widener:
    """Widens mentions over descriptor nouns and loaded wording; records the framing."""

    before: re.Pattern[str]
    after: re.Pattern[str]
    framing: dict[str, str]  # normalised word -> the data file's spelling
    nouns: frozenset[str]  # every descriptor/prefix without its article (cheap pre-check)

    @classmethod
    def build(
        cls, descriptors: list[str], prefixes: dict[str, str], suffixes: dict[str, str]
    ) -> Widener:
        alt = _alternation([*descriptors, *prefixes])
        return cls(
            before=re.compile(
                rf'(?:^|(?<=\W))[وف]?[بلك]?(?P<d>(?:ال)?(?:{alt}))(?:\s+(?:ال)?(?:{alt}))?\s*["(]?\s*$'
            ),
            after=re.compile(rf'\s*"?\s*(?P<f>{_alternation(list(suffixes))})(?!\w)'),
            framing={**prefixes, **suffixes},
            nouns=frozenset(bare(w.split()[-1]) for w in [*descriptors, *prefixes] if w),
        )

    def __call__(self, text: str, found: list[Found]) -> list[Found]:
        for k, f in enumerate(found):
            lo = max(found[k - 1].end if k else 0, f.start - 40)
            window = text[lo : f.start].rstrip(' "(')
            last = window[window.rfind(" ") + 1 :]
            nouns = self.nouns
            if last and (bare(last) in nouns or bare(last[1:]) in nouns or last[1:] in nouns):
                m = self.before.search(text[lo : f.start])
                if m is not None:
                    f.start = lo + m.start("d")
            hi = min(found[k + 1].start if k + 1 < len(found) else len(text), f.end + 40)
            m2 = self.after.match(text, f.end, hi)
            if m2 is not None:
                f.end = m2.end("f")
            surface = text[f.start : f.end]
            f.words = bare_words(surface)
            f.framing = tuple(
                dict.fromkeys(
                    self.framing[w] for w in WORD_RE.findall(surface) if w in self.framing
                )
            )
        return found


_CLOSE_RE = re.compile(r'\s*([)"])')


def merge_brackets(text: str, found: list[Found]) -> list[Found]:
    """ "قوات سوريا الديمقراطية (قسد)" and 'قوات سوريا الديمقراطية "قسد"' are one mention;
    a bracketed name of another actor is the more specific one ("قوى الأمن الداخلي
    (الأسايش)")."""
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if prev is not None and "anaphor" not in (prev.kind, f.kind):
            opener = text[prev.end : f.start].strip()
            close = _CLOSE_RE.match(text, f.end)
            if close is not None and (opener, close.group(1)) in (("(", ")"), ('"', '"')):
                ids = {t.actor_id for t in prev.targets}
                common = tuple(t for t in f.targets if t.actor_id in ids)
                if common or f.end - f.start > 2:
                    out[-1] = Found(
                        prev.start,
                        close.end(),
                        f.kind,
                        common or f.targets,
                        words=prev.words | f.words,
                        framing=tuple(dict.fromkeys(prev.framing + f.framing)),
                    )
                    continue
        out.append(f)
    return out


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted({w for w in words if w}, key=len, reverse=True))


# ------------------------------------------------------------------ name contexts


@dataclass(slots=True, frozen=True)
class NationalityContext:
    """ "<noun> [<adjective>] <nationality>": which nouns make a nationality an actor."""

    forces: frozenset[str]
    acts: frozenset[str]
    between: frozenset[str]
    forms: frozenset[str]

    @classmethod
    def build(
        cls, forces: list[str], acts: list[str], between: list[str], forms: list[str]
    ) -> NationalityContext:
        f, a, b = (frozenset(bare(w) for w in ws) for ws in (forces, acts, between))
        return cls(f, a, b, frozenset(forms))

    def start(self, text: str, word_start: int, adj_start: int) -> int:
        """Where the mention starts, or -1 when no noun licenses the nationality.

        After a force noun the mention starts at the noun ("رتل عسكري أمريكي"); after an
        act noun, or for a second coordinated nationality, it is the adjective alone."""
        words = list(WORD_RE.finditer(text, max(0, word_start - 50), word_start))[-3:]
        coordinated = False
        k = len(words) - 1
        for _ in range(3):
            nxt = words[k + 1].start() if 0 <= k < len(words) - 1 else word_start
            if k < 0 or not text[words[k].end() : nxt].isspace():
                return -1
            forms = _stems(words[k].group())
            if not coordinated and not forms.isdisjoint(self.forms):
                coordinated = True
            elif not forms.isdisjoint(self.between):
                pass
            elif not coordinated and not forms.isdisjoint(self.forces):
                return _noun_start(words[k].start(), words[k].group())
            elif not forms.isdisjoint(self.acts) or not forms.isdisjoint(self.forces):
                return adj_start
            else:
                return -1
            k -= 1
        return -1


@dataclass(slots=True, frozen=True)
class PlaceContext:
    """Country and capital names are places, not actors, after a spatial word."""

    words: frozenset[str]

    def around(self, text: str, word_start: int, end: int, prefix: str) -> bool:
        if "ب" in prefix or text[end : end + 2].lstrip()[:1] == "-":  # "بتركيا", "طهران- ..."
            return True
        words = WORD_RE.findall(text, max(0, word_start - 40), word_start)[-2:]
        if not words:
            return False
        if self._place_word(words[-1]):
            return True
        # "في لبنان وتركيا": a coordinated name shares the preposition of the one before
        return prefix.startswith("و") and len(words) == 2 and self._place_word(words[0])

    def _place_word(self, w: str) -> bool:
        return w in self.words or (w[0] in "وف" and w[1:] in self.words)


@dataclass(slots=True, frozen=True)
class FormerCue:
    """ "ضابط سابق في الجيش السوري"، "رئيس سابق لمفرزة الأمن العسكري"، "الجيش السوري
    السابق": the name means the entry of the period before the date."""

    before: re.Pattern[str]
    after: re.Pattern[str]
    keys: re.Pattern[str]  # any cue at all (cheap pre-check)

    @classmethod
    def build(cls, cues: list[str], links: list[str], not_after: list[str]) -> FormerCue:
        alt, link = _alternation(cues), _alternation(links) or "(?!)"
        guard = "".join(f"(?<!{re.escape(w)} )" for w in not_after)
        return cls(
            re.compile(rf"{guard}(?:{alt})\s+(?:(?:{link})\s+|[بل][^\W\d_]*\s+)?$"),
            re.compile(rf"\s*(?:{alt})(?!\w)"),
            re.compile(alt or "(?!)"),
        )

    def __call__(self, text: str, start: int, end: int) -> bool:
        if self.keys.search(text, max(0, start - 30), end + 12) is None:
            return False
        return bool(
            self.before.search(text[max(0, start - 30) : start]) or self.after.match(text, end)
        )


def former(targets: Sequence[Any], on: Any) -> tuple[Any, ...]:
    """The meanings of a name that ended before ``on``, latest first."""
    ended = [t for t in targets if t.valid_to is not None and t.valid_to <= on]
    return tuple(sorted(ended, key=lambda t: t.valid_to, reverse=True))


def infer_date(found: Sequence[Found]) -> dt.date | None:
    """A date for an undated article from names that only fit one period: names of two
    or more actors that ended (Assad-era "الجيش النظامي"، "جبهة النصرة") with no name
    that contradicts them date the article just before the earliest end."""
    lo: dt.date | None = None
    ends: dict[str, dt.date] = {}
    for f in found:
        if f.kind == "anaphor" or len({t.actor_id for t in f.targets}) != 1:
            continue
        t = f.targets[0]
        if t.valid_to is not None:
            ends[t.actor_id] = t.valid_to
        if t.valid_from is not None and (lo is None or t.valid_from > lo):
            lo = t.valid_from
    if len(ends) < 2:
        return None
    end = min(ends.values()) - dt.timedelta(days=1)
    return None if lo is not None and lo > end else end


def _stems(word: str) -> set[str]:
    """A word with and without its leading clitics (و ف ب ل ك, ال, لل)."""
    out = {word, bare(word)}
    for n in (1, 2):
        if len(word) - n >= 2 and all(c in "وفبلك" for c in word[:n]):
            out.add(word[n:])
            out.add(bare(word[n:]))
    return out


def _noun_start(start: int, word: str) -> int:
    """Start of a noun without its conjunction/preposition but with its article."""
    i = word.find("ال")
    if 0 <= i <= 2 and all(c in "وفبك" for c in word[:i]):
        return start + i
    return start + 1 if word[0] in "وفبلك" and len(word) > 3 else start


# --------------------------------------------------------------------------- persons


@dataclass(slots=True, frozen=True)
class PersonRules:
    """Titles linking a named person to an organisation, and words that end a name."""

    title_before: re.Pattern[str]  # "<title> " right before the organisation
    name_after: re.Pattern[str]  # a name right after the organisation
    name_before: re.Pattern[str]  # "<name>، " right before the title
    stops: frozenset[str]
    keys: re.Pattern[str]  # the first word of any title (cheap pre-check)

    @classmethod
    def build(cls, data: dict[str, list[str]]) -> PersonRules:
        alt = _alternation(data["titles"])
        nick, ends = _alternation(data["nicknames"]), _alternation(data["name_ends"])
        lists = _alternation(data["list_openers"])
        word = r"[^\W\d_]+"
        return cls(
            title_before=re.compile(rf"(?:^|(?<=\W))[وف]?(?P<title>{alt})\s*$"),
            name_after=re.compile(
                rf'\s*(?:"(?P<q>[^"\n]{{3,40}})"|(?P<w>{word}(?:\s+{word}){{1,3}}))'
                rf'\s*(?=[،,.:(\-"]|\s(?:{ends})(?!\w))'
            ),
            name_before=re.compile(
                rf'(?:"(?P<q>[^"\n]{{3,40}})"(?:\s+(?:{nick})\s*[^\s"]{{0,4}}\s*"[^"\n]{{1,30}}")?\s*[،,]?'
                rf'|(?:^|[،,.:"]\s*|(?:{lists})\s+)(?P<w>{word}(?:\s+{word}){{1,2}})\s*[،,])\s*$'
            ),
            stops=frozenset(data["name_stops"]),
            keys=re.compile(_alternation(t.split()[0] for t in data["titles"]) or "(?!)"),
        )

    def accepts(self, name: str) -> bool:
        """Whether a candidate name contains no stop word."""
        words = name.split()
        return bool(words) and not any(w in self.stops or len(w) < 2 for w in words)


def attach_persons(text: str, found: list[Found], rules: PersonRules) -> list[Found]:
    """Named persons linked by a title to a recognised organisation, as new items."""
    out: list[Found] = []
    for k, f in enumerate(found):
        if f.actor is None or f.actor.kind not in ("organisation", "state"):
            continue
        lo = found[k - 1].end if k else 0
        if rules.keys.search(text, max(lo, f.start - 40), f.start) is None:
            continue
        m = rules.title_before.search(text, max(lo, f.start - 40), f.start)
        if m is None:
            continue
        hi = found[k + 1].start if k + 1 < len(found) else len(text)
        after = rules.name_after.match(text, f.end, min(hi, f.end + 60))
        if after is not None:
            grp = "q" if after.group("q") else "w"
            if rules.accepts(after.group(grp)):
                out.append(_person(text, after.start(grp), after.end(grp), f.actor))
                continue
        before = rules.name_before.search(text, max(lo, m.start() - 60), m.start("title"))
        if before is not None:
            grp = "q" if before.group("q") else "w"
            if rules.accepts(before.group(grp)):
                out.append(_person(text, before.start(grp), before.end(grp), f.actor))
    return out


def repeat_persons(text: str, found: Sequence[Found], persons: Sequence[Found]) -> list[Found]:
    """Later bare mentions of a person already attached by title ("قاسم المقداد")."""
    taken = [(f.start, f.end) for f in (*found, *persons)]
    out: list[Found] = []
    for p in persons:
        name = text[p.start : p.end]
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            free = all(end <= s or pos >= e for s, e in taken)
            if free and not (text[pos - 1 : pos].isalnum() or text[end : end + 1].isalnum()):
                out.append(Found(pos, end, "person", actor=p.actor, words=p.words))
                out[-1].role_hint = "member"
                taken.append((pos, end))
            pos = text.find(name, end)
    return out


def _person(text: str, start: int, end: int, org: Actor) -> Found:
    name = text[start:end].strip()
    actor = Actor(
        id=f"{org.id}:{'-'.join(name.split())}",
        name=name,
        name_ar=name,
        inter=org.inter,
        parent=org.id,
        kind="individual",
    )
    return Found(start, end, "person", actor=actor, words=bare_words(name), role_hint="member")


def read_yaml(raw: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise DataFileError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{where}: expected a mapping at the top level")
    return data
