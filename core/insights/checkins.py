"""Who a coordinator should reach out to: the pairs needing a check-in, named.

An operational list (names and dates only, never what a pair wrote), built for one
programme at a time from its meetings part (core.insights.pairs.MeetingsTable.states) and
kept with the other parts of the programme (core.insights.table_cache, part "checkins").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.insights.figures import CheckIn
from core.insights.pairs import NEEDS_CHECKIN, PairState
from core.insights.scope import as_date
from core.kernel import clock
from db.models import NAME_ORDER, MatchMember, Meeting, MeetingStatus, Person, Programme


def named_checkins(s: Session, states: Iterable[PairState]) -> tuple[CheckIn, ...]:
    """The pairs of ``states`` needing a check-in: their members' names, their dates and
    why, longest without a meeting first."""
    todo = {st.match_id: st for st in states if st.bucket == NEEDS_CHECKIN}
    if not todo:
        return ()
    names: dict[int, list[str]] = {i: [] for i in todo}
    nexts: dict[int, dt.datetime] = {}
    ids = list(todo)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for match_id, name in s.execute(
            select(MatchMember.match_id, Person.full_name)
            .join(Person, Person.id == MatchMember.person_id)
            .where(MatchMember.match_id.in_(chunk))
            .order_by(MatchMember.match_id, *NAME_ORDER)
        ):
            names[match_id].append(name)
        for match_id, when in s.execute(
            select(Meeting.match_id, func.min(Meeting.scheduled_at))
            .where(
                Meeting.match_id.in_(chunk),
                Meeting.status == MeetingStatus.PLANNED,
                Meeting.scheduled_at > clock.now(),
            )
            .group_by(Meeting.match_id)
        ):
            nexts[match_id] = when
    programmes = dict(
        s.execute(
            select(Programme.id, Programme.name).where(
                Programme.id.in_({st.programme_id for st in todo.values()})
            )
        )
        .tuples()
        .all()
    )
    return by_urgency(
        CheckIn(
            match_id=st.match_id,
            programme=programmes.get(st.programme_id, ""),
            members=tuple(names[st.match_id]),
            started=as_date(st.started),
            last_meeting=as_date(st.last_held) if st.last_held else None,
            next_meeting=as_date(nexts[st.match_id]) if st.match_id in nexts else None,
            reason=st.reason or "",
        )
        for st in todo.values()
    )


def by_urgency(rows: Iterable[CheckIn]) -> tuple[CheckIn, ...]:
    """Longest without a meeting first: they need the coordinator most."""
    return tuple(sorted(rows, key=lambda c: (c.last_meeting or c.started, c.match_id)))


def in_department(
    rows: Sequence[CheckIn], states: Iterable[PairState], department: str | None
) -> list[CheckIn]:
    """The rows of pairs with a member in ``department`` (every row when None)."""
    if department is None:
        return list(rows)
    there = {st.match_id for st in states if department in st.departments}
    return [c for c in rows if c.match_id in there]
