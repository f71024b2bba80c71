"""`rasad events --dask local:2` gives the events of a single-process run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, need_shared


def test_dask_cli_equals_single_process(tmp_path: Path) -> None:
    need_shared(SEEDS)

    def run(*extra: str) -> list[dict[str, object]]:
        out = tmp_path / f"events{len(extra)}.jsonl"
        result = subprocess.run(
            [sys.executable, "-m", "rasad", "events", str(SEEDS), "-o", str(out), "--quiet", *extra],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]

    single = run()
    dask = run("--dask", "local:2")
    assert single and dask == single
