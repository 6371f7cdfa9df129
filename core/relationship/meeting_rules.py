"""The rules of DESIGN.md "Definitions" about meetings, as pure functions.

Overdue, pair health, the next date on the cadence and a series of dates: the
pair's own page (:mod:`core.relationship.meetings`) and the dashboard
(:mod:`core.insights.measures`, on its own queries) both use these, so a pair
reads the same verdict as its coordinator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from core.kernel.i18n import N_
from db.models import MeetingStatus

# What did not happen: two of these in a row mean the pair needs a check-in.
NOT_HELD = frozenset({MeetingStatus.CANCELLED, MeetingStatus.MOVED, MeetingStatus.MISSED})

TOO_EARLY, CHECK_IN, ON_TRACK = "too_early", "check_in", "on_track"
HEALTH: dict[str, str] = {
    TOO_EARLY: N_("Too early to tell"),
    CHECK_IN: N_("Needs a check-in"),
    ON_TRACK: N_("On track"),
}
FIRST_MEETING_DAYS = 14
OVERDUE_FACTOR = 1.5


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
    decided = [o for o in outcomes if o != MeetingStatus.PLANNED]
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
    held = [d for d, st in rows if st == MeetingStatus.HELD and d <= today]
    return pair_health(
        match_started,
        today,
        cadence_days,
        max(held) if held else None,
        [st for _, st in rows if st != MeetingStatus.PLANNED],
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


def series_times(first: dt.datetime, cadence_days: int, count: int) -> list[dt.datetime]:
    """``count`` meeting times from ``first``, every ``cadence_days`` days."""
    return [first + dt.timedelta(days=cadence_days * i) for i in range(count)]
