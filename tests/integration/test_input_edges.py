"""Input that used to end in a traceback (issue 8 §6): now a clear message, nothing stored.

Each case failed on the code before: an OverflowError planning a series near year
9999, a ValueError for a usefulness typed as a word, a database error (PostgreSQL:
"integer out of range"; SQLite: OverflowError) for an id beyond the columns.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.growth import actions, feedback, feedback_reads, goal_steps, goals, journal
from core.kernel.errors import InvalidInput, NotFound, TandemError
from core.programmes import enrolled, enrolment
from core.relationship import concerns, meetings, peer_view, resources, schedule
from db.models import Meeting
from tests.integration.journey_builders import make_world

HUGE = 99999999999999999999  # beyond 64 bits
BEYOND_INT4 = 2**40  # fits SQLite's 64 bits, not PostgreSQL's integer column


def _meetings(sf) -> int:
    with sf() as s:
        return s.scalar(select(func.count()).select_from(Meeting))


@pytest.mark.parametrize(
    ("first", "count"),
    [
        (dt.datetime(9999, 12, 1, 10, 0), 12),
        (dt.datetime(9999, 12, 31, 23, 59), 1),
        (dt.datetime(2100, 11, 20, 10, 0), 12),  # the series would end in 2101
    ],
)
def test_a_meeting_series_near_the_end_of_time_is_refused_clearly(sf, first, count):
    w = make_world(sf)
    before = _meetings(sf)
    with pytest.raises(InvalidInput) as e:
        schedule.plan_meetings(sf, w.owner, w.match_id, first, count=count)
    assert str(e.value) == "“Date” cannot be after Dec 31, 2100."
    assert _meetings(sf) == before


def test_a_date_typed_near_year_9999_in_a_western_zone_is_refused_not_an_overflow():
    with pytest.raises(InvalidInput, match="“Date” cannot be after Dec 31, 2100."):
        meetings.to_utc(dt.date(9999, 12, 31), dt.time(23, 30), ZoneInfo("America/New_York"))
    with pytest.raises(InvalidInput, match="“Date” cannot be before Jan 1, 1900."):
        meetings.to_utc(dt.date(1, 1, 1), dt.time(0, 30), ZoneInfo("Asia/Tokyo"))


def test_a_meeting_recorded_in_the_year_1_is_refused_clearly(sf):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="cannot be before Jan 1, 1900"):
        schedule.record_held_meeting(sf, w.owner, w.match_id, dt.datetime(1, 1, 1, 10, 0))


@pytest.mark.parametrize("rating", ["very", "3", 2.5, float("nan"), True, 0, 6, None, [3]])
def test_a_usefulness_that_is_not_a_whole_number_from_1_to_5_is_refused(sf, rating):
    w = make_world(sf)
    request = feedback.ask_feedback(sf, w.owner, w.peer.person_id, "My demo")
    answer = feedback.answer_request(
        sf, w.peer, request.id, feedback.STRUCTURED, worked="Clear", improve="Slower"
    )
    with pytest.raises(InvalidInput) as e:
        feedback.acknowledge(sf, w.owner, answer.id, rating)
    assert str(e.value) == "Rate how useful it was, from 1 to 5."
    assert [f.acknowledged_at for f in feedback_reads.received_page(sf, w.owner).items] == [None]


@pytest.mark.parametrize("value", ["4", 4.5, True])
def test_a_journal_scale_that_is_not_a_whole_number_is_refused(sf, value):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="is a number from 1 to 5"):
        journal.save_draft(sf, w.owner, None, "usefulness", value)


def _calls(w, bad):  # type: ignore[no-untyped-def]
    """Every service that takes an id from a link or a widget, called with ``bad``."""
    return {
        "enrolment offer": lambda sf: enrolment.get_offer(sf, w.owner, bad),
        "enrolment skills": lambda sf: enrolment.programme_skills(sf, w.owner, bad),
        "withdraw": lambda sf: enrolment.withdraw(sf, w.owner, bad),
        "enrolment list": lambda sf: enrolled.enrolment_page(sf, w.coordinator, bad),
        "goal status": lambda sf: goals.set_status(sf, w.owner, bad, 1, "dropped"),
        "step tick": lambda sf: goal_steps.set_step_done(sf, w.owner, bad, True),
        "goal comment": lambda sf: goals.add_comment(sf, w.owner, bad, "Hi"),
        "journal entry": lambda sf: journal.get_entry(sf, w.owner, bad),
        "journal share": lambda sf: journal.set_shared(sf, w.owner, bad, True),
        "journal meeting": lambda sf: journal.save_draft(sf, w.owner, None, "meeting_id", bad),
        "feedback acknowledge": lambda sf: feedback.acknowledge(sf, w.owner, bad, 3),
        "feedback answer": lambda sf: feedback.answer_request(
            sf, w.owner, bad, feedback.STRUCTURED, worked="a", improve="b"
        ),
        "acknowledge": lambda sf: feedback.acknowledge(sf, w.owner, bad, 3),
        "ask a person": lambda sf: feedback.ask_feedback(sf, w.owner, bad, "Topic"),
        "action done": lambda sf: actions.set_done(sf, w.owner, bad, True),
        "action from entry": lambda sf: actions.add_action(
            sf, w.owner, title="Call", owner_id=w.owner.person_id, journal_entry_id=bad
        ),
        "my peer": lambda sf: peer_view.my_peer_page(sf, w.owner, bad),
        "meeting status": lambda sf: schedule.set_status(sf, w.owner, bad, "held", 1),
        "resource delete": lambda sf: resources.delete_resource(sf, w.owner, bad),
        "concern": lambda sf: concerns.raise_concern(sf, w.owner, bad, "Help"),
        "concern handled": lambda sf: concerns.mark_concern_handled(sf, w.coordinator, bad),
    }


@pytest.mark.parametrize("bad", [HUGE, BEYOND_INT4, -1, 0])
def test_an_id_no_row_can_have_is_a_clear_message_in_every_service(sf, bad):
    w = make_world(sf)
    for name, call in _calls(w, bad).items():
        try:
            call(sf)
        except TandemError as e:
            assert str(e) and "Traceback" not in str(e), name
        else:
            raise AssertionError(f"{name}: an id of {bad} was accepted")


def test_the_quiet_reads_answer_nothing_for_an_impossible_id(sf):
    w = make_world(sf)
    assert enrolment.my_enrolment(sf, w.owner, HUGE) is None
    assert actions.owner_choices(sf, w.owner, HUGE) == [(w.owner.person_id, w.owner.name)]
    with pytest.raises(NotFound, match="does not exist or is not open to participants"):
        enrolment.get_offer(sf, w.owner, "99999999999999999999")  # type: ignore[arg-type]
