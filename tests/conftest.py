"""Shared fixtures: temporary databases (SQLite, and a real PostgreSQL server started for the
session), a local HTTP server, and the path of ../shared when it exists."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import glob
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """../shared beside the checkout; tests that need it skip on a plain clone."""
    if not (SHARED / "DESIGN.md").exists():
        pytest.skip("../shared is not present")
    return SHARED


# -- PostgreSQL --------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@dataclass
class PostgresServer:
    url: str
    admin_url: str
    databases: list[str] = field(default_factory=list)

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.databases.append(name)
        return self.url.rsplit("/", 1)[0] + "/" + name


def _unavailable(reason: str):
    if os.environ.get("FOGWATCH_REQUIRE_POSTGRES"):
        pytest.fail(f"PostgreSQL is required here (FOGWATCH_REQUIRE_POSTGRES) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session: FOGWATCH_TEST_POSTGRES_URL if given, otherwise a
    throwaway cluster started with initdb/pg_ctl (as the postgres user when we are root)."""
    given = os.environ.get("FOGWATCH_TEST_POSTGRES_URL")
    if given:
        yield PostgresServer(url=given, admin_url=given)
        return
    bindir = _pg_bin()
    if bindir is None:
        _unavailable("no PostgreSQL server binaries (initdb) were found")
    workdir = Path(tempfile.mkdtemp(prefix="fogwatch-pg-"))
    data, sockets = workdir / "data", workdir / "sock"
    sockets.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(sockets, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    try:
        subprocess.run(prefix + [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "fogwatch",
                                 "--no-sync", "-E", "UTF8"], check=True, capture_output=True, timeout=120)
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(workdir / "log"), "-w",
                                 "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off",
                                 "start"], check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        _unavailable(f"the server did not start: {exc} {detail.decode(errors='replace')[-300:]}")
    base = f"postgresql://fogwatch@127.0.0.1:{port}"
    try:
        yield PostgresServer(url=f"{base}/postgres", admin_url=f"{base}/postgres")
    finally:
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """The same test against an SQLite file and against a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def db(db_url):
    from fogwatch.store import Database

    database = Database(db_url)
    yield database
    database.close()


# -- a local HTTP server -----------------------------------------------------------------------

@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class LocalServer:
    """Serves `routes` on 127.0.0.1; records the User-Agent of each request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.user_agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.user_agents.append(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()
