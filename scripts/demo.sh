#!/usr/bin/env bash
# Install Rasad into .venv and run it on the bundled (invented) demo articles.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || "${PYTHON:-python3}" -m venv .venv
.venv/bin/python -m pip install --quiet -e . >/dev/null
mkdir -p out
.venv/bin/rasad extract examples/ -o out/mentions.jsonl
.venv/bin/rasad events examples/ --format csv -o out/events.csv --quiet
echo "mentions: out/mentions.jsonl   events (ACLED columns): out/events.csv"
head -c 1500 out/mentions.jsonl; echo
