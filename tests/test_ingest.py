"""`rasad ingest` and `rasad events --db` end to end, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SEEDS, need_shared
from pg import fresh_database, postgres_fixture
from rasad.store import Store

pg_server = postgres_fixture()


def rasad(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rasad", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/rasad.sqlite"
    else:
        with contextlib.ExitStack() as stack:
            yield stack.enter_context(fresh_database(request.getfixturevalue("pg_server")))


def dump(url: str) -> dict[str, object]:
    with contextlib.closing(Store.open(url)) as store:
        return store.dump()


def test_ingest_is_idempotent_and_events_read_back(db_url: str) -> None:
    need_shared(SEEDS)
    first = rasad("ingest", str(SEEDS), "--db", db_url)
    assert first.returncode == 0, first.stderr
    assert "5 new" in first.stderr
    before = dump(db_url)
    again = rasad("ingest", str(SEEDS), "--db", db_url)
    assert again.returncode == 0, again.stderr
    assert "5 unchanged" in again.stderr
    assert dump(db_url) == before

    out = rasad("events", "--db", db_url, "--kind", "defection", "--quiet")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert rows and all(r["kind"] == "defection" for r in rows)
    csv_out = rasad("events", "--db", db_url, "--format", "csv", "--admin1", "Aleppo", "--quiet")
    table = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert table and {r["admin1"] for r in table} == {"Aleppo"}


def test_changed_article_replaces_its_mentions(tmp_path: Path) -> None:
    need_shared(SEEDS)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("002_c687c9c6b6151ccd.txt", "002_c687c9c6b6151ccd.meta.json"):
        shutil.copy(SEEDS / name, folder / name)
    url = f"sqlite:///{tmp_path}/db.sqlite"
    assert rasad("ingest", str(folder), "--db", url).returncode == 0
    with contextlib.closing(Store.open(url)) as store:
        n_before = len(store.mentions())
    text = (folder / "002_c687c9c6b6151ccd.txt").read_text(encoding="utf-8")
    cut = text.split("\n\n")[0] + "\n"  # only the first paragraph remains
    (folder / "002_c687c9c6b6151ccd.txt").write_text(cut, encoding="utf-8")
    result = rasad("ingest", str(folder), "--db", url)
    assert "1 replaced" in result.stderr
    with contextlib.closing(Store.open(url)) as store:
        after = store.mentions()
    assert 0 < len(after) < n_before
    assert all(m["evidence"][0]["end"] <= len(cut) for m in after)


def test_events_needs_inputs_or_db() -> None:
    result = rasad("events")
    assert result.returncode == 2
    assert "--db" in result.stderr


def test_bad_filters_are_clear() -> None:
    result = rasad("events", "--db", "sqlite:///unused.sqlite", "--since", "yesterday")
    assert result.returncode == 2
    assert "yesterday" in result.stderr
