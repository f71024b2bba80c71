"""Scoring predicted mentions against hand-made gold (``shared/spec/gold/README.md``).

A prediction matches a gold mention of the same article when its kind is the gold kind or
one of ``alt_kinds`` and its place lies within ``tolerance_km`` of the gold place (or has the
gold place's Arabic name in the same governorate), or the gold place is null. Matching is
one-to-one, best pairs first. Historical predictions are not scored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rasad.errors import GoldFileError
from rasad.geo import haversine_km
from rasad.text.normalize import Normalizer

FIELDS = ("kind", "date", "place", "actor1", "actor2", "actors", "counts")


def read_jsonl(path: Path, what: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise GoldFileError(f"{what} {path}:{n} is not JSON: {exc.msg}") from exc
                if not isinstance(row, dict) or "article_id" not in row:
                    raise GoldFileError(f"{what} {path}:{n} needs an object with 'article_id'")
                rows.append(row)
    except OSError as exc:
        raise GoldFileError(f"cannot read {what} file {path}: {exc}") from exc
    return rows


def admin_key(name: str) -> str:
    """Spelling-independent key for English admin names: "Idleb"/"Idlib", "Dar'a"/"Daraa",
    "Deir-ez-Zor"/"Deir ez-Zor", "Al-Hasakeh"/"Al-Hasakah" (consonant skeleton)."""
    text = re.sub(r"^(al|ar|as|ad|ash|at|az)[\s-]+", "", name.lower())
    skeleton = re.sub(r"[^a-z]|[aeiouy]", "", text)
    return re.sub(r"(.)\1+", r"\1", skeleton)


class NameMatcher:
    """Compares names after normalisation (Arabic letters, case, the article ال)."""

    _article = re.compile(r"(?<!\S)ال")

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer

    def key(self, name: str) -> str:
        text = self.normalizer.text(name).strip().lower()
        text = self._article.sub("", text)
        return " ".join(re.sub(r"[^\w\s]", " ", text).split())

    def same(self, a: str | None, b: str | None) -> bool:
        return bool(a) and bool(b) and self.key(a or "") == self.key(b or "")


@dataclass(slots=True)
class Report:
    matched: int = 0
    predicted: int = 0  # scored predictions (excluding those matched to optional gold)
    gold_required: int = 0
    matched_required: int = 0
    field_hits: Counter[str] = field(default_factory=Counter)
    field_total: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    per_article: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched_gold: list[str] = field(default_factory=list)
    unmatched_pred: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_required / self.gold_required if self.gold_required else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float | None:
        total = self.field_total[name]
        return self.field_hits[name] / total if total else None

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "matched": self.matched,
            "matched_required": self.matched_required,
            "predicted_scored": self.predicted,
            "gold_required": self.gold_required,
            "fields": {
                f: (None if (a := self.accuracy(f)) is None else round(a, 4)) for f in FIELDS
            },
            "field_counts": {f: [self.field_hits[f], self.field_total[f]] for f in FIELDS},
            "confusion": [
                {"gold": g, "pred": p, "n": n} for (g, p), n in sorted(self.confusion.items())
            ],
            "per_article": self.per_article,
            "unmatched_gold": self.unmatched_gold,
            "unmatched_pred": self.unmatched_pred,
        }

    def lines(self) -> list[str]:
        def fmt(name: str) -> str:
            a = self.accuracy(name)
            return f"{name} {'n/a' if a is None else f'{a:.3f}'}"

        return [
            f"gold required {self.gold_required}, predictions scored {self.predicted}, "
            f"matched {self.matched} ({self.matched_required} required)",
            f"events: P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}",
            "fields: " + "  ".join(fmt(f) for f in FIELDS),
        ]


class Scorer:
    def __init__(self, normalizer: Normalizer) -> None:
        self.names = NameMatcher(normalizer)

    # -- matching ---------------------------------------------------------------------------
    def place_distance(self, gold: dict[str, Any], pred: dict[str, Any]) -> float | None:
        """Distance used for matching; None when the prediction's place cannot match."""
        gplace = gold.get("place")
        if gplace is None:
            return 0.0
        loc = pred.get("location")
        if not isinstance(loc, dict) or loc.get("lat") is None or loc.get("lon") is None:
            return None
        d = haversine_km(float(gplace["lat"]), float(gplace["lon"]), float(loc["lat"]), float(loc["lon"]))
        same_name = self.names.same(gplace.get("name_ar"), loc.get("name_ar"))
        if d <= float(gplace.get("tolerance_km", 10)):
            return 0.0 if same_name else d  # the named place itself pairs first
        if same_name and (
            not gplace.get("admin1")
            or not loc.get("admin1")
            or admin_key(gplace["admin1"]) == admin_key(loc["admin1"])
        ):
            return 0.0
        return None

    def pair_cost(self, gold: dict[str, Any], pred: dict[str, Any]) -> float | None:
        kind = pred.get("kind")
        if kind != gold["kind"] and kind not in (gold.get("alt_kinds") or []):
            return None
        d = self.place_distance(gold, pred)
        if d is None:
            return None
        return d + (0.0 if kind == gold["kind"] else 5.0)

    # -- fields -------------------------------------------------------------------------------
    def actor_ok(self, accepted: list[str], actor: Any) -> bool:
        if not isinstance(actor, dict):
            return False
        names = [actor.get("id"), actor.get("name"), actor.get("name_ar")]
        keys = {self.names.key(str(n)) for n in names if n}
        return any(self.names.key(a) in keys for a in accepted)

    @staticmethod
    def count_ok(expected: Any, got: Any) -> bool:
        if not isinstance(got, dict):
            return False
        if expected is None:
            return True  # a count without a number: the key is enough
        value, low, high = got.get("value"), got.get("low"), got.get("high")
        if isinstance(expected, int):
            return bool(value == expected)
        if isinstance(expected, dict):
            if "value" in expected and expected["value"] is not None:
                return bool(value == expected["value"])
            elo, ehi = expected.get("low"), expected.get("high")
            if value is not None:
                return (elo is None or value >= elo) and (ehi is None or value <= ehi)
            return low == elo and (ehi is None or high == ehi)
        return False

    def score_fields(self, report: Report, gold: dict[str, Any], pred: dict[str, Any]) -> None:
        def mark(name: str, ok: bool) -> None:
            report.field_total[name] += 1
            report.field_hits[name] += int(ok)

        mark("kind", pred.get("kind") == gold["kind"])
        report.confusion[(gold["kind"], str(pred.get("kind")))] += 1
        if gold.get("date"):
            ok = False
            if pred.get("date"):
                try:
                    diff = abs(
                        (dt.date.fromisoformat(pred["date"]) - dt.date.fromisoformat(gold["date"])).days
                    )
                    ok = diff <= int(gold.get("date_tolerance_days") or 0)
                except ValueError:
                    ok = False
            mark("date", ok)
        gplace, loc = gold.get("place"), pred.get("location")
        if gplace is not None:
            ok = isinstance(loc, dict) and loc.get("lat") is not None and haversine_km(
                float(gplace["lat"]), float(gplace["lon"]), float(loc["lat"]), float(loc["lon"])
            ) <= 10.0
            mark("place", bool(ok))
        for side in ("actor1", "actor2"):
            if gold.get(side):
                ok = self.actor_ok(gold[side], pred.get(side))
                mark(side, ok)
                mark("actors", ok)
        for key, expected in (gold.get("counts") or {}).items():
            mark("counts", self.count_ok(expected, (pred.get("counts") or {}).get(key)))

    # -- the whole thing ---------------------------------------------------------------------------
    def score(self, gold_rows: Iterable[dict[str, Any]], pred_rows: Iterable[dict[str, Any]]) -> Report:
        report = Report()
        gold_by: dict[str, list[dict[str, Any]]] = {}
        for g in gold_rows:
            if "kind" not in g:
                raise GoldFileError(f"gold mention {g.get('gid')!r} has no 'kind'")
            gold_by.setdefault(str(g["article_id"]), []).append(g)
        pred_by: dict[str, list[dict[str, Any]]] = {}
        for p in pred_rows:
            if p.get("historical"):
                continue
            pred_by.setdefault(str(p["article_id"]), []).append(p)
        for golds in gold_by.values():
            report.gold_required += sum(1 for g in golds if g.get("required", True))
        for art in sorted(set(gold_by) | set(pred_by)):
            golds, preds = gold_by.get(art, []), pred_by.get(art, [])
            pairs = []
            for gi, g in enumerate(golds):
                for pi, p in enumerate(preds):
                    cost = self.pair_cost(g, p)
                    if cost is not None:
                        pairs.append((0 if g.get("required", True) else 1, cost, gi, pi))
            pairs.sort()
            used_g: set[int] = set()
            used_p: set[int] = set()
            art_stats = {"gold": len(golds), "pred": len(preds), "matched": 0}
            for _, _, gi, pi in pairs:
                if gi in used_g or pi in used_p:
                    continue
                used_g.add(gi)
                used_p.add(pi)
                g, p = golds[gi], preds[pi]
                if g.get("required", True):
                    report.matched += 1
                    report.matched_required += 1
                    report.predicted += 1
                    art_stats["matched"] += 1
                    self.score_fields(report, g, p)
            for pi, p in enumerate(preds):
                if pi not in used_p:
                    report.predicted += 1
                    report.unmatched_pred.append(f"{p.get('id')} {p.get('kind')}")
            for gi, g in enumerate(golds):
                if gi not in used_g and g.get("required", True):
                    report.unmatched_gold.append(f"{g.get('gid')} {g['kind']}")
            report.per_article[art] = art_stats
        return report


def evaluate_files(gold: Path, pred: Path, normalizer: Normalizer | None = None) -> Report:
    scorer = Scorer(normalizer or Normalizer.from_file())
    return scorer.score(read_jsonl(gold, "gold"), read_jsonl(pred, "predictions"))
