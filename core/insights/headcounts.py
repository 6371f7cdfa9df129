"""Each programme's people counted: enrolled, in an active match, meetings held.

Home's cards and the survey list read these counts (``headcounts``, kept by the server)
as fixed cells (``anchors``); the enrolment table (:mod:`core.insights.enrolment`) reads
the same meetings held (``held_meetings``) for its engagement buckets.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, Subquery, and_, cast, func, select
from sqlalchemy.orm import Session

from core.insights.scope import active_match
from core.insights.table_cache import TableCache, kept_or_built
from core.kernel import clock
from core.kernel.bags import python_bag
from core.kernel.privacy import Bag, is_recording
from db.models import Enrolment, EnrolmentStatus, Match, MatchMember, Meeting, MeetingStatus


def held_per_match(programmes: ColumnElement[bool]) -> Subquery:
    """Meetings held so far per match of ``programmes`` (``match_id``, ``n``, and ``last``:
    the last one's time), each match's meetings read from the (match, status, time) index."""
    return (
        select(
            Meeting.match_id.label("match_id"),
            func.count().label("n"),
            func.max(Meeting.scheduled_at).label("last"),
        )
        .where(
            Meeting.status == MeetingStatus.HELD,
            Meeting.scheduled_at <= clock.now(),
            Meeting.match_id.in_(select(Match.id).where(programmes)),
        )
        .group_by(Meeting.match_id)
        .subquery()
    )


def held_by_match(
    s: Session, programmes: ColumnElement[bool]
) -> dict[int, tuple[int, dt.datetime]]:
    """Each match of ``programmes`` with a meeting held so far → how many, and the last
    one's time (:func:`held_per_match`): what the enrolment part reads of the meetings
    (engagement) and the pairs' health reads of the meetings held, in one query."""
    per_match = held_per_match(programmes)
    rows = s.connection().execute(select(per_match.c.match_id, per_match.c.n, per_match.c.last))
    return {int(match): (int(n), last) for match, n, last in rows}  # plain rows: thousands


def held_meetings(programmes: ColumnElement[bool], by_programme: bool = False) -> Subquery:
    """Meetings held so far per member of a match of ``programmes`` (``person_id``, ``n``;
    and ``programme_id`` when ``by_programme``). Counted per match first
    (:func:`held_per_match`), then given to its members: not every held meeting of the
    database read by its status and kept when its match is in the programme (SQLite,
    company: 21 -> 9 ms a programme)."""
    per_match = held_per_match(programmes)
    n = cast(func.sum(per_match.c.n), Integer).label("n")  # PostgreSQL sums counts as numeric
    member = MatchMember.person_id.label("person_id")
    q = select(member).join(per_match, per_match.c.match_id == MatchMember.match_id)
    if by_programme:
        q = (
            q.add_columns(Match.programme_id.label("programme_id"), n)
            .join(Match, Match.id == MatchMember.match_id)
            .group_by(MatchMember.person_id, Match.programme_id)
        )
    else:
        q = q.add_columns(n).group_by(MatchMember.person_id)
    return q.subquery()


def active_members(programme_ids: Sequence[int]) -> Subquery:
    """Each (``person_id``, ``programme_id``) of a member of an active match of these
    programmes, once."""
    return (
        select(MatchMember.person_id.label("person_id"), Match.programme_id.label("programme_id"))
        .join(Match, Match.id == MatchMember.match_id)
        .where(Match.programme_id.in_(programme_ids), active_match())
        .distinct()
        .subquery()
    )


def enrolled_and_matched(programme_ids: Sequence[int]) -> tuple[Select[Any], Any]:
    """The enrolments of these programmes (a select without columns yet), each joined to
    its person's active match in the programme, if any; and that match's person column
    (NULL when none: one row per enrolment)."""
    matched = active_members(programme_ids)
    enrolled = (
        select()
        .select_from(Enrolment)
        .outerjoin(
            matched,
            and_(
                matched.c.person_id == Enrolment.person_id,
                matched.c.programme_id == Enrolment.programme_id,
            ),
        )
        .where(
            Enrolment.programme_id.in_(programme_ids), Enrolment.status == EnrolmentStatus.ENROLLED
        )
    )
    return enrolled, matched.c.person_id


def snapshot_people(
    s: Session, programme_ids: Sequence[int]
) -> dict[int, dict[int, tuple[bool, int]]]:
    """Per programme, enrolled person → (in an active match, meetings held so far)."""
    if not programme_ids:
        return {}
    held = held_meetings(Match.programme_id.in_(programme_ids), by_programme=True)
    enrolled, matched = enrolled_and_matched(programme_ids)
    rows = s.execute(
        enrolled.add_columns(
            Enrolment.programme_id,
            Enrolment.person_id,
            matched.is_not(None),
            func.coalesce(held.c.n, 0),
        ).outerjoin(
            held,
            and_(
                held.c.person_id == Enrolment.person_id,
                held.c.programme_id == Enrolment.programme_id,
            ),
        )
    )
    out: dict[int, dict[int, tuple[bool, int]]] = defaultdict(dict)
    for pid, person, is_matched, n_held in rows:
        out[int(pid)][int(person)] = (bool(is_matched), int(n_held))
    return out


def headcounts(
    s: Session, programme_ids: Sequence[int], tables: TableCache | None = None
) -> dict[int, tuple[int, int, int, int]]:
    """Per programme, counted in SQL: enrolled people, those of them in an active match,
    active matches with a member, and those members (Home's cards, the survey list). Kept
    by the server (``tables``) while the tables counted keep their versions: at company
    scale the counting is 30 ms of SQL over every enrolment and match."""
    return kept_or_built(
        tables, s, "headcounts", tuple(sorted(programme_ids)), lambda: _headcounts(s, programme_ids)
    )


def _headcounts(s: Session, programme_ids: Sequence[int]) -> dict[int, tuple[int, int, int, int]]:
    if not programme_ids:
        return {}
    # Each count from the side it counts: the enrolments alone, then the active matches'
    # members, each joined to their enrolment in the programme (a unique key) — not every
    # enrolment joined to a list of every matched person (30 ms at company scale).
    enrolled = dict(
        s.execute(
            select(Enrolment.programme_id, func.count())  # one enrolment per person, programme
            .where(
                Enrolment.programme_id.in_(programme_ids),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .group_by(Enrolment.programme_id)
        )
        .tuples()
        .all()
    )
    members = active_members(programme_ids)
    # programme → (people in an active match, those of them enrolled)
    matched = {
        pid: (people, enrolled_people)
        for pid, people, enrolled_people in s.execute(
            select(members.c.programme_id, func.count(), func.count(Enrolment.id))
            .outerjoin(
                Enrolment,
                and_(
                    Enrolment.person_id == members.c.person_id,
                    Enrolment.programme_id == members.c.programme_id,
                    Enrolment.status == EnrolmentStatus.ENROLLED,
                ),
            )
            .group_by(members.c.programme_id)
        )
    }
    matches = dict(
        s.execute(
            select(Match.programme_id, func.count())
            .where(
                Match.programme_id.in_(programme_ids),
                active_match(),
                select(MatchMember.match_id).where(MatchMember.match_id == Match.id).exists(),
            )
            .group_by(Match.programme_id)
        )
        .tuples()
        .all()
    )
    return {
        pid: (
            int(enrolled.get(pid, 0)),
            int(matched.get(pid, (0, 0))[1]),
            int(matches.get(pid, 0)),
            int(matched.get(pid, (0, 0))[0]),
        )
        for pid in programme_ids
    }


def counted(n: int) -> Bag:
    """The bag of ``n`` people known by their number alone (a fixed cell needs no more)."""
    return Bag(n, n, (), None, None)


def counted_anchors(
    counts: dict[int, tuple[int, int, int, int]],
) -> dict[int, tuple[Bag, Bag]]:
    """The enrolled and matched people of :func:`headcounts`, as bags known by their number."""
    return {pid: (counted(e), counted(m)) for pid, (e, m, _, _) in counts.items()}


def anchors(
    s: Session, programme_ids: Sequence[int], k: int, tables: TableCache | None = None
) -> dict[int, tuple[Bag, Bag]]:
    """Enrolled and matched people per programme, as bags (Home and the survey list read
    only these). Fixed cells, decided by their size alone: counted in SQL, and with every
    person only while a test records the cells."""
    if not is_recording():
        return counted_anchors(headcounts(s, programme_ids, tables))
    state = snapshot_people(s, programme_ids)
    out = {}
    for pid in programme_ids:
        people = state.get(pid, {})
        out[pid] = (
            python_bag((((f"enrolled:{pid}", p), p) for p in people), k),
            python_bag((((f"enrolled:{pid}", p), p) for p, (m, _) in people.items() if m), k),
        )
    return out
