"""Settings an admin can change, read from the ``setting`` table (key → text value)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.models import Setting

DEFAULT_K = 5  # DESIGN.md: aggregates over fewer than k people are hidden


def k_threshold(s: Session) -> int:
    """k of k-suppression: Setting 'k' when it holds a whole number ≥ 2, else 5."""
    row = s.get(Setting, "k")
    try:
        k = int(row.value) if row is not None else DEFAULT_K
    except ValueError:
        return DEFAULT_K
    return k if k >= 2 else DEFAULT_K
