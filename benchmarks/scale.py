"""Scale-out figures: a single process against Dask LocalClusters of 1 and 2 workers.

    .venv/bin/python benchmarks/scale.py [--n 20000] [--corpus DIR] [--workers 1,2]
        [--partition-size 500] [--write docs/scaling.md]

The corpus is SYNTHETIC (benchmarks/generate_corpus.py; generated into ``--corpus`` when
that folder does not hold ``--n`` articles yet): it measures throughput, never accuracy.
Every run must give the same mentions as the single-process run, and the events merged
from the last Dask run must equal the single-process events (both checked). ``extract`` is
planning, reading and the pipeline (on the workers), without starting the cluster;
``worker-busy`` the sum of the partitions' times on the workers; the merge (one call on
the client, not parallel) is timed separately.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import os
import platform
import resource
import sys
import time
from pathlib import Path
from typing import Any

from rasad.merge.events import event_json, events_from_articles
from rasad.model import Article
from rasad.pipeline import Pipeline, Resources, RunStats
from rasad.scale.dask_runner import extract_articles, slim
from rasad.serialize import mention_json
from rasad.settings import Settings

HERE = Path(__file__).resolve().parent


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("rasad_bench_generate_corpus",
                                                  HERE / "generate_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def ensure_corpus(folder: Path, n: int, shards: int, seed: int) -> list[str]:
    source = b"".join(p.read_bytes() for p in (HERE / "generate_corpus.py", HERE / "templates.yaml"))
    marker = folder / f".complete-{n}-{shards}-{seed}-{hashlib.sha1(source).hexdigest()[:10]}"
    if not marker.exists():
        gen = _generator()
        for old in [*folder.glob("part-*.jsonl"), *folder.glob(".complete-*")]:
            old.unlink()
        gen.write_corpus(gen.CorpusGenerator(gen.Vocabulary.load(), seed), n, folder, shards)
        marker.touch()
    return [str(folder)]


def single(inputs: list[str]) -> tuple[list[Article], float, RunStats]:
    t0 = time.perf_counter()
    pipeline = Pipeline(Resources(Settings()))
    stats = RunStats()
    articles = [slim(a) for a in pipeline.run(inputs, stats) if isinstance(a, Article)]
    return articles, time.perf_counter() - t0, stats


def mentions(articles: list[Article]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(a.id, [mention_json(m) for m in a.mentions]) for a in articles]


def merged(articles: list[Article]) -> tuple[list[dict[str, Any]], float]:
    t0 = time.perf_counter()
    docs = [event_json(e) for e in events_from_articles(articles)]
    return docs, time.perf_counter() - t0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/rasad-scale-corpus"))
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--partition-size", type=int, default=500)
    ap.add_argument("--no-merge", action="store_true", help="time the extraction only")
    ap.add_argument("--write", type=Path, default=None)
    ap.add_argument("--wait-quiet", type=float, default=0.0,
                    help="wait up to this many minutes for a 1-minute load average below 0.5")
    args = ap.parse_args(argv)
    inputs = ensure_corpus(args.corpus, args.n, args.shards, args.seed)
    deadline = time.time() + args.wait_quiet * 60
    while os.getloadavg()[0] >= 0.5 and time.time() < deadline:
        time.sleep(15)
    mb = sum(p.stat().st_size for p in args.corpus.glob("part-*.jsonl")) / 1e6
    load_before = os.getloadavg()
    ref_articles, secs, stats = single(inputs)
    reference = mentions(ref_articles)
    n_mentions = sum(len(m) for _, m in reference)
    rows = [f"| single process | — | {secs:.1f} | — | {stats.read / secs:,.0f} | — |"]
    print(f"single process: {secs:.1f} s", file=sys.stderr)
    base: float | None = None
    last: list[Article] = ref_articles
    for count in (int(w) for w in args.workers.split(",")):
        t: dict[str, float] = {}
        st = RunStats()
        last = extract_articles(inputs, f"local:{count}", Settings(),
                                partition_size=args.partition_size, stats=st, timings=t,
                                quiet=True)
        if mentions(last) != reference:
            print(f"local:{count}: mentions differ from the single-process run", file=sys.stderr)
            return 1
        base = base or (t["extract"] if count == 1 else None)
        speed = f"{base / t['extract']:.2f}×" if base else "—"
        rows.append(f"| Dask local:{count} | {t['cluster']:.1f} | {t['extract']:.1f} | "
                    f"{t['partitions']:.1f} | {st.read / t['extract']:,.0f} | {speed} |")
        print(f"local:{count}: {t}", file=sys.stderr)
    merge_line = "- merge: not run (`--no-merge`)"
    if not args.no_merge:
        docs, merge_single = merged(ref_articles)
        again, merge_dask = merged(last)
        if again != docs:
            print("events after Dask differ from the single-process events", file=sys.stderr)
            return 1
        merge_line = (
            f"- merge (one call over all {len(ref_articles)} articles, on the client, not "
            f"parallel): {merge_single:.1f} s and {merge_dask:.1f} s, {len(docs)} events, "
            "identical after the single-process and the last Dask extraction"
        )
    load_after = os.getloadavg()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join([
        f"### Run of {now}",
        "",
        f"- command: `.venv/bin/python benchmarks/scale.py --n {args.n} --workers {args.workers}"
        f" --partition-size {args.partition_size}{' --no-merge' if args.no_merge else ''}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (other jobs share the machine)",
        f"- corpus: {args.n} synthetic articles (seed {args.seed}) in {args.shards} JSONL shards, "
        f"{mb:.1f} MB, mean {mb * 1000 / args.n:.1f} KB; {n_mentions} mentions, identical in "
        "every run",
        merge_line,
        f"- peak memory of the client process (max RSS): {peak_mb:.0f} MB",
        "",
        "| run | cluster start s | extract s | worker-busy s | articles/s | speed-up vs 1 worker |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ])
    print(report)
    if args.write:
        old = args.write.read_text(encoding="utf-8")
        marker = "<!-- runs -->"
        if marker not in old:
            old = old.rstrip() + f"\n\n{marker}\n"
        args.write.write_text(old.replace(marker, f"{marker}\n\n{report}", 1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
