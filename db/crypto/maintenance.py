"""Maintenance of encrypted tables: bulk sealing, the start-up key look, re-encryption under a new key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, column, inspect, select, table, tuple_

from db.crypto.cipher import key_id_of, open_value, seal
from db.crypto.column import Ciphertext, active
from db.crypto.errors import Undecryptable
from db.crypto.keys import KeyRing, new_uid
from db.crypto.orm import UID_COLUMN, ProtectedTable, protected_tables


def seal_rows(table_name: str, rows: list[dict[str, Any]]) -> None:
    """For bulk writers of plain dicts (demo/large.py): give each row of a protected table
    its uid and seal its private values in place (no-op for other tables)."""
    found = [t for t in protected_tables() if t.name == table_name]
    if not found:
        return
    ring = active()
    for row in rows:
        uid = row.get(UID_COLUMN) or new_uid()
        row[UID_COLUMN] = uid
        for name in found[0].columns:
            value = row.get(name)
            if value and type(value) is not Ciphertext:
                row[name] = Ciphertext(seal(ring, f"{table_name}.{name}", uid, value))


def _raw(t: ProtectedTable, *extra: str) -> Any:
    """A lightweight table without column types: values come and go as stored."""
    names = dict.fromkeys([*t.key, UID_COLUMN, *t.columns, *extra])
    return table(t.name, *(column(n) for n in names))


def has_uid_columns(conn: Connection) -> bool:
    """Is the schema at a revision with encrypted columns (0008 or later)?"""
    tables = protected_tables()
    if not tables or not inspect(conn).has_table(tables[0].name):
        return False
    return any(c["name"] == UID_COLUMN for c in inspect(conn).get_columns(tables[0].name))


def sample_key_ids(conn: Connection, per_table: int = 20) -> set[str]:
    """Key ids of the oldest and newest rows of every protected table (a cheap start-up look).

    Empty when the schema predates encryption or nothing is encrypted yet.
    """
    if not has_uid_columns(conn):
        return set()
    found: set[str] = set()
    for t in protected_tables():
        raw = _raw(t)
        order = [raw.c[k] for k in t.key]
        for direction in (order, [c.desc() for c in order]):
            rows = conn.execute(
                select(*(raw.c[c] for c in t.columns)).order_by(*direction).limit(per_table)
            )
            for row in rows:
                found.update(k for v in row if v and (k := key_id_of(v)))
    return found


def holds_ciphertext(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(sample_key_ids(conn, per_table=5))


@dataclass
class RekeyCounts:
    """What :func:`reencrypt` did, per table: values rewritten, already current, unreadable."""

    rewritten: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)

    def add(self, kind: dict[str, int], name: str, n: int = 1) -> None:
        kind[name] = kind.get(name, 0) + n


def reencrypt(
    engine: Engine,
    ring: KeyRing,
    *,
    batch: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> RekeyCounts:
    """Re-encrypt every value not under the ring's newest key, ``batch`` rows per transaction.

    Resumable: values already under the newest key are left alone, so a run stopped
    half-way and started again only does what remains. Each row is rewritten only if its
    values did not change since they were read (a concurrent save wins: it wrote under
    the newest key already). Values that do not decrypt are counted and left as they are.
    """
    counts = RekeyCounts()
    newest = ring.primary.kid
    for t in protected_tables():
        raw = _raw(t)
        key_cols = [raw.c[k] for k in t.key]
        last: tuple[Any, ...] | None = None
        while True:
            with engine.begin() as conn:
                query = select(*key_cols, raw.c[UID_COLUMN], *(raw.c[c] for c in t.columns))
                if last is not None:
                    query = query.where(tuple_(*key_cols) > tuple_(*last))
                rows = conn.execute(query.order_by(*key_cols).limit(batch)).all()
                if not rows:
                    break
                last = tuple(rows[-1][: len(t.key)])
                updates = []
                for row in rows:
                    pk, uid, values = row[: len(t.key)], row[len(t.key)], row[len(t.key) + 1 :]
                    new: dict[str, str] = {}
                    for name, value in zip(t.columns, values, strict=True):
                        if not value:
                            continue
                        if key_id_of(value) == newest:
                            counts.add(counts.current, t.name)
                            continue
                        try:
                            text, _uid = open_value(ring, f"{t.name}.{name}", value)
                        except Undecryptable:
                            counts.add(counts.unreadable, t.name)
                            continue
                        new[name] = seal(ring, f"{t.name}.{name}", uid, text)
                    if new:
                        updates.append((pk, dict(zip(t.columns, values, strict=True)), new))
                for pk, old, new in updates:
                    stmt = raw.update().where(
                        *(c == v for c, v in zip(key_cols, pk, strict=True)),
                        *(raw.c[n] == bindparam(f"old_{n}", old[n]) for n in new),
                    )
                    if conn.execute(stmt.values(**new)).rowcount == 1:  # type: ignore[attr-defined]
                        counts.add(counts.rewritten, t.name, len(new))
            if progress is not None:
                progress(t.name, counts.rewritten.get(t.name, 0))
    return counts
