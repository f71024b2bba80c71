"""Shared fixtures: resources loaded once per test session, paths to ../shared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rasad.pipeline import Resources
from rasad.settings import Settings
from rasad.text.normalize import Normalizer

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SEEDS_GOLD = SHARED / "spec" / "gold" / "seeds.gold.jsonl"
SEEDS_META = SHARED / "spec" / "gold" / "seeds.meta.jsonl"
DEV = SHARED / "dev"
OWN_DEV = REPO / "tests" / "data" / "devset"


def need_shared(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"../shared not present beside the checkout ({path} missing): CI has it")


@pytest.fixture(scope="session")
def normalizer() -> Normalizer:
    return Normalizer.from_file()


@pytest.fixture(scope="session")
def resources() -> Resources:
    res = Resources(Settings())
    return res


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    need_shared(SEEDS)
    return SEEDS


@pytest.fixture(scope="session")
def seeds_gold() -> list[dict[str, object]]:
    need_shared(SEEDS_GOLD)
    return [json.loads(line) for line in SEEDS_GOLD.open(encoding="utf-8") if line.strip()]


def read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
