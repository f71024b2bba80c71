"""The gazetteer: place entries with Arabic names, coordinates and admin chain.

The packaged ``rasad/data/gazetteer.jsonl`` is built by ``scripts/build_gazetteer.py`` from
OCHA/OpenSyria admin units, GeoNames, the OCHA Aleppo neighbourhoods and the curated
``places_supplement.csv``. :meth:`Gazetteer.load` reads it, adds supplement rows that are
not in the built file yet (an analyst's edit before a rebuild), and any extra user files:
``.csv`` in the supplement's columns or ``.jsonl`` in the gazetteer's columns.

Rows added at run time get their admin chain without polygons: governorate from
``admin1_pcode`` (or the nearest known place), district and sub-district from the nearest
sub-district centroid of that governorate (approximate; rebuild for the exact chain).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rasad.errors import DataFileError
from rasad.geo import haversine_km
from rasad.model import Place
from rasad.text.normalize import Normalizer

SUPPLEMENT_COLUMNS = ("id", "name_ar", "name_en", "feature_type", "lat", "lon")
GAZETTEER_COLUMNS = ("id", "name", "name_ar", "feature_type", "lat", "lon")
_DEFAULT_RANK = {
    "city": 80,
    "town": 60,
    "village": 45,
    "neighbourhood": 50,
    "region": 60,
    "governorate": 85,
    "district": 60,
    "subdistrict": 40,
    "country": 30,
}
# feature types that cover an area: not a point to measure distances from
WIDE_TYPES = frozenset(
    {"governorate", "district", "subdistrict", "region", "country", "river", "lake"}
)
_DEFAULT_PRECISION = {
    "governorate": 3,
    "country": 3,
    "region": 3,
    "river": 3,
    "district": 2,
    "subdistrict": 2,
}


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer row."""

    id: str
    name: str
    name_ar: str
    names_ar: tuple[str, ...]
    feature_type: str
    lat: float
    lon: float
    country: str = "SY"
    admin1: str | None = None
    admin1_ar: str | None = None
    admin1_pcode: str | None = None
    admin2: str | None = None
    admin2_pcode: str | None = None
    admin3: str | None = None
    admin3_pcode: str | None = None
    rank: int = 0
    precision_hint: int = 1
    parent: str | None = None
    needs_context: bool = False
    source: str = ""
    merged: tuple[str, ...] = ()

    def to_place(self) -> Place:
        return Place(
            id=self.id,
            name=self.name,
            name_ar=self.name_ar,
            feature_type=self.feature_type,
            lat=self.lat,
            lon=self.lon,
            country=self.country,
            admin1=self.admin1,
            admin2=self.admin2,
            admin3=self.admin3,
            admin1_ar=self.admin1_ar,
            rank=self.rank,
        )



def fast_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: good to a few per cent at these distances, for scoring."""
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    dy = (lat2 - lat1) * 110.57
    return math.hypot(dx, dy)


@dataclass(slots=True)
class PlaceContext:
    """What the places read so far agree on (counts, so a reading can be taken out again
    while it is itself being resolved)."""

    admin1: Counter[str] = field(default_factory=Counter)
    admin2: Counter[str] = field(default_factory=Counter)
    ids: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    points: list[tuple[float, float, int, str]] = field(default_factory=list)

    def apply(self, top: Sequence[GazEntry], owner: int, sign: int = 1) -> None:
        local = [e for e in top if e.country == "SY" and e.feature_type != "country"]
        if len(local) < len(top):
            for cc in {e.country for e in top if e not in local}:
                self.countries[cc] += sign
            return
        admin1 = {e.admin1_pcode for e in local if e.admin1_pcode}
        if len(admin1) == 1:
            self.admin1[admin1.pop()] += sign
        admin2 = {
            e.admin2_pcode for e in local if e.admin2_pcode and e.feature_type not in WIDE_TYPES
        }
        if len(admin2) == 1:
            self.admin2[admin2.pop()] += sign
        for e in local:
            self.ids[e.id] += sign
        spots = [e for e in local if e.feature_type not in WIDE_TYPES]
        if len(spots) == 1:  # admin units named like their seat do not blur the point
            e = spots[0]
            if e.parent:
                self.ids[e.parent] += sign
            if sign > 0:
                self.points.append((e.lat, e.lon, owner, e.id))

    def near(self, e: GazEntry, owner: int, other_places: bool) -> float:
        """Kilometres from ``e`` to the closest place read here by another match. In a
        sentence (``other_places``) a second name of the same place is not support for it:
        a list names different places."""
        return min(
            (
                fast_km(e.lat, e.lon, lat, lon)
                for lat, lon, who, pid in self.points
                if who != owner and not (other_places and pid == e.id)
            ),
            default=math.inf,
        )


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _float(row: dict[str, Any], key: str, where: str) -> float:
    try:
        return float(row[key])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(f"{where}: '{key}' must be a number, got {row.get(key)!r}") from exc


def _entry_from_json(row: dict[str, Any], where: str) -> GazEntry:
    missing = [c for c in GAZETTEER_COLUMNS if c not in row]
    if missing:
        raise DataFileError(f"{where}: missing fields {missing}")
    names = [str(n) for n in row.get("names_ar") or []] or [str(row["name_ar"])]
    if row["name_ar"] not in names:
        names.insert(0, str(row["name_ar"]))
    ftype = str(row["feature_type"])
    return GazEntry(
        id=str(row["id"]),
        name=str(row["name"]),
        name_ar=str(row["name_ar"]),
        names_ar=tuple(names),
        feature_type=ftype,
        lat=_float(row, "lat", where),
        lon=_float(row, "lon", where),
        country=str(row.get("country") or "SY"),
        admin1=row.get("admin1"),
        admin1_ar=row.get("admin1_ar"),
        admin1_pcode=row.get("admin1_pcode"),
        admin2=row.get("admin2"),
        admin2_pcode=row.get("admin2_pcode"),
        admin3=row.get("admin3"),
        admin3_pcode=row.get("admin3_pcode"),
        rank=int(row.get("rank", _DEFAULT_RANK.get(ftype, 45))),
        precision_hint=int(row.get("precision_hint", _DEFAULT_PRECISION.get(ftype, 1))),
        parent=row.get("parent"),
        needs_context=bool(row.get("needs_context", False)),
        source=str(row.get("source", "")),
        merged=tuple(row.get("merged") or ()),
    )


class Gazetteer:
    """All place entries, by id and by normalised Arabic name. Build once, share."""

    __slots__ = ("_by_id", "_by_key", "_places", "entries", "normalizer")

    def __init__(self, entries: Iterable[GazEntry], normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        self.entries: list[GazEntry] = []
        self._by_id: dict[str, GazEntry] = {}
        self._by_key: dict[str, list[GazEntry]] = {}
        self._places: dict[str, Place] = {}
        for entry in entries:
            self.add(entry)

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, extra: Sequence[Path] = (), normalizer: Normalizer | None = None) -> Gazetteer:
        norm = normalizer or Normalizer.from_file()
        data = resources.files("rasad.data")
        gaz = cls(
            cls._read_jsonl(data.joinpath("gazetteer.jsonl").read_text("utf-8"), "gazetteer.jsonl"),
            norm,
        )
        merged = {m for e in gaz.entries for m in e.merged}
        supplement = data.joinpath("places_supplement.csv").read_text("utf-8")
        for row in cls._read_csv(supplement, "places_supplement.csv"):
            if row["id"] not in gaz._by_id and row["id"] not in merged:
                gaz.add(gaz._entry_from_csv(row, "places_supplement.csv"))
        for path in extra:
            text = Path(path).read_text("utf-8")
            if str(path).endswith(".jsonl"):
                for entry in cls._read_jsonl(text, str(path)):
                    gaz.add(gaz._complete(entry), replace=True)
            elif str(path).endswith(".csv"):
                for row in cls._read_csv(text, str(path)):
                    gaz.add(gaz._entry_from_csv(row, str(path)), replace=True)
            else:
                raise DataFileError(f"{path}: extra gazetteer files must be .csv or .jsonl")
        return gaz

    @staticmethod
    def _read_jsonl(text: str, where: str) -> Iterator[GazEntry]:
        for no, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataFileError(f"{where}:{no}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise DataFileError(f"{where}:{no}: expected a JSON object")
            yield _entry_from_json(row, f"{where}:{no}")

    @staticmethod
    def _read_csv(text: str, where: str) -> Iterator[dict[str, str]]:
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in SUPPLEMENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(f"{where}: missing columns {missing}")
        yield from reader

    def _entry_from_csv(self, row: dict[str, str], where: str) -> GazEntry:
        where = f"{where}: row {row.get('id')!r}"
        names = [row["name_ar"], *_split(row.get("alt_names_ar"))]
        ftype = row["feature_type"] or "village"
        entry = GazEntry(
            id=row["id"],
            name=row["name_en"] or row["name_ar"],
            name_ar=row["name_ar"],
            names_ar=tuple(names),
            feature_type=ftype,
            lat=_float(row, "lat", where),
            lon=_float(row, "lon", where),
            country=row.get("country") or "SY",
            admin1_pcode=row.get("admin1_pcode") or None,
            rank=_DEFAULT_RANK.get(ftype, 50),
            precision_hint=int(row.get("precision_hint") or _DEFAULT_PRECISION.get(ftype, 1)),
            parent=row.get("parent_id") or None,
            source="user" if "supplement" not in where else "rasad_curated",
        )
        return self._complete(entry)

    def _complete(self, entry: GazEntry) -> GazEntry:
        """Fill a run-time row's admin chain from the nearest sub-district centroid."""
        if entry.country != "SY" or entry.admin2_pcode:
            return entry
        subs = [e for e in self.entries if e.feature_type == "subdistrict"]
        if entry.admin1_pcode:
            subs = [e for e in subs if e.admin1_pcode == entry.admin1_pcode] or subs
        if not subs:
            return entry
        near = min(subs, key=lambda e: (haversine_km(entry.lat, entry.lon, e.lat, e.lon), e.id))
        values = {f: getattr(entry, f) for f in GazEntry.__slots__}
        for f in (
            "admin1",
            "admin1_ar",
            "admin1_pcode",
            "admin2",
            "admin2_pcode",
            "admin3",
            "admin3_pcode",
        ):
            values[f] = getattr(near, f)
        return GazEntry(**values)

    # -- access --------------------------------------------------------------------------
    def add(self, entry: GazEntry, replace: bool = False) -> None:
        if entry.id in self._by_id:
            if not replace:
                raise DataFileError(f"duplicate gazetteer id {entry.id!r}")
            self.entries = [e for e in self.entries if e.id != entry.id]
            for lst in self._by_key.values():
                lst[:] = [e for e in lst if e.id != entry.id]
            self._places.pop(entry.id, None)
        self.entries.append(entry)
        self._by_id[entry.id] = entry
        for key in {self.key(n) for n in entry.names_ar}:
            if key:
                self._by_key.setdefault(key, []).append(entry)

    def key(self, name: str) -> str:
        """The matching key of a name: normalised, single-spaced."""
        return " ".join(self.normalizer.text(name).split())

    def get(self, place_id: str) -> GazEntry | None:
        return self._by_id.get(place_id)

    def lookup(self, name: str) -> list[GazEntry]:
        """Entries with this Arabic name (any spelling the normaliser unifies), best rank first.
        Also tries the name with the article ال added or removed."""
        key = self.key(name)
        found = list(self._by_key.get(key, []))
        alt = key[2:] if key.startswith("ال") else "ال" + key
        found += [e for e in self._by_key.get(alt, []) if e not in found]
        return sorted(found, key=lambda e: (-e.rank, e.id))

    def place(self, place_id: str) -> Place:
        """The :class:`rasad.model.Place` of an entry (built once, then cached)."""
        cached = self._places.get(place_id)
        if cached is None:
            entry = self._by_id.get(place_id)
            if entry is None:
                raise KeyError(place_id)
            cached = self._places[place_id] = entry.to_place()
        return cached

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GazEntry]:
        return iter(self.entries)
