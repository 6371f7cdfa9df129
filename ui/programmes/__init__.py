"""Screens of the programme pages (coordinators' programme form, participants' enrolment form)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")
Sessions = sessionmaker[Session]  # what ui.actions.act hands a page's own service first


def index_of(codes: Sequence[T], current: object, fallback: int) -> int:
    """Where ``current`` is among ``codes`` (for a selectbox or radio), else ``fallback``."""
    return codes.index(current) if current in codes else fallback  # type: ignore[arg-type]


def lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped (a list typed one item per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]
