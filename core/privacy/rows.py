"""Rows of the my-data export: plain JSON values, dates as ISO text, columns picked by name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any


def iso(value: Any) -> Any:
    """Dates and times as ISO text; anything else as it is."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def row(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    """The named attributes of ``obj`` as a JSON-ready dict, in that order."""
    return {c: iso(getattr(obj, c)) for c in columns}
