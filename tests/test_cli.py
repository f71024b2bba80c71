"""End to end: each command over the seeds and over bad input, as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SEEDS_GOLD, SEEDS_META, need_shared, read_jsonl
from rasad.model import COUNT_KEYS, KINDS

AR = "اندلعت اشتباكات عنيفة بين الجيش السوري ومسلحين في محيط بلدة دير حافر بريف حلب الشرقي."


def rasad(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rasad", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def seeds_with_meta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds as the contract's JSONL input, with the gold metadata (dates)."""
    need_shared(SEEDS_META)
    seeds = SEEDS_META.parent.parent.parent / "seeds"
    out = tmp_path_factory.mktemp("seeds") / "seeds.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for meta in read_jsonl(SEEDS_META):
            text = (seeds / f"{meta['id']}.txt").read_text(encoding="utf-8")
            fh.write(json.dumps({**meta, "text": text}, ensure_ascii=False) + "\n")
    return out


@pytest.fixture(scope="module")
def seed_mentions(seeds_with_meta: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "mentions.jsonl"
    result = rasad("extract", str(seeds_with_meta), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "read 5 articles" in result.stderr
    return out


def check_mention(row: dict[str, Any], texts: dict[str, str]) -> None:
    """The contract of one ``rasad extract`` line (interchange.md)."""
    for key in ("id", "article_id", "kind", "acled", "date", "date_precision", "actor1", "actor2",
                "location", "counts", "fatalities", "attributed_to", "historical", "evidence",
                "confidence"):
        assert key in row, key
    assert row["kind"] in KINDS
    assert isinstance(row["acled"]["event_type"], str) and isinstance(row["acled"]["sub_event_type"], str)
    assert row["date"] is None or len(row["date"]) == 10
    assert row["date_precision"] in (None, "day", "week", "month", "year")
    for side in ("actor1", "actor2"):
        a = row[side]
        assert a is None or (isinstance(a["id"], str) and isinstance(a["name"], str)
                             and isinstance(a["name_ar"], str) and a["inter"] in range(1, 9))
    loc = row["location"]
    if loc is not None:
        assert -90 <= loc["lat"] <= 90 and -180 <= loc["lon"] <= 180
        assert loc["precision"] in (1, 2, 3)
        assert isinstance(loc["name"], str) and isinstance(loc["name_ar"], str)
    for key, c in row["counts"].items():
        assert key in COUNT_KEYS
        assert set(c) >= {"value", "low", "high", "qualifier"}
        assert c["qualifier"] in ("exact", "approx", "at_least", "at_most", "vague")
    assert isinstance(row["fatalities"], int) and row["fatalities"] >= 0
    assert isinstance(row["historical"], bool)
    assert 0.0 <= row["confidence"] <= 1.0
    assert row["evidence"]
    text = texts[row["article_id"]]
    for ev in row["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_extract_seeds_is_contract_valid(seed_mentions: Path, seeds_with_meta: Path) -> None:
    texts = {str(r["id"]): str(r["text"]) for r in read_jsonl(seeds_with_meta)}
    rows = list(read_jsonl(seed_mentions))
    assert len(rows) >= 10
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        check_mention(row, texts)
    # input order: article ids appear in the order of the input
    order = list(dict.fromkeys(r["article_id"] for r in rows))
    assert order == sorted(order)


def test_extract_is_deterministic(seeds_with_meta: Path, seed_mentions: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.jsonl"
    assert rasad("extract", str(seeds_with_meta), "-o", str(again), "--quiet").returncode == 0
    assert again.read_text(encoding="utf-8") == seed_mentions.read_text(encoding="utf-8")


def test_evaluate_seeds_prints_scores(seed_mentions: Path) -> None:
    result = rasad("evaluate", "--gold", str(SEEDS_GOLD), "--pred", str(seed_mentions))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[-2].startswith("events: P ")
    assert lines[-1].startswith("fields: kind ")
    report = json.loads(rasad("evaluate", "--gold", str(SEEDS_GOLD), "--pred", str(seed_mentions), "--json").stdout)
    assert set(report) >= {"precision", "recall", "f1", "fields"}
    assert f"F1 {report['f1']:.3f}" in lines[-2]


def test_extract_folder_of_txt_with_sidecars(seeds_dir: Path) -> None:
    result = rasad("extract", str(seeds_dir), "--quiet")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert {r["article_id"] for r in rows} >= {"002_c687c9c6b6151ccd", "004_04aac2cd1ce09db4"}
    # the sidecar's date is used: seed 004 is dated 2018
    assert any(r["date"] and r["date"].startswith("2018-") for r in rows if r["article_id"].startswith("004"))


def test_broken_stdin_and_bad_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(AR, encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (folder / "c.txt").write_text("", encoding="utf-8")
    broken = "\n".join([
        json.dumps({"id": "ok", "text": AR, "published": "2026-01-16"}, ensure_ascii=False),
        "{this is not json",
        json.dumps({"id": "empty", "text": ""}),
    ])
    result = rasad("extract", "-", str(folder), "--published", "2026-01-16", stdin=broken)
    assert result.returncode == 0
    err = result.stderr
    assert "<stdin>:2" in err and "not JSON" in err
    assert "<stdin>:3" in err and "no text" in err
    assert "b.txt" in err and "binary" in err
    assert "c.txt" in err and "empty" in err
    assert "read 2 articles, skipped 4 inputs" in err
    ids = {json.loads(x)["article_id"] for x in result.stdout.splitlines()}
    assert ids == {"ok", "a"}


def test_events_csv_has_acled_columns(seeds_with_meta: Path) -> None:
    result = rasad("events", str(seeds_with_meta), "--format", "csv", "--quiet")
    assert result.returncode == 0, result.stderr
    reader = csv.DictReader(io.StringIO(result.stdout))
    for col in ("event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "inter1",
                "admin1", "latitude", "longitude", "geo_precision", "fatalities", "notes"):
        assert col in (reader.fieldnames or [])
    rows = list(reader)
    assert rows and all(r["event_type"] for r in rows)


def test_events_jsonl_fields(seeds_with_meta: Path) -> None:
    result = rasad("events", str(seeds_with_meta), "--quiet")
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert rows
    for r in rows:
        assert r["mentions"] and r["sources"] and r["n_sources"] >= 1
        assert isinstance(r["claims"], dict)


def test_unusable_config_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("min_confidence = 7\n")
    result = rasad("extract", "-", "--config", str(bad), stdin="")
    assert result.returncode == 2
    assert "min_confidence" in result.stderr
