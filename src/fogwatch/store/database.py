"""The one database boundary: SQLite by default, PostgreSQL when given a postgresql:// URL.

SQLAlchemy Core with plain SQL keeps both dialects behind one narrow interface. SQLite runs in WAL
mode with a busy timeout, and every write transaction starts with BEGIN IMMEDIATE so that two
writers queue instead of failing half-way.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from fogwatch.errors import StoreError
from fogwatch.store.migrations import MIGRATIONS

DEFAULT_DB = "fogwatch.db"
# Long enough for another process's batch commit; short enough that a stuck writer is reported.
SQLITE_BUSY_TIMEOUT_MS = 60_000


def resolve_url(target: str | os.PathLike[str] | None = None) -> str:
    """A SQLAlchemy URL from a path, a sqlite:// URL or a postgresql:// URL (`FOGWATCH_DB` if None)."""
    target = str(target or os.environ.get("FOGWATCH_DB") or DEFAULT_DB)
    lowered = target.lower()
    if lowered.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + target.split("://", 1)[1]
    if lowered.startswith(("postgresql+", "sqlite:")):
        return target
    return "sqlite:///" + str(Path(target).expanduser().resolve())


def describe(url: str) -> str:
    """A URL safe to print: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# SQLite caps the bound parameters of one statement: long IN lists are sent in parts of this size.
IN_CHUNK = 500


def select_in(conn: Connection, sql: str, values: list[str]) -> Iterator[Any]:
    """Rows of `sql`, whose `{values}` is replaced by a list of placeholders, for every value, sent
    in parts of IN_CHUNK."""
    for start in range(0, len(values), IN_CHUNK):
        part = values[start:start + IN_CHUNK]
        marks = ", ".join(f":v{k}" for k in range(len(part)))
        yield from conn.execute(text(sql.format(values=marks)), {f"v{k}": v for k, v in enumerate(part)})


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Database:
    """Open (and migrate) a fogwatch database. Use `read()` and `write()` for transactions."""

    def __init__(self, target: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(target)
        self.engine: Engine = self._engine(self.url)
        self.dialect: str = self.engine.dialect.name
        if migrate:
            self.migrate()

    @staticmethod
    def _engine(url: str) -> Engine:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn: Connection) -> None:
                mode = "IMMEDIATE" if conn.get_execution_options().get("fogwatch_write") else "DEFERRED"
                conn.exec_driver_sql(f"BEGIN {mode}")

            return engine
        return create_engine(url, pool_pre_ping=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed whole or not at all."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(fogwatch_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise StoreError(f"cannot write to {describe(self.url)}: {exc.orig}") from exc

    @contextmanager
    def exclusive(self, name: str) -> Iterator[Connection]:
        """A write transaction that also holds the named lock, so that two processes doing the same
        read-modify-write (a reconciliation) run one after the other, each seeing what the other
        committed. SQLite's BEGIN IMMEDIATE already admits one writer at a time; PostgreSQL takes a
        transaction-scoped advisory lock."""
        with self.write() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": f"fogwatch:{name}"})
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    # -- migrations -------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.read() as conn:
            if not self.has_table(conn, "schema_migrations"):
                return 0
            return conn.execute(text("SELECT coalesce(max(version), 0) FROM schema_migrations")).scalar_one()

    def has_table(self, conn: Connection, name: str) -> bool:
        if self.dialect == "sqlite":
            sql = "SELECT 1 FROM sqlite_master WHERE type='table' AND name=:n"
        else:
            sql = "SELECT 1 FROM information_schema.tables WHERE table_schema=current_schema() AND table_name=:n"
        return conn.execute(text(sql), {"n": name}).first() is not None

    def migrate(self) -> list[int]:
        """Apply every migration not yet applied; returns the versions applied now."""
        applied: list[int] = []
        try:
            with self.write() as conn:
                conn.exec_driver_sql(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
        except (StoreError, DBAPIError) as exc:
            raise StoreError(f"cannot open {describe(self.url)} as a database: {exc}") from exc
        for version, name, fn in MIGRATIONS:
            with self.write() as conn:
                if self.dialect == "postgresql":  # serialise concurrent migrators
                    conn.exec_driver_sql("LOCK TABLE schema_migrations IN EXCLUSIVE MODE")
                done = conn.execute(
                    text("SELECT 1 FROM schema_migrations WHERE version=:v"), {"v": version}
                ).first()
                if done:
                    continue
                fn(conn, self.dialect)
                conn.execute(
                    text("INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)"),
                    {"v": version, "n": name, "t": now()},
                )
                applied.append(version)
        return applied

    def integrity_check(self) -> str:
        """'ok', or what the database engine reports as broken."""
        with self.read() as conn:
            if self.dialect == "sqlite":
                rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                return "ok" if rows == ["ok"] else "; ".join(rows)
            conn.exec_driver_sql("SELECT count(*) FROM articles")
            return "ok"
