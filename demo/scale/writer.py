"""Bulk writes of plain dicts for the large company: executemany on SQLite, COPY on PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import Connection, Table, text

from db import crypto
from db.models import Base

CHUNK = 5_000


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Writer:
    """Bulk writes of plain dicts: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        if not self.pg:
            # A large page cache: index pages stay in memory instead of thrashing the WAL.
            conn.exec_driver_sql("PRAGMA cache_size=-400000")
        self.t0 = time.monotonic()

    def write(self, model: type[Base], rows: Iterable[dict[str, Any]]) -> int:
        """Write ``rows`` (column → value, ids included) into ``model``'s table; returns how many."""
        table = cast(Table, model.__table__)
        n = 0
        cols = [c.name for c in table.columns]
        json_cols = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
        for chunk in _chunks(rows):
            crypto.seal_rows(table.name, chunk)  # private text is encrypted at rest
            if self.pg:
                raw = self.conn.connection.dbapi_connection
                assert raw is not None
                names = ", ".join(f'"{c}"' for c in cols)
                with raw.cursor().copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in chunk:
                        copy.write_row(
                            [json.dumps(row.get(c)) if c in json_cols else row.get(c) for c in cols]
                        )
            else:
                full = [{c: row.get(c) for c in cols} for row in chunk]
                self.conn.execute(table.insert(), full)
            n += len(chunk)
        self.counts[table.name] = self.counts.get(table.name, 0) + n
        print(f"  {table.name}: {n:,} rows ({time.monotonic() - self.t0:.0f} s)", flush=True)
        return n

    def reset_sequences(self) -> None:
        """PostgreSQL: move each id sequence past the ids written."""
        if not self.pg:
            return
        for table in Base.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].autoincrement is not False:
                self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                    )
                )
