#!/usr/bin/env bash
# Coverage-guided fuzzing of the pipeline and the input reader with atheris (libFuzzer).
# Usage: scripts/fuzz.sh SECONDS        (split between the two harnesses)
# Installs atheris into .venv when it is missing (a test-only tool). Crashing inputs are
# saved under $RASAD_FUZZ_OUT (default: fuzz/findings/) and make the script exit 1;
# exit 3 means atheris could not be installed. The corpus grows in $RASAD_FUZZ_OUT/corpus-*.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TOTAL=${1:-60}
PY=.venv/bin/python
OUT=${RASAD_FUZZ_OUT:-fuzz/findings}

if ! "$PY" -c "import atheris" 2>/dev/null; then
  echo "== installing atheris into .venv"
  if ! "$PY" -m pip install --quiet "atheris>=2.3"; then
    echo "atheris cannot be installed here" >&2
    exit 3
  fi
fi

work=$(mktemp -d -t rasad-fuzz-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
"$PY" fuzz/common.py "$work/rasad.dict" "$work/seeds"

half=$(( SECONDS_TOTAL / 2 > 1 ? SECONDS_TOTAL / 2 : 1 ))
status=0
for harness in pipeline reader; do
  corpus="$OUT/corpus-$harness"
  mkdir -p "$corpus"
  echo "== fuzz_$harness for ${half}s"
  set +e
  "$PY" "fuzz/fuzz_$harness.py" \
    -max_total_time="$half" -timeout=30 -rss_limit_mb=4096 -max_len=8192 \
    -dict="$work/rasad.dict" -artifact_prefix="$OUT/$harness-" \
    -print_final_stats=1 "$corpus" "$work/seeds" 2>"$work/$harness.log"
  rc=$?
  set -e
  grep -E "^(#[0-9]+ *DONE|Done |stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|\[slow\]|==[0-9]+== ERROR|=== Uncaught|Traceback)" "$work/$harness.log" | tail -20 || true
  if [ "$rc" -ne 0 ]; then
    echo "fuzz_$harness found a crash (exit $rc); input saved under $OUT/:" >&2
    grep -A 30 -E "=== Uncaught Python exception|Traceback" "$work/$harness.log" | head -60 >&2 || tail -40 "$work/$harness.log" >&2
    status=1
  fi
done
exit $status
