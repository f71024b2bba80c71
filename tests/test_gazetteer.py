"""The packaged gazetteer, its build script, its schemas and Gazetteer.load."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest

from rasad.errors import DataFileError
from rasad.geo import haversine_km as km
from rasad.model import Place
from rasad.recognize.gazetteer import Gazetteer

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "rasad" / "data"
SCHEMAS = DATA / "schemas"
GEO = REPO / ".." / "shared" / "data" / "geo"
SY_BBOX = (32.3, 35.6, 37.4, 42.4)  # lat_min, lon_min, lat_max, lon_max (Syria with a margin)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    with (DATA / "gazetteer.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _schema(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return data


def test_every_gazetteer_row_validates(rows: list[dict[str, object]]) -> None:
    validator = jsonschema.Draft202012Validator(_schema("gazetteer"))
    errors = [(r["id"], e.message) for r in rows for e in validator.iter_errors(r)]
    assert errors == []


def test_syrian_rows_lie_inside_syria(rows: list[dict[str, object]]) -> None:
    lat0, lon0, lat1, lon1 = SY_BBOX
    outside = [
        r["id"]
        for r in rows
        if r["country"] == "SY"
        and not (lat0 <= float(r["lat"]) <= lat1 and lon0 <= float(r["lon"]) <= lon1)  # type: ignore[arg-type]
    ]
    assert outside == []


def test_syrian_settlements_have_an_admin_chain(rows: list[dict[str, object]]) -> None:
    missing = [
        r["id"]
        for r in rows
        if r["country"] == "SY"
        and r["feature_type"] in ("city", "town", "village", "neighbourhood")
        and not (r.get("admin1_pcode") and r.get("admin2_pcode") and r.get("admin3_pcode"))
    ]
    assert missing == []


def test_ids_are_unique_and_parents_exist(rows: list[dict[str, object]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    dangling = [
        (r["id"], r["parent"]) for r in rows if r.get("parent") and r["parent"] not in set(ids)
    ]
    assert dangling == []


def test_supplement_rows_validate_and_record_their_source() -> None:
    validator = jsonschema.Draft202012Validator(_schema("places_supplement"))
    with (DATA / "places_supplement.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 300
    errors = [(r["id"], e.message) for r in rows for e in validator.iter_errors(r)]
    assert errors == []
    assert all(r["coord_source"] and r["coord_confidence"] for r in rows)


@pytest.mark.parametrize("name", ["place_cues", "place_stopnames"])
def test_cue_files_validate(name: str) -> None:
    data = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    jsonschema.validate(data, _schema(name))
    assert data["meta"]["version"]


@pytest.mark.parametrize("level", [1, 2])
def test_boundaries_are_small_and_attributed(level: int) -> None:
    path = DATA / "boundaries" / f"syr_admin{level}.geojson"
    assert path.stat().st_size < 400_000
    fc = json.loads(path.read_text("utf-8"))
    assert "OCHA" in fc["attribution"]
    assert len(fc["features"]) == (14 if level == 1 else 62)
    assert (DATA / "ATTRIBUTION.md").read_text("utf-8").count("CC BY") >= 4


@pytest.mark.parametrize(
    ("place_id", "lat", "lon", "tolerance_km"),
    [
        ("cur:humaymah", 36.157, 37.78, 3),  # Humaymah, east of Dayr Hafir
        ("cur:bani-zaid-aleppo", 36.225, 37.14, 2),  # Bani Zaid, Aleppo
        ("cur:hawayij-bu-musaa", 35.3, 40.3, 5),  # Hawayij Bu Musaa, Deir ez-Zor
        ("gn:170785", 36.157, 37.708, 2),  # Dayr Hafir (GeoNames)
        ("nb:N0123", 36.2366, 37.1528, 2),  # Sheikh Maqsoud (OCHA)
    ],
)
def test_known_coordinates(
    gaz: Gazetteer, place_id: str, lat: float, lon: float, tolerance_km: float
) -> None:
    e = gaz.get(place_id)
    assert e is not None
    assert km(e.lat, e.lon, lat, lon) <= tolerance_km


@pytest.mark.parametrize(
    ("place_id", "admin1", "admin2"),
    [
        ("gn:170785", "SY02", "SY0202"),  # Dayr Hafir: Aleppo, Al-Bab district
        ("gn:174506", "SY09", "SY0902"),  # Hajin: Deir ez-Zor, Abu Kamal district
        ("cur:humaymah", "SY02", None),
        ("cur:shuhayl", "SY09", None),
        ("nb:N0123", "SY02", "SY0200"),  # Sheikh Maqsoud: Aleppo, Jebel Saman
    ],
)
def test_admin_chain_comes_from_the_polygons(
    gaz: Gazetteer, place_id: str, admin1: str, admin2: str | None
) -> None:
    e = gaz.get(place_id)
    assert e is not None and e.admin1_pcode == admin1
    assert admin2 is None or e.admin2_pcode == admin2
    assert e.admin3_pcode and e.admin2_pcode and e.admin3_pcode.startswith(e.admin2_pcode)


@pytest.mark.parametrize(
    ("name", "expected_id"),
    [
        ("دير حافر", "gn:170785"),
        (
            "ديرحافر",
            None,
        ),  # not a spelling the gazetteer knows (glued forms are the recogniser's job)
        ("حلب", "gn:170063"),
        ("حماه", "gn:170017"),  # ة/ه unified by the normaliser
        ("الْحَسَكَة", "gn:173811"),  # diacritics ignored
        ("حسكة", "gn:173811"),  # article toggled
        ("الشيخ مقصود", "nb:N0123"),
        ("كوباني", "gn:172256"),  # curated alias merged into the GeoNames city
    ],
)
def test_lookup_by_name(gaz: Gazetteer, name: str, expected_id: str | None) -> None:
    found = gaz.lookup(name)
    if expected_id is None:
        assert found == []
    else:
        assert found and found[0].id == expected_id


def test_place_is_the_model_type(gaz: Gazetteer) -> None:
    place = gaz.place("gn:170063")
    assert isinstance(place, Place)
    assert (place.name_ar, place.admin1_ar, place.country) == ("حلب", "حلب", "SY")
    assert gaz.place("gn:170063") is place


def test_common_words_are_not_names(gaz: Gazetteer) -> None:
    # GeoNames lists "بين", "كان", "الي" as alternate names of some places; they are filtered.
    for word in ("بين", "كان", "الي"):
        assert gaz.lookup(word) == []


def test_extra_csv_adds_a_place_with_an_admin_chain(tmp_path: Path) -> None:
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "id,name_ar,name_en,alt_names_ar,feature_type,admin1_pcode,lat,lon\n"
        "user:zaytuna,الزيتونة الشرقية,Eastern Zaytuna,زيتونة شرقية,village,SY09,35.10,40.40\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load([extra])
    e = gaz.get("user:zaytuna")
    assert e is not None
    assert e.admin1_pcode == "SY09" and e.admin2_pcode and e.admin2_pcode.startswith("SY09")
    assert gaz.lookup("زيتونة شرقية")[0].id == "user:zaytuna"


def test_extra_jsonl_replaces_an_entry(tmp_path: Path) -> None:
    extra = tmp_path / "fix.jsonl"
    row = {
        "id": "cur:babiri",
        "name": "Babiri",
        "name_ar": "بابيري",
        "feature_type": "village",
        "lat": 36.05,
        "lon": 37.95,
        "admin1_pcode": "SY02",
    }
    extra.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    e = Gazetteer.load([extra]).get("cur:babiri")
    assert e is not None and (e.lat, e.lon) == (36.05, 37.95)


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("id,name_ar\nx,y\n", ".csv", "missing columns"),
        (
            "id,name_ar,name_en,feature_type,lat,lon\nuser:a,أ,A,village,north,36\n",
            ".csv",
            "must be a number",
        ),
        ('{"id": "user:a"}\n', ".jsonl", "missing fields"),
        ("not json\n", ".jsonl", "not JSON"),
        ("", ".txt", "must be .csv or .jsonl"),
    ],
)
def test_bad_extra_files_raise_a_data_file_error(
    tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        Gazetteer.load([path])


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", REPO / "scripts" / "build_gazetteer.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_build_is_deterministic_and_matches_the_shipped_file(tmp_path: Path) -> None:
    if not (GEO / "SOURCES.md").exists():
        pytest.skip("../shared not present: the public geo sources are needed to rebuild")
    pytest.importorskip("shapely")
    build = _build_module()
    first, second = tmp_path / "a", tmp_path / "b"
    assert build.main(["--geo", str(GEO), "--out", str(first)]) == 0
    assert build.main(["--geo", str(GEO), "--out", str(second)]) == 0
    for rel in (
        "gazetteer.jsonl",
        "boundaries/syr_admin1.geojson",
        "boundaries/syr_admin2.geojson",
    ):
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
        assert (first / rel).read_bytes() == (DATA / rel).read_bytes(), (
            f"{rel} is stale: run scripts/build_gazetteer.py"
        )
