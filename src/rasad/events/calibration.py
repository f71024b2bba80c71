"""Calibrated confidence: the detector's raw score mapped to the share of right mentions
observed at that score on the development sets (``data/calibration.json``, fitted by
``scripts/calibrate.py``)."""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rasad.errors import DataFileError


@dataclass(slots=True, frozen=True)
class ConfidenceModel:
    """Logistic model over a mention's features; weights fitted on the gold sets."""

    weights: dict[str, float]

    @classmethod
    def load(cls, path: Path | None = None) -> ConfidenceModel | None:
        doc = _read(path)
        weights = doc.get("weights")
        if not weights:
            return None
        return cls({str(k): float(v) for k, v in weights.items()})

    def __call__(self, features: dict[str, float]) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _read(path: Path | None) -> dict[str, Any]:
    if path is None:
        raw = resources.files("rasad.data").joinpath("calibration.json").read_text("utf-8")
    else:
        raw = path.read_text("utf-8")
    doc = json.loads(raw)
    if not isinstance(doc, dict):
        raise DataFileError("calibration.json must hold an object")
    return doc


@dataclass(slots=True, frozen=True)
class ConfidenceMap:
    """A monotone step function: raw scores up to ``uppers[i]`` get ``values[i]``."""

    uppers: tuple[float, ...]
    values: tuple[float, ...]

    @classmethod
    def load(cls, path: Path | None = None) -> ConfidenceMap:
        points = _read(path).get("points") or []
        if not points:
            raise DataFileError("calibration.json has no points: run scripts/calibrate.py")
        uppers = tuple(float(p["raw_max"]) for p in points)
        values = tuple(float(p["confidence"]) for p in points)
        if list(uppers) != sorted(uppers) or list(values) != sorted(values):
            raise DataFileError("calibration.json points must increase in raw_max and confidence")
        return cls(uppers, values)

    def __call__(self, raw: float) -> float:
        i = min(bisect_left(self.uppers, raw), len(self.values) - 1)
        return round(self.values[i], 2)
