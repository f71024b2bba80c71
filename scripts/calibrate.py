"""Fit the confidence model: a logistic model over each mention's features, then a
monotone map from its output to the observed share of right mentions.

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

import numpy as np  # noqa: E402

from rasad.evaluate import Scorer  # noqa: E402
from rasad.events.calibration import ConfidenceModel  # noqa: E402
from rasad.ingest.reader import ArticleReader  # noqa: E402
from rasad.model import Article, Mention  # noqa: E402
from rasad.pipeline import Pipeline, Resources  # noqa: E402
from rasad.serialize import mention_json  # noqa: E402
from rasad.settings import Settings  # noqa: E402

SETS: list[tuple[Path | None, Path]] = [
    (ROOT.parent / "shared" / "dev" / "input.jsonl", ROOT.parent / "shared" / "dev" / "gold.jsonl"),
    (
        ROOT / "tests" / "data" / "devset" / "input.jsonl",
        ROOT / "tests" / "data" / "devset" / "gold.jsonl",
    ),
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


def observations(res: Resources) -> list[tuple[dict[str, float], int]]:
    pipeline = Pipeline(res)
    reader = ArticleReader(res.settings)
    obs: list[tuple[dict[str, float], int]] = []
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
        mentions: list[Mention] = []
        for line in lines:
            item = reader._jsonl_line(line, str(inp or "seeds"))
            if isinstance(item, Article):
                mentions.extend(pipeline.process(item).mentions)
        preds = [mention_json(m) for m in mentions]
        report = Scorer(res.normalizer).score(read(gold), preds)
        wrong = {x.split()[0] for x in report.unmatched_pred}
        obs.extend((m.features, int(m.id not in wrong)) for m in mentions if not m.historical)
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


def fit_logistic(
    obs: list[tuple[dict[str, float], int]], l2: float = 1.0, steps: int = 3000
) -> dict[str, float]:
    """L2-regularised logistic regression by gradient descent (numpy)."""
    names = sorted({k for f, _ in obs for k in f})
    x = np.array([[f.get(k, 0.0) for k in names] for f, _ in obs])
    y = np.array([float(v) for _, v in obs])
    w = np.zeros(len(names))
    reg = np.array([0.0 if k == "bias" else l2 for k in names])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) / len(y) + reg * w / len(y)
        w -= 0.5 * grad
    return {k: round(float(v), 4) for k, v in zip(names, w, strict=True)}


def main() -> int:
    res = Resources(Settings(min_confidence=0.0, calibrated=False))
    feats = observations(res)
    weights = fit_logistic(feats)
    model = ConfidenceModel(weights)
    obs = [(model(f), y) for f, y in feats]
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
        "weights": weights,
        "points": [{"raw_max": u, "confidence": r, "n": n} for u, r, n in blocks],
    }
    path = ROOT / "src" / "rasad" / "data" / "calibration.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    right = sum(y for _, y in obs)
    print(f"{len(obs)} mentions, {right} right; {len(blocks)} blocks -> {path}")
    for u, r, n in blocks:
        print(f"  model <= {u:.2f}: {r:.2f} right ({n})")
    for k, v in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {k:>24} {v:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
