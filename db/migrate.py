"""Upgrade the schema to Alembic head: one server at a time, and nothing lost.

- Several servers starting at once: a PostgreSQL advisory lock, or a lock file
  beside the SQLite database; the others wait, then find the schema at head.
- SQLite: every migration run (through db/migrations/env.py, whoever starts it)
  runs with foreign keys off, checks them before committing and turns them back
  on afterwards. Batch migrations rebuild a table (copy, DROP, rename); with
  foreign keys on, the DROP would delete the children of every row through
  ON DELETE CASCADE (migration 0005 emptied the survey answers that way).
- SQLite: before upgrading a file that holds rows, a copy is written beside it
  with the sqlite3 backup API (owner-only); the last BACKUPS_KEPT are kept.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text

from db.engine import sqlite_file

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Arbitrary constant shared by every Tandem server: the PostgreSQL advisory lock id.
PG_LOCK_ID = 7_261_004
# SQLite backups written before upgrades: the newest are kept, older ones deleted,
# so a server upgraded often does not fill its disk.
BACKUPS_KEPT = 3

log = logging.getLogger("tandem.migrate")


class MigrationError(RuntimeError):
    """A migration could not run safely; the database was left as it was."""


@dataclass(frozen=True)
class UpgradeResult:
    """What :func:`upgrade` did: revisions before and after, and the backup it wrote."""

    from_revision: str | None
    to_revision: str
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# ----------------------------------------------------------------- foreign keys (SQLite)


def _driver(connection: Connection) -> Any:
    """The driver's own connection (sqlite3.Connection), beneath SQLAlchemy's transactions."""
    raw = connection.connection.driver_connection
    assert raw is not None
    return raw


def _foreign_keys_state(raw: Any) -> int:
    return int(raw.execute("PRAGMA foreign_keys").fetchone()[0])


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """On SQLite, run the block with foreign keys off; on again afterwards, even on failure.

    ``PRAGMA foreign_keys`` does nothing inside a transaction, and db/engine.py makes
    every SQLAlchemy transaction a ``BEGIN IMMEDIATE``: so the PRAGMA goes straight to
    the driver's connection, before any transaction begins. A connection whose
    foreign keys cannot be turned back on is invalidated (the pool never reuses it).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = _driver(connection)
    if connection.in_transaction() or raw.in_transaction:
        raise MigrationError(
            "Migrations on SQLite must start outside a transaction "
            "(foreign keys cannot be turned off inside one)."
        )
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        if _foreign_keys_state(raw) != 0:
            raise MigrationError("SQLite refused to turn foreign keys off for the migration.")
        yield
    finally:
        if not raw.in_transaction:
            raw.execute("PRAGMA foreign_keys=ON")
        if raw.in_transaction or _foreign_keys_state(raw) != 1:
            log.warning("Tandem: a migration connection kept foreign keys off; discarded.")
            connection.invalidate()


def check_foreign_keys(connection: Connection) -> None:
    """On SQLite, refuse to commit a migration that leaves rows pointing to missing rows."""
    if connection.dialect.name != "sqlite":
        return
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if rows:
        sample = "; ".join(
            f"{table} row {rowid} refers to a missing {parent}"
            for table, rowid, parent, _ in rows[:5]
        )
        raise MigrationError(
            f"The migration would leave {len(rows)} rows referring to missing rows ({sample}). "
            "Nothing was changed."
        )


# ----------------------------------------------------------------- backups (SQLite)

_STAMP = "%Y%m%dT%H%M%SZ"


def _backup_pattern(db: Path) -> re.Pattern[str]:
    return re.compile(re.escape(db.name) + r"\.before-.+-(\d{8}T\d{6}Z)(?:-(\d+))?\.bak")


def backups_of(db: Path) -> list[Path]:
    """The backups written beside ``db`` before upgrades, oldest first."""
    pattern = _backup_pattern(db)
    found = []
    for path in db.parent.iterdir():
        m = pattern.fullmatch(path.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 1)), path))
    return [path for _key, path in sorted(found)]


def _new_owner_only_file(folder: Path, stem: str, suffix: str) -> Path:
    for n in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise MigrationError(f"Too many backups named {stem} in {folder}.")


def _holds_rows(conn: Connection) -> bool:
    quote = conn.dialect.identifier_preparer.quote
    for name in inspect(conn).get_table_names():
        if (
            name != "alembic_version"
            and conn.execute(text(f"SELECT 1 FROM {quote(name)} LIMIT 1")).first()
        ):
            return True
    return False


def backup_sqlite(conn: Connection, db: Path, target: str) -> Path:
    """Copy the database of ``conn`` beside ``db`` (owner-only); keep the last BACKUPS_KEPT."""
    stamp = dt.datetime.now(dt.UTC).strftime(_STAMP)
    path = _new_owner_only_file(db.parent, f"{db.name}.before-{target}-{stamp}", ".bak")
    raw = _driver(conn)
    try:
        with closing(sqlite3.connect(path)) as out:
            raw.backup(out)
    except (sqlite3.Error, OSError) as e:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        raise MigrationError(
            f"Could not back up {db} to {path} ({e}): the upgrade was not started."
        ) from e
    for old in backups_of(db)[:-BACKUPS_KEPT]:
        for leftover in (old, Path(f"{old}-wal"), Path(f"{old}-shm")):
            leftover.unlink(missing_ok=True)
    return path


# ----------------------------------------------------------------- upgrade


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    db = sqlite_file(engine.url)
    if db is None:
        yield
        return
    fd = os.open(f"{db}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _run_upgrade(conn: Connection) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(engine: Engine) -> UpgradeResult:
    """Bring the schema to head. Two servers starting at once: one waits for the other.

    On SQLite, a file that holds rows and is not at head is first copied beside
    itself (``tandem.db.before-<head>-<UTC time>.bak``); the result names the copy.
    """
    head = head_revision()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            # Session-level advisory lock: held across the migration's own transaction.
            conn.execute(text("SELECT pg_advisory_lock(:id)"), {"id": PG_LOCK_ID})
            conn.commit()
            try:
                before = MigrationContext.configure(conn).get_current_revision()
                conn.commit()
                _run_upgrade(conn)
                conn.commit()
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": PG_LOCK_ID})
                conn.commit()
        return UpgradeResult(before, head)
    with _sqlite_file_lock(engine), engine.connect() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        if before == head:  # the usual start: no write lock, no foreign-key scan
            conn.rollback()
            return UpgradeResult(before, head)
        db = sqlite_file(engine.url)
        wanted = db is not None and before not in (None, head) and _known(before or "")
        holds_rows = wanted and _holds_rows(conn)
        conn.rollback()  # the migration must start outside a transaction
        backup = None
        if db is not None and holds_rows:
            backup = backup_sqlite(conn, db, head)
            log.warning(
                "Tandem: database backed up to %s before upgrading it from revision %s to %s "
                "(the last %d backups are kept).",
                backup,
                before,
                head,
                BACKUPS_KEPT,
            )
        _run_upgrade(conn)
        conn.commit()
    return UpgradeResult(before, head, backup)
