#!/usr/bin/env python3
"""Build Rasad's packaged gazetteer from the public geo sources and the curated supplement.

Build-only (needs shapely; the package itself never imports this). Reads, by default,
``<repo>/../shared/data/geo/`` (see SOURCES.md there) and ``src/rasad/data/places_supplement.csv``
and writes:

- ``src/rasad/data/gazetteer.jsonl``: one JSON object per place, sorted by id;
- ``src/rasad/data/boundaries/syr_admin1.geojson`` and ``syr_admin2.geojson``: OCHA admin
  polygons simplified for the web map (each < 400 KB), with their attribution.

The admin chain (governorate, district) of every Syrian point is computed by
point-in-polygon against the OCHA admin2 polygons (nearest polygon for points just outside
the coastline/border). The sub-district (admin3) is a heuristic: the nearest OpenSyria
sub-district centroid inside the same district (OCHA admin3 polygons are not available).

Deterministic: the same inputs give byte-identical outputs (sorted rows, rounded
coordinates, no timestamps).

Usage: ``python scripts/build_gazetteer.py [--geo DIR] [--out DIR] [--supplement CSV]``
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from rasad.text.normalize import Normalizer

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GEO = REPO / ".." / "shared" / "data" / "geo"
DEFAULT_OUT = REPO / "src" / "rasad" / "data"

SY_BBOX = (32.3, 35.6, 37.4, 42.4)  # lat_min, lon_min, lat_max, lon_max
FORMAL_PREFIXES = ("محافظة ", "منطقة ", "ناحية ", "مركز ", "مدينة ", "قضاء ")
ARABIC_OK = re.compile(r"^[\u0621-\u064A0-9 ]+$")
BOUNDARY_MAX_BYTES = 400_000
# neighbourhood names that the press writes with the article (see Builder.definite)
NISBA_ENDINGS = ("ية", "يه")
DEFINITE_TITLES = ("شيخ",)

GN_TYPES = {
    "PPLC": ("city", 100),
    "PPLA": ("city", 90),
    "PPLA2": ("city", 80),
    "PPLA3": ("town", 70),
}
CURATED_RANK = {
    "city": 80,
    "town": 60,
    "village": 45,
    "neighbourhood": 50,
    "landmark": 45,
    "region": 60,
    "river": 40,
    "lake": 40,
    "mountain": 45,
    "oil_field": 55,
    "gas_field": 55,
    "base": 55,
    "airport": 55,
    "prison": 50,
    "camp": 50,
    "crossing": 55,
    "dam": 55,
    "bridge": 50,
    "facility": 45,
    "country": 30,
    "subdistrict": 40,
    "district": 60,
    "governorate": 85,
}
MERGEABLE = {"city", "town", "village", "neighbourhood"}
ATTRIBUTION = {
    "ocha": "Administrative boundaries: UN OCHA / UN Cartographic Section (UNCS), via HDX, CC BY 3.0 IGO. "
    "The boundaries and names shown do not imply official endorsement or acceptance by the United Nations.",
}


@dataclass
class Entry:
    id: str
    name: str
    name_ar: str
    names_ar: list[str]
    feature_type: str
    lat: float
    lon: float
    country: str = "SY"
    names_en: list[str] = field(default_factory=list)
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
    merged: list[str] = field(default_factory=list)
    source: str = ""
    coord_confidence: str | None = None
    population: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "name_ar": self.name_ar,
            "names_ar": self.names_ar,
            "feature_type": self.feature_type,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "country": self.country,
        }
        optional: list[tuple[str, Any]] = [
            ("names_en", self.names_en),
            ("admin1", self.admin1),
            ("admin1_ar", self.admin1_ar),
            ("admin1_pcode", self.admin1_pcode),
            ("admin2", self.admin2),
            ("admin2_pcode", self.admin2_pcode),
            ("admin3", self.admin3),
            ("admin3_pcode", self.admin3_pcode),
        ]
        for key, value in optional:
            if value:
                out[key] = value
        out["rank"] = self.rank
        out["precision_hint"] = self.precision_hint
        if self.parent:
            out["parent"] = self.parent
        if self.needs_context:
            out["needs_context"] = True
        if self.population:
            out["population"] = self.population
        if self.merged:
            out["merged"] = self.merged
        if self.coord_confidence:
            out["coord_confidence"] = self.coord_confidence
        out["source"] = self.source
        return out


@dataclass
class Admin2:
    pcode: str
    name_en: str
    name_ar: str
    admin1_pcode: str
    admin1_en: str
    admin1_ar: str
    geom: BaseGeometry
    prepared: Any


@dataclass
class Admin3:
    pcode: str
    name_en: str
    lat: float
    lon: float


class Builder:
    def __init__(self, geo: Path, supplement: Path, stopnames: Path) -> None:
        self.geo = geo
        self.supplement = supplement
        self.norm = Normalizer.from_file()
        stop = json.loads(stopnames.read_text("utf-8"))
        self.never = {self.key(w) for w in stop["never"]}
        self.admin2: list[Admin2] = []
        self.admin3: dict[str, list[Admin3]] = {}
        self.log: list[str] = []

    # -- names ---------------------------------------------------------------------------
    def key(self, name: str) -> str:
        return " ".join(self.norm.text(name).split())

    def clean_source_name(self, raw: str) -> str | None:
        """A source (GeoNames/OpenSyria) Arabic name, or None when it is unusable."""
        name = raw.replace("\u200e", "").replace("\u200f", "").replace("_", " ").strip(" .")
        changed = True
        while changed:
            changed = False
            for prefix in FORMAL_PREFIXES:
                if name.startswith(prefix) and len(name) > len(prefix) + 1:
                    name = name[len(prefix) :].strip()
                    changed = True
        key = self.key(name)
        if not key or not ARABIC_OK.match(key):
            return None  # Persian/Kurdish letters, Latin letters, punctuation
        if any(len(word) < 2 for word in key.split()):
            return None
        if key in self.never:
            return None
        return name

    def dedupe(self, names: Iterable[str]) -> list[str]:
        seen: set[str] = set()
        out: list[str] = []
        for name in names:
            k = self.key(name)
            if k and k not in seen:
                seen.add(k)
                out.append(name)
        return out

    # -- admin polygons ------------------------------------------------------------------
    def load_admin(self) -> None:
        data = json.loads((self.geo / "syr_admin2_ocha.geojson").read_text("utf-8"))
        for feat in data["features"]:
            p = feat["properties"]
            geom = shape(feat["geometry"])
            self.admin2.append(
                Admin2(
                    p["ADM2_PCODE"],
                    p["ADM2_EN"],
                    p["ADM2_AR"],
                    p["ADM1_PCODE"],
                    p["ADM1_EN"],
                    p["ADM1_AR"],
                    geom,
                    prep(geom),
                )
            )
        self.admin2.sort(key=lambda a: a.pcode)

    def locate(self, lat: float, lon: float) -> Admin2 | None:
        pt = Point(lon, lat)
        for adm in self.admin2:
            if adm.prepared.contains(pt):
                return adm
        best = min(self.admin2, key=lambda a: (a.geom.distance(pt), a.pcode))
        if best.geom.distance(pt) <= 0.05:  # ~5 km: coastline and border points
            return best
        return None

    def nearest_admin3(self, admin2_pcode: str, lat: float, lon: float) -> Admin3 | None:
        cands = self.admin3.get(admin2_pcode, [])
        if not cands:
            return None
        return min(cands, key=lambda a: (_km(lat, lon, a.lat, a.lon), a.pcode))

    def attach_admin(self, entry: Entry) -> None:
        adm = self.locate(entry.lat, entry.lon)
        if adm is None:
            self.log.append(f"outside the admin polygons: {entry.id} {entry.name}")
            return
        entry.admin1, entry.admin1_ar, entry.admin1_pcode = (
            adm.admin1_en,
            adm.admin1_ar,
            adm.admin1_pcode,
        )
        entry.admin2, entry.admin2_pcode = adm.name_en, adm.pcode
        a3 = self.nearest_admin3(adm.pcode, entry.lat, entry.lon)
        if a3 is not None:
            entry.admin3, entry.admin3_pcode = a3.name_en, a3.pcode

    # -- sources -------------------------------------------------------------------------
    def opensyria(self) -> list[Entry]:
        rows = list(
            csv.DictReader((self.geo / "syr_admin_units_opensyria.csv").open(encoding="utf-8"))
        )
        adm1 = {a.admin1_pcode: (a.admin1_en, a.admin1_ar) for a in self.admin2}
        adm2 = {a.pcode: a for a in self.admin2}
        for row in rows:
            if row["level"] == "3":
                self.admin3.setdefault(row["ocha_pcode"][:6], []).append(
                    Admin3(row["ocha_pcode"], row["name_en"], float(row["lat"]), float(row["lon"]))
                )
        out: list[Entry] = []
        for row in rows:
            level, pcode = row["level"], row["ocha_pcode"]
            names = [row["name_ar"], *[a for a in row["aliases_ar"].split("|") if a]]
            clean = self.dedupe(n for n in (self.clean_source_name(x) for x in names) if n)
            if not clean:
                continue
            ftype, rank, prec = {
                "1": ("governorate", 85, 3),
                "2": ("district", 60, 2),
                "3": ("subdistrict", 40, 2),
            }[level]
            e = Entry(
                id=f"ocha:{pcode}",
                name=row["name_en"],
                name_ar=clean[0],
                names_ar=clean,
                feature_type=ftype,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                rank=rank,
                precision_hint=prec,
                source="opensyria_admin_units",
                names_en=self.dedupe(
                    [row["name_en"], *[a for a in row["aliases_en"].split("|") if a]]
                )[:4],
                population=int(row["population"]) if row["population"] else None,
            )
            e.admin1_pcode = pcode[:4]
            e.admin1, e.admin1_ar = adm1[pcode[:4]]
            if level in ("2", "3"):
                e.admin2_pcode = pcode[:6]
                e.admin2 = adm2[pcode[:6]].name_en
            if level == "3":
                e.admin3_pcode, e.admin3 = pcode, row["name_en"]
            out.append(e)
        return out

    def geonames(self) -> list[Entry]:
        out: list[Entry] = []
        path = self.geo / "geonames_cities500_syria_region.tsv"
        for row in csv.DictReader(path.open(encoding="utf-8"), delimiter="\t"):
            names = self.dedupe(
                n for n in (self.clean_source_name(x) for x in row["names_ar"].split("|") if x) if n
            )
            if not names:
                continue
            cc = row["country_code"]
            code = row["feature_code"]
            pop = int(row["population"] or 0)
            ftype, rank = GN_TYPES.get(code, ("", 0))
            if not ftype:
                ftype = "town" if pop >= 5000 else "village"
                rank = 65 if pop >= 20000 else 60 if pop >= 5000 else 50
            name_en = row["asciiname"].replace("`", "'").lstrip("'")
            e = Entry(
                id=f"gn:{row['geonameid']}",
                name=name_en,
                name_ar=names[0],
                names_ar=names,
                feature_type=ftype,
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
                country=cc,
                names_en=[name_en],
                rank=rank,
                source="geonames_cities500",
                population=pop or None,
            )
            if cc == "SY":
                self.attach_admin(e)
            else:
                e.rank = max(5, rank - 50)
                e.needs_context = code not in ("PPLC", "PPLA", "PPLA2")
            out.append(e)
        return out

    @staticmethod
    def definite(name: str) -> list[str]:
        """The name as the press writes it with the article: OCHA lists "حيدرية" and "شيخ
        خضر" where news has "الحيدرية" and "الشيخ خضر". Only nisba names (-ية) and names
        opening with a title noun get the variant, so common words stay out."""
        first, _, rest = name.partition(" ")
        if first.startswith("ال"):
            return [name]
        if first in DEFINITE_TITLES or (not rest and name.endswith(NISBA_ENDINGS)):
            return [name, "ال" + name]
        return [name]

    def neighbourhoods(self) -> list[Entry]:
        data = json.loads((self.geo / "aleppo_neighbourhoods_ocha.geojson").read_text("utf-8"))
        out: list[Entry] = []
        for feat in data["features"]:
            p = feat["properties"]
            names = self.dedupe(
                v
                for n in p["name_ar"].split("/")
                if n.strip() and self.key(n) not in self.never
                for v in self.definite(n.strip())
            )
            if not names:
                continue
            e = Entry(
                id=f"nb:{p['pcode']}",
                name=p["name_en"],
                name_ar=names[0],
                names_ar=names,
                feature_type="neighbourhood",
                lat=float(p["center_lat"]),
                lon=float(p["center_lon"]),
                names_en=[p["name_en"]],
                rank=50,
                parent="gn:170063",
                source="ocha_aleppo_neighbourhoods",
            )
            self.attach_admin(e)
            out.append(e)
        return out

    def curated(self) -> list[Entry]:
        out: list[Entry] = []
        for row in csv.DictReader(self.supplement.open(encoding="utf-8")):
            names = self.dedupe([row["name_ar"], *[a for a in row["alt_names_ar"].split("|") if a]])
            ftype = row["feature_type"]
            e = Entry(
                id=row["id"],
                name=row["name_en"],
                name_ar=names[0],
                names_ar=names,
                feature_type=ftype,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                country=row["country"] or "SY",
                names_en=self.dedupe(
                    [row["name_en"], *[a for a in row["alt_names_en"].split("|") if a]]
                ),
                rank=CURATED_RANK.get(ftype, 45),
                precision_hint=int(row["precision_hint"] or 1),
                parent=row["parent_id"] or None,
                source="rasad_curated",
                coord_confidence=row["coord_confidence"] or None,
            )
            if e.country == "SY" and ftype not in ("river", "country"):
                self.attach_admin(e)
                want = row["admin1_pcode"]
                if want and e.admin1_pcode and want != e.admin1_pcode:
                    self.log.append(
                        f"admin1 mismatch: {e.id} typed {want}, polygon {e.admin1_pcode}"
                    )
            elif ftype == "city" and e.country != "SY":
                e.rank = 40
            out.append(e)
        return out

    # -- assembly ------------------------------------------------------------------------
    def merge(self, sources: list[Entry], curated: list[Entry]) -> list[Entry]:
        by_name: dict[str, list[Entry]] = {}
        for e in sources:
            for n in e.names_ar:
                by_name.setdefault(self.key(n), []).append(e)
        kept: list[Entry] = []
        redirect: dict[str, str] = {}
        for c in curated:
            target = None
            if c.feature_type in MERGEABLE or c.id.startswith("cur:alias-"):
                cands = {e.id: e for n in c.names_ar for e in by_name.get(self.key(n), [])}
                near = [
                    e
                    for e in cands.values()
                    if e.feature_type in MERGEABLE | {"city"}
                    and e.country == c.country
                    and _km(e.lat, e.lon, c.lat, c.lon) <= 8.0
                    and (c.parent or "") == (e.parent or "")
                ]
                if near:
                    target = min(near, key=lambda e: (_km(e.lat, e.lon, c.lat, c.lon), e.id))
            if target is None:
                if c.id.startswith("cur:alias-"):
                    self.log.append(f"alias row matched no source entry: {c.id}")
                kept.append(c)
                continue
            target.names_ar = self.dedupe([*target.names_ar, *c.names_ar])
            target.names_en = self.dedupe([*target.names_en, *c.names_en])
            target.merged = sorted([*target.merged, c.id])
            redirect[c.id] = target.id
            self.log.append(f"merged {c.id} into {target.id}")
        # names claimed by a curated place are removed from the aliases of other entries
        claimed = {self.key(n) for c in kept for n in c.names_ar}
        for e in sources:
            # the primary name, with or without the article ("حيدرية"/"الحيدرية"), stays
            primary = {self.key(v) for v in self.definite(e.name_ar)}
            e.names_ar = [
                n for n in e.names_ar if self.key(n) in primary or self.key(n) not in claimed
            ]
        everything = sources + kept
        for e in everything:
            if e.parent in redirect:
                e.parent = redirect[e.parent]
        return sorted(everything, key=lambda e: e.id)

    def seats(self, admin: list[Entry], towns: list[Entry]) -> None:
        """Governorates and districts point at their capital/seat (the usual representative
        location of an admin-level event), not at the polygon centroid."""
        for unit in admin:
            if unit.feature_type == "governorate":
                seats = [t for t in towns if t.admin1_pcode == unit.admin1_pcode and t.rank >= 90]
            elif unit.feature_type == "district":
                seats = [t for t in towns if t.admin2_pcode == unit.admin2_pcode and t.rank >= 80]
            else:
                continue
            if seats:
                seat = max(seats, key=lambda t: (t.rank, t.population or 0, t.id))
                unit.lat, unit.lon = seat.lat, seat.lon
            elif unit.admin1_pcode == "SY03" and unit.feature_type == "governorate":
                centre = next(a for a in admin if a.id == "ocha:SY0301")
                unit.lat, unit.lon = centre.lat, centre.lon

    def build(self) -> list[Entry]:
        self.load_admin()
        admin = self.opensyria()
        towns = self.geonames()
        self.seats(admin, [t for t in towns if t.country == "SY"])
        sources = admin + towns + self.neighbourhoods()
        return self.merge(sources, self.curated())

    def boundaries(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for level, fname, tol in (
            (1, "syr_admin1_ocha.geojson", 0.01),
            (2, "syr_admin2_ocha.geojson", 0.005),
        ):
            data = json.loads((self.geo / fname).read_text("utf-8"))
            while True:
                feats = []
                for feat in sorted(
                    data["features"], key=lambda f: f["properties"][f"ADM{level}_PCODE"]
                ):
                    p = feat["properties"]
                    geom = shape(feat["geometry"]).simplify(tol, preserve_topology=True)
                    props = {
                        "pcode": p[f"ADM{level}_PCODE"],
                        "name_en": p[f"ADM{level}_EN"],
                        "name_ar": p[f"ADM{level}_AR"],
                    }
                    if level == 2:
                        props["admin1_pcode"] = p["ADM1_PCODE"]
                    feats.append(
                        {
                            "type": "Feature",
                            "properties": props,
                            "geometry": _round_geom(mapping(geom), 4),
                        }
                    )
                fc = {
                    "type": "FeatureCollection",
                    "attribution": ATTRIBUTION["ocha"],
                    "simplified": f"shapely simplify tolerance {tol} degrees, 4 decimals",
                    "features": feats,
                }
                text = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
                if len(text.encode("utf-8")) < BOUNDARY_MAX_BYTES:
                    break
                tol *= 1.5
            (out_dir / f"syr_admin{level}.geojson").write_text(text + "\n", encoding="utf-8")


def _round_geom(obj: Any, nd: int) -> Any:
    if isinstance(obj, dict):
        return {k: _round_geom(v, nd) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(x, nd) for x in obj]
        return [_round_geom(v, nd) for v in obj]
    return obj


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def write_jsonl(entries: Sequence[Entry], path: Path) -> None:
    lines = [json.dumps(e.to_json(), ensure_ascii=False, separators=(",", ":")) for e in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--geo", type=Path, default=DEFAULT_GEO, help="folder with the public geo sources"
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output data folder")
    ap.add_argument("--supplement", type=Path, default=DEFAULT_OUT / "places_supplement.csv")
    ap.add_argument("--stopnames", type=Path, default=DEFAULT_OUT / "place_stopnames.json")
    ap.add_argument("-v", "--verbose", action="store_true", help="print merges and warnings")
    args = ap.parse_args(argv)
    if not (args.geo / "SOURCES.md").exists():
        print(f"geo sources not found in {args.geo}", file=sys.stderr)
        return 2
    builder = Builder(args.geo, args.supplement, args.stopnames)
    entries = builder.build()
    args.out.mkdir(parents=True, exist_ok=True)
    write_jsonl(entries, args.out / "gazetteer.jsonl")
    builder.boundaries(args.out / "boundaries")
    if args.verbose:
        for line in builder.log:
            print(line, file=sys.stderr)
    print(f"{len(entries)} places written to {args.out / 'gazetteer.jsonl'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
