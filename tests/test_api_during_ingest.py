"""The API keeps answering while an ingest writes to the same SQLite database."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from conftest import DEV, SEEDS, need_shared


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rasad(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rasad", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def test_api_answers_during_ingest(tmp_path: Path) -> None:
    need_shared(DEV / "input.jsonl")
    url = f"sqlite:///{tmp_path}/rasad.sqlite"
    first = subprocess.run(
        [sys.executable, "-m", "rasad", "ingest", str(SEEDS), "--db", url, "--quiet"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    port = free_port()
    server = rasad("serve", "--db", url, "--port", str(port))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise AssertionError("server did not start: " + server.stderr.read().decode()[-800:])  # type: ignore[union-attr]
        ingest = rasad("ingest", str(DEV / "input.jsonl"), "--db", url, "--quiet")
        statuses: list[int] = []
        totals: list[int] = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while ingest.poll() is None and len(statuses) < 2000:
                r = client.get("/api/events?limit=5")
                statuses.append(r.status_code)
                if r.status_code == 200:
                    totals.append(int(r.json()["total"]))
        assert ingest.wait(timeout=300) == 0, ingest.stderr.read().decode()[-800:]  # type: ignore[union-attr]
        assert len(statuses) >= 5, "the ingest finished before the API was asked"
        assert set(statuses) == {200}
        final = httpx.get(base + "/api/events?limit=1").json()["total"]
        assert final > totals[0]  # the dev set's events arrived while the API answered
    finally:
        server.terminate()
        server.wait(timeout=10)
