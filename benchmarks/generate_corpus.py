"""Write a SYNTHETIC corpus of Arabic conflict-news articles for load tests.

    .venv/bin/python benchmarks/generate_corpus.py N OUT [--shards K] [--seed S]
        [--format jsonl|parquet] [--copy-rate 0.1]

Articles are built from the invented templates in ``benchmarks/templates.yaml`` filled with
Rasad's own gazetteer (Syrian villages, towns, cities and neighbourhoods), actor
dictionary (armed parties valid at the article's date) and trigger lexicon (the tag
line). Each article is 3-5 KB of UTF-8: a headline, a dateline, a lead paragraph with an
event, an attribution, sometimes a second event, background paragraphs, a reaction and
the boilerplate lines of a news page. A share of articles (``--copy-rate``) re-tell an
earlier article's event in other words, so the cross-source merge has work to do.

THIS IS NOT ACCURACY EVIDENCE. The texts are marked synthetic three times: the field
``"synthetic": true``, the outlet ``synthetic.invalid`` (a reserved domain) and a line in
the text saying so. They measure throughput, memory and scale-out only; no score, floor
or claim about extraction quality may be computed on them.

Output: ``OUT/part-00000.jsonl`` … (one JSON object a line: id, url, outlet, title,
published, text, synthetic) or ``.parquet`` with the same columns. Generation streams
(constant memory, one article at a time) and is deterministic: article ``i`` depends only
on ``--seed``, ``--copy-rate`` and ``i``, so the same corpus comes out whatever the number
of shards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rasad.recognize.places import Gazetteer

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates.yaml"
OUTLET = "synthetic.invalid"
MIN_BYTES, MAX_BYTES = 3000, 5000
FIRST_DAY, LAST_DAY = dt.date(2013, 1, 1), dt.date(2025, 6, 30)

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([^{}]+)\}")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True, slots=True)
class PlaceName:
    name: str
    cue: str
    gov: str


@dataclass(frozen=True, slots=True)
class ActorNames:
    names: tuple[str, ...]
    valid_from: dt.date | None
    valid_to: dt.date | None

    def valid(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


@dataclass(frozen=True, slots=True)
class EventSpec:
    """What one happening is: reported by its own article and by the copies of it."""

    kind: str
    day: dt.date
    place: PlaceName
    place2: PlaceName
    actor1: str
    actor2: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    templates: dict[str, Any]
    places: tuple[PlaceName, ...]
    actors: tuple[ActorNames, ...]
    tags: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, templates: Path = TEMPLATES) -> Vocabulary:
        tpl = yaml.safe_load(templates.read_text(encoding="utf-8"))
        cues: dict[str, list[str]] = tpl["place_cues"]
        places = tuple(
            PlaceName(e.name_ar, cue, e.admin1_ar)
            for e in Gazetteer.load()
            if e.country == "SY" and e.feature_type in cues and e.admin1_ar
            for cue in cues[e.feature_type][:1]
        )
        data = resources.files("rasad.data")
        actor_doc = yaml.safe_load(data.joinpath("actors.yaml").read_text("utf-8"))
        roles = tpl["actor_roles"]
        actors = tuple(
            ActorNames(tuple(a["names_ar"][: roles["names_per_actor"]]),
                       _day(a.get("valid_from")), _day(a.get("valid_to")))
            for a in actor_doc["actors"]
            if a["inter"] in roles["inter"] and a.get("kind") in roles["kinds"]
            and a["id"] not in roles["exclude"]
        )
        trig_doc = yaml.safe_load(data.joinpath("triggers.yaml").read_text("utf-8"))
        unknown = set(tpl["kinds"]) - set(trig_doc["kinds"])
        if unknown:
            raise SystemExit(f"templates.yaml: kinds not in triggers.yaml: {sorted(unknown)}")
        tags = {
            kind: tuple(
                form
                for entry in trig_doc["kinds"][kind]
                if entry.get("weight", 1.0) >= 0.8 and not entry.get("generic")
                for form in entry.get("forms", [])
                if " " not in form
            )
            for kind in tpl["kinds"]
        }
        return cls(tpl, places, actors, tags)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value) if value else None


class CorpusGenerator:
    """Article ``i`` of a corpus, from ``(seed, copy_rate, i)`` alone."""

    def __init__(self, vocab: Vocabulary, seed: int = 1, copy_rate: float = 0.1) -> None:
        self.vocab = vocab
        self.seed = seed
        self.copy_rate = copy_rate
        self.kinds = sorted(vocab.templates["kinds"])
        self.days = (LAST_DAY - FIRST_DAY).days

    def _rng(self, i: int, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{i}:{part}")

    def source_of(self, i: int) -> int:
        """The article whose event article ``i`` reports (itself unless it is a copy)."""
        while i > 0:
            rng = self._rng(i, "copy")
            if rng.random() >= self.copy_rate:
                break
            i = max(0, i - rng.randint(1, 200))
        return i

    def event(self, j: int) -> EventSpec:
        rng = self._rng(j, "event")
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(self.days))
        live = [a for a in self.vocab.actors if a.valid(day)]
        first, second = rng.sample(live, 2)
        return EventSpec(
            kind=rng.choice(self.kinds),
            day=day,
            place=rng.choice(self.vocab.places),
            place2=rng.choice(self.vocab.places),
            actor1=rng.choice(first.names),
            actor2=rng.choice(second.names),
        )

    def article(self, i: int) -> dict[str, Any]:
        src = self.source_of(i)
        ev = self.event(src)
        rng = self._rng(i, "text")
        lag = rng.choices((0, 1, rng.randint(2, 5)), weights=(60, 35, 5))[0]
        published = ev.day + dt.timedelta(days=lag)
        render = _Renderer(self.vocab, ev, lag, rng)
        kinds = self.vocab.templates["kinds"]
        spec = kinds[ev.kind]
        tpl = self.vocab.templates
        title = render(rng.choice(spec["titles"]))
        lead = [render(rng.choice(spec["leads"]))]
        lead += [render(t) for t in rng.sample(spec["details"], k=min(2, len(spec["details"])))]
        paras = [title, render(tpl["dateline"]), " ".join(lead), render(rng.choice(tpl["attributions"]))]
        if rng.random() < 0.3:
            other = kinds[rng.choice(self.kinds)]
            second = render.with_place2(rng.choice(other["leads"]))
            paras.append(tpl["second_event"] + second)
        tail = [render(rng.choice(tpl["reactions"])), tpl["marker"]]
        other_title = render(rng.choice(kinds[rng.choice(self.kinds)]["titles"]))
        tail += [render(b, title_other=other_title) for b in rng.sample(tpl["boilerplate"], k=3)]
        target = rng.randint(MIN_BYTES + 200, MAX_BYTES - 300)
        size = sum(len(p.encode("utf-8")) + 2 for p in paras + tail)
        background: list[str] = []
        for template in rng.sample(tpl["background"], k=len(tpl["background"])):
            sentence = render(template)
            extra = len(sentence.encode("utf-8")) + 2
            if size + extra > MAX_BYTES:
                break
            background.append(sentence)
            size += extra
            if size >= target:
                break
        while background:
            take = rng.randint(2, 3)
            paras.append(" ".join(background[:take]))
            background = background[take:]
        return {
            "id": f"syn-{self.seed}-{i:08d}",
            "url": f"https://{OUTLET}/{self.seed}/{i}",
            "outlet": OUTLET,
            "title": title,
            "published": published.isoformat(),
            "text": "\n\n".join(paras + tail),
            "synthetic": True,
        }


class _Renderer:
    """Fills the slots of templates for one article."""

    def __init__(self, vocab: Vocabulary, ev: EventSpec, lag: int, rng: random.Random) -> None:
        self.vocab, self.ev, self.rng = vocab, ev, rng
        tpl = vocab.templates
        self.countryside: str = tpl["countryside_word"]
        weekday = tpl["weekdays"][ev.day.weekday()]
        when_key = str(lag) if str(lag) in tpl["when"] else "more"
        self.fixed: dict[str, str] = {
            "weekday": weekday,
            "when": rng.choice(tpl["when"][when_key]).replace("{weekday}", weekday),
        }
        self._set_places(ev.place, ev.place2)
        self.fixed["actor1"], self.fixed["actor2"] = ev.actor1, ev.actor2
        self.random: dict[str, Callable[[], str]] = {
            "any_place": lambda: self._cued(rng.choice(vocab.places)),
            "any_bare": lambda: rng.choice(vocab.places).name,
            "places": self._places,
            "person": lambda: f"{rng.choice(tpl['first_names'])} {rng.choice(tpl['family_names'])}",
            "role": lambda: str(rng.choice(tpl["roles"])),
            "month": lambda: str(rng.choice(tpl["months"])),
            "any_actor": self._any_actor,
        }
        forms = vocab.tags[ev.kind] or (ev.kind,)
        self.fixed["tags"] = "، ".join(
            [rng.choice(forms), ev.place.name, ev.place.gov, ev.actor1]
        )

    @staticmethod
    def _cued(place: PlaceName) -> str:
        return f"{place.cue} {place.name}"

    def _places(self) -> str:
        names = [p.name for p in self.rng.sample(self.vocab.places, self.rng.randint(3, 5))]
        return "، ".join(names[:-1]) + " و" + names[-1]

    def _any_actor(self) -> str:
        live = [a for a in self.vocab.actors if a.valid(self.ev.day)]
        return self.rng.choice(self.rng.choice(live).names)

    def _set_places(self, place: PlaceName, place2: PlaceName) -> None:
        self.fixed.update(
            place=self._cued(place),
            place_bare=place.name,
            place2=self._cued(place2),
            place2_bare=place2.name,
            gov=place.gov,
            gov2=place2.gov,
            rural=self._rural(place.gov),
        )

    def _rural(self, gov: str) -> str:
        return gov if gov.startswith(self.countryside) else f"{self.countryside} {gov}"

    def with_place2(self, template: str) -> str:
        """Render a template about the second place (a second event in the article)."""
        saved = dict(self.fixed)
        self._set_places(self.ev.place2, self.ev.place)
        try:
            return self(template)
        finally:
            self.fixed = saved

    def __call__(self, template: str, **extra: str) -> str:
        text = _ALT.sub(lambda m: self.rng.choice(m.group(1).split("|")), template)
        return _SLOT.sub(lambda m: self._slot(m.group(1), extra), text)

    def _slot(self, name: str, extra: dict[str, str]) -> str:
        if name in extra:
            return extra[name]
        if name in self.fixed:
            return self.fixed[name]
        if name in self.random:
            return self.random[name]()
        if name == "source":
            return self(self.rng.choice(self.vocab.templates["sources"]))
        if name == "year":
            return str(self.rng.randint(2012, max(2012, self.ev.day.year)))
        if name.startswith("count:"):
            _, noun, span = name.split(":")
            low, high = (int(x) for x in span.split("-"))
            return self._count(noun, self.rng.randint(low, high))
        raise KeyError(f"templates.yaml: unknown slot {{{name}}}")

    def _count(self, noun: str, n: int) -> str:
        forms = self.vocab.templates["nouns"][noun]
        if n == 2:
            return str(forms["two"])
        digits = str(n).translate(_ARABIC_DIGITS) if self.rng.random() < 0.2 else str(n)
        return f"{digits} {forms['few'] if n <= 10 else forms['many']}"


def shard_ranges(n: int, shards: int) -> Iterator[tuple[int, int, int]]:
    """(shard, first, stop) with ``n`` articles spread evenly over ``shards`` files."""
    for k in range(shards):
        yield k, k * n // shards, (k + 1) * n // shards


def write_corpus(
    gen: CorpusGenerator,
    n: int,
    out: Path,
    shards: int = 1,
    fmt: str = "jsonl",
    on_shard: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write ``n`` articles into ``shards`` files under ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for k, first, stop in shard_ranges(n, shards):
        path = out / f"part-{k:05d}.{fmt}"
        tmp = path.with_name(path.name + ".tmp")
        rows = (gen.article(i) for i in range(first, stop))
        if fmt == "jsonl":
            with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                for row in rows:
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "parquet":
            _write_parquet(rows, tmp)
        else:
            raise ValueError(f"unknown format {fmt!r}: jsonl or parquet")
        tmp.replace(path)
        paths.append(path)
        if on_shard is not None:
            on_shard(path)
    return paths


def _write_parquet(rows: Iterator[dict[str, Any]], path: Path, batch: int = 2000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [("id", pa.string()), ("url", pa.string()), ("outlet", pa.string()),
         ("title", pa.string()), ("published", pa.date32()), ("text", pa.string()),
         ("synthetic", pa.bool_())]
    )
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        buf: list[dict[str, Any]] = []
        for row in rows:
            buf.append({**row, "published": dt.date.fromisoformat(row["published"])})
            if len(buf) >= batch:
                writer.write_table(pa.Table.from_pylist(buf, schema=schema))
                buf = []
        if buf:
            writer.write_table(pa.Table.from_pylist(buf, schema=schema))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out", type=Path, help="output folder")
    ap.add_argument("--shards", type=int, default=None, help="files (default: one per 10,000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    ap.add_argument("--copy-rate", type=float, default=0.1,
                    help="share of articles re-telling an earlier article's event")
    ap.add_argument("--templates", type=Path, default=TEMPLATES)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    shards = args.shards or max(1, -(-args.n // 10_000))
    if not 1 <= shards <= args.n:
        ap.error("--shards must be between 1 and N")
    start = time.perf_counter()
    gen = CorpusGenerator(Vocabulary.load(args.templates), args.seed, args.copy_rate)
    paths = write_corpus(gen, args.n, args.out, shards, args.format,
                         on_shard=lambda p: print(f"wrote {p}", file=sys.stderr))
    mb = sum(p.stat().st_size for p in paths) / 1e6
    secs = time.perf_counter() - start
    print(f"{args.n} synthetic articles in {len(paths)} {args.format} shards, {mb:.1f} MB, "
          f"{secs:.1f} s ({args.n / secs:,.0f} articles/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
