"""Demo surveys on the running programme: three pulse rounds with enough answers that the
results, NPS over time and free text show; one open survey camille has not answered;
scheduled surveys ahead; pairing-fit checks with one poor fit flagged; mentor-skills
baselines and some end assessments so that the growth shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.surveys.self_assessment import BASELINE, END, SKILLS
from core.surveys.surveys import (
    CUSTOM_SCALE,
    FIT,
    FIT_QUESTIONS,
    PULSE,
    SCALE5,
    STANDARD_QUESTIONS,
    new_questions,
    survey_schedule,
)
from db.models import (
    Concern,
    Enrolment,
    Match,
    Person,
    SelfAssessment,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from demo.company import DemoContext

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


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _answer(
    s: Session,
    ctx: DemoContext,
    survey: Survey,
    person: Person,
    mood: float,
    when: dt.datetime,
    comment: str | None,
) -> None:
    """One response: ``mood`` around 0–10 drives every scale a little noisily."""
    rng = ctx.rng
    response = SurveyResponse(
        survey_id=survey.id, person_id=person.id, department=person.department, submitted_at=when
    )
    s.add(response)
    s.flush()
    for q in survey.questions:
        value: int | None = None
        text = None
        if q.code == "nps":
            value = _clamp(mood + rng.gauss(0, 1.0), 0, 10)
        elif q.kind == SCALE5:
            value = _clamp(mood / 2 + rng.gauss(0, 0.7), 1, 5)
        elif q.code == "free" and comment:
            text = comment
        if value is not None or text:
            s.add(
                SurveyAnswer(
                    response_id=response.id, question_id=q.id, value_int=value, value_text=text
                )
            )


def _survey(
    s: Session,
    ctx: DemoContext,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None,
    kind: str = PULSE,
) -> Survey:
    survey = Survey(
        programme_id=ctx.programme.id,
        kind=kind,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=opens_at - dt.timedelta(days=3),
        questions=new_questions(STANDARD_QUESTIONS),
    )
    s.add(survey)
    s.flush()
    return survey


def seed_surveys(s: Session, ctx: DemoContext) -> None:
    rng, now = ctx.rng, ctx.now
    day = dt.timedelta(days=1)
    enrolled = s.scalars(
        select(Person)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.programme_id == ctx.programme.id, Enrolment.status == "enrolled")
        .order_by(Person.id)
    ).all()
    others = [p for p in enrolled if p.id not in (ctx.camille.id, ctx.hugo.id)]
    # Each person's general mood, so that their answers hang together across rounds.
    mood = {p.id: rng.uniform(5.5, 9.8) for p in others}

    # The query leaves NULL out; the test only narrows the type.
    matched = [
        at
        for at in s.scalars(
            select(Match.started_at).where(
                Match.programme_id == ctx.programme.id, Match.started_at.is_not(None)
            )
        )
        if at is not None
    ]
    plan = []
    if ctx.programme.start_date is not None:
        plan = survey_schedule(
            ctx.programme.start_date,
            ctx.programme.end_date,
            min(matched).date() if matched else None,
        )
    # The round open now is the schedule's first pulse when its window covers today,
    # so that the coordinator's plan shows it as created.
    open_title, open_from, open_until = "Pulse survey — month 1", now - 2 * day, now + 12 * day
    first = next((p for p in plan if p.kind == PULSE), None)
    if first and first.opens_on <= now.date() <= first.closes_on:
        open_title = f"Pulse survey {first.number}"
        open_from = dt.datetime.combine(first.opens_on, dt.time.min)
        open_until = dt.datetime.combine(first.closes_on + day, dt.time.min)
    comments = list(COMMENTS)
    rng.shuffle(comments)
    # Two closed rounds and one open now; the mood improves a little each round.
    rounds = (
        ("Kick-off pulse", now - 28 * day, now - 15 * day, 24, 0.0),
        ("Check-in after the first meetings", now - 12 * day, now - day, 22, 0.5),
        (open_title, open_from, open_until, 9, 0.9),
    )
    for title, opens, closes, count, lift in rounds:
        survey = _survey(s, ctx, title, opens, closes)
        if closes > now:
            survey.questions.append(
                SurveyQuestion(
                    position=len(survey.questions),
                    code=CUSTOM_SCALE,
                    kind=SCALE5,
                    text="The kick-off session helped me start well.",
                )
            )
            s.flush()
        respondents = rng.sample(others, min(count, len(others)))
        last = min(closes, now)
        for person in respondents:
            when = opens + (last - opens) * rng.random()
            # Each comment is written once, across all rounds.
            comment = comments.pop() if comments and rng.random() < 0.5 else None
            _answer(s, ctx, survey, person, mood[person.id] + lift, when, comment)

    # What the schedule plans after today is created ahead (custom questions can be added).
    for point in plan:
        if point.opens_on <= now.date():
            continue
        opens = dt.datetime.combine(point.opens_on, dt.time.min)
        title = f"Pulse survey {point.number}" if point.kind == PULSE else "End-of-programme survey"
        _survey(s, ctx, title, opens, opens + dt.timedelta(days=14), kind=point.kind)

    _seed_fit(s, ctx)
    _seed_self_assessments(s, ctx, enrolled)


def _seed_fit(s: Session, ctx: DemoContext) -> None:
    """Fit checks of the other pairs; one pair rated a poor fit and is flagged."""
    rng = ctx.rng
    pairs = s.scalars(
        select(Match)
        .where(
            Match.programme_id == ctx.programme.id,
            Match.status == "active",
            Match.id != ctx.pair.id,
        )
        .order_by(Match.id)
    ).all()
    for n, match in enumerate(pairs[:8]):
        start = match.started_at or ctx.now
        opened = min(start + dt.timedelta(days=8), ctx.now - dt.timedelta(hours=2))
        survey = Survey(
            programme_id=match.programme_id,
            match_id=match.id,
            kind=FIT,
            title="Pairing fit",
            opens_at=opened,
            created_at=opened,
            questions=new_questions(FIT_QUESTIONS),
        )
        s.add(survey)
        s.flush()
        fit_q = next(q for q in survey.questions if q.code == "fit")
        poor = n == 3
        for member in match.members:
            response = SurveyResponse(
                survey_id=survey.id,
                person_id=member.person_id,
                department=s.get_one(Person, member.person_id).department,
                submitted_at=opened + dt.timedelta(hours=1),
            )
            s.add(response)
            s.flush()
            score = 2 if poor and member is match.members[0] else rng.choice([3, 4, 4, 5, 5])
            s.add(SurveyAnswer(response_id=response.id, question_id=fit_q.id, value_int=score))
        if poor:
            s.add(
                Concern(
                    programme_id=match.programme_id,
                    match_id=match.id,
                    raised_by_id=None,
                    kind="fit",
                    body="",
                    status="open",
                    created_at=opened + dt.timedelta(hours=1),
                )
            )


def _seed_self_assessments(s: Session, ctx: DemoContext, enrolled: Sequence[Person]) -> None:
    """Baselines where enrolment left none; the end assessment for some, a little higher."""
    rng = ctx.rng
    enrolments = s.scalars(
        select(Enrolment).where(
            Enrolment.programme_id == ctx.programme.id, Enrolment.status == "enrolled"
        )
    ).all()
    have = set(
        s.scalars(
            select(SelfAssessment.enrolment_id).where(
                SelfAssessment.enrolment_id.in_([e.id for e in enrolments]),
                SelfAssessment.phase == BASELINE,
            )
        )
    )
    finishers = 0
    for e in enrolments:
        baseline: dict[str, int] = {}
        if e.id not in have:
            for skill in SKILLS:
                baseline[skill] = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
                s.add(
                    SelfAssessment(
                        enrolment_id=e.id,
                        phase=BASELINE,
                        skill=skill,
                        score=baseline[skill],
                        at=e.created_at,
                    )
                )
        # Some people already answered the end assessment (so the growth chart shows).
        if baseline and finishers < 10 and e.person_id not in (ctx.camille.id, ctx.hugo.id):
            finishers += 1
            for skill in SKILLS:
                grown = baseline[skill] + rng.choice([0, 0, 1, 1, 1, 2])
                s.add(
                    SelfAssessment(
                        enrolment_id=e.id,
                        phase=END,
                        skill=skill,
                        score=min(grown, 5),
                        at=ctx.now - dt.timedelta(days=1),
                    )
                )
    s.flush()
