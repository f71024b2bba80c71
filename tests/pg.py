"""A throwaway PostgreSQL server for tests.

``postgres_fixture()`` returns a session-scoped pytest fixture that finds Debian's
PostgreSQL binaries (``/usr/lib/postgresql/*/bin``), creates a cluster in a fresh
temporary folder (``initdb -U postgres --auth=trust``), starts it on 127.0.0.1 on a free
port with its socket in that folder, yields the server's base URL, and stops and removes
it at the end. As root, initdb and pg_ctl run as the ``postgres`` OS user (they refuse to
run as root). ``fresh_database(base_url)`` makes an empty database for one test.

When the binaries are missing the tests that need the server *fail*, telling you to run
``scripts/install_system_deps.sh`` (the test command does); set ``RASAD_SKIP_PG=1`` to
skip them instead.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

SKIP_ENV = "RASAD_SKIP_PG"
INSTALL_HINT = "run scripts/install_system_deps.sh (installs Debian's postgresql)"


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` that has initdb and pg_ctl, or None."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        bin_dir = Path(initdb).parent
        if (bin_dir / "pg_ctl").exists():
            version = bin_dir.parent.name
            found.append((int(version) if version.isdigit() else 0, bin_dir))
    if found:
        return max(found)[1]
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _as_db_user(cmd: list[str]) -> list[str]:
    """Run as the ``postgres`` OS user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *cmd]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(map(_quote, cmd))]


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def _run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(_as_db_user(cmd), cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )


@contextlib.contextmanager
def postgres_server(bin_dir: Path, attempts: int = 3, durable: bool = False) -> Iterator[str]:
    """Run a private PostgreSQL server; yields ``postgresql+psycopg://postgres@127.0.0.1:PORT/postgres``.

    Tests run it without fsync (a throwaway cluster need not survive a power cut);
    ``durable=True`` keeps PostgreSQL's defaults, e.g. to measure write throughput.
    """
    # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="rasad-pg-"))
    data = root / "data"
    log = root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    started = False
    try:
        _run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
             "-E", "UTF8", "--no-locale", "--no-sync"],
            cwd=root,
        )  # fmt: skip
        port = 0
        for attempt in range(attempts):
            port = _free_port()
            opts = f"-h 127.0.0.1 -p {port} -k {root}"
            if not durable:
                opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            try:
                _run(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                     "-o", opts, "start"],
                    cwd=root,
                )  # fmt: skip
                started = True
                break
            except RuntimeError:
                if attempt == attempts - 1:
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"PostgreSQL did not start; log:\n{tail}") from None
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            with contextlib.suppress(RuntimeError):
                _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                     cwd=root)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def postgres_fixture(name: str = "pg_server") -> Callable[..., Any]:
    """A session-scoped fixture called ``name`` that yields a running server's base URL."""

    @pytest.fixture(scope="session", name=name)
    def _fixture() -> Iterator[str]:
        if os.environ.get(SKIP_ENV) == "1":
            pytest.skip(f"{SKIP_ENV}=1: PostgreSQL tests skipped")
        bin_dir = find_bin_dir()
        if bin_dir is None:
            pytest.fail(
                "PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb, pg_ctl): "
                + INSTALL_HINT,
                pytrace=False,
            )
        t0 = time.perf_counter()
        with postgres_server(bin_dir) as url:
            startup = time.perf_counter() - t0
            print(f"\n[pg] PostgreSQL from {bin_dir} up in {startup:.2f}s at {url}")
            yield url

    return _fixture


@contextlib.contextmanager
def fresh_database(base_url: str) -> Iterator[str]:
    """An empty database on the server for one test; dropped afterwards."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    dsn = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # name is ours: hex digits only
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
