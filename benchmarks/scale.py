"""Scale-out figures: a single process against Dask LocalClusters of 1 and 2 workers.

    .venv/bin/python benchmarks/scale.py [--n 20000] [--corpus DIR] [--workers 1,2]
        [--partition-size 500] [--write docs/scaling.md]

The corpus is SYNTHETIC (benchmarks/generate_corpus.py; generated into ``--corpus`` when
that folder does not hold ``--n`` articles yet): it measures throughput, never accuracy.
Every run must give the same event documents as the single-process run (checked). Times:
``extract`` is reading and the pipeline (on the workers), ``merge`` the one cross-source
merge on the client, ``total`` includes planning and, for Dask, starting the cluster.
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from rasad.scale.dask_runner import run_events
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
    marker = folder / f".complete-{n}-{shards}-{seed}"
    if not marker.exists():
        gen = _generator()
        for old in folder.glob("part-*.jsonl"):
            old.unlink()
        gen.write_corpus(gen.CorpusGenerator(gen.Vocabulary.load(), seed), n, folder, shards)
        marker.touch()
    return [str(folder)]


def single(inputs: list[str]) -> tuple[list[dict[str, Any]], dict[str, float], RunStats]:
    t0 = time.perf_counter()
    pipeline = Pipeline(Resources(Settings()))
    stats = RunStats()
    articles = [a for a in pipeline.run(inputs, stats) if isinstance(a, Article)]
    t1 = time.perf_counter()
    docs = [event_json(e) for e in events_from_articles(articles)]
    t2 = time.perf_counter()
    return docs, {"extract": t1 - t0, "merge": t2 - t1, "total": t2 - t0}, stats


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/rasad-scale-corpus"))
    ap.add_argument("--shards", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--partition-size", type=int, default=500)
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
    rows: list[tuple[str, dict[str, float], RunStats]] = []
    reference, times, stats = single(inputs)
    rows.append(("single process", times, stats))
    print(f"single process: {times}", file=sys.stderr)
    for count in (int(w) for w in args.workers.split(",")):
        timings: dict[str, float] = {}
        stats = RunStats()
        start = time.perf_counter()
        docs = run_events(inputs, f"local:{count}", Settings(), partition_size=args.partition_size,
                          stats=stats, timings=timings, quiet=True)
        timings["total"] = time.perf_counter() - start
        if docs != reference:
            print(f"local:{count}: events differ from the single-process run", file=sys.stderr)
            return 1
        rows.append((f"Dask local:{count}", timings, stats))
        print(f"local:{count}: {timings}", file=sys.stderr)
    load_after = os.getloadavg()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = next((t["extract"] for name, t, _ in rows if name == "Dask local:1"), None)
    table = []
    for name, t, st in rows:
        speed = f"{base / t['extract']:.2f}×" if base and name.startswith("Dask") else "—"
        busy = f"{t['partitions']:.1f}" if "partitions" in t else "—"
        table.append(
            f"| {name} | {t.get('cluster', 0.0):.1f} | {t['extract']:.1f} | {busy} | "
            f"{t['merge']:.1f} | {t['total']:.1f} | {st.read / t['extract']:,.0f} | "
            f"{st.read / t['total']:,.0f} | {speed} |"
        )
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    report = "\n".join([
        f"### Run of {now}",
        "",
        f"- command: `.venv/bin/python benchmarks/scale.py --n {args.n} --workers {args.workers}"
        f" --partition-size {args.partition_size}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after (other jobs share the machine)",
        f"- corpus: {args.n} synthetic articles (seed {args.seed}) in {args.shards} JSONL shards, "
        f"{mb:.1f} MB, mean {mb * 1000 / args.n:.1f} KB; {len(reference)} events, "
        "identical in every run",
        f"- peak memory of the client process (max RSS): {peak_mb:.0f} MB",
        "",
        "| run | cluster start s | extract s | worker-busy s | merge s | total s | "
        "articles/s extract | articles/s total | extract speed-up vs 1 worker |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *table,
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
