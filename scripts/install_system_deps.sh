#!/usr/bin/env bash
# Install the Debian packages Rasad's test suite needs, when they are missing.
# Idempotent: checks first, runs `apt-get update` only if something must be installed,
# never starts the system's PostgreSQL cluster (tests start a private one, tests/pg.py).
# Usage: scripts/install_system_deps.sh        (as root, or with sudo available)
set -euo pipefail

missing=()

# PostgreSQL server binaries (initdb, pg_ctl) for the PostgreSQL store tests.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

# --- chromium: browser tests of the web page (tests/test_web_browser.py) -----------------
# Debian's build, driven by Playwright's Python package (never `playwright install`).
if ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
# -----------------------------------------------------------------------------------------

if [ ${#missing[@]} -eq 0 ]; then
  echo "system dependencies present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "need root to install: ${missing[*]}" >&2
  exit 1
fi

echo "installing: ${missing[*]}"
# Keep package scripts from starting services (no system cluster is started).
policy_rc=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy_rc" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy_rc" >/dev/null
  "${SUDO[@]}" chmod +x "$policy_rc"
  added_policy=1
fi
cleanup() { if [ "$added_policy" -eq 1 ]; then "${SUDO[@]}" rm -f "$policy_rc"; fi; }
trap cleanup EXIT

"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
