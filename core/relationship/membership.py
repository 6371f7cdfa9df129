"""Who my peers are: the other members of my live matches (pair or circle).

"Peer" in DESIGN.md ("Who sees what") means every other member of my pair or
circle; sharing a goal or a journal entry shares it with all of them. A match
is *live* while it is published, active or paused (``db.models.LIVE_MATCH_STATUSES``,
the one definition): an ended or declined match gives no one access to anything new.

Helpers take a Session and never commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel import tx
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, NotAllowed
from core.kernel.i18n import t
from core.matching.mine import match_ids_of, matches_of
from core.people.names import names_of
from db.models import LIVE_MATCH_STATUSES, Match, MatchMember


def is_live(status: str | None) -> bool:
    """Whether a match in ``status`` still binds its members (published, active, paused)."""
    return status in LIVE_MATCH_STATUSES


def live_matches_of(s: Session, person_id: int) -> list[Match]:
    """My live matches (members loaded), oldest first."""
    return matches_of(
        s, person_id, Match.status.in_(LIVE_MATCH_STATUSES), order_by=(Match.created_at, Match.id)
    )


def peers_of(s: Session, person_id: int, match_id: int | None = None) -> set[int]:
    """Person ids of the other members of my live matches (of one match if ``match_id``)."""
    mine = match_ids_of(person_id)
    query = (
        select(MatchMember.person_id)
        .join(Match, Match.id == MatchMember.match_id)
        .where(
            MatchMember.match_id.in_(mine),
            Match.status.in_(LIVE_MATCH_STATUSES),
            MatchMember.person_id != person_id,
        )
    )
    if match_id is not None:
        query = query.where(MatchMember.match_id == match_id)
    return set(s.scalars(query))


def member_names(s: Session, match: Match, *, but: int | None = None) -> tuple[str, ...]:
    """The names of the match's members (all ``but`` one person), in the match's order."""
    ids = [mm.person_id for mm in match.members if mm.person_id != but]
    names = names_of(s, ids)
    return tuple(names[i] for i in ids if i in names)


def member_match(s: Session, viewer: Viewer, match_id: int) -> Match:
    """The live match ``match_id`` if the viewer is one of its members, else NotAllowed."""
    match = tx.get_or_404(s, Match, match_id, missing=t("This pair or circle no longer exists."))
    if not peers_of(s, viewer.person_id, match_id):
        raise NotAllowed(t("Only the members of this pair or circle can see or change it."))
    return match


def require_open(match: Match) -> None:
    """Refuse changes to an ended (or otherwise closed) relationship."""
    if not is_live(match.status):
        raise Conflict(t("This relationship has ended: nothing can be changed any more."))


def open_match(s: Session, viewer: Viewer, match_id: int) -> Match:
    """My live match ``match_id``, still open to changes (NotAllowed, NotFound or Conflict)."""
    match = member_match(s, viewer, match_id)
    require_open(match)
    return match


def started_on(match: Match) -> dt.date:
    """The day the relationship began (accepted by all, else published, else created)."""
    when = match.started_at or match.published_at or match.created_at
    return when.date()
