"""What Home shows each role: reads only, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.insights.figures import Figure, figure_of
from core.insights.headcounts import anchors, counted, counted_anchors, headcounts
from core.insights.pairs import PairState, health_table, kpis_of, pair_states
from core.insights.table_cache import TableCache
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.privacy import Bag, Cell, fixed_rate, is_recording, is_small
from core.kernel.settings import k_threshold
from core.kernel.tx import reading
from core.matching.mine import matches_of
from core.people.names import names_of
from db.models import (
    LIVE_MATCH_STATUSES,
    Announcement,
    Enrolment,
    EnrolmentStatus,
    Match,
    MatchStatus,
    Person,
    Programme,
)


@dataclass(frozen=True)
class PeerCard:
    match_id: int
    programme: str
    status: str
    since: dt.datetime | None
    my_response: str
    peers: tuple[tuple[str, str | None], ...]  # (name, department)


@dataclass(frozen=True)
class AnnouncementCard:
    title: str
    body: str
    programme: str | None
    published_at: dt.datetime


@dataclass(frozen=True)
class ProgrammeCounts:
    """Home's card of a programme: the dashboard's headline figures, hidden by the same
    rule (core.kernel.privacy) when they describe 1 … k−1 people."""

    programme_id: int
    name: str
    status: str
    enrolled: Figure
    matched: Figure
    active_matches: Figure
    k: int  # the smallest group shown, for the reason of a hidden figure

    @property
    def match_rate(self) -> float | None:
        e, m = self.enrolled, self.matched
        if e.suppressed or m.suppressed or not e.value:
            return None
        return (m.value or 0) / e.value


def my_matches(sf: sessionmaker[Session], viewer: Viewer) -> list[PeerCard]:
    """The viewer's current pairs or circles, with who the peers are."""
    with reading(sf) as s:
        matches = matches_of(s, viewer.person_id, Match.status.in_(LIVE_MATCH_STATUSES))
        cards = []
        for m in matches:
            others = [mm.person_id for mm in m.members if mm.person_id != viewer.person_id]
            people = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(others)))}
            mine = next(mm for mm in m.members if mm.person_id == viewer.person_id)
            cards.append(
                PeerCard(
                    match_id=m.id,
                    programme=s.get_one(Programme, m.programme_id).name,
                    status=m.status,
                    since=m.started_at or m.published_at,
                    my_response=mine.response,
                    peers=tuple(
                        (people[i].full_name, people[i].department) for i in others if i in people
                    ),
                )
            )
        return cards


ENDED_NOTICE_DAYS = 30


@dataclass(frozen=True)
class EndedCard:
    """A pair or circle of mine that ended lately: who with, when (never why)."""

    match_id: int
    programme: str
    ended: dt.datetime | None
    peers: tuple[str, ...]


def recently_ended(sf: sessionmaker[Session], viewer: Viewer) -> list[EndedCard]:
    """My pairs and circles ended in the last 30 days, newest first — whoever ended them
    (my peer, a withdrawal, the coordinator) — so that nobody learns it by silence."""
    since = clock.now() - dt.timedelta(days=ENDED_NOTICE_DAYS)
    with reading(sf) as s:
        matches = matches_of(
            s,
            viewer.person_id,
            Match.status == MatchStatus.ENDED,
            Match.ended_at >= since,
            order_by=(Match.ended_at.desc(), Match.id.desc()),
        )
        others = {mm.person_id for m in matches for mm in m.members} - {viewer.person_id}
        names = names_of(s, others)
        return [
            EndedCard(
                m.id,
                s.get_one(Programme, m.programme_id).name,
                m.ended_at,
                tuple(names[mm.person_id] for mm in m.members if mm.person_id in names),
            )
            for m in matches
        ]


def announcements_for(
    sf: sessionmaker[Session], viewer: Viewer, limit: int = 5
) -> list[AnnouncementCard]:
    """Published announcements for everyone, or for a programme the viewer is in."""
    with reading(sf) as s:
        mine = select(Enrolment.programme_id).where(
            Enrolment.person_id == viewer.person_id, Enrolment.status == EnrolmentStatus.ENROLLED
        )
        visible: ColumnElement[bool] = Announcement.programme_id.is_(None) | (
            Announcement.programme_id.in_(mine)
        )
        if viewer.has(COORDINATOR):
            visible = or_(visible, Announcement.programme_id.is_not(None))
        rows = s.execute(
            select(Announcement, Programme.name)
            .outerjoin(Programme, Programme.id == Announcement.programme_id)
            .where(Announcement.published_at.is_not(None), visible)
            .order_by(Announcement.published_at.desc())
            .limit(limit)
        ).all()
        return [AnnouncementCard(a.title, a.body, name, a.published_at) for a, name in rows]


def _exact_figures(
    s: Session,
    programme_ids: Sequence[int],
    k: int,
    found: dict[int, tuple[Bag, Bag]] | None = None,
) -> dict[int, tuple[Figure, Figure, Figure]]:
    """The figures from the dashboard's own bags and pair-health table, one read for
    every programme given (while recording, and for a programme with few active people);
    ``found``: the enrolled and matched bags, when already counted."""
    found = found if found is not None else anchors(s, programme_ids, k)
    states: dict[int, list[PairState]] = {pid: [] for pid in programme_ids}
    for state in pair_states(s, programme_ids):
        states[state.programme_id].append(state)
    kpis = kpis_of(s, programme_ids)
    out = {}
    for pid in programme_ids:
        enrolled, matched = found[pid]
        health = health_table(s, k, pid, states[pid], kpis[pid])
        out[pid] = (*_anchor_figures(pid, enrolled, matched, k), figure_of("home", health.active))
    return out


def _anchor_figures(pid: int, enrolled: Bag, matched: Bag, k: int) -> tuple[Figure, Figure]:
    e_reason, m_reason = fixed_rate(matched, enrolled, k)
    e_cell = Cell(("home", "enrolled", pid), enrolled, fixed=True, hidden=e_reason)
    m_cell = Cell(("home", "matched", pid), matched, fixed=True, hidden=m_reason)
    return figure_of("home", e_cell), figure_of("home", m_cell)


def _figures(
    s: Session, programme_ids: Sequence[int], k: int, tables: TableCache | None = None
) -> dict[int, tuple[Figure, Figure, Figure]]:
    """Enrolled, matched and active pairs per programme: the dashboard's cells, decided
    by the same rules (enrolled and matched by their own; the active pairs with pair
    health, their own small table), so Home and the dashboard always agree.

    Each is a fixed cell, decided by its own size only: counts from SQL decide it, a
    handful of queries whatever the number of programmes. The pair-health table is
    read only where its protection can change the figure (1 … k−1 people in active
    pairs), and everything while a test records the cells. ``tables``: the counts this
    server keeps (core.insights.table_cache), if any."""
    k = k_threshold(s)
    if is_recording():
        return _exact_figures(s, programme_ids, k)
    counts = headcounts(s, programme_ids, tables)
    small = [p for p in programme_ids if is_small(counts[p][3], k)]
    out = _exact_figures(s, small, k, counted_anchors({p: counts[p] for p in small}))
    for pid in programme_ids:
        if pid in out:
            continue
        e, m, matches, members = counts[pid]
        active = Cell(("active",), Bag(matches, members, (), None, None), fixed=True)
        out[pid] = (
            *_anchor_figures(pid, counted(e), counted(m), k),
            figure_of("home", active),
        )
    return out


def programme_counts(
    sf: sessionmaker[Session], viewer: Viewer, tables: TableCache | None = None
) -> list[ProgrammeCounts]:
    """Headline counts per programme for coordinators (counts only, no content);
    ``tables``: the counts this server keeps, if any."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        rows = s.execute(
            select(Programme.id, Programme.name, Programme.status).order_by(
                Programme.start_date.desc().nulls_last(), Programme.name
            )
        ).all()
        k = k_threshold(s)
        figures = _figures(s, [pid for pid, _, _ in rows], k, tables)
        return [
            ProgrammeCounts(pid, name, status, *figures[pid], k=k) for pid, name, status in rows
        ]
