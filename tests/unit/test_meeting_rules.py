"""Pure rules of meetings: overdue, pair health, the cadence, the calendar file."""

import datetime as dt

import pytest
from icalendar import Calendar

from core.kernel import clock
from core.kernel.errors import InvalidInput
from core.kernel.i18n import set_language
from core.relationship.ics import ics_bytes
from core.relationship.meeting_rules import (
    CHECK_IN,
    ON_TRACK,
    TOO_EARLY,
    health_of_meetings,
    meeting_overdue,
    pair_health,
    series_times,
    suggest_next_date,
)
from core.relationship.meetings import MeetingView, to_local, to_utc, zone
from core.relationship.peer_view import explain
from core.relationship.resources import clean_url

D = dt.date(2026, 3, 2)  # a Monday


def days(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


# --------------------------------------------------------------------------- overdue


@pytest.mark.parametrize(
    ("cadence", "since_days", "overdue"),
    [
        (14, 21, False),  # exactly 1.5 × 14: still within
        (14, 22, True),
        (7, 10, False),  # 1.5 × 7 = 10.5
        (7, 11, True),
        (30, 45, False),
        (30, 46, True),
        (14, 0, False),
    ],
)
def test_a_meeting_is_overdue_only_after_one_and_a_half_cadences_since_the_last_held_one(
    cadence, since_days, overdue
):
    assert meeting_overdue(D, days(-100), cadence, days(since_days)) is overdue


def test_without_any_held_meeting_overdue_counts_from_the_match_start():
    assert meeting_overdue(None, D, 14, days(21)) is False
    assert meeting_overdue(None, D, 14, days(22)) is True


# --------------------------------------------------------------------------- health


def test_a_young_match_without_a_meeting_is_too_early_to_tell():
    assert pair_health(D, days(13), 14, None, []) == TOO_EARLY


def test_no_first_meeting_fourteen_days_after_the_match_needs_a_check_in():
    assert pair_health(D, days(14), 14, None, []) == CHECK_IN
    assert pair_health(D, days(14), 30, None, ["cancelled"]) == CHECK_IN


def test_a_first_meeting_within_fourteen_days_puts_the_pair_on_track():
    assert pair_health(D, days(13), 14, days(5), ["held"]) == ON_TRACK
    assert pair_health(D, days(14), 14, days(5), ["held"]) == ON_TRACK


def test_an_overdue_meeting_needs_a_check_in_and_the_boundary_is_one_and_a_half_cadences():
    assert pair_health(D, days(40), 14, days(19), ["held"]) == ON_TRACK  # 21 days
    assert pair_health(D, days(41), 14, days(19), ["held"]) == CHECK_IN  # 22 days


@pytest.mark.parametrize(
    "pair", [("cancelled", "cancelled"), ("moved", "missed"), ("missed", "cancelled")]
)
def test_two_meetings_in_a_row_not_held_need_a_check_in(pair):
    assert pair_health(D, days(20), 14, days(10), ["held", *pair]) == CHECK_IN


def test_in_the_first_two_weeks_without_a_held_meeting_it_is_too_early_whatever_was_cancelled():
    # The definitions are read in order (and core.insights.metrics reads them the same way).
    assert pair_health(D, days(13), 14, None, ["cancelled", "missed"]) == TOO_EARLY
    assert pair_health(D, days(14), 14, None, ["cancelled", "missed"]) == CHECK_IN


def test_a_held_meeting_between_two_cancellations_keeps_the_pair_on_track():
    assert pair_health(D, days(20), 14, days(15), ["cancelled", "held", "cancelled"]) == ON_TRACK


def test_planned_meetings_do_not_count_as_outcomes():
    assert pair_health(D, days(20), 14, days(10), ["held", "cancelled", "planned"]) == ON_TRACK


def test_health_of_meetings_sorts_rows_and_ignores_future_held_dates():
    rows = [
        (dt.datetime(2026, 3, 20, 10), "cancelled"),
        (dt.datetime(2026, 3, 5, 10), "held"),
        (dt.datetime(2026, 3, 25, 10), "missed"),
    ]
    assert health_of_meetings(D, days(26), 14, rows) == CHECK_IN
    assert health_of_meetings(D, days(10), 14, rows[:2]) == ON_TRACK


# --------------------------------------------------------------------------- cadence


def test_the_next_date_follows_the_cadence_from_the_last_meeting():
    assert suggest_next_date(days(-3), 14, D) == days(11)  # a Friday
    assert suggest_next_date(days(0), 7, days(0)) == days(7)


def test_the_next_date_is_never_in_the_past_nor_on_a_weekend():
    assert suggest_next_date(days(-60), 14, D) == days(1)  # overdue: tomorrow
    assert suggest_next_date(days(-2), 14, D) == days(14)  # a Sat → Monday 16
    assert suggest_next_date(None, 14, days(4)) == days(7)  # Friday → Monday


def test_a_series_follows_the_cadence():
    first = dt.datetime(2026, 3, 3, 9, 30)
    assert series_times(first, 14, 3) == [
        first,
        first + dt.timedelta(days=14),
        first + dt.timedelta(days=28),
    ]


# --------------------------------------------------------------------------- ics


def _meeting(i: int, status: str = "planned") -> MeetingView:
    return MeetingView(
        meeting_id=i,
        match_id=1,
        scheduled_at=dt.datetime(2026, 3, 3, 9, 30) + dt.timedelta(days=14 * i),
        duration_minutes=45,
        kind="rehearsal",
        status=status,
        place="Room 4",
        agenda="SECRET agenda: my manager",
        notes="SECRET notes",
        version=2,
    )


def test_the_calendar_file_has_utc_times_stable_uids_and_no_private_text():
    clock.set_now(dt.datetime(2026, 3, 1, 8, 0))
    raw = ics_bytes([_meeting(1), _meeting(2, "cancelled")], ["Hugo Bernard"])
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [
        "tandem-meeting-1@tandem",
        "tandem-meeting-2@tandem",
    ]
    start = events[0].decoded("dtstart")
    assert start == dt.datetime(2026, 3, 17, 9, 30, tzinfo=dt.UTC)
    assert events[0].decoded("dtend") - start == dt.timedelta(minutes=45)
    assert str(events[0]["summary"]) == "Peer mentoring: Rehearsal with Hugo Bernard"
    assert str(events[0]["location"]) == "Room 4"
    assert str(events[1]["status"]) == "CANCELLED"
    assert b"SECRET" not in raw
    assert b"DTSTART:20260317T093000Z" in raw
    # The same meeting exported again keeps its UID, so calendars update it.
    again = Calendar.from_ical(ics_bytes([_meeting(1)], ["Hugo Bernard"]))
    assert str(next(iter(again.walk("VEVENT")))["uid"]) == "tandem-meeting-1@tandem"


def test_the_calendar_summary_is_in_the_readers_language():
    set_language("fr")
    try:
        raw = ics_bytes([_meeting(1)], ["Hugo Bernard"])
    finally:
        set_language("en")
    summary = str(next(iter(Calendar.from_ical(raw).walk("VEVENT")))["summary"])
    assert summary.startswith("Mentorat entre pairs")


# --------------------------------------------------------------------------- explanation


PARTS = [
    {
        "code": "gives",
        "giver": "Hugo",
        "taker": "Camille",
        "skills": ["SQL", "Python"],
        "points": 30,
    },
    {"code": "gives", "giver": "Camille", "taker": "Hugo", "skills": ["Writing"], "points": 20},
    {"code": "themes", "themes": ["career"], "points": 12},
    {"code": "cross_department", "points": 8},
    {"code": "same_level", "points": 7},
    {"code": "something_new", "points": 3},
]


def test_why_we_were_matched_is_phrased_for_the_reader():
    texts = [r.text for r in explain(PARTS, "Camille")]
    assert texts[0] == "Hugo can help you with SQL, Python."
    assert texts[1] == "You can help Hugo with Writing."
    assert texts[2] == "You share goals around: Career development."
    assert "different departments" in texts[3]
    assert "similar level" in texts[4]
    assert texts[5] == "Another criterion of the programme brought you together."
    assert [r.points for r in explain(PARTS, "Camille")][:2] == [30.0, 20.0]


def test_why_we_were_matched_reads_details_under_args_and_skips_garbage():
    parts = [{"code": "themes", "args": {"themes": ["balance"]}}, "junk", 3]
    # The engine's own sentence: one phrasing of a reason everywhere it is shown.
    assert [r.text for r in explain(parts, "X")] == ["Shared goals: Work-life balance"]


def test_why_we_were_matched_in_french():
    set_language("fr")
    try:
        texts = [r.text for r in explain(PARTS[:1], "Camille")]
    finally:
        set_language("en")
    assert texts == ["Hugo peut vous aider en : SQL, Python."]


# --------------------------------------------------------------------------- urls


@pytest.mark.parametrize("url", ["https://example.com/a?b=c", "http://intra.example/x"])
def test_http_and_https_addresses_are_accepted(url):
    assert clean_url(url, required=True) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>x</script>",
        "file:///etc/passwd",
        "ftp://example.com/f",
        "example.com",
        "//example.com",
    ],
)
def test_other_schemes_are_refused_with_a_clear_message(url):
    with pytest.raises(InvalidInput, match="http:// or https://"):
        clean_url(url, required=True)


@pytest.mark.parametrize("url", ["https://", "https://exa mple.com", "http:///path"])
def test_malformed_addresses_are_refused(url):
    with pytest.raises(InvalidInput):
        clean_url(url, required=True)


def test_a_link_needs_an_address_but_a_book_does_not():
    with pytest.raises(InvalidInput, match="web address"):
        clean_url("  ", required=True)
    assert clean_url("", required=False) == ""


# --------------------------------------------------------------------------- time zones


def test_times_typed_in_the_browsers_zone_are_stored_in_utc_and_shown_back():
    paris = zone("Europe/Paris")
    stored = to_utc(dt.date(2026, 3, 3), dt.time(10, 0), paris)
    assert stored == dt.datetime(2026, 3, 3, 9, 0)  # winter: UTC+1
    assert to_local(stored, paris) == dt.datetime(2026, 3, 3, 10, 0)
    assert to_utc(dt.date(2026, 7, 3), dt.time(10, 0), paris) == dt.datetime(2026, 7, 3, 8, 0)


def test_an_unknown_or_missing_zone_is_utc():
    assert zone(None) is dt.UTC
    assert zone("Mars/Olympus") is dt.UTC
    assert zone("../../etc/passwd") is dt.UTC
