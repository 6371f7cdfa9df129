"""Meetings of a pair or circle: plan them on the cadence, share an agenda and notes,
record what happened, export them to a calendar, and tell whether the pair is on track.

The rules of DESIGN.md "Definitions" are pure functions (:func:`meeting_overdue`,
:func:`pair_health`) so the dashboard can reuse them on its own queries.
Members see everything of their meetings; coordinators get dates and status only
(:func:`meeting_dates`), never the shared agenda or notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import clock, submissions, validate
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import N_, format_datetime, t
from core.kernel.text import clean_line, clean_text
from core.relationship.membership import live_matches_of
from core.relationship.relationship import (
    match_cadence,
    match_length,
    member_match,
    require_open,
    started_on,
)
from db.models import Match, Meeting, Person

KINDS: dict[str, str] = {
    "regular": N_("Regular meeting"),
    "rehearsal": N_("Rehearsal"),
    "feedback_review": N_("Feedback review"),
}
STATUSES: dict[str, str] = {
    "planned": N_("Planned"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
    "moved": N_("Moved"),
    "missed": N_("Missed"),
}
# What did not happen: two of these in a row mean the pair needs a check-in.
NOT_HELD = frozenset({"cancelled", "moved", "missed"})

TOO_EARLY, CHECK_IN, ON_TRACK = "too_early", "check_in", "on_track"
HEALTH: dict[str, str] = {
    TOO_EARLY: N_("Too early to tell"),
    CHECK_IN: N_("Needs a check-in"),
    ON_TRACK: N_("On track"),
}
FIRST_MEETING_DAYS = 14
OVERDUE_FACTOR = 1.5
MIN_DURATION, MAX_DURATION = 15, 240
MAX_SERIES = 12
MAX_SHARED_TEXT = 10_000
ICS_DOMAIN = "tandem"


# --------------------------------------------------------------------------- pure rules


def meeting_overdue(
    last_held: dt.date | None, match_started: dt.date, cadence_days: int, today: dt.date
) -> bool:
    """DESIGN.md: no meeting held within 1.5 × the cadence since the last held meeting
    (or since the match started). Exactly 1.5 × the cadence is still within."""
    since = last_held or match_started
    return (today - since).days > OVERDUE_FACTOR * cadence_days


def pair_health(
    match_started: dt.date,
    today: dt.date,
    cadence_days: int,
    last_held: dt.date | None,
    outcomes: Sequence[str] = (),
) -> str:
    """DESIGN.md pair health: TOO_EARLY, CHECK_IN or ON_TRACK.

    ``outcomes`` are the statuses of the meetings already decided (held, cancelled,
    moved, missed — not the ones still planned), oldest first.

    - too early to tell: younger than 14 days and no meeting held yet;
    - needs a check-in: no meeting held 14 days after the match; or a meeting is
      overdue (:func:`meeting_overdue`); or the last two outcomes are cancelled,
      moved or missed;
    - on track otherwise.
    """
    age = (today - match_started).days
    if last_held is None:
        return TOO_EARLY if age < FIRST_MEETING_DAYS else CHECK_IN
    if meeting_overdue(last_held, match_started, cadence_days, today):
        return CHECK_IN
    decided = [o for o in outcomes if o != "planned"]
    if len(decided) >= 2 and all(o in NOT_HELD for o in decided[-2:]):
        return CHECK_IN
    return ON_TRACK


def health_of_meetings(
    match_started: dt.date,
    today: dt.date,
    cadence_days: int,
    meetings: Iterable[tuple[dt.datetime | dt.date, str]],
) -> str:
    """:func:`pair_health` from (scheduled_at, status) pairs in any order."""
    rows = sorted(
        ((w.date() if isinstance(w, dt.datetime) else w, st) for w, st in meetings),
        key=lambda r: r[0],
    )
    held = [d for d, st in rows if st == "held" and d <= today]
    return pair_health(
        match_started,
        today,
        cadence_days,
        max(held) if held else None,
        [st for _, st in rows if st != "planned"],
    )


def suggest_next_date(last_meeting: dt.date | None, cadence_days: int, today: dt.date) -> dt.date:
    """The next date on the cadence: last meeting + cadence, never before tomorrow,
    moved off the weekend to the Monday. Without any meeting: tomorrow (same rule)."""
    tomorrow = today + dt.timedelta(days=1)
    day = tomorrow if last_meeting is None else last_meeting + dt.timedelta(days=cadence_days)
    day = max(day, tomorrow)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


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


def series_times(first: dt.datetime, cadence_days: int, count: int) -> list[dt.datetime]:
    """``count`` meeting times from ``first``, every ``cadence_days`` days."""
    return [first + dt.timedelta(days=cadence_days * i) for i in range(count)]


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


@dataclass(frozen=True)
class MeetingDate:
    """What a coordinator may know of a meeting: when, how long, and its status."""

    match_id: int
    scheduled_at: dt.datetime
    duration_minutes: int
    status: str


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
        return tuple(m for m in self.meetings if m.status == "planned" and m.ends_at >= now)

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


class EditConflict(Conflict):
    """The shared text changed meanwhile. Carries theirs and mine, so nothing is lost."""

    def __init__(self, message: str, theirs: MeetingView, mine_agenda: str, mine_notes: str):
        super().__init__(message)
        self.theirs = theirs
        self.mine_agenda = mine_agenda
        self.mine_notes = mine_notes


def _view(m: Meeting) -> MeetingView:
    return MeetingView(
        meeting_id=m.id,
        match_id=m.match_id,
        scheduled_at=m.scheduled_at,
        duration_minutes=m.duration_minutes,
        kind=m.kind,
        status=m.status,
        place=m.place,
        agenda=m.agenda,
        notes=m.notes,
        version=m.version,
    )


def _peer_names(s: Session, match: Match, me: int) -> tuple[str, ...]:
    ids = [mm.person_id for mm in match.members if mm.person_id != me]
    names = dict(
        s.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).tuples().all()
    )
    return tuple(names[i] for i in ids if i in names)


def _meetings(s: Session, match_id: int) -> list[Meeting]:
    return list(
        s.scalars(
            select(Meeting)
            .where(Meeting.match_id == match_id)
            .order_by(Meeting.scheduled_at, Meeting.id)
        )
    )


def _overview(s: Session, match: Match, me: int) -> MeetingsOverview:
    today = clock.today()
    rows = _meetings(s, match.id)
    cadence = match_cadence(s, match)
    started = started_on(match)
    held = [
        m.scheduled_at.date() for m in rows if m.status == "held" and m.scheduled_at.date() <= today
    ]
    last_held = max(held) if held else None
    # The cadence runs from the last meeting that happened or is still planned.
    on_cadence = [m.scheduled_at.date() for m in rows if m.status in ("held", "planned")]
    return MeetingsOverview(
        match_id=match.id,
        meetings=tuple(_view(m) for m in rows),
        peer_names=_peer_names(s, match, me),
        cadence_days=cadence,
        default_minutes=match_length(s, match),
        match_started=started,
        last_held=last_held,
        suggested=suggest_next_date(max(on_cadence) if on_cadence else None, cadence, today),
        overdue=meeting_overdue(last_held, started, cadence, today),
        health=health_of_meetings(
            started, today, cadence, [(m.scheduled_at, m.status) for m in rows]
        ),
        can_plan=match.status != "paused",
    )


# --------------------------------------------------------------------------- reading


def meetings_of(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> MeetingsOverview:
    """My match's meetings with the cadence, the suggested next date, overdue and health."""
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        return _overview(s, match, viewer.person_id)


def _home_card(s: Session, match: Match, me: int) -> HomeMeetingCard:
    o = _overview(s, match, me)
    nxt = o.next_meeting
    return HomeMeetingCard(
        match_id=match.id,
        peer_names=o.peer_names,
        next_at=nxt.scheduled_at if nxt else None,
        next_kind=nxt.kind if nxt else None,
        overdue=o.overdue and match.status != "paused",
        paused=match.status == "paused",
    )


def home_cards(sf: sessionmaker[Session], viewer: Viewer) -> dict[int, HomeMeetingCard]:
    """Per live match of mine: the next planned meeting and whether one is overdue."""
    with sf.begin() as s:
        return {
            m.id: _home_card(s, m, viewer.person_id) for m in live_matches_of(s, viewer.person_id)
        }


def home_card(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> HomeMeetingCard | None:
    """:func:`home_cards` for one match; None when it is not one of my live matches."""
    with sf.begin() as s:
        for m in live_matches_of(s, viewer.person_id):
            if m.id == match_id:
                return _home_card(s, m, viewer.person_id)
    return None


def meeting_dates(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> list[MeetingDate]:
    """For coordinators: the dates and status of a match's meetings, no agenda or notes."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        if validate.get(s, Match, match_id) is None:
            raise NotFound(t("This pair or circle no longer exists."))
        rows = s.execute(
            select(Meeting.scheduled_at, Meeting.duration_minutes, Meeting.status)
            .where(Meeting.match_id == match_id)
            .order_by(Meeting.scheduled_at)
        ).all()
        return [MeetingDate(match_id, when, minutes, status) for when, minutes, status in rows]


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
                "{when} is in the past: plan a meeting in the future, or record a meeting that was held.",
                when=format_datetime(when, "short"),
            )
        )
    return when


def _no_clash(s: Session, match_id: int, when: dt.datetime) -> None:
    taken = s.scalar(
        select(Meeting.id).where(
            Meeting.match_id == match_id,
            Meeting.scheduled_at == when,
            Meeting.status.in_(("planned", "held")),
        )
    )
    if taken is not None:
        raise Conflict(
            t("A meeting is already planned at {when}.", when=format_datetime(when, "short"))
        )


def _can_plan(match: Match) -> None:
    require_open(match)
    if match.status == "paused":
        raise InvalidInput(t("The relationship is paused: resume it to plan a meeting."))


def _new_meeting(
    s: Session,
    viewer: Viewer,
    match: Match,
    when: dt.datetime,
    minutes: int,
    kind: str,
    place: str,
    agenda: str,
    status: str = "planned",
    notes: str = "",
) -> Meeting:
    now = clock.now()
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
        created_at=now,
        updated_at=now,
    )
    s.add(meeting)
    return meeting


# --------------------------------------------------------------------------- planning


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
        return [_view(m) for m in made], made[0].id

    def replay(s: Session, first_id: int) -> list[MeetingView]:
        # A series is made in one transaction: same creator, same creation time.
        first_made = _member_meeting(s, viewer, first_id)[0]
        return [
            _view(m)
            for m in _meetings(s, first_made.match_id)
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
        match = member_match(s, viewer, match_id)
        require_open(match)
        if when.date() < started_on(match):
            raise InvalidInput(t("This date is before your relationship started."))
        _no_clash(s, match.id, when)
        meeting = _new_meeting(s, viewer, match, when, minutes, kind, "", "", "held", notes)
        s.flush()
        return _view(meeting), meeting.id

    return submissions.once(
        sf,
        viewer,
        key,
        "meeting",
        create,
        lambda s, found: _view(_member_meeting(s, viewer, found)[0]),
    )


def _member_meeting(s: Session, viewer: Viewer, meeting_id: int) -> tuple[Meeting, Match]:
    meeting = validate.get(s, Meeting, meeting_id)
    if meeting is None:
        raise NotFound(t("This meeting no longer exists."))
    return meeting, member_match(s, viewer, meeting.match_id)


def _stale(meeting: Meeting, seen_version: int) -> None:
    if meeting.version != seen_version:
        raise Conflict(t("Your peer changed this meeting meanwhile: look again, then retry."))


def _flush(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as e:
        raise Conflict(
            t("Your peer changed this meeting meanwhile: look again, then retry.")
        ) from e


def set_status(
    sf: sessionmaker[Session], viewer: Viewer, meeting_id: int, status: str, seen_version: int
) -> MeetingView:
    """Mark a planned meeting held, missed (once its time came) or cancelled."""
    if status not in ("held", "missed", "cancelled"):
        raise InvalidInput(t("A meeting can be marked held, missed or cancelled."))
    with sf.begin() as s:
        meeting, match = _member_meeting(s, viewer, meeting_id)
        require_open(match)
        if meeting.status != "planned":
            raise Conflict(
                t(
                    "This meeting is already marked “{status}”.",
                    status=t(STATUSES.get(meeting.status, meeting.status)),
                )
            )
        _stale(meeting, seen_version)
        if status in ("held", "missed") and meeting.scheduled_at > clock.now():
            raise InvalidInput(
                t("This meeting has not started yet: it can be cancelled or moved, not marked.")
            )
        meeting.status = status
        meeting.updated_at = clock.now()
        _flush(s)
        return _view(meeting)


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
    with sf.begin() as s:
        meeting, match = _member_meeting(s, viewer, meeting_id)
        _can_plan(match)
        if meeting.status != "planned":
            raise Conflict(
                t(
                    "This meeting is already marked “{status}”.",
                    status=t(STATUSES.get(meeting.status, meeting.status)),
                )
            )
        _stale(meeting, seen_version)
        _no_clash(s, match.id, new_when)
        line = t("Moved to {when} (UTC).", when=format_datetime(new_when, "short"))
        meeting.status = "moved"
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
        _flush(s)
        return _view(new)


def save_shared_text(
    sf: sessionmaker[Session],
    viewer: Viewer,
    meeting_id: int,
    *,
    agenda: str,
    notes: str,
    seen_version: int,
) -> MeetingView:
    """Save the shared agenda and notes. If a peer saved meanwhile: EditConflict with
    their text and mine, nothing overwritten."""
    agenda = clean_text(agenda, t("Agenda"), max_chars=MAX_SHARED_TEXT)
    notes = clean_text(notes, t("Shared notes"), max_chars=MAX_SHARED_TEXT)
    message = t(
        "Your peer saved this meeting's agenda or notes meanwhile. Your text is kept below; "
        "compare it with theirs, then save again."
    )
    try:
        with sf.begin() as s:
            meeting, match = _member_meeting(s, viewer, meeting_id)
            require_open(match)
            if meeting.version != seen_version:
                raise EditConflict(message, _view(meeting), agenda, notes)
            if (meeting.agenda, meeting.notes) == (agenda, notes):
                return _view(meeting)
            meeting.agenda, meeting.notes = agenda, notes
            meeting.updated_at = clock.now()
            s.flush()
            return _view(meeting)
    except StaleDataError:
        # Both saved at the very same moment: the other transaction won.
        with sf.begin() as s:
            meeting, _ = _member_meeting(s, viewer, meeting_id)
            raise EditConflict(message, _view(meeting), agenda, notes) from None


# --------------------------------------------------------------------------- calendar


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC)


def ics_bytes(meetings: Sequence[MeetingView], peer_names: Sequence[str]) -> bytes:
    """An iCalendar file for ``meetings``: UTC times, a stable UID per meeting, a
    summary in the current language; never the agenda or notes (private to the pair)."""
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Peer mentoring//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    stamp = _utc(clock.now().replace(microsecond=0))
    who = ", ".join(peer_names)
    for m in meetings:
        event = Event()
        event.add("uid", f"tandem-meeting-{m.meeting_id}@{ICS_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(m.scheduled_at))
        event.add("dtend", _utc(m.ends_at))
        event.add("sequence", m.version)
        event.add(
            "summary", t("Peer mentoring: {kind} with {names}", kind=t(KINDS[m.kind]), names=who)
        )
        event.add("description", t("Planned in Tandem. The agenda is in Tandem."))
        if m.place:
            event.add("location", m.place)
        event.add("status", "CANCELLED" if m.status in ("cancelled", "moved") else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()


def meeting_ics(sf: sessionmaker[Session], viewer: Viewer, meeting_id: int) -> bytes:
    """One meeting as an .ics file (members only)."""
    with sf.begin() as s:
        meeting, match = _member_meeting(s, viewer, meeting_id)
        names = _peer_names(s, match, viewer.person_id)
        view = _view(meeting)
    return ics_bytes([view], names)


def series_ics(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> bytes:
    """Every upcoming planned meeting of my match as one .ics file (members only)."""
    overview = meetings_of(sf, viewer, match_id)
    return ics_bytes(overview.upcoming, overview.peer_names)
