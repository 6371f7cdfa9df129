"""Rows of the my-data export (plain JSON values, dates as ISO text, columns picked by name)
and the one bulk UPDATE that erasure runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session


def iso(value: Any) -> Any:
    """Dates and times as ISO text; anything else as it is."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def row(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a JSON-ready dict, in that order."""
    return {c: iso(getattr(obj, c)) for c in columns}


def update_rows(s: Session, model: type[Any], *where: Any, **values: Any) -> int:
    """One bulk UPDATE of ``model`` where ``where``, to ``values``: the rows changed."""
    result = s.execute(
        update(model).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
