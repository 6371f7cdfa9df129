"""The data version: a token the database holds, changed by every transaction that writes.

Figures cached in one server's memory (``st.cache_data``) are keyed by it, so a write
through any server — or any other process: the command line, the demo seeder — makes
every server's cached figures stale at once, and a figure is never older than the data.

Every session of :func:`db.engine.make_session_factory` carries the hooks: a flush or an
ORM-enabled INSERT/UPDATE/DELETE marks the session as having written; just before its
COMMIT the ``setting`` row ``data_version`` gets a new random token, in the same
transaction (rolled back with it). The row is written last, so the lock it takes on
PostgreSQL is held for the commit alone and cannot join a deadlock cycle.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from db.models import Setting

KEY = "data_version"
_WROTE = "tandem_wrote"
_BUMP = text(
    "INSERT INTO setting (key, value) VALUES (:key, :value) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


def _after_flush(session: Session, _context: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is a write too
    if session.info.pop(_WROTE, False):
        session.execute(_BUMP, {"key": KEY, "value": secrets.token_hex(16)})
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
