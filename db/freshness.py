"""The data version: a token the database holds, changed by every transaction that writes.

Figures cached in one server's memory (``st.cache_data``) are keyed by it, so a write
through any server — or any other process: the command line, the demo seeder — makes
every server's cached figures stale at once, and a figure is never older than the data.

Every session of :func:`db.engine.make_session_factory` carries the hooks: a flush or an
ORM-enabled INSERT/UPDATE/DELETE marks the session as having written; just before its
COMMIT the ``setting`` row ``data_version`` gets a new random token, in the same
transaction (rolled back with it). The row is written last, so the lock it takes on
PostgreSQL is held for the commit alone and cannot join a deadlock cycle.

Each table written gets a version of its own too (``data_version:<table>``, bumped in the
same statement, rows in name order so that two commits lock them in the same order):
figures built from some tables (:func:`table_versions`) stay valid while only other
tables are written — a sign-in does not make the dashboard's figures stale. A write
whose table cannot be told (a DML statement without one) bumps ``data_version:*``, part
of every set of table versions.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from db.models import Setting

KEY = "data_version"
ANY_TABLE = "*"  # a write whose table is not known
_WROTE = "tandem_wrote"


def table_key(table: str) -> str:
    return f"{KEY}:{table}"


def _wrote(session: Session) -> set[str]:
    tables: set[str] = session.info.setdefault(_WROTE, set())
    return tables


def _after_flush(session: Session, _context: Any) -> None:
    written = _wrote(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        written.update(t.name for t in inspect(obj).mapper.tables if isinstance(t, Table))


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _wrote(state.session).add(table.name if isinstance(table, Table) else ANY_TABLE)


def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is a write too
    written = session.info.pop(_WROTE, None)
    if written:
        keys = [KEY, *(table_key(t) for t in sorted(written))]
        values = ", ".join(f"(:k{i}, :v{i})" for i in range(len(keys)))
        session.execute(
            text(
                f"INSERT INTO setting (key, value) VALUES {values} "  # noqa: S608 - bound values
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {
                **{f"k{i}": key for i, key in enumerate(keys)},
                **{f"v{i}": secrets.token_hex(16) for i in range(len(keys))},
            },
        )
        session.info.pop(_WROTE, None)  # the bump itself is not a new write


def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)


def install(sf: sessionmaker[Session]) -> None:
    """Give every session of ``sf`` the hooks that change the version on commit."""
    event.listen(sf, "after_flush", _after_flush)
    event.listen(sf, "do_orm_execute", _on_execute)
    event.listen(sf, "before_commit", _before_commit)
    event.listen(sf, "after_rollback", _after_rollback)


def data_version(sf: sessionmaker[Session]) -> str:
    """The current token ("" before the first write); cheap: one primary-key read."""
    with sf() as s:
        return s.scalar(select(Setting.value).where(Setting.key == KEY)) or ""


def table_versions(s: Session, tables: Iterable[str]) -> tuple[str, ...]:
    """The tokens of these tables (and of writes to unknown tables), in ``tables``' order
    then ``*``, read in ``s`` ("" for a table never written since versions were kept)."""
    names = [*tables, ANY_TABLE]
    keys = [table_key(t) for t in names]
    rows = s.execute(select(Setting.key, Setting.value).where(Setting.key.in_(keys)))
    found: dict[str, str] = {key: value for key, value in rows}
    return tuple(found.get(key, "") for key in keys)
