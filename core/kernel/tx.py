"""One transaction per user action, and the conflict rule, written once.

- :func:`transaction`: ``with transaction(sf, stale=…) as s:`` opens one transaction;
  a concurrent update of a versioned row (SQLAlchemy's ``version_id_col`` raises
  ``StaleDataError`` at flush) becomes a :class:`Conflict` carrying the caller's
  sentence, so the person reads what changed meanwhile instead of a traceback.
- :func:`expect_version`: the version a form was drawn with must still be the
  row's, or the same :class:`Conflict` (a tab left open on an old copy).
- :func:`reading`: ``with reading(sf) as s:`` opens a transaction that only reads (a
  coordinator's figures): on SQLite it takes no write lock, so no save waits for it, and
  a write in it fails.
- :func:`get_or_404`: load a row by an id that came from a page (anything: text,
  an id beyond what a column holds) or raise :class:`NotFound` with the caller's
  sentence.

Messages are passed already translated (``t("…")`` is evaluated in the request's
language when the service is called).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import validate
from core.kernel.errors import Conflict, NotFound
from db.engine import READ_ONLY

M = TypeVar("M")


# The database not answering in time: SQLite's write lock held past the busy timeout by
# another server's long write, a PostgreSQL connection lost or a lock wait cancelled.
# Transient, and no one's mistake: ``ui.actions`` says so and keeps what was typed.
NOT_ANSWERING = OperationalError


@contextmanager
def transaction(sf: sessionmaker[Session], *, stale: str) -> Iterator[Session]:
    """One transaction; a concurrent update of a versioned row becomes ``Conflict(stale)``."""
    try:
        with sf.begin() as s:
            yield s
    except StaleDataError as e:
        raise Conflict(stale) from e


@contextmanager
def reading(sf: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction that only reads: a snapshot on SQLite taken without the write lock
    every other transaction takes first (``db.engine``), READ ONLY on PostgreSQL; a write
    in it raises."""
    with sf.begin() as s:
        s.connection(execution_options={READ_ONLY: True})
        yield s


def expect_version(row: Any, version: int | None, *, stale: str) -> None:
    """Refuse an edit made on an old copy of ``row`` (``version`` None: no check)."""
    if version is not None and row.version != version:
        raise Conflict(stale)


def get_or_404(s: Session, model: type[M], row_id: object, *, missing: str) -> M:
    """The row of ``model`` with id ``row_id``, or :class:`NotFound` saying ``missing``."""
    row = validate.get(s, model, row_id)
    if row is None:
        raise NotFound(missing)
    return row
