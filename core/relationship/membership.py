"""Who my peers are: the other members of my live matches (pair or circle).

"Peer" in DESIGN.md ("Who sees what") means every other member of my pair or
circle; sharing a goal or a journal entry shares it with all of them. A match
is *live* while it is published, active or paused: an ended or declined match
gives no one access to anything new.

Helpers take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import LIVE_MATCH_STATUSES, Match, MatchMember, Person

LIVE_STATUSES = LIVE_MATCH_STATUSES  # the one definition lives with the states (db.models)


def live_matches_of(s: Session, person_id: int) -> list[Match]:
    """My live matches (members loaded), oldest first."""
    mine = select(MatchMember.match_id).where(MatchMember.person_id == person_id)
    return list(
        s.scalars(
            select(Match)
            .where(Match.id.in_(mine), Match.status.in_(LIVE_STATUSES))
            .order_by(Match.created_at, Match.id)
        )
    )


def peers_of(s: Session, person_id: int, match_id: int | None = None) -> set[int]:
    """Person ids of the other members of my live matches (of one match if ``match_id``)."""
    mine = select(MatchMember.match_id).where(MatchMember.person_id == person_id)
    query = (
        select(MatchMember.person_id)
        .join(Match, Match.id == MatchMember.match_id)
        .where(
            MatchMember.match_id.in_(mine),
            Match.status.in_(LIVE_STATUSES),
            MatchMember.person_id != person_id,
        )
    )
    if match_id is not None:
        query = query.where(MatchMember.match_id == match_id)
    return set(s.scalars(query))


def shares_live_match(s: Session, person_id: int, other_id: int) -> bool:
    """True when the two people are members of one live match."""
    return person_id != other_id and other_id in peers_of(s, person_id)


def names_of(s: Session, person_ids: Iterable[int | None]) -> dict[int, str]:
    """Full names by person id (ids of erased or unknown people are simply absent)."""
    wanted = {i for i in person_ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
    return {pid: name for pid, name in rows}
