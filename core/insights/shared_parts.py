"""Parts kept in the database, so that every server takes what one of them built.

A server keeps the dashboard's parts in its memory (:mod:`core.insights.table_cache`),
each under the versions of the tables it reads. Another server — the second one behind
the proxy, or this one after a restart — would build each part again, counting every
reflection, goal and meeting of the programme (about half a second at company scale).
So a part built is also written to ``kept_part``, under the same versions: a server that
misses it in memory takes it from there while those tables keep their versions, as fresh
as one it built itself (the versions are the database's; a write through any server
changes them).

What is written is what the server keeps in memory: aggregates and, for the pairs needing
a check-in, the names a coordinator sees — never private text (the parts are read only by
the coordinator-facing figures, which cannot return any). An erasure deletes every kept
part (``core.privacy.erase``), so no name outlives its person there either.

A part is pickled: a row of this table is sealed with HMAC-SHA256 under a key derived from
the servers' signing key (the cookie key, shared by every server), and a row whose seal
does not match is never unpickled — someone who can write the database but does not hold
the key cannot make a server run code. A server writes its parts in a thread of its own,
one transaction each, once its views are quiet, so a view never waits for a write lock nor
for the pickling (:meth:`Shelf.settle` has them written now: the tests, the bench); a part
not written (the database busy too long, gone) is built again by the next server that
needs it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import logging
import pickle  # noqa: S403 - only rows sealed with the servers' key are unpickled
import queue
import threading
import time
import zlib
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.kernel import config
from db.models import KeptPart

log = logging.getLogger(__name__)
_ROOT = Path(__file__).resolve().parents[2]


def _upsert(dialect: str, row: dict[str, Any]) -> Any:
    """INSERT … ON CONFLICT (key) DO UPDATE, typed (SQLite and PostgreSQL say it alike)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(KeptPart).values(**row)
    return stmt.on_conflict_do_update(
        index_elements=[KeptPart.key],
        set_={c: stmt.excluded[c] for c in ("versions", "built_at", "seal", "payload")},
    )


def forget_all(s: Session) -> None:
    """Delete every kept part (an erasure: the pairs needing a check-in name people)."""
    s.execute(delete(KeptPart))


@functools.cache
def code_version() -> str:
    """A digest of the code that builds and reads the parts (core/ and db/): a server of
    another version of Tandem — both run during a rolling upgrade — takes none of the
    parts this one wrote, nor writes any this one takes."""
    digest = hashlib.sha256()
    for path in sorted(p for top in ("core", "db") for p in (_ROOT / top).rglob("*.py")):
        digest.update(str(path.relative_to(_ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def seal_key(signing_key: str) -> bytes:
    """The key of the seals, derived from the servers' signing key (never that key itself)."""
    return hashlib.sha256(b"tandem kept parts\0" + signing_key.encode()).digest()


def servers_shelf() -> Shelf:
    """The shelf every server of this deployment shares: sealed under its signing key."""
    return Shelf(seal_key(config.signing_key()))


def row_key(name: str, slot: Hashable) -> str | None:
    """The row of part ``name`` kept in ``slot``; None when the slot has no stable name (only
    ints, dates, strings, None and tuples of them do: their ``repr`` is the same in every
    process)."""
    if not _stable(slot):
        return None
    return hashlib.sha256(f"{name}\0{slot!r}".encode()).hexdigest()


def _stable(value: object) -> bool:
    if value is None or isinstance(value, (int, str, dt.date)):
        return True
    return isinstance(value, tuple) and all(_stable(v) for v in value)


@dataclass(frozen=True)
class Found:
    """A kept row: the versions it was built at and when; its part read on demand."""

    versions: tuple[str, ...]
    built_at: dt.datetime
    _shelf: Shelf
    _session: Session
    _key: str

    def open(self) -> tuple[Hashable, Any, Hashable | None] | None:
        """(scope, value, narrow reading) as written; None when the seal does not match (or
        the row changed since it was found)."""
        row = self._session.execute(
            select(KeptPart.versions, KeptPart.seal, KeptPart.payload).where(
                KeptPart.key == self._key
            )
        ).one_or_none()
        if row is None or row.versions != self._shelf.stamp(self.versions):
            return None
        payload = bytes(row.payload)
        if not hmac.compare_digest(row.seal, self._shelf.sign(self._key, self.versions, payload)):
            log.warning("kept part %s: the seal does not match, not read", self._key)
            return None
        try:
            scope, value, reading = pickle.loads(zlib.decompress(payload))  # noqa: S301 - sealed
        except Exception:  # noqa: BLE001 - written by another version of Tandem: built again
            return None
        return scope, value, reading


class Shelf:
    """The ``kept_part`` rows of one server, sealed with ``key``.

    Its thread writes a part once the views have been ``quiet`` for a moment (no part asked
    for), ``longest`` seconds after it was put at the latest: pickling a company's part
    holds the interpreter for tens of milliseconds, which the view that built it — still
    reading its other parts and drawing its charts — would otherwise wait for."""

    def __init__(
        self, key: bytes, code: str | None = None, quiet: float = 0.3, longest: float = 3.0
    ) -> None:
        self._key = key
        self.code = code_version() if code is None else code
        self.quiet, self.longest = quiet, longest
        self._queue: queue.Queue[tuple[Engine, dict[str, Any]]] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last = time.monotonic()  # when a view last asked for a part
        self._now = threading.Event()  # set by settle(): write without waiting

    def touch(self) -> None:
        """A view asks for a part: the writes wait until the views are quiet."""
        self._last = time.monotonic()

    def stamp(self, versions: tuple[str, ...]) -> str:
        """What a row's ``versions`` column holds: this code's version, then the tables'."""
        return "\n".join([self.code, *versions])

    def sign(self, key: str, versions: tuple[str, ...], payload: bytes) -> str:
        message = b"\0".join([key.encode(), self.stamp(versions).encode(), payload])
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def find(self, s: Session, key: str) -> Found | None:
        """The row ``key``, read in ``s``'s transaction (its versions: the part itself is
        read only when they are the ones asked for); None when there is none."""
        row = s.execute(
            select(KeptPart.versions, KeptPart.built_at).where(KeptPart.key == key)
        ).one_or_none()
        if row is None:
            return None
        code, *versions = row.versions.split("\n")
        if code != self.code:
            return None  # written by another version of Tandem
        return Found(tuple(versions), row.built_at, self, s, key)

    def put(
        self,
        engine: Engine,
        key: str,
        versions: tuple[str, ...],
        built_at: dt.datetime,
        scope: Hashable,
        value: Any,
        reading: Hashable | None,
    ) -> None:
        """Write the part in the background (its own transaction, after this one's view)."""
        part = (scope, value, reading)
        self.touch()
        self._queue.put(
            (engine, {"key": key, "versions": versions, "built_at": built_at, "part": part})
        )
        with self._lock:
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._write_all, name="tandem-kept-parts", daemon=True
                )
                self._worker.start()

    def settle(self) -> None:
        """Wait until every part put so far is written (or failed to be), now."""
        self._now.set()
        try:
            self._queue.join()
        finally:
            self._now.clear()

    def _wait_for_quiet(self) -> None:
        """Until the views have asked for no part for ``quiet`` seconds, ``longest`` at most
        (or settle() asks for the writes now)."""
        until = time.monotonic() + self.longest
        while not self._now.is_set():
            now = time.monotonic()
            wait = min(self._last + self.quiet, until) - now
            if wait <= 0:
                return
            self._now.wait(wait)

    def _write_all(self) -> None:
        while True:  # one idle thread a server once it wrote a part
            engine, row = self._queue.get()
            try:
                self._wait_for_quiet()
                self._write(engine, row)
            except Exception:  # noqa: BLE001 - a part not written is built again
                log.warning("kept part %s not written", row["key"], exc_info=True)
            finally:
                self._queue.task_done()

    def _write(self, engine: Engine, row: dict[str, Any]) -> None:
        payload = zlib.compress(pickle.dumps(row["part"], protocol=pickle.HIGHEST_PROTOCOL), 1)
        versions: tuple[str, ...] = row["versions"]
        with engine.begin() as conn:
            conn.execute(
                _upsert(
                    engine.dialect.name,
                    {
                        "key": row["key"],
                        "versions": self.stamp(versions),
                        "built_at": row["built_at"],
                        "seal": self.sign(row["key"], versions, payload),
                        "payload": payload,
                    },
                )
            )
