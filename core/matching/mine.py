"""The matches a person is a member of: the one query every "my pairs" view starts from.

Helpers take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from db.models import Match, MatchMember

NEWEST_FIRST = (Match.published_at.desc(), Match.id.desc())


def match_ids_of(person_id: int) -> Select[tuple[int]]:
    """The ids of the matches ``person_id`` is a member of, as a subquery (``IN`` it: SQLite
    then reads a match's rows by its index, not every row of the company's)."""
    return select(MatchMember.match_id).where(MatchMember.person_id == person_id)


def matches_of(
    s: Session,
    person_id: int,
    *where: ColumnElement[bool],
    order_by: Sequence[Any] = NEWEST_FIRST,
) -> list[Match]:
    """The matches ``person_id`` is a member of that meet every condition of ``where``."""
    mine = match_ids_of(person_id)
    return list(s.scalars(select(Match).where(Match.id.in_(mine), *where).order_by(*order_by)))
