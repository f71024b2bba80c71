"""No path traversal through the web app: static mounts and ids never reach other files."""

from __future__ import annotations

import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from conftest import REPO, SEEDS, need_shared
from rasad.web import create_app

SECRET_MARKERS = ("[build-system]", "root:x:0:0", "Apache License")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    need_shared(SEEDS)
    db = tmp_path_factory.mktemp("web") / "rasad.sqlite"
    subprocess.run(
        [sys.executable, "-m", "rasad", "ingest", str(SEEDS), "--db", f"sqlite:///{db}", "--quiet"],
        check=True, timeout=300,
    )  # fmt: skip
    return TestClient(create_app(f"sqlite:///{db}"))


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/LICENSE",
        "/vendor/leaflet/../../../pyproject.toml",
        "/vendor/leaflet/..%2f..%2f..%2fpackage.json",
        "/api/articles/..%2f..%2f..%2fetc%2fpasswd",
        "/api/events/..%2f..%2fpyproject.toml",
        "/api/boundaries/..%2f..%2fMANIFEST.json",
        "/api/export?format=..%2f..%2fpyproject.toml",
    ],
)
def test_traversal_gets_no_file(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404, 422), (path, r.status_code)
    assert not any(m in r.text for m in SECRET_MARKERS)


def test_static_files_are_still_served(client: TestClient) -> None:
    assert client.get("/").status_code == 200
    assert (REPO / "pyproject.toml").exists()  # the files the traversals aimed at exist
