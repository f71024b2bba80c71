"""Throughput of each stage and of the whole pipeline, on one core, with two references.

    .venv/bin/python benchmarks/run.py [--repeat 20] [--write docs/benchmarks.md]

The corpus is the seeds, the development set and the project's own set (read from where
they are; nothing is copied), repeated ``--repeat`` times. References measured in the same
run: reading the input alone, and a bare multi-pattern scan (pyahocorasick) of the same
normalised text with the same gazetteer names and trigger forms — the floor of what any
extractor must do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import ahocorasick

from rasad.model import Article
from rasad.pipeline import Pipeline, Resources
from rasad.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def corpus() -> list[tuple[str, dt.date | None]]:
    texts: list[tuple[str, dt.date | None]] = []
    meta = SHARED / "spec" / "gold" / "seeds.meta.jsonl"
    if meta.exists():
        for line in meta.read_text(encoding="utf-8").splitlines():
            m = json.loads(line)
            text = (SHARED / "seeds" / f"{m['id']}.txt").read_text(encoding="utf-8")
            texts.append((text, dt.date.fromisoformat(m["published"])))
    for path in (SHARED / "dev" / "input.jsonl", ROOT / "tests" / "data" / "devset" / "input.jsonl"):
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                pub = dt.date.fromisoformat(row["published"]) if row.get("published") else None
                texts.append((row["text"], pub))
    return texts


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--write", type=Path, default=None)
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core

    t0 = time.perf_counter()
    res = Resources(Settings())
    res.warm()
    startup = time.perf_counter() - t0
    pipeline = Pipeline(res)
    base = corpus()
    docs = base * args.repeat
    mb = sum(len(t.encode("utf-8")) for t, _ in docs) / 1e6
    n = len(docs)

    def fresh() -> list[Article]:
        return [Article(id=str(i), text=t, published=p) for i, (t, p) in enumerate(docs)]

    results: dict[str, float] = {}
    # reference 1: reading the input alone (JSON decode of the same documents)
    lines = [json.dumps({"id": str(i), "text": t}, ensure_ascii=False) for i, (t, _) in enumerate(docs)]
    results["read input (json.loads)"] = timed(lambda: [json.loads(x) for x in lines])
    # reference 2: bare multi-pattern scan with the same names and trigger forms
    auto = ahocorasick.Automaton()
    names = {res.normalizer.text(n) for e in res.places.gazetteer for n in e.names_ar}
    names |= {w for entries in res.triggers.lexicon.by_first.values() for e in entries for w in e.words}
    for k in names:
        if k:
            auto.add_word(k, len(k))
    auto.make_automaton()
    norm_texts = [res.normalizer.text(t) for t, _ in docs]
    results["bare scan (pyahocorasick)"] = timed(lambda: [sum(1 for _ in auto.iter(t)) for t in norm_texts])

    arts = fresh()
    stage_times: dict[str, float] = {}
    for name, stage in pipeline.stages():
        stage_times[name] = timed(lambda stage=stage: [stage(a) for a in arts])
    for name, secs in stage_times.items():
        results[f"stage: {name}"] = secs
    text_layer = sum(stage_times[s] for s in ("clean", "normalize", "segment", "numbers", "times"))
    results["text layer (clean..times)"] = text_layer
    arts = fresh()
    results["end to end (all stages)"] = timed(lambda: [pipeline.process(a) for a in arts])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = []
    scan = results["bare scan (pyahocorasick)"]
    for name, secs in results.items():
        ratio = secs / scan if scan else 0.0
        rows.append(f"| {name} | {secs:.3f} | {n / secs:,.0f} | {mb / secs:.2f} | {ratio:.1f}× |")
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join(
        [
            f"### Run of {now}",
            "",
            f"- command: `.venv/bin/python benchmarks/run.py --repeat {args.repeat}`",
            f"- machine: {platform.machine()}, {os.cpu_count()} cores (pinned to 1), "
            f"Python {platform.python_version()}, {platform.system()}",
            f"- corpus: {n} articles ({len(base)} distinct × {args.repeat}), {mb:.2f} MB UTF-8, "
            f"mean {mb * 1e6 / n / 1000:.1f} KB",
            f"- start-up (all resources loaded): {startup:.2f} s",
            f"- peak memory (max RSS of the process): {peak_mb:.0f} MB",
            "",
            "| what | seconds | articles/s | MB/s | × bare scan |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    print(report)
    if args.write:
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else "# Benchmarks\n\n"
        marker = "<!-- runs -->"
        if marker not in old:
            old = old.rstrip() + f"\n\n{marker}\n"
        args.write.write_text(old.replace(marker, f"{marker}\n\n{report}"), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
