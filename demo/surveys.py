"""Demo surveys on the running programme: three pulse rounds with enough answers that the
results, NPS over time and free text show; one open survey camille has not answered;
scheduled surveys ahead; pairing-fit checks with one poor fit flagged; mentor-skills
baselines (given at enrolment) and some end assessments so that the growth shows.

The answers are drawn first (:func:`draw_story`, before anyone enrols: the baselines
are part of the enrolment form), then told through the services (:func:`seed_surveys`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from core.relationship import fit
from core.surveys import answering, questions
from core.surveys import rounds as survey_rounds
from core.surveys.questions import (
    CUSTOM_SCALE,
    FIT,
    FIT_QUESTIONS,
    PULSE,
    SCALE5,
    STANDARD_QUESTIONS,
)
from core.surveys.self_assessment import END, SKILLS
from db.models import (
    Concern,
    ConcernStatus,
    Enrolment,
    Match,
    Meeting,
    MeetingStatus,
    Person,
    SelfAssessment,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)
from demo.context import DemoContext

COMMENTS = (
    "Meeting every two weeks is just right.",
    "Hard to find time in busy weeks, but worth it.",
    "I would like more suggested topics for the first meetings.",
    "My peer listens well and asks good questions.",
    "Les échanges sont très riches, merci pour ce programme.",
    "Un guide pour la première rencontre serait utile.",
    "More structure at the start would help.",
    "J’ai enfin osé prendre la parole en réunion.",
    "The journal prompts make me think after each meeting.",
    "Nous avons du mal à caler des créneaux.",
    "Talking to someone outside my team changes my perspective.",
    "We set clearer goals after the second meeting.",
    "J’aimerais des exemples d’objectifs pour démarrer.",
    "A reminder before each meeting would help.",
    "Our meetings are the most useful hour of my fortnight.",
    "Le partage d’expériences m’aide à prendre du recul.",
    "The feedback form is easy to use.",
    "Sometimes we run out of topics.",
    "Très bonne initiative, à renouveler.",
    "I feel more confident presenting to my team.",
    "Could circles of three be an option next time?",
    "Les rencontres en visio fonctionnent bien pour nous.",
)
CUSTOM_QUESTION = "The kick-off session helped me start well."
DAY = dt.timedelta(days=1)


@dataclass
class Answer:
    person_id: int
    when: dt.datetime
    values: dict[str, int | str]  # question code → answer


@dataclass
class Round:
    title: str
    opens: dt.datetime
    closes: dt.datetime
    custom: bool  # open now: it has a question of the coordinator's own
    answers: list[Answer] = field(default_factory=list)


@dataclass
class Story:
    """Every answer of the demo's surveys, drawn before anyone enrols."""

    rounds: list[Round]
    ahead: list[tuple[str, str, dt.date]]  # planned surveys: kind, title, opening day
    fit: list[tuple[int, dt.datetime, list[tuple[int, int]]]]  # match, when, (person, 1–5)
    baselines: dict[int, dict[str, int]]  # person → mentor skill → 1–5, given at enrolment
    ends: dict[int, dict[str, int]]  # person → end scores, for the first ten


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def draw_story(ctx: DemoContext, cohort: list[Person]) -> Story:
    """Draw the answers of ``cohort`` (the running programme's 32, in enrolment order)."""
    rng, now = ctx.rng, ctx.now
    camille_hugo = (ctx.camille.id, ctx.hugo.id)
    others = sorted((p for p in cohort if p.id not in camille_hugo), key=lambda p: p.id)
    # Each person's general mood, so that their answers hang together across rounds.
    mood = {p.id: rng.uniform(5.5, 9.8) for p in others}

    # The query leaves NULL out; the test only narrows the type.
    matched = [
        at
        for at in ctx.s.scalars(
            select(Match.started_at).where(
                Match.programme_id == ctx.programme.id, Match.started_at.is_not(None)
            )
        )
        if at is not None
    ]
    plan = []
    if ctx.programme.start_date is not None:
        plan = survey_rounds.survey_schedule(
            ctx.programme.start_date,
            ctx.programme.end_date,
            min(matched).date() if matched else None,
        )
    # The round open now is the schedule's first pulse when its window covers today,
    # so that the coordinator's plan shows it as created.
    open_title, open_from, open_until = "Pulse survey — month 1", now - 2 * DAY, now + 12 * DAY
    first = next((p for p in plan if p.kind == PULSE), None)
    if first and first.opens_on <= now.date() <= first.closes_on:
        open_title = f"Pulse survey {first.number}"
        open_from = dt.datetime.combine(first.opens_on, dt.time.min)
        open_until = dt.datetime.combine(first.closes_on + DAY, dt.time.min)
    comments = list(COMMENTS)
    rng.shuffle(comments)
    # Two closed rounds and one open now; the mood improves a little each round.
    rounds = []
    for title, opens, closes, count, lift in (
        ("Kick-off pulse", now - 28 * DAY, now - 15 * DAY, 24, 0.0),
        ("Check-in after the first meetings", now - 12 * DAY, now - DAY, 22, 0.5),
        (open_title, open_from, open_until, 9, 0.9),
    ):
        questions = list(STANDARD_QUESTIONS)
        if closes > now:
            questions.append((CUSTOM_SCALE, SCALE5, CUSTOM_QUESTION))
        this = Round(title, opens, closes, custom=closes > now)
        last = min(closes, now)
        for person in rng.sample(others, min(count, len(others))):
            when = opens + (last - opens) * rng.random()
            # Each comment is written once, across all rounds.
            comment = comments.pop() if comments and rng.random() < 0.5 else None
            feeling = mood[person.id] + lift  # around 0–10, drives every scale a little noisily
            values: dict[str, int | str] = {}
            for code, kind, _text in questions:
                if code == "nps":
                    values[code] = _clamp(feeling + rng.gauss(0, 1.0), 0, 10)
                elif kind == SCALE5:
                    values[code] = _clamp(feeling / 2 + rng.gauss(0, 0.7), 1, 5)
                elif code == "free" and comment:
                    values[code] = comment
            this.answers.append(Answer(person.id, when, values))
        rounds.append(this)

    # What the schedule plans after today is created ahead (custom questions can be added).
    ahead = [
        (
            point.kind,
            f"Pulse survey {point.number}" if point.kind == PULSE else "End-of-programme survey",
            point.opens_on,
        )
        for point in plan
        if point.opens_on > now.date()
    ]

    # Fit checks of the other pairs; one pair rated a poor fit and is flagged.
    fits = []
    for n, match in enumerate(ctx.other_pairs()[:8]):
        opened = min((match.started_at or now) + 8 * DAY, now - dt.timedelta(hours=2))
        scores = [
            (m.person_id, 2 if n == 3 and m is match.members[0] else rng.choice([3, 4, 4, 5, 5]))
            for m in match.members
        ]
        fits.append((match.id, opened, scores))

    # Baselines at enrolment; the end assessment for some, a little higher.
    baselines: dict[int, dict[str, int]] = {}
    ends: dict[int, dict[str, int]] = {}
    for person in cohort:
        baselines[person.id] = {skill: rng.choice([2, 2, 3, 3, 3, 4, 4, 5]) for skill in SKILLS}
        if len(ends) < 10 and person.id not in camille_hugo:
            ends[person.id] = {
                skill: min(baselines[person.id][skill] + rng.choice([0, 0, 1, 1, 1, 2]), 5)
                for skill in SKILLS
            }
    return Story(rounds, ahead, fits, baselines, ends)


def seed_surveys(ctx: DemoContext, story: Story) -> None:
    """The rounds and their answers, the planned surveys, the fit checks, the end scores."""
    coord, pid = ctx.coordinator, ctx.programme.id
    for rnd in story.rounds:
        ctx.at(rnd.opens - 3 * DAY)
        # A survey closes at the midnight after its last day.
        survey = survey_rounds.create_survey(
            ctx.sf,
            coord,
            pid,
            title=rnd.title,
            opens_on=rnd.opens.date(),
            closes_on=(rnd.closes - dt.timedelta(microseconds=1)).date(),
        )
        if rnd.custom:
            survey_rounds.add_custom_question(
                ctx.sf, coord, survey.id, kind="scale", text=CUSTOM_QUESTION
            )
        ids = {q.code: q.id for q in survey.questions}
        for answer in rnd.answers:
            ctx.at(answer.when)
            answering.answer_survey(
                ctx.sf,
                ctx.as_(answer.person_id),
                survey.id,
                {ids[code]: value for code, value in answer.values.items()},
            )
    ctx.at(ctx.now)
    for kind, title, opens_on in story.ahead:
        survey_rounds.create_survey(
            ctx.sf,
            coord,
            pid,
            title=title,
            opens_on=opens_on,
            closes_on=opens_on + 13 * DAY,
            kind=kind,
        )
    for match_id, opened, scores in story.fit:
        _fit_check(ctx, match_id, opened, scores)
    _end_assessments(ctx, story.ends)


def _fit_check(
    ctx: DemoContext, match_id: int, opened: dt.datetime, scores: list[tuple[int, int]]
) -> None:
    """Each member rates the pair's fit an hour after the check opened.

    A pair that never met cannot rate its fit through the service (it asks after the
    first held meeting); two of the demo's pairs have no meeting yet still answered,
    so their check is written as rows.
    """
    answered = opened + dt.timedelta(hours=1)
    held = select(Meeting.id).where(
        Meeting.match_id == match_id, Meeting.status == MeetingStatus.HELD
    )
    if ctx.s.scalar(held.limit(1)) is not None:
        ctx.at(answered)
        for person_id, score in scores:
            fit.answer_fit(ctx.sf, ctx.as_(person_id), match_id, score)
        return
    match = ctx.s.get_one(Match, match_id)
    survey = Survey(
        programme_id=match.programme_id,
        match_id=match.id,
        kind=FIT,
        title="Pairing fit",
        opens_at=opened,
        created_at=opened,
        questions=questions.new_questions(FIT_QUESTIONS),
    )
    ctx.s.add(survey)
    ctx.s.flush()
    fit_q = next(q for q in survey.questions if q.code == "fit")
    for person_id, score in scores:
        response = SurveyResponse(
            survey_id=survey.id,
            person_id=person_id,
            department=ctx.s.get_one(Person, person_id).department,
            submitted_at=answered,
        )
        ctx.s.add(response)
        ctx.s.flush()
        ctx.s.add(SurveyAnswer(response_id=response.id, question_id=fit_q.id, value_int=score))
        if score <= 2:
            ctx.s.add(
                Concern(
                    programme_id=match.programme_id,
                    match_id=match.id,
                    raised_by_id=None,
                    kind="fit",
                    body="",
                    status=ConcernStatus.OPEN,
                    created_at=answered,
                )
            )


def _end_assessments(ctx: DemoContext, ends: dict[int, dict[str, int]]) -> None:
    """Ten people already rated themselves at the end (rows: the service asks for the end
    assessment only in the programme's last weeks; the demo shows growth mid-programme)."""
    for person_id, scores in ends.items():
        enrolment = ctx.s.scalars(
            select(Enrolment).where(
                Enrolment.programme_id == ctx.programme.id, Enrolment.person_id == person_id
            )
        ).one()
        ctx.s.add_all(
            SelfAssessment(
                enrolment_id=enrolment.id, phase=END, skill=skill, score=score, at=ctx.now - DAY
            )
            for skill, score in scores.items()
        )
    ctx.s.flush()
