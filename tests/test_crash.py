"""`rasad ingest` killed at random points, and two ingests at once on one database.

- SIGKILL at stratified random delays over a whole run (start-up, articles, event
  rebuild), each followed by a complete re-run: the database must then dump exactly as a
  clean run's does (``Store.dump``).
- Two ingests of overlapping inputs at once, on SQLite and on PostgreSQL: both exit 0 and
  the database equals a clean sequential run's — no duplicate article, mention or event,
  no event missing.

``RASAD_KILL_REPEATS`` (default 12) and ``RASAD_KILL_SEED`` change the kill schedule.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import OWN_DEV
from pg import fresh_database, postgres_fixture
from rasad.store import Store

pg_server = postgres_fixture()

DEV_INPUT = OWN_DEV / "input.jsonl"
SEED = int(os.environ.get("RASAD_KILL_SEED", "20260116"))
REPEATS = int(os.environ.get("RASAD_KILL_REPEATS", "12"))
CMD = [sys.executable, "-m", "rasad", "ingest"]


def ingest(db: str, *inputs: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CMD, *map(str, inputs), "--db", db, "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def dump(db: str) -> dict[str, list[dict[str, Any]]]:
    with contextlib.closing(Store.open(db)) as store:
        return store.dump()


def state(db: str) -> dict[str, list[dict[str, Any]]] | None:
    """What a killed run left (without migrating), or None before the schema existed."""
    try:
        with contextlib.closing(Store.open(db, migrate=False)) as store:
            return store.dump()
    except Exception:  # no database or no tables yet: the re-run must cope with it
        return None


def sqlite_url(folder: Path, name: str) -> str:
    return f"sqlite:///{folder / name}"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The own dev set three times over (ids and URLs made distinct): ~160 articles, so
    that storing them takes a good part of a run and kills land there too."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for copy in range(3):
            for line in DEV_INPUT.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    doc = json.loads(line)
                    doc["id"] = f"{doc['id']}-{copy}"
                    if doc.get("url"):
                        doc["url"] = f"{doc['url']}?copy={copy}"
                    fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


@pytest.fixture(scope="module")
def clean_run(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], float]:
    """The reference: one uninterrupted ingest of the corpus, and how long it took."""
    folder = tmp_path_factory.mktemp("clean")
    db = sqlite_url(folder, "clean.sqlite")
    t0 = time.perf_counter()
    result = ingest(db, corpus)
    took = time.perf_counter() - t0
    assert result.returncode == 0, result.stderr
    reference = dump(db)
    assert len(reference["articles"]) >= 150 and reference["events"]
    return reference, took


def phase(left: dict[str, list[dict[str, Any]]] | None, reference: dict[str, Any]) -> str:
    if not left or not left.get("schema_migrations"):
        return "before the schema"
    stored = len(left["articles"])
    if stored == 0:
        return "before the first article"
    if stored < len(reference["articles"]):
        return "storing articles"
    if left != reference:
        return "rebuilding events"
    return "finished"


def kill_and_rerun(
    corpus: Path, db: str, delay: float, reference: dict[str, Any], label: str
) -> str:
    proc = subprocess.Popen(
        [*CMD, str(corpus), "--db", db, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    where = phase(state(db), reference)
    rerun = ingest(db, corpus)
    assert rerun.returncode == 0, f"{label}: re-run failed after a kill {where}:\n{rerun.stderr}"
    assert dump(db) == reference, f"{label}: killed {where}, the re-run differs from a clean run"
    return where


def test_sigkill_during_ingest_then_rerun_equals_a_clean_run(
    corpus: Path, clean_run: tuple[dict[str, Any], float], tmp_path: Path
) -> None:
    reference, took = clean_run
    rng = random.Random(SEED)
    span = took * 1.3  # runs after a kill can be slower than the clean one
    # Stratified: one random delay in each of REPEATS equal slices of a whole run.
    delays = [span * (i + rng.random()) / REPEATS for i in range(REPEATS)]
    landed: list[tuple[float, str]] = []
    for i, delay in enumerate(delays):
        db = sqlite_url(tmp_path, f"kill{i}.sqlite")
        label = f"kill {i + 1}/{REPEATS} after {delay:.2f} s (seed {SEED})"
        landed.append((delay, kill_and_rerun(corpus, db, delay, reference, label)))
    report = tmp_path / "kills.json"
    report.write_text(json.dumps(landed, indent=1), encoding="utf-8")
    print("\n".join(f"killed after {d:.2f} s: {w}" for d, w in landed))
    assert len(landed) >= 10
    assert any(w == "storing articles" for _, w in landed), landed


def test_kill_twice_then_finish(
    corpus: Path, clean_run: tuple[dict[str, Any], float], tmp_path: Path
) -> None:
    """Interrupted runs pile up (each one further along), then one finishes."""
    reference, took = clean_run
    db = sqlite_url(tmp_path, "twice.sqlite")
    for fraction in (0.6, 0.8):
        proc = subprocess.Popen(
            [*CMD, str(corpus), "--db", db, "--quiet"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(took * fraction)
        proc.kill()
        proc.wait(timeout=60)
    assert ingest(db, corpus).returncode == 0
    assert dump(db) == reference


# -- two ingests at once ----------------------------------------------------------------


@pytest.fixture(scope="module")
def split_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """The corpus in three files: A ingests a + shared, B ingests shared + b."""
    folder = tmp_path_factory.mktemp("split")
    lines = [line for line in DEV_INPUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    third = len(lines) // 3
    parts = (lines[:third], lines[third : 2 * third], lines[2 * third :])
    paths = tuple(folder / name for name in ("a.jsonl", "shared.jsonl", "b.jsonl"))
    for path, part in zip(paths, parts, strict=True):
        path.write_text("\n".join(part) + "\n", encoding="utf-8")
    return paths  # type: ignore[return-value]


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.contextmanager
def database(backend: str, folder: Path, name: str, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "sqlite":
        yield sqlite_url(folder, f"{name}.sqlite")
    else:
        with fresh_database(request.getfixturevalue("pg_server")) as url:
            yield url


def test_two_ingests_at_once(
    backend: str,
    split_corpus: tuple[Path, Path, Path],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    a, shared, b = split_corpus
    with database(backend, tmp_path, "clean", request) as clean:
        assert ingest(clean, a, shared, b).returncode == 0
        reference = dump(clean)
    for round_ in range(2):
        with database(backend, tmp_path, f"race{round_}", request) as db:
            procs = [
                subprocess.Popen(
                    [*CMD, *map(str, files), "--db", db, "--quiet"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for files in ((a, shared), (shared, b))
            ]
            outs = [p.communicate(timeout=300) for p in procs]
            for p, (_, err) in zip(procs, outs, strict=True):
                assert p.returncode == 0, f"round {round_}: {err[-3000:]}"
            got = dump(db)
            for table in ("articles", "mentions", "events"):
                ids = [r["id"] for r in got[table]]
                assert len(ids) == len(set(ids)), f"duplicate {table}"
            assert got == reference, f"round {round_}: differs from a clean sequential run"


def test_kill_on_postgresql(
    corpus: Path, clean_run: tuple[dict[str, Any], float], request: pytest.FixtureRequest
) -> None:
    base = request.getfixturevalue("pg_server")
    _, took = clean_run
    with fresh_database(base) as clean:
        assert ingest(clean, corpus).returncode == 0
        reference = dump(clean)
    rng = random.Random(SEED + 1)
    for i in range(3):
        delay = took * (i + rng.random()) / 3
        label = f"PostgreSQL kill {i + 1}/3 after {delay:.2f} s"
        with fresh_database(base) as db:
            kill_and_rerun(corpus, db, delay, reference, label)
