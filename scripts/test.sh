#!/usr/bin/env bash
# Install everything the test suite needs, then run it: lint, types, data manifest, pytest.
# Usage: ./scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[test,build]'

echo "== system packages (PostgreSQL for the store tests, Chromium for the page tests)"
./scripts/install_system_deps.sh
echo "== front-end packages (npm, for the web page)"
./scripts/install_frontend.sh

echo "== ruff"
.venv/bin/ruff check src tests scripts
echo "== mypy"
.venv/bin/mypy
echo "== data manifest"
.venv/bin/python scripts/update_manifest.py --check
echo "== pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
