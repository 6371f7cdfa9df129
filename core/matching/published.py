"""The programme after publishing: each proposal with its members' answers, and who is left.

What the coordinator's Matching page shows once suggestions are published: every published,
active, paused or declined match of the programme with each member's answer (waiting,
accepted, declined, and when), counts of each answer, and the people still unmatched (the
waiting pool: declined, late enrolments, left out by a run), so they can be re-paired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.tx import reading
from core.matching import candidates
from core.matching.rows import SuggestionRow, suggestion_rows
from core.matching.suggestions import PoolPerson
from db.models import (
    LIVE_MATCH_STATUSES,
    Enrolment,
    Match,
    MatchMember,
    MatchStatus,
    Person,
    Programme,
)
from db.models.states import MemberResponse

# What the page lists as "published": proposals waiting for answers, accepted ones (active
# or paused) and declined ones; ended relationships belong to the relationship's own pages.
SHOWN = (*sorted(LIVE_MATCH_STATUSES), MatchStatus.DECLINED)
ORDER: dict[str, int] = {
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
    role: str = "peer"  # a mentor here may have matches already, and places left


@dataclass(frozen=True)
class AfterPublishing:
    """Published proposals and their answers, counted; who is still unmatched."""

    proposals: tuple[SuggestionRow, ...]  # newest publication first
    waiting: int  # members who have not answered a proposal still open
    accepted: int
    declined: int
    unmatched: tuple[Unmatched, ...]
    published_at: dict[int, dt.datetime | None]  # match id → when it was published
    running: int  # accepted pairs and circles (active or paused), listed only when asked


def after_publishing(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    running: bool = False,
    pool: Sequence[PoolPerson] | None = None,
    people: bool = True,
) -> AfterPublishing:
    """The programme's published proposals with each answer, and the unmatched people.

    The list holds what is still open (declined, waiting for answers); accepted pairs and
    circles (active or paused: thousands at company scale) are counted, and listed only
    with ``running=True``. The counts are read in SQL, whatever is listed. ``pool``: the
    waiting pool (``suggestions.pool``) when the caller has read it, not read again (the
    unmatched are those people: a query over every enrolment at company scale); ``people``
    False: the unmatched are not read (an empty list; the caller counts them)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        p = candidates.programme(s, programme_id)
        listed = SHOWN if running else (MatchStatus.PUBLISHED, MatchStatus.DECLINED)
        rows = suggestion_rows(s, p.id, listed, with_reasons=False)
        published = dict(
            s.execute(
                select(Match.id, Match.published_at).where(
                    Match.programme_id == p.id, Match.status.in_(listed)
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
        counts = {
            (status, answer): n
            for status, answer, n in s.execute(
                select(Match.status, MatchMember.response, func.count())
                .join(MatchMember, MatchMember.match_id == Match.id)
                .where(Match.programme_id == p.id, Match.status.in_(SHOWN))
                .group_by(Match.status, MatchMember.response)
            ).tuples()
        }
        return AfterPublishing(
            proposals=tuple(rows),
            waiting=counts.get((MatchStatus.PUBLISHED, MemberResponse.PENDING), 0),
            accepted=sum(n for (_, a), n in counts.items() if a == MemberResponse.ACCEPTED),
            declined=sum(n for (_, a), n in counts.items() if a == MemberResponse.DECLINED),
            unmatched=_unmatched(s, p, rows, pool) if people else (),
            published_at=published,
            running=s.scalar(
                select(func.count()).where(
                    Match.programme_id == p.id,
                    Match.status.in_((MatchStatus.ACTIVE, MatchStatus.PAUSED)),
                )
            )
            or 0,
        )


def _unmatched(
    s: Session, p: Programme, rows: list[SuggestionRow], pool: Sequence[PoolPerson] | None
) -> tuple[Unmatched, ...]:
    """Everyone waiting (a suggestion not yet published does not match anybody yet)."""
    declined = {m.person_id for r in rows if r.status == MatchStatus.DECLINED for m in r.members}
    waiting = (
        [(w.person_id, w.name, w.department, w.role) for w in pool]
        if pool is not None
        else s.execute(
            candidates.waiting_query(
                p, Person.id, Person.full_name, Person.department, Enrolment.role
            )
        ).tuples()
    )
    return tuple(
        Unmatched(
            person_id, name, department, person_id in declined, candidates.shown_role(p, role)
        )
        for person_id, name, department, role in waiting
    )
