"""Meetings of a pair or circle as its members read them: the list, the cadence, the
suggested next date, overdue and health (:mod:`core.relationship.meeting_rules`),
and Home's card; labels and the time zone a time is typed and shown in.

Changing meetings: :mod:`core.relationship.schedule` (plan, record, mark, move) and
:mod:`core.relationship.notes` (the shared agenda and notes); the calendar file:
:mod:`core.relationship.ics`. Members see everything of their meetings; coordinators
never read a pair's meetings here: the dashboard counts them, never the shared text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, tx, validate
from core.kernel.access import Viewer
from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.tx import reading
from core.kernel.views import from_row
from core.relationship.agreement import match_cadence, match_length
from core.relationship.meeting_rules import (
    health_of_meetings,
    meeting_overdue,
    suggest_next_date,
)
from core.relationship.membership import (
    live_matches_of,
    member_match,
    member_names,
    started_on,
)
from db.models import Match, MatchStatus, Meeting, MeetingStatus

KINDS: dict[str, str] = {
    "regular": N_("Regular meeting"),
    "rehearsal": N_("Rehearsal"),
    "feedback_review": N_("Feedback review"),
}
STATUSES: dict[str, str] = {
    MeetingStatus.PLANNED: N_("Planned"),
    MeetingStatus.HELD: N_("Held"),
    MeetingStatus.CANCELLED: N_("Cancelled"),
    MeetingStatus.MOVED: N_("Moved"),
    MeetingStatus.MISSED: N_("Missed"),
}
MAX_SHARED_TEXT = 10_000  # characters of a shared agenda or notes


# --------------------------------------------------------------------------- time zones


def zone(name: str | None) -> dt.tzinfo:
    """The time zone called ``name`` (the browser's), UTC when unknown or invalid."""
    try:
        return ZoneInfo(name) if name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def to_local(when: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A stored naive-UTC time as a naive wall-clock time in ``tz``."""
    return when.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)


def to_utc(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """A wall-clock date and time typed in ``tz`` as the naive UTC time stored.

    The date is checked first (:func:`core.kernel.validate.check_date`): near year 1 or
    9999 the conversion itself would overflow.
    """
    day = validate.check_date(day, t("Date"))
    if not isinstance(time, dt.time):
        raise InvalidInput(t("“{field}” is not a time of day.", field=t("Time")))
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class MeetingView:
    meeting_id: int
    match_id: int
    scheduled_at: dt.datetime  # naive UTC
    duration_minutes: int
    kind: str
    status: str
    place: str
    agenda: str
    notes: str
    version: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.scheduled_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        """Still to happen (or to be marked held, missed or cancelled)."""
        return self.status == MeetingStatus.PLANNED


@dataclass(frozen=True)
class MeetingsOverview:
    match_id: int
    meetings: tuple[MeetingView, ...]  # oldest first
    peer_names: tuple[str, ...]
    cadence_days: int
    default_minutes: int
    match_started: dt.date
    last_held: dt.date | None
    suggested: dt.date
    overdue: bool
    health: str
    can_plan: bool  # false while the relationship is paused

    @property
    def upcoming(self) -> tuple[MeetingView, ...]:
        now = clock.now()
        return tuple(m for m in self.meetings if m.is_planned and m.ends_at >= now)

    @property
    def next_meeting(self) -> MeetingView | None:
        return self.upcoming[0] if self.upcoming else None


@dataclass(frozen=True)
class HomeMeetingCard:
    match_id: int
    peer_names: tuple[str, ...]
    next_at: dt.datetime | None
    next_kind: str | None
    overdue: bool
    paused: bool


def view_of(m: Meeting) -> MeetingView:
    """A stored meeting as its members read it."""
    return from_row(
        MeetingView,
        m,
        meeting_id=m.id,
    )


# --------------------------------------------------------------------------- session helpers


def meetings_in(s: Session, match_id: int) -> list[Meeting]:
    """The meetings of a match, oldest first."""
    return list(
        s.scalars(
            select(Meeting)
            .where(Meeting.match_id == match_id)
            .order_by(Meeting.scheduled_at, Meeting.id)
        )
    )


def member_meeting(s: Session, viewer: Viewer, meeting_id: int) -> tuple[Meeting, Match]:
    """A meeting of one of my live matches, and that match (else NotFound / NotAllowed)."""
    meeting = tx.get_or_404(s, Meeting, meeting_id, missing=t("This meeting no longer exists."))
    return meeting, member_match(s, viewer, meeting.match_id)


def overview_of(s: Session, match: Match, me: int) -> MeetingsOverview:
    """The match's meetings with the cadence, the suggested next date, overdue and health."""
    today = clock.today()
    rows = meetings_in(s, match.id)
    cadence = match_cadence(s, match)
    started = started_on(match)
    held = [
        m.scheduled_at.date()
        for m in rows
        if m.status == MeetingStatus.HELD and m.scheduled_at.date() <= today
    ]
    last_held = max(held) if held else None
    # The cadence runs from the last meeting that happened or is still planned.
    on_cadence = [
        m.scheduled_at.date()
        for m in rows
        if m.status in (MeetingStatus.HELD, MeetingStatus.PLANNED)
    ]
    return MeetingsOverview(
        match_id=match.id,
        meetings=tuple(view_of(m) for m in rows),
        peer_names=member_names(s, match, but=me),
        cadence_days=cadence,
        default_minutes=match_length(s, match),
        match_started=started,
        last_held=last_held,
        suggested=suggest_next_date(max(on_cadence) if on_cadence else None, cadence, today),
        overdue=meeting_overdue(last_held, started, cadence, today),
        health=health_of_meetings(
            started, today, cadence, [(m.scheduled_at, m.status) for m in rows]
        ),
        can_plan=match.status != MatchStatus.PAUSED,
    )


# --------------------------------------------------------------------------- reading


def home_card(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> HomeMeetingCard | None:
    """One of my live matches on Home: the next planned meeting and whether one is overdue.

    None when ``match_id`` is not one of my live matches."""
    with reading(sf) as s:
        for m in live_matches_of(s, viewer.person_id):
            if m.id == match_id:
                o = overview_of(s, m, viewer.person_id)
                nxt = o.next_meeting
                paused = m.status == MatchStatus.PAUSED
                return HomeMeetingCard(
                    match_id=m.id,
                    peer_names=o.peer_names,
                    next_at=nxt.scheduled_at if nxt else None,
                    next_kind=nxt.kind if nxt else None,
                    overdue=o.overdue and not paused,
                    paused=paused,
                )
    return None
