"""Changing the meetings of a pair or circle: plan them on the cadence, record one
that was held, mark one held, missed or cancelled, move one.

Any member may; nothing changes once the relationship has ended, and nothing new
is planned while it is paused.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, submissions, tx, validate
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import format_datetime, t
from core.kernel.text import clean_line, clean_text
from core.relationship.agreement import match_cadence
from core.relationship.meeting_rules import series_times
from core.relationship.meetings import (
    KINDS,
    MAX_SHARED_TEXT,
    STATUSES,
    MeetingView,
    meetings_in,
    member_meeting,
    view_of,
)
from core.relationship.membership import member_match, open_match, require_open, started_on
from db.models import Match, MatchStatus, Meeting, MeetingStatus

MIN_DURATION, MAX_DURATION = 15, 240
MAX_SERIES = 12


# --------------------------------------------------------------------------- validation


def _kind(kind: str) -> str:
    return str(
        validate.choice(
            kind, KINDS, t("Choose a kind of meeting: regular, rehearsal or feedback review.")
        )
    )


def _duration(minutes: int) -> int:
    return validate.whole_number(
        minutes,
        MIN_DURATION,
        MAX_DURATION,
        t("A meeting lasts between {low} and {high} minutes.", low=MIN_DURATION, high=MAX_DURATION),
    )


def _when(when: dt.datetime) -> dt.datetime:
    """A meeting time as typed, to the minute: a real date between 1900 and 2100."""
    return validate.check_datetime(when, t("Date")).replace(second=0, microsecond=0)


def _future(when: dt.datetime) -> dt.datetime:
    when = _when(when)
    if when <= clock.now():
        raise InvalidInput(
            t(
                "{when} (UTC) is in the past: plan a meeting in the future, or record a meeting that was held.",
                when=format_datetime(when, "short"),
            )
        )
    return when


def _no_clash(s: Session, match_id: int, when: dt.datetime) -> None:
    taken = s.scalar(
        select(Meeting.id).where(
            Meeting.match_id == match_id,
            Meeting.scheduled_at == when,
            Meeting.status.in_((MeetingStatus.PLANNED, MeetingStatus.HELD)),
        )
    )
    if taken is not None:
        raise Conflict(
            t("A meeting is already planned at {when} (UTC).", when=format_datetime(when, "short"))
        )


def _can_plan(match: Match) -> None:
    require_open(match)
    if match.status == MatchStatus.PAUSED:
        raise InvalidInput(t("The relationship is paused: resume it to plan a meeting."))


def _still_planned(meeting: Meeting, seen_version: int, stale: str) -> None:
    """Only a planned meeting, as the person saw it, changes state."""
    if meeting.status != MeetingStatus.PLANNED:
        raise Conflict(
            t(
                "This meeting is already marked “{status}”.",
                status=t(STATUSES.get(meeting.status, meeting.status)),
            )
        )
    tx.expect_version(meeting, seen_version, stale=stale)


def _stale() -> str:
    return t("Your peer changed this meeting meanwhile: look again, then retry.")


def _new_meeting(
    s: Session,
    viewer: Viewer,
    match: Match,
    when: dt.datetime,
    minutes: int,
    kind: str,
    place: str,
    agenda: str,
    status: str = MeetingStatus.PLANNED,
    notes: str = "",
) -> Meeting:
    meeting = Meeting(
        match_id=match.id,
        scheduled_at=when,
        duration_minutes=minutes,
        kind=kind,
        status=status,
        place=place,
        agenda=agenda,
        notes=notes,
        created_by_id=viewer.person_id,
        **clock.stamps(),
    )
    s.add(meeting)
    return meeting


# --------------------------------------------------------------------------- services


def plan_meetings(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_id: int,
    first: dt.datetime,
    *,
    count: int = 1,
    duration_minutes: int = 60,
    kind: str = "regular",
    place: str = "",
    agenda: str = "",
    key: str | None = None,
) -> list[MeetingView]:
    """Plan one meeting, or a series of ``count`` on the cadence, from ``first`` (UTC).

    ``key``: the form's submission key; the same form sent again returns the first series.
    """
    kind = _kind(kind)
    minutes = _duration(duration_minutes)
    place = clean_line(place, t("Place or link"), max_chars=200, required=False)
    agenda = clean_text(agenda, t("Agenda"), max_chars=MAX_SHARED_TEXT)
    count = validate.whole_number(
        count, 1, MAX_SERIES, t("Plan between 1 and {n} meetings at once.", n=MAX_SERIES)
    )
    first = _future(first)

    def create(s: Session) -> tuple[list[MeetingView], int]:
        match = member_match(s, viewer, match_id)
        _can_plan(match)
        cadence = match_cadence(s, match)
        # The whole series must fall in the years a date can mean (no overflow near 9999).
        _when(first + dt.timedelta(days=cadence * (count - 1)))
        times = series_times(first, cadence, count)
        for when in times:
            _no_clash(s, match.id, when)
        # The agenda is for the first meeting; the next ones start blank.
        made = [
            _new_meeting(s, viewer, match, when, minutes, kind, place, agenda if i == 0 else "")
            for i, when in enumerate(times)
        ]
        s.flush()
        return [view_of(m) for m in made], made[0].id

    def replay(s: Session, first_id: int) -> list[MeetingView]:
        # A series is made in one transaction: same creator, same creation time.
        first_made = member_meeting(s, viewer, first_id)[0]
        return [
            view_of(m)
            for m in meetings_in(s, first_made.match_id)
            if m.created_by_id == first_made.created_by_id
            and m.created_at == first_made.created_at
            and m.id >= first_made.id
        ]

    return submissions.once(sf, viewer, key, "meetings", create, replay)


def record_held_meeting(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_id: int,
    when: dt.datetime,
    *,
    duration_minutes: int = 60,
    kind: str = "regular",
    notes: str = "",
    key: str | None = None,
) -> MeetingView:
    """Record a meeting that already took place (the only way to add one in the past).

    ``key``: the form's submission key; the same form sent again records it once.
    """
    kind = _kind(kind)
    minutes = _duration(duration_minutes)
    notes = clean_text(notes, t("Shared notes"), max_chars=MAX_SHARED_TEXT)
    when = _when(when)
    if when > clock.now():
        raise InvalidInput(
            t("A meeting in the future cannot be recorded as held: plan it instead.")
        )

    def create(s: Session) -> tuple[MeetingView, int]:
        match = open_match(s, viewer, match_id)
        if when.date() < started_on(match):
            raise InvalidInput(t("This date is before your relationship started."))
        _no_clash(s, match.id, when)
        meeting = _new_meeting(
            s, viewer, match, when, minutes, kind, "", "", MeetingStatus.HELD, notes
        )
        s.flush()
        return view_of(meeting), meeting.id

    return submissions.once(
        sf,
        viewer,
        key,
        "meeting",
        create,
        lambda s, found: view_of(member_meeting(s, viewer, found)[0]),
    )


def set_status(
    sf: sessionmaker[Session], viewer: Viewer, meeting_id: int, status: str, seen_version: int
) -> MeetingView:
    """Mark a planned meeting held, missed (once its time came) or cancelled."""
    if status not in (MeetingStatus.HELD, MeetingStatus.MISSED, MeetingStatus.CANCELLED):
        raise InvalidInput(t("A meeting can be marked held, missed or cancelled."))
    stale = _stale()
    with tx.transaction(sf, stale=stale) as s:
        meeting, match = member_meeting(s, viewer, meeting_id)
        require_open(match)
        _still_planned(meeting, seen_version, stale)
        if (
            status in (MeetingStatus.HELD, MeetingStatus.MISSED)
            and meeting.scheduled_at > clock.now()
        ):
            raise InvalidInput(
                t("This meeting has not started yet: it can be cancelled or moved, not marked.")
            )
        meeting.status = status
        meeting.updated_at = clock.now()
        s.flush()
        return view_of(meeting)


def move_meeting(
    sf: sessionmaker[Session],
    viewer: Viewer,
    meeting_id: int,
    new_when: dt.datetime,
    seen_version: int,
) -> MeetingView:
    """Move a planned meeting: it is marked moved and a new one is planned at ``new_when``.

    The new meeting keeps the kind, length, place and agenda; the moved one's notes
    say where it went, so both members can follow."""
    new_when = _future(new_when)
    stale = _stale()
    with tx.transaction(sf, stale=stale) as s:
        meeting, match = member_meeting(s, viewer, meeting_id)
        _can_plan(match)
        _still_planned(meeting, seen_version, stale)
        _no_clash(s, match.id, new_when)
        line = t("Moved to {when} (UTC).", when=format_datetime(new_when, "short"))
        meeting.status = MeetingStatus.MOVED
        meeting.notes = f"{meeting.notes}\n{line}".strip()
        meeting.updated_at = clock.now()
        new = _new_meeting(
            s,
            viewer,
            match,
            new_when,
            meeting.duration_minutes,
            meeting.kind,
            meeting.place,
            meeting.agenda,
        )
        s.flush()
        return view_of(new)
