"""Who a coordinator should reach out to: the pairs needing a check-in, named.

An operational list (names and dates only, never what a pair wrote), built for one
programme at a time from its meetings part (core.insights.pairs.MeetingsTable.states) and
kept with the other parts of the programme (core.insights.table_cache, part "checkins").
Each pair's next meeting is a part of its own (``next_meetings``, part "next_meetings"):
a meeting planned for a later week changes no table's version (db.freshness.LATER), only
the meeting table's ``later`` one, which that part alone reads — so planning the next
meeting shows at once and rebuilds nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.insights.figures import CheckIn
from core.insights.pairs import NEEDS_CHECKIN, PairState
from core.insights.scope import as_date
from core.kernel import clock
from db.models import Match, Meeting, MeetingStatus, Programme


def named_checkins(s: Session, states: Iterable[PairState]) -> tuple[CheckIn, ...]:
    """The pairs of ``states`` needing a check-in: their members' names, their dates and
    why, longest without a meeting first (their next meeting: ``with_next_meetings``)."""
    todo = {st.match_id: st for st in states if st.bucket == NEEDS_CHECKIN}
    if not todo:
        return ()
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
            members=st.names,
            started=as_date(st.started),
            last_meeting=as_date(st.last_held) if st.last_held else None,
            next_meeting=None,  # read on every view: with_next_meetings
            reason=st.reason or "",
        )
        for st in todo.values()
    )


def next_meetings(s: Session, programme_id: int) -> dict[int, dt.date]:
    """Each pair of the programme with a planned meeting to come → the day of the soonest."""
    soonest = (
        select(Meeting.match_id, func.min(Meeting.scheduled_at))
        .where(
            Meeting.match_id.in_(select(Match.id).where(Match.programme_id == programme_id)),
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.scheduled_at > clock.now(),
        )
        .group_by(Meeting.match_id)
    )
    return {match_id: as_date(at) for match_id, at in s.connection().execute(soonest)}


def with_next_meetings(
    rows: Iterable[CheckIn], nexts: Mapping[int, dt.date]
) -> tuple[CheckIn, ...]:
    """``rows`` with each pair's next planned meeting (``nexts``: ``next_meetings``)."""
    return tuple(
        replace(c, next_meeting=nexts[c.match_id]) if c.match_id in nexts else c for c in rows
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
