"""A short coverage-guided fuzz run (atheris / libFuzzer) of the pipeline and the reader.

``scripts/fuzz.sh SECONDS`` is the tool (longer runs: docs/robustness.md); here it runs
for 20 seconds, split between the two harnesses, and must find no crash. Skipped only when
atheris cannot be installed (fuzz.sh exits 3).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_short_atheris_run_finds_no_crash(tmp_path: Path) -> None:
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "fuzz.sh"), "20"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "RASAD_FUZZ_OUT": str(tmp_path)},
    )
    if result.returncode == 3:
        pytest.skip(f"atheris cannot be installed here: {result.stderr.strip()[-500:]}")
    assert result.returncode == 0, f"fuzzing found a crash:\n{result.stdout}\n{result.stderr}"
    for harness in ("pipeline", "reader"):
        assert f"fuzz_{harness}" in result.stdout
    assert result.stdout.count("Done ") == 2, result.stdout
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("pipeline-", "reader-"))]
    assert crashes == []
