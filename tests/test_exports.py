"""Exports open in their tools: the CSV in pandas with ACLED's columns, the GeoJSON is
valid RFC 7946, the Parquet reads back with its types."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS, need_shared
from rasad.export import ACLED_COLUMNS


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_shared(SEEDS)
    out = tmp_path_factory.mktemp("exports")
    for fmt, name in (("csv", "events.csv"), ("geojson", "events.geojson"), ("parquet", "events.parquet")):
        result = subprocess.run(
            [sys.executable, "-m", "rasad", "events", str(SEEDS), "--format", fmt,
             "-o", str(out / name), "--quiet"],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    return out


def test_csv_opens_in_pandas_with_acled_columns(exports: Path) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is a test dependency")
    frame = pd.read_csv(exports / "events.csv", parse_dates=["event_date"])
    assert list(frame.columns[: len(ACLED_COLUMNS)]) == list(ACLED_COLUMNS)
    assert len(frame) > 10
    assert frame["fatalities"].dtype.kind == "i"
    assert frame["latitude"].between(32, 38).all()
    assert set(frame["event_type"]) <= {
        "Battles", "Explosions/Remote violence", "Violence against civilians",
        "Strategic developments", "Protests", "Riots",
    }  # fmt: skip


def test_geojson_is_valid(exports: Path) -> None:
    doc = json.loads((exports / "events.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert doc["features"]
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert 35 <= lon <= 43 and 32 <= lat <= 38  # Syria: longitude first (RFC 7946)
        props = feature["properties"]
        assert isinstance(props, dict)
        # flat values only, as QGIS reads them
        assert all(not isinstance(v, dict | list) for v in props.values())


def test_parquet_reads_back_with_types(exports: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(exports / "events.parquet")
    schema = {f.name: str(f.type) for f in table.schema}
    assert schema["event_date"] == "date32[day]"
    assert schema["fatalities"] == "int64"
    assert schema["latitude"] == "double"
    assert schema["event_type"] == "string"
    assert schema["rasad_historical"] == "bool"
    assert table.num_rows > 10
    csv_rows = (exports / "events.csv").read_text(encoding="utf-8").count("\n") - 1
    assert table.num_rows == csv_rows


def test_parquet_needs_an_output_file() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "rasad", "events", "--db", "sqlite:///x.sqlite", "--format", "parquet"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "-o FILE" in result.stderr
