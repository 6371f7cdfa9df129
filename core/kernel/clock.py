"""The one clock of the domain, naive UTC. Tests replace ``now`` to control time."""

from __future__ import annotations

import datetime as dt


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


_override: dt.datetime | None = None


def now() -> dt.datetime:
    """Current time, naive UTC (or the time a test set)."""
    return _override if _override is not None else _utcnow()


def stamps(at: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """``created_at`` and ``updated_at`` of a new row: the same moment, ``at`` or now."""
    when = now() if at is None else at
    return {"created_at": when, "updated_at": when}


def today() -> dt.date:
    return now().date()


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at ``value`` (tests only); ``None`` returns to real time."""
    global _override
    _override = value


def advance(**kwargs: float) -> None:
    """Move a frozen clock forward (tests only)."""
    global _override
    _override = now() + dt.timedelta(**kwargs)
