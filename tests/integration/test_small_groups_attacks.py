"""The six attacks of issue 8 (part 2), each on a small company built for it.

Each was reproduced on the demo: a figure hidden because it describes fewer than k
people came back by subtracting figures the same coordinator could see. Each test
looks at the figures as a coordinator would (the public functions, every filter
they offer) and fails if the hidden count can be worked out.
"""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from core.insights import dashboard, survey_results
from core.insights.figures import Filters
from core.kernel import clock
from db.models import (
    Goal,
    Meeting,
    ProgrammeKPI,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.builders import enrol, make_match, make_person, make_programme, make_user

NOW = dt.datetime(2026, 11, 25, 12, 0)  # a Wednesday
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clock.set_now(NOW)


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",))


def people(s, n: int, **fields):
    return [make_person(s, **fields) for _ in range(n)]


def meeting(s, match, when: dt.datetime, status: str = "held") -> None:
    s.add(
        Meeting(
            match_id=match.id, scheduled_at=when, status=status, created_at=when, updated_at=when
        )
    )


def shown(points, series):
    return {p.x: p for p in points if p.series == series}


# --------------------------------------------------------------------------- 1


def test_a_hidden_week_of_enrolments_cannot_be_read_off_the_running_total(sf, coord):
    with sf.begin() as s:
        p = make_programme(s, start_date=(NOW - 60 * DAY).date())
        for i, x in enumerate(people(s, 12)):
            e = enrol(s, p, x.id)
            e.created_at = NOW - (30 if i < 10 else 9) * DAY  # 10 one week, 2 three weeks later
    f = Filters(programme_id=p.id, start=(NOW - 50 * DAY).date(), end=NOW.date())
    points = dashboard.enrolment_by_week(sf, coord, f)
    new, total = shown(points, "new"), shown(points, "enrolled")
    weeks = sorted(new)
    hidden_weeks = [w for w in weeks if new[w].suppressed]
    assert hidden_weeks, "the week of 2 enrolments is hidden"
    for w in hidden_weeks:
        before = weeks[weeks.index(w) - 1]
        both = w in total and before in total
        assert not (both and not total[w].suppressed and not total[before].suppressed), (
            "the running total shows the jump of a hidden week"
        )


# --------------------------------------------------------------------------- 2


def test_a_hidden_engagement_bucket_is_not_given_away_by_the_rate_the_kpis_or_the_total(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        ps = people(s, 12)
        for x in ps:
            enrol(s, p, x.id)
        busy = make_match(s, p, [ps[0].id, ps[1].id], started_days_ago=60)  # 2 engaged people
        for days in (50, 30, 10):
            meeting(s, busy, NOW - days * DAY)
        for i in range(2, 8, 2):  # 6 people with one meeting
            m = make_match(s, p, [ps[i].id, ps[i + 1].id], started_days_ago=60)
            meeting(s, m, NOW - 20 * DAY)
        s.add(ProgrammeKPI(programme_id=p.id, metric="engaged", target=5))
        s.add(ProgrammeKPI(programme_id=p.id, metric="engaged_share", target=0.5))
    f = Filters(programme_id=p.id)
    e = dashboard.engagement(sf, coord, f)
    buckets = {pt.x: pt for pt in e.distribution}
    assert buckets["3+"].suppressed
    assert e.engaged.suppressed and e.engaged.numerator is None
    kpis = {k.metric: k for k in dashboard.kpis(sf, coord, f)}
    assert kpis["engaged"].suppressed and kpis["engaged"].actual is None
    assert kpis["engaged_share"].suppressed and kpis["engaged_share"].actual is None
    d = dashboard.dashboard(sf, coord, f)
    assert d.headline.engaged.suppressed
    # The enrolled total minus the shown buckets must leave more than one bucket unknown.
    hidden = [pt for pt in e.distribution if pt.suppressed]
    assert d.headline.enrolled.suppressed or len(hidden) >= 2


# --------------------------------------------------------------------------- 3


def test_a_hidden_week_of_goals_cannot_be_worked_out_from_the_total(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        for i, x in enumerate(people(s, 8)):
            enrol(s, p, x.id)
            done = NOW - (20 if i < 6 else 6) * DAY  # 6 people one week, 2 another
            s.add(
                Goal(
                    owner_id=x.id,
                    programme_id=p.id,
                    title="t",
                    status="achieved",
                    achieved_at=done,
                    created_at=done - DAY,
                    updated_at=done,
                )
            )
    f = Filters(programme_id=p.id, start=(NOW - 30 * DAY).date(), end=NOW.date())
    g = dashboard.goals(sf, coord, f)
    weeks = shown(g.weekly, "goals_achieved")
    hidden = [w for w, pt in weeks.items() if pt.suppressed]
    assert hidden, "the week of 2 people is hidden"
    # The total minus the shown weeks gives the hidden weeks together: never one alone.
    assert g.achieved.suppressed or len(hidden) >= 2


# --------------------------------------------------------------------------- 4


def test_a_hidden_department_cannot_be_worked_out_from_the_total_and_the_other_filters(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        for dept, n in {"Legal": 3, "Sales": 5, "Engineering": 8}.items():
            for x in people(s, n, department=dept):
                enrol(s, p, x.id)
    total = dashboard.match_rate(sf, coord, Filters(programme_id=p.id)).overall
    assert not total.suppressed and total.denominator == 16
    # Every department a coordinator can filter on (and every bar of the chart).
    seen = {}
    for dept in ("Legal", "Sales", "Engineering"):
        overall = dashboard.match_rate(
            sf, coord, Filters(programme_id=p.id, department=dept)
        ).overall
        if not overall.suppressed and overall.denominator:
            seen[dept] = overall.denominator
    for r in dashboard.match_rate(sf, coord, Filters(programme_id=p.id)).by_department:
        if not r.suppressed and r.label in ("Sales", "Engineering"):
            seen[r.label] = r.denominator
    others = total.denominator - sum(v for d, v in seen.items() if d != "Legal")
    assert others != 3, "Legal's 3 people = the total minus the departments shown"


# --------------------------------------------------------------------------- 5


def test_too_early_pairs_cannot_be_worked_out_from_the_active_pairs(sf, coord):
    with sf.begin() as s:
        p = make_programme(s, cadence_days=14)
        ps = people(s, 14)
        for x in ps:
            enrol(s, p, x.id)
        make_match(s, p, [ps[0].id, ps[1].id], started_days_ago=5)  # too early: 2 people
        for i in range(2, 8, 2):  # 3 pairs on track
            m = make_match(s, p, [ps[i].id, ps[i + 1].id], started_days_ago=40)
            meeting(s, m, NOW - 5 * DAY)
        for i in range(8, 14, 2):  # 3 pairs needing a check-in (no first meeting)
            make_match(s, p, [ps[i].id, ps[i + 1].id], started_days_ago=30)
    h = dashboard.pair_health(sf, coord, Filters(programme_id=p.id))
    buckets = {pt.x: pt for pt in h.buckets}
    assert buckets["too_early"].suppressed
    hidden = [pt for pt in h.buckets if pt.suppressed]
    assert h.active_matches.suppressed or len(hidden) >= 2, (
        "active pairs minus the shown buckets gives the too-early pairs"
    )


# --------------------------------------------------------------------------- 6


def test_free_text_of_one_respondent_cannot_be_isolated_by_two_periods(sf, coord):
    with sf.begin() as s:
        p = make_programme(s)
        survey = Survey(programme_id=p.id, title="Pulse", opens_at=NOW - 80 * DAY, created_at=NOW)
        survey.questions = [SurveyQuestion(code="free", kind="text", position=0)]
        s.add(survey)
        s.flush()
        for i, x in enumerate(people(s, 6)):
            enrol(s, p, x.id)
            when = NOW - (60 if i == 0 else 20) * DAY  # one answered long before the others
            r = SurveyResponse(survey_id=survey.id, person_id=x.id, submitted_at=when)
            s.add(r)
            s.flush()
            s.add(
                SurveyAnswer(
                    response_id=r.id, question_id=survey.questions[0].id, value_text=f"comment {i}"
                )
            )
    # Every window the function accepts (the Surveys page offered 30 / 90 days / all).
    today = NOW.date()
    params = inspect.signature(survey_results.survey_results).parameters
    windows = (
        [None, (today - 29 * DAY, today), (today - 89 * DAY, today)]
        if "period" in params
        else [None]
    )
    seen = []
    for window in windows:
        kwargs = {"period": window} if "period" in params else {}
        for group in survey_results.survey_results(sf, coord, p.id, **kwargs).free_texts:
            if not group.suppressed:
                seen.append(set(group.texts))
    for a in seen:
        for b in seen:
            if b < a:
                assert len(a - b) >= 5, f"{sorted(a - b)} isolated by two periods"
