"""Validation of what a service takes besides free text: ids, whole numbers, choices, dates.

One helper per kind, so every service refuses bad input the same way, with a
sentence a person can read, before anything reaches the database (free text:
:mod:`core.kernel.text`). A value that comes from a link or a widget can be anything:
a word where a number was expected, an id beyond what a column holds, a date in
the year 9999. None of them may end in a database error or a traceback.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from core.kernel import clock
from core.kernel.errors import InvalidInput
from core.kernel.i18n import format_date, t

# Ids are Integer columns: 32 bits on PostgreSQL (SQLite would take 64). A larger
# value names no row, and sending it raises "integer out of range" there.
MAX_ID = 2**31 - 1
# Dates a person types into Tandem mean something between these; outside them a
# date is a slip (or a probe) and, near year 9999, arithmetic on it overflows.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

M = TypeVar("M")
H = TypeVar("H", bound=Hashable)


# --------------------------------------------------------------------------- ids


def record_id(value: object) -> int | None:
    """``value`` as the id of a stored row, or None when no row can have it.

    Accepts an int or a string of ASCII digits (a query parameter); refuses
    booleans, zero, negatives and anything beyond :data:`MAX_ID`.
    """
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 10 or not (text.isascii() and text.isdigit()):
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_ID else None


def get(s: Session, model: type[M], value: object) -> M | None:
    """``s.get(model, value)`` for an id from outside: None when it cannot name a row."""
    rid = record_id(value)
    return None if rid is None else s.get(model, rid)


def ids(values: object) -> list[int] | None:
    """A list of ids from outside, or None when one of them cannot name a row."""
    if isinstance(values, str | bytes) or not hasattr(values, "__iter__"):
        return None
    found = [record_id(v) for v in values]
    return None if any(v is None for v in found) else [v for v in found if v is not None]


# --------------------------------------------------------------------------- numbers


def whole_number(value: object, low: int, high: int, message: str) -> int:
    """``value`` as a whole number from ``low`` to ``high``; otherwise InvalidInput(message).

    Refuses text, booleans, fractions, NaN and infinities: a widget gives an int,
    anything else came from somewhere else.
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    if number is None or not low <= number <= high:
        raise InvalidInput(message)
    return number


def optional_number(value: object, low: int, high: int, message: str) -> int | None:
    """:func:`whole_number`, where nothing (None or an empty string) means not answered."""
    if value is None or value == "":
        return None
    return whole_number(value, low, high, message)


def choice(value: object, options: Container[Any], message: str) -> Any:
    """``value`` if it is one of ``options`` (a dict's keys, a set …); else InvalidInput."""
    if not isinstance(value, Hashable) or value not in options:
        raise InvalidInput(message)
    return value


# --------------------------------------------------------------------------- dates


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def check_date(
    value: object,
    field: str,
    *,
    not_past: bool = False,
    earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> dt.date:
    """A date a person typed: a real date, from ``earliest`` to ``latest``.

    ``not_past``: today at the earliest (a deadline, a wish, a target).
    """
    day = _as_date(value)
    if day is None or isinstance(value, dt.datetime):
        raise InvalidInput(t("“{field}” is not a date.", field=field))
    _check_day(day, field, not_past=not_past, earliest=earliest, latest=latest)
    return day


def optional_date(value: object, field: str, *, not_past: bool = False) -> dt.date | None:
    """:func:`check_date`, where None means no date."""
    return None if value is None else check_date(value, field, not_past=not_past)


def check_datetime(
    value: object,
    field: str,
    *,
    earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> dt.datetime:
    """A date and time a person typed (naive UTC), within ``earliest`` … ``latest``."""
    if not isinstance(value, dt.datetime) or value.tzinfo is not None:
        raise InvalidInput(t("“{field}” is not a date and time.", field=field))
    _check_day(value.date(), field, not_past=False, earliest=earliest, latest=latest)
    return value


def _check_day(
    day: dt.date, field: str, *, not_past: bool, earliest: dt.date, latest: dt.date
) -> None:
    if not_past and day < clock.today():
        raise InvalidInput(t("“{field}” cannot be in the past.", field=field))
    if day < earliest:
        raise InvalidInput(
            t("“{field}” cannot be before {date}.", field=field, date=format_date(earliest))
        )
    if day > latest:
        raise InvalidInput(
            t("“{field}” cannot be after {date}.", field=field, date=format_date(latest))
        )
