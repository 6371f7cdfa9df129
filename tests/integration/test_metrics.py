"""Dashboard metrics on hand-made data with known answers (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core.insights import dashboard, figures, scope
from core.insights.figures import Filters
from core.insights.pairs import health_of, pair_states
from core.kernel import clock
from core.kernel.errors import NotAllowed
from core.relationship.meeting_rules import health_of_meetings
from db.models import (
    Agreement,
    Goal,
    JournalEntry,
    Meeting,
    Person,
    ProgrammeKPI,
    SelfAssessment,
    Setting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.builders import enrol, make_match, make_person, make_programme, make_user

NOW = dt.datetime(2026, 11, 25, 12, 0)  # a Wednesday


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.set_now(NOW)


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",))


def set_k(sf, k: int) -> None:
    with sf.begin() as s:
        s.merge(Setting(key="k", value=str(k)))


def meeting(s, match, when: dt.datetime, status: str = "held") -> Meeting:
    m = Meeting(
        match_id=match.id, scheduled_at=when, status=status, created_at=when, updated_at=when
    )
    s.add(m)
    s.flush()
    return m


def people(s, n: int, **fields) -> list[Person]:
    return [make_person(s, **fields) for _ in range(n)]


# --------------------------------------------------------------------------- match rate


def test_match_rate_counts_enrolled_participants_in_an_active_match_only(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        other = make_programme(s, "Other")
        ps = people(s, 12)
        for x in ps[:10]:
            enrol(s, p, x.id)
        enrol(s, p, ps[10].id, status="withdrawn")  # not a participant any more
        make_match(s, p, [ps[0].id, ps[1].id])  # active: counts 2
        make_match(s, p, [ps[2].id, ps[3].id, ps[4].id])  # an active circle: counts 3
        make_match(s, p, [ps[5].id, ps[6].id], status="published")  # not accepted yet
        half = make_match(s, p, [ps[7].id, ps[8].id])
        half.members[1].response = "pending"  # active in name, but not accepted by all
        make_match(s, other, [ps[9].id, ps[11].id])  # an active match in another programme
        make_match(s, p, [ps[10].id, ps[11].id])  # the withdrawn one is not counted
    mr = dashboard.match_rate(sf, coord, Filters(programme_id=p.id))
    assert (mr.overall.numerator, mr.overall.denominator) == (5, 10)
    assert mr.overall.value == pytest.approx(0.5)
    assert mr.target == 0.70
    assert mr.active_matches.value == 3


def test_match_rate_by_department_and_filtered_by_department(sf, coord):
    # Groups of 5 or more on both sides of every share (a department of 5 with 1 in a
    # match would show 1 person by the rate; 12 − 5 matched leaves 7, and so on).
    with sf.begin() as s:
        p = make_programme(s)
        eng = people(s, 12, department="Engineering")
        sales = people(s, 10, department="Sales")
        for x in eng + sales:
            enrol(s, p, x.id)
        make_match(s, p, [eng[0].id, sales[0].id])  # a pair across both departments
        make_match(s, p, [eng[1].id, eng[2].id])
        make_match(s, p, [eng[3].id, eng[4].id])
        make_match(s, p, [sales[1].id, sales[2].id])
        make_match(s, p, [sales[3].id, sales[4].id])
    mr = dashboard.match_rate(sf, coord, Filters(programme_id=p.id))
    by = {r.label: (r.numerator, r.denominator) for r in mr.by_department}
    assert by == {"Engineering": (5, 12), "Sales": (5, 10)}
    only = dashboard.match_rate(sf, coord, Filters(programme_id=p.id, department="Sales"))
    assert (only.overall.numerator, only.overall.denominator) == (5, 10)


# --------------------------------------------------------------------------- k-suppression


@pytest.mark.parametrize(("enrolled", "hidden"), [(4, True), (5, False)])
def test_a_rate_over_fewer_than_k_people_is_suppressed(sf, coord, enrolled, hidden):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, enrolled)
        for x in ps:
            enrol(s, p, x.id)
        # Everyone in a pair or a circle: nobody left out (whom the rate would count).
        make_match(s, p, [ps[0].id, ps[1].id])
        make_match(s, p, [x.id for x in ps[2:]])
    mr = dashboard.match_rate(sf, coord, Filters(programme_id=p.id))
    assert mr.overall.suppressed is hidden
    if hidden:
        assert (mr.overall.value, mr.overall.numerator, mr.overall.denominator) == (None,) * 3
    else:
        assert mr.overall.value == pytest.approx(1.0)


def test_a_rate_is_hidden_when_the_people_it_leaves_out_are_fewer_than_k(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 12)
        for x in ps:
            enrol(s, p, x.id)
        for i in range(0, 10, 2):
            make_match(s, p, [ps[i].id, ps[i + 1].id])
    mr = dashboard.match_rate(sf, coord, Filters(programme_id=p.id))
    # 10 of 12: the rate would show that 2 people are not in a pair.
    assert mr.overall.suppressed and mr.overall.reason == "difference"


@pytest.mark.parametrize(("authors", "hidden"), [(2, True), (3, False)])
def test_a_weekly_count_follows_the_k_setting(sf, coord, authors, hidden):
    set_k(sf, 3)
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, authors)
        for x in ps:
            enrol(s, p, x.id)
        m = make_match(s, p, [x.id for x in ps])
        for x in ps:
            for _ in range(2):
                s.add(
                    JournalEntry(
                        author_id=x.id,
                        match_id=m.id,
                        status="final",
                        created_at=NOW - dt.timedelta(days=1),
                        updated_at=NOW,
                    )
                )
    f = Filters(programme_id=p.id, start=NOW.date() - dt.timedelta(days=2), end=NOW.date())
    week = [p for p in dashboard.activity_by_week(sf, coord, f) if p.series == "reflections"]
    assert [(p.x, p.value, p.suppressed) for p in week] == [
        (dt.date(2026, 11, 23), None if hidden else 2 * authors, hidden)
    ]


def test_zero_is_shown_because_it_describes_nobody(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
    f = Filters(programme_id=p.id, start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 25))
    points = dashboard.activity_by_week(sf, coord, f)
    assert {(p.value, p.suppressed) for p in points} == {(0, False)}
    assert len(points) == 2 * 3  # two weeks × three series


# --------------------------------------------------------------------------- pair health


D = dt.timedelta
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("age", "last_held_ago", "missed_twice", "cadence", "expected"),
    [
        (13, None, False, 14, ("too_early", None)),
        (14, None, False, 14, ("check_in", "no_first_meeting")),
        (30, 21, False, 14, ("on_track", None)),  # exactly 1.5 × the cadence: still within
        (30, 22, False, 14, ("check_in", "overdue")),
        (30, 10, True, 14, ("check_in", "missed_twice")),
        (5, None, True, 14, ("too_early", None)),  # the first 14 days without a meeting
        (20, None, True, 14, ("check_in", "no_first_meeting")),
        (40, 30, True, 14, ("check_in", "overdue")),
        (30, 10, False, 14, ("on_track", None)),
        (60, 40, False, 30, ("on_track", None)),  # monthly cadence: 45 days
        (5, 1, False, 14, ("on_track", None)),  # met early: not "too early" any more
    ],
)
def test_pair_health_follows_the_definitions_at_their_boundaries(
    age, last_held_ago, missed_twice, cadence, expected
):
    got = health_of(
        started=TODAY - D(days=age),
        today=TODAY,
        cadence_days=cadence,
        last_held=TODAY - D(days=last_held_ago) if last_held_ago is not None else None,
        missed_twice=missed_twice,
    )
    assert got == expected


def test_pair_health_buckets_and_the_check_in_list_from_the_database(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s, cadence_days=14)
        a, b, c, d, e, f_, g, h, i, j = people(s, 10)
        for x in (a, b, c, d, e, f_, g, h, i, j):
            enrol(s, p, x.id)
        young = make_match(s, p, [a.id, b.id], started_days_ago=5)
        silent = make_match(s, p, [c.id, d.id], started_days_ago=20)
        fine = make_match(s, p, [e.id, f_.id], started_days_ago=40)
        meeting(s, fine, NOW - D(days=30))
        meeting(s, fine, NOW - D(days=10))
        meeting(s, fine, NOW + D(days=4), "planned")
        flaky = make_match(s, p, [g.id, h.id], started_days_ago=40)
        meeting(s, flaky, NOW - D(days=12))
        meeting(s, flaky, NOW - D(days=8), "cancelled")
        meeting(s, flaky, NOW - D(days=2), "missed")
        meeting(s, flaky, NOW + D(days=6), "planned")
        late = make_match(s, p, [i.id, j.id], started_days_ago=60)
        meeting(s, late, NOW - D(days=50))
        meeting(s, late, NOW - D(days=3), "moved")
    f = Filters(programme_id=p.id)
    health = dashboard.pair_health(sf, coord, f)
    assert {pt.x: pt.value for pt in health.buckets} == {
        "too_early": 1,
        "check_in": 3,
        "on_track": 1,
    }
    checkins = dashboard.pairs_needing_checkin(sf, coord, f)
    by_match = {c.match_id: c for c in checkins}
    assert set(by_match) == {silent.id, flaky.id, late.id}
    assert by_match[silent.id].reason == "no_first_meeting"
    assert by_match[late.id].reason == "overdue"
    assert by_match[flaky.id].reason == "missed_twice"
    assert by_match[flaky.id].last_meeting == (NOW - D(days=12)).date()
    assert by_match[flaky.id].next_meeting == (NOW + D(days=6)).date()
    assert by_match[late.id].members == tuple(sorted([i.full_name, j.full_name]))
    assert young.id not in by_match
    # The longest without a meeting comes first.
    assert checkins[0].match_id == late.id


def test_two_misses_in_a_row_count_up_to_the_longest_cadence_and_its_boundary(sf, coord):
    """Only the misses after a meeting held at most 1.5 × the cadence ago can decide a
    pair's health, so older ones are not read — but those that can are, for the pair with
    the longest cadence (an agreement's) and at the boundary itself."""
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s, cadence_days=14)
        ps = people(s, 6)
        for x in ps:
            enrol(s, p, x.id)
        edge = make_match(s, p, [ps[0].id, ps[1].id], started_days_ago=60)
        meeting(s, edge, NOW - D(days=21))  # exactly 1.5 × 14 days: not overdue
        meeting(s, edge, NOW - D(days=21) + D(hours=1), "cancelled")
        meeting(s, edge, NOW - D(days=20), "missed")
        monthly = make_match(s, p, [ps[2].id, ps[3].id], started_days_ago=90)
        s.add(Agreement(match_id=monthly.id, cadence_days=30, updated_at=NOW))
        meeting(s, monthly, NOW - D(days=45))  # exactly 1.5 × 30 days
        meeting(s, monthly, NOW - D(days=45) + D(hours=1), "moved")
        meeting(s, monthly, NOW - D(days=43), "missed")
        old = make_match(s, p, [ps[4].id, ps[5].id], started_days_ago=90)
        meeting(s, old, NOW - D(days=60))
        meeting(s, old, NOW - D(days=59), "missed")
        meeting(s, old, NOW - D(days=58), "missed")
    by_match = {
        c.match_id: c.reason
        for c in dashboard.pairs_needing_checkin(sf, coord, Filters(programme_id=p.id))
    }
    assert by_match == {edge.id: "missed_twice", monthly.id: "missed_twice", old.id: "overdue"}


@pytest.mark.parametrize("seed", range(6))
def test_the_dashboard_classifies_every_pair_as_its_own_page_does(sf, coord, seed):
    """Random histories (cadences of an agreement or the programme's, meetings held,
    missed or moved in the past, planned or cancelled to come): the dashboard's health of
    each pair, read in SQL over the programme, is the pair page's verdict from its own
    meetings (core.relationship.meeting_rules.health_of_meetings)."""
    rng = random.Random(seed)
    past = ("held", "held", "cancelled", "moved", "missed")
    histories = {}
    with sf.begin() as s:
        p = make_programme(s, cadence_days=14)
        for _ in range(20):
            a, b = people(s, 2)
            match = make_match(s, p, [a.id, b.id], started_days_ago=rng.randint(3, 150))
            cadence = rng.choice((None, 7, 30))
            if cadence:
                s.add(Agreement(match_id=match.id, cadence_days=cadence, updated_at=NOW))
            days = rng.sample([d for d in range(-30, 150) if d], rng.randint(0, 9))
            history = [
                (
                    NOW - D(days=d, hours=rng.randint(0, 5)),
                    rng.choice(past if d > 0 else ("planned", "cancelled")),
                )
                for d in days
            ]
            for when, status in history:
                meeting(s, match, when, status)
            histories[match.id] = (match.started_at.date(), cadence or 14, history)
    with sf() as s:
        got = {st.match_id: st.bucket for st in pair_states(s, [p.id])}
    assert got == {
        m: health_of_meetings(started, TODAY, cadence, history)
        for m, (started, cadence, history) in histories.items()
    }


# --------------------------------------------------------------------------- meetings


def test_meetings_per_week_by_status_with_monday_as_the_first_day(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s)
        a, b = people(s, 2)
        m = make_match(s, p, [a.id, b.id], started_days_ago=40)
        meeting(s, m, dt.datetime(2026, 11, 9, 9))  # Monday
        meeting(s, m, dt.datetime(2026, 11, 15, 23, 59), "cancelled")  # Sunday: same week
        meeting(s, m, dt.datetime(2026, 11, 16, 0, 0), "missed")  # next Monday
        meeting(s, m, dt.datetime(2026, 11, 18, 10), "moved")
        meeting(s, m, dt.datetime(2026, 11, 19, 10))
        meeting(s, m, dt.datetime(2026, 11, 27, 10), "planned")
    f = Filters(programme_id=p.id, start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 29))
    got = {(pt.x, pt.series): pt.value for pt in dashboard.meetings_by_week(sf, coord, f)}
    w1, w2, w3 = dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)
    assert got[(w1, "held")] == 1 and got[(w1, "cancelled")] == 1 and got[(w1, "missed")] == 0
    assert got[(w2, "held")] == 1 and got[(w2, "missed")] == 1 and got[(w2, "moved")] == 1
    assert got[(w3, "planned")] == 1 and got[(w3, "held")] == 0
    assert sum(v for (w, _), v in got.items() if w == w2) == 3  # planned that week


# --------------------------------------------------------------------------- engagement


def test_engaged_participants_have_held_at_least_three_meetings(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 6)
        for x in ps:
            enrol(s, p, x.id)
        three = make_match(s, p, [ps[0].id, ps[1].id], started_days_ago=60)
        for days in (50, 30, 10):
            meeting(s, three, NOW - D(days=days))
        two = make_match(s, p, [ps[2].id, ps[3].id], started_days_ago=60)
        for days, status in ((50, "held"), (30, "held"), (10, "cancelled"), (2, "missed")):
            meeting(s, two, NOW - D(days=days), status)
    e = dashboard.engagement(sf, coord, Filters(programme_id=p.id))
    assert {pt.x: pt.value for pt in e.distribution} == {"0": 2, "1": 0, "2": 2, "3+": 2}
    assert (e.engaged.numerator, e.engaged.denominator) == (2, 6)


# --------------------------------------------------------------------------- goals


def test_goals_set_and_achieved_are_counted_in_the_period(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s)
        a, b, c = people(s, 3)
        for x in (a, b, c):
            enrol(s, p, x.id)
        for owner, created, status, achieved in (
            (a, NOW - D(days=3), "achieved", NOW - D(days=1)),
            (a, NOW - D(days=3), "active", None),
            (b, NOW - D(days=2), "achieved", NOW - D(days=1)),
            (b, NOW - D(days=2), "dropped", None),
            (b, NOW - D(days=60), "achieved", NOW - D(days=2)),  # set before the period
            # With k = 2, b alone would be a small group between two periods.
            (c, NOW - D(days=60), "achieved", NOW - D(days=2)),
        ):
            s.add(
                Goal(
                    owner_id=owner.id,
                    programme_id=p.id,
                    title="t",
                    status=status,
                    achieved_at=achieved,
                    created_at=created,
                    updated_at=created,
                )
            )
    f = Filters(programme_id=p.id, start=NOW.date() - D(days=7), end=NOW.date())
    g = dashboard.goals(sf, coord, f)
    assert (g.set.value, g.achieved.value) == (4, 4)
    assert (g.completion.numerator, g.completion.denominator) == (2, 4)


# --------------------------------------------------------------------------- surveys


def _survey(s, programme, answers: list[int], code: str = "nps", month: dt.datetime = NOW):
    survey = Survey(programme_id=programme.id, title="Pulse", opens_at=month, created_at=month)
    q = SurveyQuestion(code=code, kind="scale10", position=0)
    survey.questions = [q]
    s.add(survey)
    s.flush()
    for value in answers:
        person = make_person(s)
        r = SurveyResponse(survey_id=survey.id, person_id=person.id, submitted_at=month)
        s.add(r)
        s.flush()
        s.add(SurveyAnswer(response_id=r.id, question_id=q.id, value_int=value))


def test_nps_is_the_share_of_promoters_minus_the_share_of_detractors(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        # promoters 9, 10, 10 · passives 7, 8 · detractors 0, 6, 5 → (3 − 3) / 8 = 0
        _survey(s, p, [9, 10, 10, 7, 8, 0, 6, 5])
        q = make_programme(s, "Other")
        # 4 promoters, 1 detractor out of 5 → 60
        _survey(s, q, [10, 9, 9, 10, 6])
    assert dashboard.survey_results(sf, coord, Filters(programme_id=p.id)).nps.value == 0
    got = dashboard.survey_results(sf, coord, Filters(programme_id=q.id))
    assert got.nps.value == 60
    # One point per survey round, at the day it opened (whole rounds only).
    assert [(pt.x, pt.series, pt.value) for pt in got.nps_by_survey] == [(NOW.date(), "nps", 60)]


@pytest.mark.parametrize(("answers", "hidden"), [(4, True), (5, False)])
def test_a_survey_average_over_fewer_than_k_answers_is_hidden(sf, coord, answers, hidden):
    with sf.begin() as s:
        p = make_programme(s)
        _survey(s, p, [4] * answers, code="satisfaction")
    got = dashboard.survey_results(sf, coord, Filters(programme_id=p.id)).questions
    assert [(pt.x, pt.value, pt.suppressed) for pt in got] == [
        ("satisfaction", None if hidden else 4.0, hidden)
    ]


def test_mentor_skills_growth_compares_the_same_people_at_enrolment_and_at_the_end(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        for i in range(6):
            e = enrol(s, p, make_person(s).id)
            s.add(
                SelfAssessment(
                    enrolment_id=e.id, phase="baseline", skill="empathy", score=2, at=NOW
                )
            )
            if i < 5:  # the sixth never answered the end survey: not in either mean
                s.add(
                    SelfAssessment(enrolment_id=e.id, phase="end", skill="empathy", score=4, at=NOW)
                )
    for f in (
        Filters(programme_id=p.id),
        Filters(),
    ):  # core.surveys.self_assessment, and across programmes
        got = dashboard.skills_growth(sf, coord, f)
        assert [(pt.series, pt.value) for pt in got if pt.x == "empathy"] == [
            ("baseline", 2.0),
            ("end", 4.0),
        ]
        assert all(pt.suppressed for pt in got if pt.x != "empathy")


# --------------------------------------------------------------------------- KPIs


def test_kpis_compare_the_measured_value_with_the_programme_target(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 25)
        for x in ps:
            enrol(s, p, x.id)
        for i in range(0, 20, 2):  # 20 of 25 in a pair: the 5 left out are k people
            make_match(s, p, [ps[i].id, ps[i + 1].id])
        s.add(ProgrammeKPI(programme_id=p.id, metric="match_rate", target=70))
        s.add(ProgrammeKPI(programme_id=p.id, metric="engaged_share", target=0.5))
        s.add(ProgrammeKPI(programme_id=p.id, metric="made_up", target=3, label="Something"))
    got = {k.metric: k for k in dashboard.kpis(sf, coord, Filters(programme_id=p.id))}
    assert got["match_rate"].target == pytest.approx(0.7)
    assert got["match_rate"].actual == pytest.approx(0.8)
    assert got["match_rate"].met is True
    assert got["engaged_share"].actual == 0 and got["engaged_share"].met is False
    assert got["made_up"].actual is None and got["made_up"].met is None
    assert got["made_up"].label == "Something"


# --------------------------------------------------------------------------- retention


def test_retention_compares_eligible_participants_with_eligible_non_participants(sf, coord):
    start = dt.date(2025, 9, 1)
    set_k(sf, 2)  # every group below is 0 or at least 2 people: nothing hidden
    with sf.begin() as s:
        p = make_programme(
            s,
            start_date=start,
            status="closed",
            eligibility={"departments": ["Engineering"], "hired_before": "2025-06-30"},
        )
        hired = dt.date(2024, 1, 1)
        # Participants: 6, two left after 4 months, two after 8 months.
        four, eight = dt.date(2026, 1, 1), dt.date(2026, 5, 1)
        for leave in [None, None, four, four, eight, eight]:
            x = make_person(s, department="Engineering", hire_date=hired, leave_date=leave)
            enrol(s, p, x.id)
        # Non-participants: 6, two left after 2 months, two after 10 months.
        two, ten = dt.date(2025, 11, 1), dt.date(2026, 7, 1)
        for leave in [None, None, two, two, ten, ten]:
            make_person(s, department="Engineering", hire_date=hired, leave_date=leave)
        # Not eligible: other department, hired too late, already gone, withdrawn.
        make_person(s, department="Sales", hire_date=hired)
        make_person(s, department="Engineering", hire_date=dt.date(2025, 8, 1))
        make_person(s, department="Engineering", hire_date=hired, leave_date=dt.date(2025, 8, 1))
        w = make_person(s, department="Engineering", hire_date=hired)
        enrol(s, p, w.id, status="withdrawn")
    r = dashboard.retention(sf, coord, Filters(programme_id=p.id))
    got = {(row.months, row.group): (row.people, row.still_employed) for row in r.rows}
    assert got[(6, "participants")] == (6, pytest.approx(4 / 6))
    assert got[(12, "participants")] == (6, pytest.approx(2 / 6))
    assert got[(6, "others")] == (6, pytest.approx(4 / 6))
    assert got[(12, "others")] == (6, pytest.approx(2 / 6))
    assert "not a proof" in r.caveat


def test_retention_is_pending_before_the_horizon_and_hidden_under_k(sf, coord):
    with sf.begin() as s:
        p = make_programme(s, start_date=NOW.date() - D(days=200))
        for _ in range(5):
            enrol(s, p, make_person(s).id)
        make_person(s)  # 1 non-participant
    rows = {
        (r.months, r.group): r
        for r in dashboard.retention(sf, coord, Filters(programme_id=p.id)).rows
    }
    assert rows[(6, "participants")].still_employed == 1.0
    assert rows[(12, "participants")].pending and rows[(12, "participants")].still_employed is None
    assert rows[(6, "others")].suppressed and rows[(6, "others")].people is None


# --------------------------------------------------------------------------- enrolment


def test_enrolment_over_time_counts_new_enrolments_and_the_running_total(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s)
        for days, status in (
            (20, "enrolled"),
            (19, "enrolled"),
            (18, "withdrawn"),
            (17, "withdrawn"),  # k = 2: two leavers in a week, not one (see below)
            (5, "enrolled"),
            (4, "enrolled"),
        ):
            e = enrol(s, p, make_person(s).id, status=status)
            e.created_at = NOW - D(days=days)
            if status == "withdrawn":
                e.withdrawn_at = NOW - D(days=1)
    f = Filters(programme_id=p.id, start=dt.date(2026, 11, 1), end=NOW.date())
    got = {(pt.x, pt.series): pt.value for pt in dashboard.enrolment_by_week(sf, coord, f)}
    assert got[(dt.date(2026, 11, 2), "new")] == 4
    assert got[(dt.date(2026, 11, 2), "enrolled")] == 4
    assert got[(dt.date(2026, 11, 9), "enrolled")] == 4
    assert got[(dt.date(2026, 11, 16), "new")] == 2
    assert got[(dt.date(2026, 11, 16), "enrolled")] == 6
    assert got[(dt.date(2026, 11, 23), "enrolled")] == 4  # two withdrew


def test_the_running_total_is_not_drawn_when_one_person_left_in_a_week(sf, coord):
    set_k(sf, 2)
    with sf.begin() as s:
        p = make_programme(s)
        for days, status in ((20, "enrolled"), (19, "enrolled"), (18, "withdrawn")):
            e = enrol(s, p, make_person(s).id, status=status)
            e.created_at = NOW - D(days=days)
            if status == "withdrawn":
                e.withdrawn_at = NOW - D(days=1)
    f = Filters(programme_id=p.id, start=dt.date(2026, 11, 1), end=NOW.date())
    points = dashboard.enrolment_by_week(sf, coord, f)
    # Its last two points would differ by the one who left.
    assert {pt.series for pt in points} == {"new"}


def test_a_participant_cannot_read_any_metric(sf):
    viewer = make_user(sf, "ana", ("participant",))
    with pytest.raises(NotAllowed):
        dashboard.dashboard(sf, viewer, Filters())
    with pytest.raises(NotAllowed):
        dashboard.match_rate(sf, viewer, Filters())


def test_the_whole_dashboard_reads_an_empty_database(sf, coord):
    d = dashboard.dashboard(sf, coord, Filters())
    assert d.headline.enrolled.value in (0, None)
    assert d.checkins == () and d.kpis == ()


def test_headline_totals_count_the_whole_period_even_when_one_week_is_hidden(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 6)
        for x in ps:
            enrol(s, p, x.id)
        pairs = [make_match(s, p, [ps[i].id, ps[i + 1].id], started_days_ago=40) for i in (0, 2, 4)]
        meeting(s, pairs[0], NOW - D(days=20))  # a week with 2 people: hidden on the chart
        for m in pairs:
            meeting(s, m, NOW - D(days=6))  # a week with 6 people
    f = Filters(programme_id=p.id, start=NOW.date() - D(days=30), end=NOW.date())
    d = dashboard.dashboard(sf, coord, f)
    assert any(pt.suppressed for pt in d.meetings if pt.series == "held")
    assert d.headline.meetings_held == figures.Figure(4)
    assert d.headline.engaged == figures.Figure(0)


def test_meetings_per_pair_is_a_kpi_over_the_pairs_that_started(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 6)
        for x in ps:
            enrol(s, p, x.id)
        a = make_match(s, p, [ps[0].id, ps[1].id], started_days_ago=40)
        b = make_match(s, p, [ps[2].id, ps[3].id], started_days_ago=40)
        make_match(s, p, [ps[4].id, ps[5].id], status="published")  # not started: not counted
        for days in (30, 20, 10):
            meeting(s, a, NOW - D(days=days))
        meeting(s, b, NOW - D(days=10))
        meeting(s, b, NOW - D(days=3), "cancelled")
        s.add(ProgrammeKPI(programme_id=p.id, metric="meetings_per_pair", target=3))
    (kpi,) = dashboard.kpis(sf, coord, Filters(programme_id=p.id))
    assert kpi.suppressed  # 4 people in the two pairs that started: fewer than 5
    set_k(sf, 4)
    (kpi,) = dashboard.kpis(sf, coord, Filters(programme_id=p.id))
    assert (kpi.actual, kpi.met, kpi.unit) == (2.0, False, "count")


def test_one_hidden_department_cannot_be_worked_out_from_the_total(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        groups = {"Legal": 3, "Sales": 5, "Engineering": 8}
        for dept, n in groups.items():
            for x in people(s, n, department=dept):
                enrol(s, p, x.id)
    mr = dashboard.match_rate(sf, coord, Filters(programme_id=p.id))
    # Legal (3) is under k; Sales, the next smallest, goes with it (or Legal would be
    # the total minus the others): they are shown together, as the other departments.
    by = {r.label: r.denominator for r in mr.by_department}
    assert by == {"Engineering": 8, scope.OTHERS: 8}
    assert mr.overall.denominator == 16
    choices = dashboard.options(sf, coord).offered[p.id]
    assert (choices.offered, choices.withheld) == (("Engineering",), ("Legal", "Sales"))
    legal = dashboard.match_rate(sf, coord, Filters(programme_id=p.id, department="Legal"))
    assert legal.overall.suppressed and legal.overall.reason == "not_offered"


def test_home_reads_its_programme_counts_and_their_threshold_in_one_transaction(sf, coord):
    from sqlalchemy import event

    from core.insights import home

    set_k(sf, 3)
    with sf.begin() as s:
        programme = make_programme(s)
        for p in people(s, 4, department="Sales"):
            enrol(s, programme, p.id)
    engine = sf.kw["bind"]
    begun: list[object] = []

    def count(conn: object) -> None:
        begun.append(conn)

    event.listen(engine, "begin", count)
    try:
        (row,) = home.programme_counts(sf, coord)
    finally:
        event.remove(engine, "begin", count)
    assert len(begun) == 1
    assert row.k == 3  # the page says "fewer than 3 people" without a second read
    assert row.enrolled.value == 4
