"""Writing events as JSON Lines, ACLED-style CSV and GeoJSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from rasad.merge.events import event_json
from rasad.model import Event

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude",
    "geo_precision", "source", "source_scale", "notes", "fatalities",
)
RASAD_COLUMNS = (
    "rasad_kind", "rasad_location_ar", "rasad_actor1_id", "rasad_actor2_id", "rasad_counts",
    "rasad_n_sources", "rasad_mentions", "rasad_attributed_to", "rasad_confidence",
    "rasad_historical", "rasad_evidence",
)
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
COUNTRY_NAMES = {"SY": "Syria", "IQ": "Iraq", "TR": "Turkey", "LB": "Lebanon", "JO": "Jordan",
                 "IL": "Israel", "PS": "Palestine"}


def acled_row(event: Event) -> dict[str, Any]:
    m = event.mention
    loc = m.location
    place = loc.place if loc else None
    inter1 = m.actor1.inter if m.actor1 else 0
    inter2 = m.actor2.inter if m.actor2 else 0
    pair = sorted(i for i in (inter1, inter2) if i)
    return {
        "event_id_cnty": event.id,
        "event_date": m.date.isoformat() if m.date else "",
        "year": m.date.year if m.date else "",
        "time_precision": TIME_PRECISION.get(m.date_precision or "", ""),
        "event_type": m.event_type,
        "sub_event_type": m.sub_event_type,
        "actor1": m.actor1.name if m.actor1 else "",
        "assoc_actor_1": "",
        "inter1": inter1 or "",
        "actor2": m.actor2.name if m.actor2 else "",
        "assoc_actor_2": "",
        "inter2": inter2 or "",
        "interaction": int("".join(str(i) for i in pair)) if pair else "",
        "country": COUNTRY_NAMES.get(place.country, place.country) if place else "",
        "admin1": (place.admin1 or "") if place else "",
        "admin2": (place.admin2 or "") if place else "",
        "admin3": (place.admin3 or "") if place else "",
        "location": place.name if place else "",
        "latitude": place.lat if place else "",
        "longitude": place.lon if place else "",
        "geo_precision": loc.precision if loc else "",
        "source": "; ".join(sorted({s.get("outlet") or s.get("article_id") or "" for s in event.sources})),
        "source_scale": "",
        "notes": m.notes.get("en", ""),
        "fatalities": m.fatalities,
        "rasad_kind": m.kind,
        "rasad_location_ar": place.name_ar if place else "",
        "rasad_actor1_id": m.actor1.id if m.actor1 else "",
        "rasad_actor2_id": m.actor2.id if m.actor2 else "",
        "rasad_counts": json.dumps({k: c.to_json() for k, c in m.counts.items()}, ensure_ascii=False),
        "rasad_n_sources": event.n_sources,
        "rasad_mentions": " ".join(x.id for x in event.mentions),
        "rasad_attributed_to": m.attributed_to or "",
        "rasad_confidence": m.confidence,
        "rasad_historical": m.historical,
        "rasad_evidence": " / ".join(e.text for e in m.evidence),
    }


def write_jsonl(events: Iterable[Event], out: IO[str]) -> int:
    n = 0
    for ev in events:
        out.write(json.dumps(event_json(ev), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(events: Iterable[Event], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=[*ACLED_COLUMNS, *RASAD_COLUMNS])
    writer.writeheader()
    n = 0
    for ev in events:
        writer.writerow(acled_row(ev))
        n += 1
    return n


def write_geojson(events: Iterable[Event], out: IO[str]) -> int:
    features = []
    for ev in events:
        loc = ev.mention.location
        if loc is None:
            continue
        props = event_json(ev)
        props.pop("location", None)
        props.update({f"location_{k}": v for k, v in loc.to_json().items() if k not in {"lat", "lon"}})
        features.append(
            {
                "type": "Feature",
                "id": ev.id,
                "geometry": {"type": "Point", "coordinates": [loc.place.lon, loc.place.lat]},
                "properties": {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                               for k, v in props.items()},
            }
        )
    json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
    out.write("\n")
    return len(features)
