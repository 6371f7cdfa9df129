"""ORM wiring: which mapped classes have encrypted columns, sealed on flush and checked on load."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from db.crypto.column import EncryptedText, Opened, Sealed, sealed, unreadable
from db.crypto.keys import new_uid

log = logging.getLogger("tandem.crypto")


UID_COLUMN = "uid"

# Mapped class → the attribute keys of its encrypted columns.
PROTECTED: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class ProtectedTable:
    """A table with encrypted columns, as the maintenance commands see it."""

    name: str
    key: tuple[str, ...]  # primary key columns
    columns: tuple[str, ...]  # encrypted columns


def register(base: Any) -> None:
    """Wire every mapped class of ``base`` that has :class:`EncryptedText` columns."""
    for mapper in base.registry.mappers:
        keys = []
        for prop in mapper.column_attrs:
            col = prop.columns[0]
            if isinstance(col.type, EncryptedText):
                where = f"{mapper.local_table.name}.{col.name}"
                if col.type.where not in ("", where):
                    raise TypeError(f"one EncryptedText() per column: {where}")
                col.type.where = where
                keys.append(prop.key)
        if not keys:
            continue
        if UID_COLUMN not in mapper.columns:
            raise TypeError(f"{mapper.class_.__name__} has encrypted columns but no uid column")
        cls = mapper.class_
        PROTECTED[cls] = tuple(keys)
        event.listen(cls, "before_insert", _seal_new)
        event.listen(cls, "before_update", _seal_changed)
        event.listen(cls, "load", _check_loaded)
        event.listen(cls, "refresh", _check_refreshed)


def protected_tables() -> list[ProtectedTable]:
    """Every table with encrypted columns, in a stable order."""
    found = []
    for cls, keys in PROTECTED.items():
        mapper: Mapper[Any] = inspect(cls)
        tbl = mapper.local_table
        cols = tuple(mapper.get_property(k).columns[0].name for k in keys)  # type: ignore[attr-defined]
        pk = tuple(c.name for c in mapper.primary_key)
        found.append(ProtectedTable(tbl.name, pk, cols))  # type: ignore[attr-defined]
    return sorted(found, key=lambda t: t.name)


def _seal_new(_mapper: Any, _conn: Connection, target: Any) -> None:
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if not uid:
        target.uid = uid = new_uid()
    for key in PROTECTED[type(target)]:
        value = d.get(key)
        if value:
            d[key] = sealed(str(value), uid)


def _seal_changed(_mapper: Any, conn: Connection, target: Any) -> None:
    state = instance_state(target)
    changed = [k for k in PROTECTED[type(target)] if k in state.committed_state]
    if not changed:
        return
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if not uid:  # not loaded (an expired object): read it, it never changes
        mapper = state.mapper
        tbl = mapper.local_table
        pk = mapper.primary_key_from_instance(target)
        query = select(tbl.c[UID_COLUMN]).where(  # type: ignore[attr-defined]
            *(c == v for c, v in zip(mapper.primary_key, pk, strict=True))
        )
        uid = conn.execute(query).scalar_one()
        set_committed_value(target, UID_COLUMN, uid)
    for key in changed:
        value = d.get(key)
        if value and not (type(value) is Sealed and value.uid == uid):
            d[key] = sealed(str(value), uid)


def _check(target: Any, keys: Iterator[str] | Sequence[str]) -> None:
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if uid is None:
        return
    for key in keys:
        value = d.get(key)
        if type(value) is Opened and value.uid != uid:
            log.warning(
                "Tandem: %s.%s of row %s holds a value written for another row; not shown.",
                type(target).__name__,
                key,
                inspect(target).identity,
            )
            set_committed_value(target, key, unreadable())


def _check_loaded(target: Any, _context: Any) -> None:
    _check(target, PROTECTED[type(target)])


def _check_refreshed(target: Any, _context: Any, attrs: Any) -> None:
    keys = PROTECTED[type(target)]
    _check(target, keys if attrs is None else [k for k in keys if k in attrs])
