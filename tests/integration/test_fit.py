"""The pairing-fit check: asked after the first held meeting, a poor fit flags the pair."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.insights import survey_results
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.relationship import fit
from core.surveys.results import fit_results
from db.models import Concern, Match, Meeting, Setting
from tests.builders import enrol, make_match, make_pair, make_participant, make_user

NOW = dt.datetime(2026, 11, 2, 9, 30)
NOTE = "Honestly we have nothing in common and he talks over me"


def add_meeting(sf, match_id: int, status: str = "held", days_ago: int = 2) -> None:
    when = clock.now() - dt.timedelta(days=days_ago)
    with sf.begin() as s:
        s.add(
            Meeting(
                match_id=match_id,
                scheduled_at=when,
                status=status,
                created_at=when,
                updated_at=when,
            )
        )


@pytest.fixture
def world(sf):
    clock.set_now(NOW)
    pair = make_pair(sf, "ana", "ben")
    ana, ben = pair
    coord = make_user(sf, "coord", ("coordinator",))
    return {
        "ana": ana,
        "ben": ben,
        "coord": coord,
        "programme_id": pair.programme_id,
        "match_id": pair.match_id,
    }


def test_the_fit_check_is_asked_only_after_the_first_held_meeting(sf, world):
    ana, mid = world["ana"], world["match_id"]
    add_meeting(sf, mid, status="planned", days_ago=-3)
    assert fit.fit_checks_due(sf, ana) == []
    with pytest.raises(InvalidInput, match="after your first meeting"):
        fit.answer_fit(sf, ana, mid, 4)
    add_meeting(sf, mid, status="held")
    [check] = fit.fit_checks_due(sf, ana)
    assert check.match_id == mid and check.peers == ("Ben",)


def test_a_good_fit_is_recorded_once_and_flags_nothing(sf, world):
    ana, mid = world["ana"], world["match_id"]
    add_meeting(sf, mid)
    assert fit.answer_fit(sf, ana, mid, 4, "Good start") is False
    assert fit.fit_checks_due(sf, ana) == []
    assert [c.match_id for c in fit.fit_checks_due(sf, world["ben"])] == [mid]
    with pytest.raises(Conflict, match="already rated"):
        fit.answer_fit(sf, ana, mid, 5)
    assert fit.fit_flags(sf, world["coord"], world["programme_id"]) == []


def test_a_poor_fit_creates_a_concern_without_the_participants_words(sf, world):
    ana, mid, coord = world["ana"], world["match_id"], world["coord"]
    add_meeting(sf, mid)
    assert fit.answer_fit(sf, ana, mid, 2, NOTE) is True
    with sf.begin() as s:
        [concern] = s.scalars(select(Concern)).all()
        assert concern.kind == "fit" and concern.match_id == mid
        assert concern.body == "" and concern.raised_by_id is None
    [flag] = fit.fit_flags(sf, coord, world["programme_id"])
    assert flag.match_id == mid and set(flag.members) == {"Ana", "Ben"}
    assert NOTE not in repr(flag)
    # The second member's poor fit does not flag the same pair twice.
    fit.answer_fit(sf, world["ben"], mid, 1)
    assert len(fit.fit_flags(sf, coord, world["programme_id"])) == 1


def test_the_fit_note_stays_with_its_author_and_never_reaches_results(sf, world):
    ana, mid, coord = world["ana"], world["match_id"], world["coord"]
    add_meeting(sf, mid)
    fit.answer_fit(sf, ana, mid, 1, NOTE)
    [mine] = fit.my_fit_answers(sf, ana)
    assert mine.note == NOTE and mine.score == 1 and mine.peers == ("Ben",)
    assert fit.my_fit_answers(sf, world["ben"]) == []
    with sf.begin() as s:
        s.add(Setting(key="k", value="2"))
    fit.answer_fit(sf, world["ben"], mid, 2, NOTE)
    results = survey_results.survey_results(sf, coord, world["programme_id"])
    assert NOTE not in repr(results)
    summary = fit_results(sf, coord, world["programme_id"]).result
    assert summary.n == 2 and summary.mean == 1.5 and NOTE not in repr(summary)


def test_fit_ratings_are_validated(sf, world):
    add_meeting(sf, world["match_id"])
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        fit.answer_fit(sf, world["ana"], world["match_id"], 6)
    with pytest.raises(InvalidInput, match="Please answer"):
        fit.answer_fit(sf, world["ana"], world["match_id"], None)


def test_only_members_rate_a_pairing(sf, world):
    add_meeting(sf, world["match_id"])
    cid = make_participant(sf, "cid")
    with pytest.raises(NotFound):
        fit.answer_fit(sf, cid, world["match_id"], 3)
    with pytest.raises(NotAllowed):
        fit.fit_flags(sf, world["ana"], world["programme_id"])


def test_the_coordinator_handles_a_flag_or_ends_the_pairing_to_rematch(sf, world):
    coord, mid, pid = world["coord"], world["match_id"], world["programme_id"]
    add_meeting(sf, mid)
    add_meeting(sf, mid, status="planned", days_ago=-3)  # will not happen any more
    fit.answer_fit(sf, world["ana"], mid, 1)
    [flag] = fit.fit_flags(sf, coord, pid)
    fit.end_pairing_for_rematch(sf, coord, flag.concern_id)
    with sf.begin() as s:
        match = s.get(Match, mid)
        assert match.status == "ended" and match.ended_at == NOW
        statuses = sorted(
            m.status for m in s.scalars(select(Meeting).where(Meeting.match_id == mid))
        )
        assert statuses == ["cancelled", "held"]
    assert fit.fit_flags(sf, coord, pid) == []
    [handled] = fit.fit_flags(sf, coord, pid, include_handled=True)
    assert handled.status == "handled"
    with pytest.raises(Conflict, match="already handled"):
        fit.end_pairing_for_rematch(sf, coord, flag.concern_id)
    fit.mark_fit_flag_handled(sf, coord, flag.concern_id)  # a second click changes nothing
    assert fit.fit_checks_due(sf, world["ben"]) == []  # the pairing has ended


def test_marking_a_flag_handled_keeps_the_pairing(sf, world):
    coord, mid, pid = world["coord"], world["match_id"], world["programme_id"]
    add_meeting(sf, mid)
    fit.answer_fit(sf, world["ana"], mid, 2)
    [flag] = fit.fit_flags(sf, coord, pid)
    fit.mark_fit_flag_handled(sf, coord, flag.concern_id)
    with sf.begin() as s:
        assert s.get(Match, mid).status == "active"
    assert fit.fit_flags(sf, coord, pid) == []


def test_a_new_pairing_gets_its_own_fit_check(sf, world):
    ana, mid = world["ana"], world["match_id"]
    add_meeting(sf, mid)
    fit.answer_fit(sf, ana, mid, 1)
    fit.end_pairing_for_rematch(
        sf, world["coord"], fit.fit_flags(sf, world["coord"], world["programme_id"])[0].concern_id
    )
    cid = make_participant(sf, "cid")
    with sf.begin() as s:
        from db.models import Programme

        p = s.get_one(Programme, world["programme_id"])
        enrol(s, p, cid.person_id)
        new = make_match(s, p, [ana.person_id, cid.person_id], started_days_ago=5)
    add_meeting(sf, new.id, days_ago=1)
    assert [c.match_id for c in fit.fit_checks_due(sf, ana)] == [new.id]
    assert fit.answer_fit(sf, ana, new.id, 5) is False
