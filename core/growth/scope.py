"""Where a growth note belongs and who reads it: my live matches, my meetings, my peers.

Goals, journal entries and action items belong to a live match (DESIGN.md "peer"):
written outside one, they go to my most recent; shared, the other members of that
match read them, or of every live match of mine when the note belongs to none.
Session-level helpers: they take a Session and never commit.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.kernel import validate
from core.kernel.errors import NotFound
from core.kernel.i18n import t
from core.relationship.membership import live_matches_of, peers_of
from db.models import Match, Meeting


def latest_match(s: Session, person_id: int) -> Match | None:
    """My most recent live match: where a note written outside one belongs."""
    matches = live_matches_of(s, person_id)
    return matches[-1] if matches else None


def my_meeting(s: Session, person_id: int, meeting_id: object) -> Meeting:
    """A meeting of one of my live matches (its id came from a form), or NotFound."""
    meeting = validate.get(s, Meeting, meeting_id)
    if meeting is None or meeting.match_id not in {m.id for m in live_matches_of(s, person_id)}:
        raise NotFound(t("This meeting does not exist or is not one of yours."))
    return meeting


def peer_reads(s: Session, person_id: int, owner_id: int, match_id: int | None) -> bool:
    """Whether ``person_id`` is a peer of ``owner_id`` in the note's match (any, if None)."""
    return person_id in peers_of(s, owner_id, match_id)


def by_my_peers(
    s: Session,
    person_id: int,
    owner: InstrumentedAttribute[int],
    match: InstrumentedAttribute[int | None],
) -> ColumnElement[bool] | None:
    """Rows (``owner``, ``match`` columns) written by my peers in our live matches or in none.

    None when I have no peer: nothing is shared with me.
    """
    conditions = []
    for m in live_matches_of(s, person_id):
        others = [mm.person_id for mm in m.members if mm.person_id != person_id]
        if others:
            conditions.append(owner.in_(others) & (match.is_(None) | (match == m.id)))
    return or_(*conditions) if conditions else None
