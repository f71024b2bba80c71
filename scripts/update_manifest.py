"""Recompute MANIFEST.json: version, checksum, schema, source and licence of every data file.

Run after editing a data file:  python scripts/update_manifest.py
Source and licence are read from the file's own ``meta`` block (JSON/YAML) or kept from the
existing manifest entry (CSV/JSONL/GeoJSON). ``--check`` exits 1 when the manifest is stale.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "src" / "rasad" / "data"
MANIFEST = DATA / "MANIFEST.json"
SKIP = {"MANIFEST.json", "__init__.py"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def meta_of(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        data = json.loads(path.read_text("utf-8"))
    elif path.suffix in {".yaml", ".yml"}:
        data = yaml.safe_load(path.read_text("utf-8"))
    else:
        return {}
    meta = data.get("meta", {}) if isinstance(data, dict) else {}
    return meta if isinstance(meta, dict) else {}


def build(old: dict[str, Any]) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for path in sorted(DATA.rglob("*")):
        rel = path.relative_to(DATA).as_posix()
        if not path.is_file() or path.name in SKIP or rel.startswith("schemas/") or "__pycache__" in rel:
            continue
        if path.suffix == ".md":
            continue
        prev = old.get("files", {}).get(rel, {})
        meta = meta_of(path)
        schema = f"schemas/{path.name.split('.')[0]}.schema.json"
        files[rel] = {
            "version": meta.get("version", prev.get("version", "1.0.0")),
            "sha256": sha256(path),
            "schema": schema if (DATA / schema).exists() else prev.get("schema"),
            "source": meta.get("source", prev.get("source", "")),
            "licence": meta.get("licence", prev.get("licence", "")),
        }
    return {"manifest_version": 1, "files": files}


def main(argv: list[str]) -> int:
    old = json.loads(MANIFEST.read_text("utf-8")) if MANIFEST.exists() else {}
    new = build(old)
    if "--check" in argv:
        if new != old:
            print("MANIFEST.json is stale: run python scripts/update_manifest.py", file=sys.stderr)
            return 1
        return 0
    MANIFEST.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"wrote {MANIFEST} ({len(new['files'])} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
