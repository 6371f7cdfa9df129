"""Pure survey rules on hand-made data: NPS, suppression, schedule, validation, growth."""

import datetime as dt

import pytest

from core.growth.progress import last_months
from core.insights.survey_results import nps
from core.kernel.errors import InvalidInput
from core.kernel.privacy import is_small
from core.surveys.questions import END, PULSE, poor_fit, validate_answers
from core.surveys.rounds import ScheduledSurvey, survey_schedule
from core.surveys.self_assessment import SKILLS, phase_due, validate_scores
from db.models import SurveyQuestion

D = dt.date


def test_nps_is_the_share_of_promoters_minus_the_share_of_detractors():
    answers = [10, 10, 9, 9, 9, 8, 7, 6, 3, 0]  # 5 promoters, 2 passives, 3 detractors
    counts = {v: answers.count(v) for v in set(answers)}
    assert nps(counts) == pytest.approx(20.0)


def test_nps_of_only_promoters_is_100_and_of_only_detractors_is_minus_100():
    assert nps({9: 3, 10: 4}) == 100.0
    assert nps({0: 1, 6: 5}) == -100.0
    assert nps({7: 2, 8: 2}) == 0.0


def test_nps_of_no_answer_is_none_not_zero():
    assert nps({}) is None


def test_an_aggregate_over_k_minus_1_answers_is_suppressed_and_over_k_is_shown():
    # The one rule (core.kernel.privacy): zero describes nobody and is shown.
    assert is_small(4, 5)
    assert not is_small(5, 5)
    assert not is_small(0, 5)


def test_the_schedule_asks_30_days_after_matching_then_every_60_days_and_at_the_end():
    points = survey_schedule(D(2026, 1, 5), D(2026, 7, 31), D(2026, 1, 12))
    assert points == [
        ScheduledSurvey(PULSE, 1, D(2026, 2, 11), D(2026, 2, 24)),
        ScheduledSurvey(PULSE, 2, D(2026, 4, 12), D(2026, 4, 25)),
        ScheduledSurvey(PULSE, 3, D(2026, 6, 11), D(2026, 6, 24)),
        ScheduledSurvey(END, 0, D(2026, 7, 24), D(2026, 8, 6)),
    ]


def test_the_schedule_drops_a_pulse_that_would_overlap_the_end_survey():
    # The third pulse would open on 2026-07-20, still open when the end survey opens on 07-24.
    points = survey_schedule(D(2026, 1, 1), D(2026, 7, 31), D(2026, 1, 21), every_days=75)
    assert [(p.kind, p.opens_on) for p in points] == [
        (PULSE, D(2026, 2, 20)),
        (PULSE, D(2026, 5, 6)),
        (END, D(2026, 7, 24)),
    ]
    without_end = survey_schedule(
        D(2026, 1, 1), D(2026, 7, 31), D(2026, 1, 21), every_days=75, at_end=False
    )
    assert [p.opens_on for p in without_end][-1] == D(2026, 7, 20)


def test_the_schedule_is_configurable_and_starts_from_the_programme_without_matches():
    points = survey_schedule(
        D(2026, 1, 1), D(2026, 3, 1), None, first_after_days=14, every_days=14, at_end=False
    )
    assert [p.opens_on for p in points] == [
        D(2026, 1, 15),
        D(2026, 1, 29),
        D(2026, 2, 12),
        D(2026, 2, 26),
    ]
    assert all(p.kind == PULSE for p in points)


def test_a_schedule_with_no_end_date_stops_after_a_bounded_number_of_pulses():
    points = survey_schedule(D(2026, 1, 1), None, None, max_pulses=3)
    assert len(points) == 3 and all(p.kind == PULSE for p in points)


def test_a_schedule_with_nonsense_days_is_refused():
    with pytest.raises(InvalidInput):
        survey_schedule(D(2026, 1, 1), D(2026, 6, 1), None, every_days=0)


def _questions():
    return [
        SurveyQuestion(id=1, code="satisfaction", kind="scale5", text=""),
        SurveyQuestion(id=2, code="nps", kind="scale10", text=""),
        SurveyQuestion(id=3, code="free", kind="text", text=""),
    ]


def test_valid_answers_are_kept_and_an_empty_text_is_dropped():
    assert validate_answers(_questions(), {1: 5, 2: 0, 3: "  "}) == {1: 5, 2: 0}
    assert validate_answers(_questions(), {1: 1, 2: 10, 3: " Merci "}) == {1: 1, 2: 10, 3: "Merci"}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({1: 0, 2: 5}, "from 1 to 5"),
        ({1: 6, 2: 5}, "from 1 to 5"),
        ({1: 3, 2: 11}, "from 0 to 10"),
        ({1: 3, 2: -1}, "from 0 to 10"),
        ({1: 3.5, 2: 5}, "whole number"),
        ({1: True, 2: 5}, "whole number"),
        ({1: "4", 2: 5}, "whole number"),
        ({2: 5}, "Please answer"),
        ({1: 3, 2: 5, 99: 1}, "do not belong"),
        ({1: 3, 2: 5, 3: "x" * 2001}, "too long"),
    ],
)
def test_out_of_range_or_missing_answers_are_refused_with_a_clear_message(answers, message):
    with pytest.raises(InvalidInput, match=message):
        validate_answers(_questions(), answers)


def test_self_assessment_scores_must_cover_every_skill_from_1_to_5():
    good = dict.fromkeys(SKILLS, 3)
    assert validate_scores(good) == good
    with pytest.raises(InvalidInput, match="Please rate"):
        validate_scores({**good, "empathy": None})
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        validate_scores({**good, "empathy": 6})
    with pytest.raises(InvalidInput, match="Unknown skill"):
        validate_scores({**good, "charisma": 3})


def test_the_end_assessment_opens_three_weeks_before_the_end_and_the_baseline_closes_then():
    start, end = D(2026, 1, 1), D(2026, 6, 30)
    assert phase_due("baseline", D(2026, 1, 10), start, end, "running")
    assert not phase_due("end", D(2026, 1, 10), start, end, "running")
    assert not phase_due("end", D(2026, 6, 8), start, end, "running")
    assert phase_due("end", D(2026, 6, 9), start, end, "running")
    assert not phase_due("baseline", D(2026, 6, 9), start, end, "running")
    assert phase_due("end", D(2026, 7, 30), start, end, "closed")
    assert not phase_due("end", D(2026, 7, 31), start, end, "closed")
    assert not phase_due("baseline", D(2026, 1, 10), start, end, "draft")


def test_last_months_counts_back_over_the_new_year():
    assert last_months(D(2026, 2, 14), 4) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]


def test_a_fit_rating_of_one_or_two_is_a_poor_fit_and_nothing_else_is():
    assert [poor_fit(v) for v in (1, 2, 3, 4, 5)] == [True, True, False, False, False]
    assert not poor_fit(None) and not poor_fit("2")
