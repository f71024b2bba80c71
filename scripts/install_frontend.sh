#!/usr/bin/env bash
# Install the web page's front-end packages (Leaflet, Leaflet.markercluster) from npm into
# node_modules/, exactly as package-lock.json pins them. Idempotent: does nothing when the
# installed packages already match the lock file. `rasad serve` serves them from there
# (or from $RASAD_NODE_MODULES). Usage: scripts/install_frontend.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

stamp=node_modules/.rasad-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
  && [ -f node_modules/leaflet/dist/leaflet.js ] \
  && [ -f node_modules/leaflet.markercluster/dist/leaflet.markercluster.js ]; then
  echo "front-end packages present"
  exit 0
fi

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
echo "front-end packages installed in node_modules/"
