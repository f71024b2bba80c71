"""The accuracy gate: extraction scored against the gold may not fall below pinned floors.

Floors live in ``tests/accuracy_floor.json`` and only ever go up. Three sets: the seeds
(``../shared``), the real development set (``../shared/dev``) and the project's own invented
set (``tests/data/devset``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import DEV, OWN_DEV, SEEDS, SEEDS_GOLD, SEEDS_META, need_shared, read_jsonl
from rasad.evaluate import Report, Scorer
from rasad.ingest.reader import ArticleReader
from rasad.model import Article
from rasad.pipeline import Pipeline, Resources
from rasad.serialize import mention_json

FLOORS = json.loads((Path(__file__).parent / "accuracy_floor.json").read_text(encoding="utf-8"))


def predict(resources: Resources, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pipeline = Pipeline(resources)
    out: list[dict[str, Any]] = []
    reader = ArticleReader(resources.settings)
    for row in rows:
        item = reader._jsonl_line(json.dumps(row, ensure_ascii=False), str(row.get("id")))
        assert isinstance(item, Article), item
        out.extend(mention_json(m) for m in pipeline.process(item).mentions)
    return out


def seeds_rows() -> list[dict[str, Any]]:
    need_shared(SEEDS_META)
    return [
        {**meta, "text": (SEEDS / f"{meta['id']}.txt").read_text(encoding="utf-8")}
        for meta in read_jsonl(SEEDS_META)
    ]


def score(resources: Resources, rows: list[dict[str, Any]], gold: Path) -> Report:
    preds = predict(resources, rows)
    return Scorer(resources.normalizer).score(list(read_jsonl(gold)), preds)


def check(report: Report, floors: dict[str, float]) -> None:
    got = {
        "f1": report.f1,
        "precision": report.precision,
        "recall": report.recall,
        **{f: report.accuracy(f) or 0.0 for f in ("kind", "date", "place", "actors", "counts")},
    }
    below = {k: (round(got[k], 3), v) for k, v in floors.items() if got[k] < v}
    assert not below, f"below the pinned floor (got, floor): {below}"


def test_seeds_gate(resources: Resources) -> None:
    check(score(resources, seeds_rows(), SEEDS_GOLD), FLOORS["seeds"])


def test_dev_gate(resources: Resources) -> None:
    need_shared(DEV / "input.jsonl")
    rows = list(read_jsonl(DEV / "input.jsonl"))
    check(score(resources, rows, DEV / "gold.jsonl"), FLOORS["dev"])


def test_own_dev_gate(resources: Resources) -> None:
    rows = list(read_jsonl(OWN_DEV / "input.jsonl"))
    check(score(resources, rows, OWN_DEV / "gold.jsonl"), FLOORS["own"])


@pytest.mark.parametrize("name", ["seeds", "dev", "own"])
def test_floors_are_sane(name: str) -> None:
    assert all(0.0 <= v <= 1.0 for v in FLOORS[name].values())
