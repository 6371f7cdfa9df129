"""What Home shows each role: reads only, one transaction each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, distinct, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.access import COORDINATOR, Viewer, require_role
from db.models import Announcement, Enrolment, Match, MatchMember, Person, Programme

# Match states (see DESIGN.md, "Active match"): published once the coordinator
# publishes; active once every member accepted; paused, ended or declined after.
LIVE_MATCH_STATES = ("published", "active", "paused")


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
    programme_id: int
    name: str
    status: str
    enrolled: int
    matched: int
    active_matches: int

    @property
    def match_rate(self) -> float | None:
        return self.matched / self.enrolled if self.enrolled else None


def my_matches(sf: sessionmaker[Session], viewer: Viewer) -> list[PeerCard]:
    """The viewer's current pairs or circles, with who the peers are."""
    with sf.begin() as s:
        matches = s.scalars(
            select(Match)
            .join(MatchMember, MatchMember.match_id == Match.id)
            .where(MatchMember.person_id == viewer.person_id, Match.status.in_(LIVE_MATCH_STATES))
            .order_by(Match.published_at.desc())
        ).all()
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


def announcements_for(
    sf: sessionmaker[Session], viewer: Viewer, limit: int = 5
) -> list[AnnouncementCard]:
    """Published announcements for everyone, or for a programme the viewer is in."""
    with sf.begin() as s:
        mine = select(Enrolment.programme_id).where(
            Enrolment.person_id == viewer.person_id, Enrolment.status == "enrolled"
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


def programme_counts(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeCounts]:
    """Headline counts per programme for coordinators (counts only, no content)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        enrolled = (
            select(Enrolment.programme_id, func.count().label("n"))
            .where(Enrolment.status == "enrolled")
            .group_by(Enrolment.programme_id)
            .subquery()
        )
        active = (
            select(
                Match.programme_id,
                func.count(distinct(Match.id)).label("matches"),
                func.count(distinct(MatchMember.person_id)).label("people"),
            )
            .join(MatchMember, MatchMember.match_id == Match.id)
            .join(
                Enrolment,
                and_(
                    Enrolment.programme_id == Match.programme_id,
                    Enrolment.person_id == MatchMember.person_id,
                    Enrolment.status == "enrolled",
                ),
            )
            .where(Match.status == "active")
            .group_by(Match.programme_id)
            .subquery()
        )
        rows = s.execute(
            select(
                Programme.id,
                Programme.name,
                Programme.status,
                func.coalesce(enrolled.c.n, 0),
                func.coalesce(active.c.people, 0),
                func.coalesce(active.c.matches, 0),
            )
            .outerjoin(enrolled, enrolled.c.programme_id == Programme.id)
            .outerjoin(active, active.c.programme_id == Programme.id)
            .order_by(Programme.start_date.desc().nulls_last(), Programme.name)
        ).all()
        return [ProgrammeCounts(*row) for row in rows]
