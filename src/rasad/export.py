"""Writing events (``event_json`` documents) as JSON Lines, ACLED-style CSV, GeoJSON and
Parquet."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities",
)  # fmt: skip
RASAD_COLUMNS = (
    "rasad_kind", "rasad_location_ar", "rasad_actor1_id", "rasad_actor2_id", "rasad_counts",
    "rasad_n_sources", "rasad_mentions", "rasad_attributed_to", "rasad_confidence",
    "rasad_historical", "rasad_evidence",
)  # fmt: skip
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
COUNTRY_NAMES = {
    "SY": "Syria", "IQ": "Iraq", "TR": "Turkey", "LB": "Lebanon", "JO": "Jordan",
    "IL": "Israel", "PS": "Palestine",
}  # fmt: skip


def acled_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One event as a row with ACLED's column names, then Rasad's own columns."""
    loc = ev.get("location") or {}
    a1, a2 = ev.get("actor1") or {}, ev.get("actor2") or {}
    inter1, inter2 = a1.get("inter") or 0, a2.get("inter") or 0
    pair = sorted(i for i in (inter1, inter2) if i)
    date = ev.get("date") or ""
    outlets = {s.get("outlet") or s.get("article_id") or "" for s in ev.get("sources") or []}
    return {
        "event_id_cnty": ev["id"],
        "event_date": date,
        "year": date[:4],
        "time_precision": TIME_PRECISION.get(ev.get("date_precision") or "", ""),
        "event_type": ev["acled"]["event_type"],
        "sub_event_type": ev["acled"]["sub_event_type"],
        "actor1": a1.get("name", ""),
        "assoc_actor_1": "",
        "inter1": inter1 or "",
        "actor2": a2.get("name", ""),
        "assoc_actor_2": "",
        "inter2": inter2 or "",
        "interaction": int("".join(str(i) for i in pair)) if pair else "",
        "country": COUNTRY_NAMES.get(loc.get("country", ""), loc.get("country", "")),
        "admin1": loc.get("admin1") or "",
        "admin2": loc.get("admin2") or "",
        "admin3": loc.get("admin3") or "",
        "location": loc.get("name", ""),
        "latitude": loc.get("lat", ""),
        "longitude": loc.get("lon", ""),
        "geo_precision": loc.get("precision", ""),
        "source": "; ".join(sorted(outlets)),
        "source_scale": "",
        "notes": (ev.get("notes") or {}).get("en", ""),
        "fatalities": ev.get("fatalities", 0),
        "rasad_kind": ev["kind"],
        "rasad_location_ar": loc.get("name_ar", ""),
        "rasad_actor1_id": a1.get("id", ""),
        "rasad_actor2_id": a2.get("id", ""),
        "rasad_counts": json.dumps(ev.get("counts") or {}, ensure_ascii=False),
        "rasad_n_sources": ev.get("n_sources", 1),
        "rasad_mentions": " ".join(ev.get("mentions") or []),
        "rasad_attributed_to": ev.get("attributed_to") or "",
        "rasad_confidence": ev.get("confidence", ""),
        "rasad_historical": ev.get("historical", False),
        "rasad_evidence": " / ".join(e["text"] for e in ev.get("evidence") or []),
    }


def write_jsonl(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for ev in events:
        out.write(json.dumps(ev, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=[*ACLED_COLUMNS, *RASAD_COLUMNS])
    writer.writeheader()
    n = 0
    for ev in events:
        writer.writerow(acled_row(ev))
        n += 1
    return n


def write_geojson(events: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Point features (events without a location are left out); nested values as JSON text."""
    features = []
    for ev in events:
        loc = ev.get("location")
        if not loc:
            continue
        props = {k: v for k, v in ev.items() if k != "location"}
        props.update({f"location_{k}": v for k, v in loc.items() if k not in {"lat", "lon"}})
        features.append(
            {
                "type": "Feature",
                "id": ev["id"],
                "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                "properties": {
                    k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v
                    for k, v in props.items()
                },
            }
        )
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
    return len(features)


PARQUET_TYPES = {
    "event_date": "date32",
    "year": "int32",
    "time_precision": "int32",
    "inter1": "int32",
    "inter2": "int32",
    "interaction": "int32",
    "latitude": "float64",
    "longitude": "float64",
    "geo_precision": "int32",
    "fatalities": "int64",
    "rasad_n_sources": "int32",
    "rasad_confidence": "float64",
    "rasad_historical": "bool",
}


# the Python value each Parquet type is made from
_PARQUET_VALUE: dict[str, Callable[[Any], Any]] = {
    "date32": lambda v: dt.date.fromisoformat(str(v)),
    "int32": int,
    "int64": int,
    "float64": float,
    "bool": bool,
    "string": str,
}


def write_parquet(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """The CSV's columns as one Parquet file, typed (dates, numbers, booleans; empty cells
    are nulls). Needs pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [acled_row(ev) for ev in events]
    arrays = []
    fields = []
    for col in (*ACLED_COLUMNS, *RASAD_COLUMNS):
        kind = PARQUET_TYPES.get(col, "string")
        convert = _PARQUET_VALUE[kind]
        values = [None if row.get(col) in ("", None) else convert(row[col]) for row in rows]
        pa_type = getattr(pa, "bool_" if kind == "bool" else kind)()
        arrays.append(pa.array(values, type=pa_type))
        fields.append(pa.field(col, pa_type))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), str(path))
    return len(rows)
