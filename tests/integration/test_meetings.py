"""Meetings: planning on the cadence, state changes, shared text, calendar, privacy."""

import datetime as dt

import pytest
from icalendar import Calendar
from sqlalchemy import update

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.relationship import agreement, ics, lifecycle, meetings, notes, peer_view, schedule
from core.relationship.meeting_rules import CHECK_IN, ON_TRACK, TOO_EARLY
from core.relationship.notes import EditConflict
from db import crypto
from db.models import Meeting
from tests.builders import make_pair, make_participant, make_user

NOW = dt.datetime(2026, 3, 10, 9, 0)  # a Tuesday


def at(days: float, hour: int = 10) -> dt.datetime:
    return (NOW + dt.timedelta(days=days)).replace(hour=hour, minute=0)


@pytest.fixture
def pair(sf):
    clock.set_now(NOW)
    pair = make_pair(sf, started_days_ago=3, cadence_days=14)
    camille, hugo = pair
    other = make_participant(sf, "zoe")
    coord = make_user(sf, "coord", ("coordinator",))
    admin = make_user(sf, "root", ("admin",))
    return dict(
        camille=camille, hugo=hugo, other=other, coord=coord, admin=admin, match=pair.match_id
    )


def test_planning_a_series_follows_the_agreed_cadence(sf, pair):
    c, m = pair["camille"], pair["match"]
    agreement.set_terms(
        sf, c, m, cadence_days=7, meeting_format="video", length_minutes=30, seen_version=1
    )
    made = schedule.plan_meetings(
        sf, c, m, at(2), count=3, duration_minutes=30, kind="rehearsal", agenda="My talk"
    )
    assert [x.scheduled_at for x in made] == [at(2), at(9), at(16)]
    assert [x.agenda for x in made] == ["My talk", "", ""]
    o = peer_view.my_peer_page(sf, pair["hugo"], m).overview
    assert [x.kind for x in o.meetings] == ["rehearsal"] * 3
    assert o.default_minutes == 30
    assert o.next_meeting.scheduled_at == at(2)
    # The next suggestion continues after the last planned one.
    assert o.suggested == (at(16) + dt.timedelta(days=7)).date()


def test_the_suggestion_without_meetings_is_tomorrow_and_health_is_too_early(sf, pair):
    o = peer_view.my_peer_page(sf, pair["camille"], pair["match"]).overview
    assert o.suggested == dt.date(2026, 3, 11)
    assert (o.health, o.overdue, o.cadence_days) == (TOO_EARLY, False, 14)


def test_no_planning_in_the_past_but_a_past_meeting_can_be_recorded_as_held(sf, pair):
    c, m = pair["camille"], pair["match"]
    with pytest.raises(InvalidInput, match="in the past"):
        schedule.plan_meetings(sf, c, m, at(-1))
    held = schedule.record_held_meeting(sf, c, m, at(-1), notes="We met at the café")
    assert held.status == "held"
    with pytest.raises(InvalidInput, match="future"):
        schedule.record_held_meeting(sf, c, m, at(1))
    with pytest.raises(InvalidInput, match="before your relationship started"):
        schedule.record_held_meeting(sf, c, m, at(-10))
    o = peer_view.my_peer_page(sf, c, m).overview
    assert (o.last_held, o.health) == (at(-1).date(), ON_TRACK)


def test_planning_twice_at_the_same_time_is_refused(sf, pair):
    c, m = pair["camille"], pair["match"]
    schedule.plan_meetings(sf, c, m, at(2))
    with pytest.raises(Conflict, match="already planned"):
        schedule.plan_meetings(sf, pair["hugo"], m, at(2))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "party"}, "kind of meeting"),
        ({"duration_minutes": 5}, "between"),
        ({"count": 13}, "between 1 and 12"),
        ({"agenda": "x" * 50_000}, "too long"),
    ],
)
def test_bad_meeting_input_is_refused_clearly(sf, pair, kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        schedule.plan_meetings(sf, pair["camille"], pair["match"], at(2), **kwargs)


def test_state_changes_held_missed_cancelled(sf, pair):
    c, h, m = pair["camille"], pair["hugo"], pair["match"]
    a, b, d = schedule.plan_meetings(sf, c, m, at(1), count=3)
    with pytest.raises(InvalidInput, match="not started yet"):
        schedule.set_status(sf, c, a.meeting_id, "held", a.version)
    assert schedule.set_status(sf, h, c_id := d.meeting_id, "cancelled", d.version).status == (
        "cancelled"
    )
    with pytest.raises(Conflict, match="already marked"):
        schedule.set_status(sf, c, c_id, "cancelled", d.version + 1)
    clock.set_now(at(1, hour=12))
    held = schedule.set_status(sf, c, a.meeting_id, "held", a.version)
    assert held.status == "held"
    with pytest.raises(Conflict, match="already marked"):  # double click
        schedule.set_status(sf, c, a.meeting_id, "held", a.version)
    with pytest.raises(InvalidInput):
        schedule.set_status(sf, c, b.meeting_id, "planned", b.version)


def test_moving_a_meeting_plans_a_new_one_linked_in_the_notes(sf, pair):
    c, m = pair["camille"], pair["match"]
    (a,) = schedule.plan_meetings(sf, c, m, at(2), kind="feedback_review", agenda="Slides")
    new = schedule.move_meeting(sf, pair["hugo"], a.meeting_id, at(4), a.version)
    assert (new.status, new.kind, new.agenda, new.scheduled_at) == (
        "planned",
        "feedback_review",
        "Slides",
        at(4),
    )
    old = next(
        x
        for x in peer_view.my_peer_page(sf, c, m).overview.meetings
        if x.meeting_id == a.meeting_id
    )
    assert old.status == "moved"
    assert "Moved to" in old.notes
    with pytest.raises(InvalidInput, match="in the past"):
        schedule.move_meeting(sf, c, new.meeting_id, at(-1), new.version)


def test_two_moves_in_a_row_then_needs_a_check_in(sf, pair):
    c, m = pair["camille"], pair["match"]
    schedule.record_held_meeting(sf, c, m, at(-2))
    (a,) = schedule.plan_meetings(sf, c, m, at(1))
    clock.set_now(at(2))
    schedule.set_status(sf, c, a.meeting_id, "missed", a.version)
    (b,) = schedule.plan_meetings(sf, c, m, at(3))
    schedule.set_status(sf, c, b.meeting_id, "cancelled", b.version)
    assert peer_view.my_peer_page(sf, c, m).overview.health == CHECK_IN


def test_overdue_after_one_and_a_half_cadences_without_a_held_meeting(sf, pair):
    c, m = pair["camille"], pair["match"]
    schedule.record_held_meeting(sf, c, m, at(-1))
    clock.set_now(at(20))  # 21 days after the held meeting
    assert peer_view.my_peer_page(sf, c, m).overview.overdue is False
    clock.set_now(at(21))
    o = peer_view.my_peer_page(sf, c, m).overview
    assert (o.overdue, o.health) == (True, CHECK_IN)
    assert meetings.home_card(sf, c, m).overdue is True


def test_a_paused_relationship_plans_nothing(sf, pair):
    c, m = pair["camille"], pair["match"]
    lifecycle.pause_relationship(sf, c, m)
    with pytest.raises(InvalidInput, match="paused"):
        schedule.plan_meetings(sf, c, m, at(2))
    assert peer_view.my_peer_page(sf, c, m).overview.can_plan is False
    assert meetings.home_card(sf, c, m).paused is True


def test_shared_notes_edited_at_once_give_a_conflict_and_keep_my_text(sf, pair):
    c, h, m = pair["camille"], pair["hugo"], pair["match"]
    (a,) = schedule.plan_meetings(sf, c, m, at(2), agenda="First draft")
    mine = notes.save_shared_text(
        sf, c, a.meeting_id, agenda="Camille's agenda", notes="", seen_version=a.version
    )
    assert mine.version == a.version + 1
    with pytest.raises(EditConflict) as err:
        notes.save_shared_text(
            sf, h, a.meeting_id, agenda="Hugo's agenda", notes="n", seen_version=a.version
        )
    assert isinstance(err.value, Conflict)
    assert err.value.theirs.agenda == "Camille's agenda"
    assert (err.value.mine_agenda, err.value.mine_notes) == ("Hugo's agenda", "n")
    # Hugo read theirs; he saves again on the current version.
    saved = notes.save_shared_text(
        sf, h, a.meeting_id, agenda="Both agendas", notes="n", seen_version=err.value.theirs.version
    )
    assert saved.agenda == "Both agendas"


def test_a_stale_write_caught_by_the_database_is_also_a_conflict(sf, pair, monkeypatch):
    """Both pass the version check at the very same moment: the database refuses one."""
    c, m = pair["camille"], pair["match"]
    (a,) = schedule.plan_meetings(sf, c, m, at(2))
    real = notes.member_meeting

    def racing(s, viewer, meeting_id):
        found = real(s, viewer, meeting_id)
        # What another server commits between our read and our write (ORM cache untouched).
        table = Meeting.__table__
        s.connection().execute(
            update(table)
            .where(table.c.id == meeting_id)
            .values(version=table.c.version + 1, agenda=crypto.sealed("Hugo's", found[0].uid))
        )
        return found

    monkeypatch.setattr(notes, "member_meeting", racing)
    with pytest.raises(EditConflict) as err:
        notes.save_shared_text(sf, c, a.meeting_id, agenda="Mine", notes="", seen_version=1)
    monkeypatch.setattr(notes, "member_meeting", real)
    assert err.value.mine_agenda == "Mine"
    saved = peer_view.my_peer_page(sf, c, m).overview.meetings[0]
    assert saved.agenda == ""  # the racing write was rolled back with ours; nothing half-done


def test_the_series_calendar_file_lists_upcoming_meetings_without_private_text(sf, pair):
    c, m = pair["camille"], pair["match"]
    made = schedule.plan_meetings(sf, c, m, at(2), count=2, agenda="SECRET", place="Room 2")
    notes.save_shared_text(
        sf, c, made[0].meeting_id, agenda="SECRET", notes="SECRET TOO", seen_version=1
    )
    overview = peer_view.my_peer_page(sf, c, m).overview  # what the page puts in the file
    raw = ics.ics_bytes(overview.upcoming, overview.peer_names)
    events = list(Calendar.from_ical(raw).walk("VEVENT"))
    assert [e.decoded("dtstart") for e in events] == [
        at(2).replace(tzinfo=dt.UTC),
        at(16).replace(tzinfo=dt.UTC),
    ]
    assert str(events[0]["summary"]) == "Peer mentoring: Regular meeting with Hugo"
    assert b"SECRET" not in raw
    theirs = peer_view.my_peer_page(sf, pair["hugo"], m).overview
    second = [x for x in theirs.meetings if x.meeting_id == made[1].meeting_id]
    one = Calendar.from_ical(ics.ics_bytes(second, theirs.peer_names))
    (event,) = one.walk("VEVENT")
    assert str(event["uid"]) == f"tandem-meeting-{made[1].meeting_id}@tandem"
    assert str(event["summary"]) == "Peer mentoring: Regular meeting with Camille"


def test_a_non_member_can_neither_read_nor_change_meetings(sf, pair):
    o, m = pair["other"], pair["match"]
    (a,) = schedule.plan_meetings(sf, pair["camille"], m, at(2))
    for call in (
        lambda: peer_view.my_peer_page(sf, o, m).overview,
        lambda: schedule.plan_meetings(sf, o, m, at(3)),
        lambda: schedule.record_held_meeting(sf, o, m, at(-1)),
        lambda: schedule.set_status(sf, o, a.meeting_id, "cancelled", a.version),
        lambda: schedule.move_meeting(sf, o, a.meeting_id, at(5), a.version),
        lambda: notes.save_shared_text(
            sf, o, a.meeting_id, agenda="x", notes="", seen_version=a.version
        ),
    ):
        with pytest.raises(NotAllowed):
            call()
    assert meetings.home_card(sf, o, m) is None
    assert meetings.home_card(sf, pair["camille"], m).next_at == at(2)


@pytest.mark.parametrize("role", ["coord", "admin"])
def test_coordinators_never_read_a_pairs_meetings(sf, pair, role):
    c, m = pair["camille"], pair["match"]
    schedule.plan_meetings(sf, c, m, at(2), agenda="SECRET agenda")
    schedule.record_held_meeting(sf, c, m, at(-1), notes="SECRET notes")
    with pytest.raises(NotAllowed):
        peer_view.my_peer_page(sf, pair[role], m)


def test_ending_the_relationship_freezes_its_meetings(sf, pair):
    c, m = pair["camille"], pair["match"]
    (a,) = schedule.plan_meetings(sf, c, m, at(2))
    lifecycle.end_relationship(sf, pair["hugo"], m)
    with pytest.raises(NotAllowed):
        notes.save_shared_text(sf, c, a.meeting_id, agenda="x", notes="", seen_version=2)
