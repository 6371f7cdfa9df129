"""The programme after publishing: each proposal with its members' answers, and who is left.

What the coordinator's Matching page shows once suggestions are published: every published,
active, paused or declined match of the programme with each member's answer (waiting,
accepted, declined, and when), counts of each answer, and the people still unmatched (the
waiting pool: declined, late enrolments, left out by a run), so they can be re-paired.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import COORDINATOR, Viewer, require_role
from core.matching import candidates
from core.matching.rows import SuggestionRow, suggestion_rows
from db.models import LIVE_MATCH_STATUSES, Match, MatchStatus, Person
from db.models.states import MemberResponse

# What the page lists as "published": proposals waiting for answers, accepted ones (active
# or paused) and declined ones; ended relationships belong to the relationship's own pages.
SHOWN = (*sorted(LIVE_MATCH_STATUSES), MatchStatus.DECLINED)
ORDER = {
    status: i
    for i, status in enumerate(
        (MatchStatus.DECLINED, MatchStatus.PUBLISHED, MatchStatus.ACTIVE, MatchStatus.PAUSED)
    )
}


@dataclass(frozen=True)
class Unmatched:
    """Someone enrolled and waiting, not in a live match nor in a suggestion."""

    person_id: int
    name: str
    department: str | None
    declined_before: bool  # they were in a proposal that was declined


@dataclass(frozen=True)
class AfterPublishing:
    """Published proposals and their answers, counted; who is still unmatched."""

    proposals: tuple[SuggestionRow, ...]  # newest publication first
    waiting: int  # members who have not answered a proposal still open
    accepted: int
    declined: int
    unmatched: tuple[Unmatched, ...]
    published_at: dict[int, dt.datetime | None]  # match id → when it was published


def after_publishing(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> AfterPublishing:
    """The programme's published proposals with each answer, and the unmatched people."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        p = candidates.programme(s, programme_id)
        rows = suggestion_rows(s, p.id, SHOWN)
        published = dict(
            s.execute(
                select(Match.id, Match.published_at).where(
                    Match.programme_id == p.id, Match.status.in_(SHOWN)
                )
            )
            .tuples()
            .all()
        )
        # What needs the coordinator first (declined), then what waits, then what runs;
        # newest publication first within each.
        rows.sort(key=lambda r: (published[r.match_id] or dt.datetime.min, r.match_id))
        rows.reverse()
        rows.sort(key=lambda r: ORDER.get(r.status, len(ORDER)))
        answers = [(r.status, m.response) for r in rows for m in r.members]
        return AfterPublishing(
            proposals=tuple(rows),
            waiting=sum(
                1
                for st, a in answers
                if st == MatchStatus.PUBLISHED and a == MemberResponse.PENDING
            ),
            accepted=sum(1 for _, a in answers if a == MemberResponse.ACCEPTED),
            declined=sum(1 for _, a in answers if a == MemberResponse.DECLINED),
            unmatched=_unmatched(s, p.id, rows),
            published_at=published,
        )


def _unmatched(s: Session, programme_id: int, rows: list[SuggestionRow]) -> tuple[Unmatched, ...]:
    """Everyone waiting (a suggestion not yet published does not match anybody yet)."""
    declined = {m.person_id for r in rows if r.status == MatchStatus.DECLINED for m in r.members}
    return tuple(
        Unmatched(person_id, name, department, person_id in declined)
        for person_id, name, department in s.execute(
            candidates.waiting_query(programme_id, Person.id, Person.full_name, Person.department)
        ).tuples()
    )
