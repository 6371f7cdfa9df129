"""Settings an admin can change, stored in the ``setting`` table (key → text)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Setting

DEFAULT_K = 5  # DESIGN.md: aggregates over fewer than k people are hidden


def get_setting(s: Session, key: str) -> str | None:
    """The stored text of ``key``, or None when it was never set."""
    row = s.get(Setting, key)
    return row.value if row is not None else None


def k_threshold(s: Session) -> int:
    """k of k-suppression: Setting 'k' when it is a whole number ≥ 2, else 5."""
    raw = get_setting(s, "k")
    try:
        value = int((raw or "").strip())
    except ValueError:
        return DEFAULT_K
    # k = 1 would show every aggregate over a single person: never accept it.
    return value if value >= 2 else DEFAULT_K
