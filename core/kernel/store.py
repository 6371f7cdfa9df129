"""The store handle the UI caches: engine + session factory, schema upgraded."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.config import install_encryption
from core.kernel.tx import reading
from db.engine import make_engine, make_session_factory
from db.freshness import current_version
from db.migrate import upgrade


@dataclass(frozen=True)
class Store:
    engine: Engine
    sf: sessionmaker[Session]


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Connect to ``url`` (default: DATABASE_URL or data/tandem.db) and upgrade the schema.

    The encryption keys are loaded and checked against the database first: a missing or
    wrong key is a :class:`~core.kernel.errors.TandemError` here, at start-up.
    """
    engine = make_engine(url)
    try:
        install_encryption(engine)
    except Exception:
        engine.dispose()
        raise
    if migrate:
        upgrade(engine)
    return Store(engine=engine, sf=make_session_factory(engine, clock.now))


def transaction_lock(s: Session, name: str) -> None:
    """Serialise a rare critical section (seeding, set-up) across servers.

    SQLite transactions are already BEGIN IMMEDIATE (one writer at a time); on
    PostgreSQL a transaction-scoped advisory lock does the same for ``name``.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})


def data_version(store: Store) -> str:
    """The token every committed write changes: key for figures a server caches."""
    with reading(store.sf) as s:  # every dashboard run asks: it waits for no write
        return current_version(s)
