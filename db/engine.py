"""Engine and session factory for SQLite (default) or PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    """DATABASE_URL from the environment, else a SQLite file under data/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        # Accept the common postgres:// and postgresql:// spellings; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    data = ROOT / "data"
    data.mkdir(exist_ok=True)
    return f"sqlite:///{data / 'tandem.db'}"


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling starts transactions late (deferred) and a
    # read-then-write then loses updates under concurrency (measured). We take over:
    # autocommit at the driver level, and every transaction is BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (default: :func:`default_url`), configured for safety."""
    url = url or default_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        _sqlite_setup(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **kwargs)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services return ORM objects that pages read after the
    # transaction closed, without lazy loads.
    return sessionmaker(engine, expire_on_commit=False)
