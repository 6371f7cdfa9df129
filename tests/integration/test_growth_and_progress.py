"""Mentor-skills re-assessment and growth; a participant's own progress."""

from __future__ import annotations

import datetime as dt

import pytest

from core.growth import progress
from core.insights import skills_growth
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.surveys import self_assessment
from core.surveys.self_assessment import SKILLS
from db.models import Goal, JournalEntry, Meeting, SelfAssessment
from tests.builders import enrol, make_match, make_participant, make_programme, make_user

NOW = dt.datetime(2026, 11, 2, 9, 30)


def scores(value: int, **overrides: int) -> dict[str, int]:
    return {**dict.fromkeys(SKILLS, value), **overrides}


def programme_ending_soon(sf, people, days_left: int = 10) -> int:
    with sf.begin() as s:
        p = make_programme(
            s,
            start_date=NOW.date() - dt.timedelta(days=120),
            end_date=NOW.date() + dt.timedelta(days=days_left),
        )
        for v in people:
            enrol(s, p, v.person_id)
        return p.id


def add_baseline(sf, programme_id: int, person_id: int, values: dict[str, int]) -> None:
    from sqlalchemy import select

    from db.models import Enrolment

    with sf.begin() as s:
        eid = s.scalar(
            select(Enrolment.id).where(
                Enrolment.programme_id == programme_id, Enrolment.person_id == person_id
            )
        )
        s.add_all(
            SelfAssessment(
                enrolment_id=eid,
                phase="baseline",
                skill=k,
                score=v,
                at=NOW - dt.timedelta(days=100),
            )
            for k, v in values.items()
        )


def test_the_end_assessment_is_asked_near_the_end_and_answered_once(sf):
    clock.set_now(NOW)
    ana = make_participant(sf, "ana")
    pid = programme_ending_soon(sf, [ana], days_left=30)
    add_baseline(sf, pid, ana.person_id, scores(2))  # given at enrolment
    assert self_assessment.assessments_due(sf, ana) == []
    with pytest.raises(InvalidInput, match="not open"):
        self_assessment.record_self_assessment(sf, ana, pid, "end", scores(4))
    clock.advance(days=10)  # 20 days before the end
    [due] = self_assessment.assessments_due(sf, ana)
    assert due.phase == "end" and due.programme_id == pid
    self_assessment.record_self_assessment(sf, ana, pid, "end", scores(4))
    assert self_assessment.assessments_due(sf, ana) == []
    with pytest.raises(Conflict, match="already completed"):
        self_assessment.record_self_assessment(sf, ana, pid, "end", scores(5))


def test_a_self_assessment_is_for_enrolled_participants_with_every_skill_rated(sf):
    clock.set_now(NOW)
    ana, ben = make_participant(sf, "ana"), make_participant(sf, "ben")
    pid = programme_ending_soon(sf, [ana], days_left=60)
    with pytest.raises(NotAllowed):
        self_assessment.record_self_assessment(sf, ben, pid, "baseline", scores(3))
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        self_assessment.record_self_assessment(sf, ana, pid, "baseline", scores(3, empathy=0))
    self_assessment.record_self_assessment(sf, ana, pid, "baseline", scores(3))


def test_growth_per_skill_is_computed_over_people_with_both_and_suppressed_below_k(sf):
    clock.set_now(NOW)
    coord = make_user(sf, "coord", ("coordinator",))
    people = [make_participant(sf, f"p{i}") for i in range(7)]
    pid = programme_ending_soon(sf, people)
    # Five people with both. Communication: baselines 1 2 3 4 4, ends one point higher
    # (growth 1.0). Every other skill: 3 → 3, except the first person's 3 → 4 (growth 0.2).
    for i, v in enumerate(people[:5]):
        add_baseline(sf, pid, v.person_id, scores(3, communication=min(i + 1, 4)))
        self_assessment.record_self_assessment(
            sf, v, pid, "end", scores(4 if i == 0 else 3, communication=min(i + 2, 5))
        )
    add_baseline(sf, pid, people[5].person_id, scores(1))  # baseline only: not counted
    self_assessment.record_self_assessment(sf, people[6], pid, "end", scores(5))  # end only
    growth = {g.skill: g for g in skills_growth.mentor_skills_growth(sf, coord, pid)}
    comm = growth["communication"]
    assert comm.n == 5 and comm.baseline == pytest.approx(2.8) and comm.end == pytest.approx(3.8)
    assert comm.growth == pytest.approx(1.0)
    assert growth["empathy"].growth == pytest.approx(0.2)
    with pytest.raises(NotAllowed):
        skills_growth.mentor_skills_growth(sf, people[0], pid)


def test_growth_at_k_minus_1_people_is_hidden(sf):
    clock.set_now(NOW)
    coord = make_user(sf, "coord", ("coordinator",))
    people = [make_participant(sf, f"p{i}") for i in range(4)]
    pid = programme_ending_soon(sf, people)
    for v in people:
        add_baseline(sf, pid, v.person_id, scores(2))
        self_assessment.record_self_assessment(sf, v, pid, "end", scores(4))
    growth = skills_growth.mentor_skills_growth(sf, coord, pid)
    assert all(g.suppressed and g.growth is None and g.n is None for g in growth)


def test_my_progress_counts_only_my_own_goals_meetings_and_final_reflections(sf):
    clock.set_now(NOW)
    ana, ben = make_participant(sf, "ana"), make_participant(sf, "ben")
    other = make_participant(sf, "other")
    pid = programme_ending_soon(sf, [ana, ben, other], days_left=15)
    with sf.begin() as s:
        from db.models import Programme

        match = make_match(s, s.get_one(Programme, pid), [ana.person_id, ben.person_id])
        for days_ago, status in ((20, "held"), (6, "held"), (3, "cancelled"), (-5, "planned")):
            when = NOW - dt.timedelta(days=days_ago)
            s.add(
                Meeting(
                    match_id=match.id,
                    scheduled_at=when,
                    status=status,
                    created_at=when,
                    updated_at=when,
                )
            )

        def goal(owner, achieved):
            s.add(
                Goal(
                    owner_id=owner,
                    title="g",
                    status="achieved" if achieved else "active",
                    achieved_at=NOW if achieved else None,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )

        goal(ana.person_id, True)
        goal(ana.person_id, False)
        goal(ben.person_id, True)

        def entry(author, when, status="final"):
            s.add(JournalEntry(author_id=author, status=status, created_at=when, updated_at=when))

        entry(ana.person_id, dt.datetime(2026, 9, 10))
        entry(ana.person_id, dt.datetime(2026, 11, 1))
        entry(ana.person_id, dt.datetime(2026, 11, 2))
        entry(ana.person_id, dt.datetime(2026, 11, 2), status="draft")
        entry(ben.person_id, dt.datetime(2026, 11, 1))
        entry(ana.person_id, dt.datetime(2026, 1, 5))  # older than the chart's months
    add_baseline(sf, pid, ana.person_id, scores(2, empathy=3))
    self_assessment.record_self_assessment(sf, ana, pid, "end", scores(4))

    mine = progress.my_progress(sf, ana, months=4)
    assert (mine.goals, mine.goals_achieved, mine.meetings_held, mine.reflections) == (2, 1, 2, 4)
    assert [(m.month, m.count) for m in mine.reflections_by_month] == [
        (dt.date(2026, 8, 1), 0),
        (dt.date(2026, 9, 1), 1),
        (dt.date(2026, 10, 1), 0),
        (dt.date(2026, 11, 1), 2),
    ]
    skills = {x.skill: x for x in mine.skills}
    assert (skills["empathy"].baseline, skills["empathy"].end) == (3, 4)
    assert (skills["support"].baseline, skills["support"].end) == (2, 4)

    nothing = progress.my_progress(sf, other)
    assert not nothing.has_activity and nothing.skills == ()


@pytest.mark.parametrize(
    ("days_left", "answered_end", "state", "opens_in"),
    [
        (60, False, self_assessment.END_LATER, 60 - self_assessment.END_OPENS_DAYS_BEFORE),
        (15, False, self_assessment.END_DUE, None),
        (-10, False, self_assessment.END_DUE, None),
        (15, True, self_assessment.END_CLOSED, None),
        (-45, False, self_assessment.END_CLOSED, None),
    ],
)
def test_my_progress_says_whether_the_re_assessment_is_asked_later_due_now_or_over(
    sf, days_left, answered_end, state, opens_in
):
    clock.set_now(NOW)
    ana = make_participant(sf, "ana")
    pid = programme_ending_soon(sf, [ana], days_left=days_left)
    add_baseline(sf, pid, ana.person_id, scores(2))
    if answered_end:
        self_assessment.record_self_assessment(sf, ana, pid, "end", scores(4))

    mine = progress.my_progress(sf, ana)

    assert mine.skills_end_state == state
    expected = None if opens_in is None else NOW.date() + dt.timedelta(days=opens_in)
    assert mine.skills_end_opens == expected
