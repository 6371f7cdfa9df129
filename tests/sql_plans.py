"""Reading the plan SQLite chose for a statement a test just ran (with the ``statements``
fixture of tests/conftest.py): an index a query must use is checked where it is used."""

from __future__ import annotations

from core.kernel.store import Store


def sqlite_plan(store: Store, statements: list[tuple[str, object]], marker: str) -> str:
    """SQLite's plan of the statement run last that holds ``marker``."""
    query, params = next(q for q in reversed(statements) if marker in q[0])
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", params)  # type: ignore[arg-type]
        return " | ".join(str(row[-1]) for row in rows)
