"""Fit the mapping from the detector's raw score to a calibrated confidence.

    .venv/bin/python scripts/calibrate.py

Runs the extractor over every set that has gold (the seeds, ../shared/dev and the project's
own tests/data/devset), marks each predicted mention right (matched to a gold
mention, required or optional) or wrong, and fits an isotonic (monotone) mapping from the
raw score to the observed share of right predictions (pool-adjacent-violators). Writes
src/rasad/data/calibration.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rasad.evaluate import Scorer  # noqa: E402
from rasad.ingest.reader import ArticleReader  # noqa: E402
from rasad.model import Article  # noqa: E402
from rasad.pipeline import Pipeline, Resources  # noqa: E402
from rasad.serialize import mention_json  # noqa: E402
from rasad.settings import Settings  # noqa: E402

SETS: list[tuple[Path | None, Path]] = [
    (ROOT.parent / "shared" / "dev" / "input.jsonl", ROOT.parent / "shared" / "dev" / "gold.jsonl"),
    (ROOT / "tests" / "data" / "devset" / "input.jsonl", ROOT / "tests" / "data" / "devset" / "gold.jsonl"),
]


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def seed_lines() -> list[str]:
    shared = ROOT.parent / "shared"
    meta = shared / "spec" / "gold" / "seeds.meta.jsonl"
    if not meta.exists():
        return []
    return [
        json.dumps({**m, "text": (shared / "seeds" / f"{m['id']}.txt").read_text("utf-8")})
        for m in read(meta)
    ]


def observations(res: Resources) -> list[tuple[float, int]]:
    pipeline = Pipeline(res)
    reader = ArticleReader(res.settings)
    obs: list[tuple[float, int]] = []
    seeds_gold = ROOT.parent / "shared" / "spec" / "gold" / "seeds.gold.jsonl"
    for inp, gold in [(None, seeds_gold), *SETS]:
        if inp is None:
            lines = seed_lines()
        elif inp.exists():
            lines = inp.read_text(encoding="utf-8").splitlines()
        else:
            continue
        if not lines:
            continue
        preds: list[dict[str, Any]] = []
        for line in lines:
            item = reader._jsonl_line(line, str(inp or "seeds"))
            if isinstance(item, Article):
                preds.extend(mention_json(m) for m in pipeline.process(item).mentions)
        report = Scorer(res.normalizer).score(read(gold), preds)
        wrong = {x.split()[0] for x in report.unmatched_pred}
        obs.extend((p["raw_score"], int(p["id"] not in wrong)) for p in preds if not p["historical"])
    return obs


def isotonic(points: list[tuple[float, int]]) -> list[tuple[float, float, int]]:
    """Pool adjacent violators: blocks of (upper raw score, rate, weight), rate increasing."""
    blocks: list[list[float]] = []  # [upper, total right, count]
    for x, y in sorted(points):
        blocks.append([x, float(y), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            upper, s, n = blocks.pop()
            blocks[-1] = [upper, blocks[-1][1] + s, blocks[-1][2] + n]
    merged: list[list[float]] = []
    for upper, s, n in blocks:  # equal upper bounds (a capped score) become one step
        if merged and round(merged[-1][0], 3) == round(upper, 3):
            merged[-1][1] += s
            merged[-1][2] += n
        else:
            merged.append([upper, s, n])
    return [(round(u, 3), round(s / n, 3), int(n)) for u, s, n in merged]


def main() -> int:
    res = Resources(Settings(min_confidence=0.0))
    obs = observations(res)
    blocks = isotonic(obs)
    out = {
        "meta": {
            "version": "1.0.0",
            "description": "Isotonic map from the detector's raw score to the share of right "
            "mentions observed on the development sets (written by scripts/calibrate.py).",
            "source": f"scripts/calibrate.py over {sum(1 for _ in obs)} predicted mentions of "
            "the seeds, shared/dev and tests/data/devset",
            "licence": "Apache-2.0",
        },
        "points": [{"raw_max": u, "confidence": r, "n": n} for u, r, n in blocks],
    }
    path = ROOT / "src" / "rasad" / "data" / "calibration.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    right = sum(y for _, y in obs)
    print(f"{len(obs)} mentions, {right} right; {len(blocks)} blocks -> {path}")
    for u, r, n in blocks:
        print(f"  raw <= {u:.2f}: {r:.2f} right ({n})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
