"""Builders for the journey tests: a pair, a third participant, staff, meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer
from db.models import Meeting
from tests import builders
from tests.builders import enrol, make_match, make_participant, make_programme, make_user

NOW = dt.datetime(2026, 11, 2, 9, 30)


@dataclass
class World:
    owner: Viewer  # "ana", matched with "ben"
    peer: Viewer
    other: Viewer  # a participant in another pair
    coordinator: Viewer
    admin: Viewer
    programme_id: int
    match_id: int
    meeting_id: int  # a past meeting of ana and ben
    other_meeting_id: int  # a past meeting of the other pair


def make_meeting(s: Session, match_id: int, days_ago: int = 2, status: str = "held") -> Meeting:
    """A meeting ``days_ago`` days back, written then (an hour long: the model's default)."""
    when = clock.now() - dt.timedelta(days=days_ago)
    return builders.make_meeting(
        s, match_id, when, status, duration_minutes=60, created_at=when, updated_at=when
    )


def make_world(sf: sessionmaker[Session]) -> World:
    clock.set_now(NOW)
    ana = make_participant(sf, "ana")
    ben = make_participant(sf, "ben")
    cid = make_participant(sf, "cid")
    dan = make_participant(sf, "dan")
    coord = make_user(sf, "coord", ("coordinator",))
    admin = make_user(sf, "root", ("admin", "coordinator"))
    with sf.begin() as s:
        p = make_programme(s)
        for v in (ana, ben, cid, dan):
            enrol(s, p, v.person_id)
        pair = make_match(s, p, [ana.person_id, ben.person_id])
        other_pair = make_match(s, p, [cid.person_id, dan.person_id])
        meeting = make_meeting(s, pair.id)
        other_meeting = make_meeting(s, other_pair.id)
        return World(ana, ben, cid, coord, admin, p.id, pair.id, meeting.id, other_meeting.id)
