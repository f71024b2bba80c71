#!/usr/bin/env bash
# Install Rasad into .venv and run the main job on the bundled (invented) demo articles:
# extract, store and merge into the embedded SQLite database, then export the events.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e . >/dev/null
mkdir -p out
rm -f out/rasad.sqlite
.venv/bin/rasad ingest examples/ --db sqlite:///out/rasad.sqlite
.venv/bin/rasad events --db sqlite:///out/rasad.sqlite --format csv -o out/events.csv --quiet
.venv/bin/rasad events --db sqlite:///out/rasad.sqlite --format geojson -o out/events.geojson --quiet
.venv/bin/rasad extract examples/ -o out/mentions.jsonl --quiet
echo "database: out/rasad.sqlite   events: out/events.csv (ACLED columns), out/events.geojson   mentions: out/mentions.jsonl"
.venv/bin/python - <<'PY'
import csv
for row in csv.DictReader(open("out/events.csv", encoding="utf-8")):
    print(f"{row['event_date']}  {row['sub_event_type']:<36} {row['location']:<28} {row['notes']}")
PY
