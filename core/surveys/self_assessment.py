"""Mentor-skills self-assessment: a baseline at enrolment, asked again at the end.

Each participant rates seven mentor skills from 1 to 5. The programme result is
the growth per skill: mean end score − mean baseline score, over the people who
answered both, hidden when fewer than k people did (DESIGN.md, k-suppression).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.kernel.i18n import N_, t
from core.kernel.tx import reading
from core.programmes.answers import MENTOR_SKILLS
from db.models import Enrolment, EnrolmentStatus, Programme, ProgrammeStatus, SelfAssessment

BASELINE, END = "baseline", "end"
# The seven mentor skills are the programme's (core.programmes.answers), asked in this order.
SKILL_LABELS: dict[str, str] = MENTOR_SKILLS
SKILLS: tuple[str, ...] = tuple(MENTOR_SKILLS)
# The end assessment opens this many days before the programme ends, and stays
# open this long after, so that people who finish late can still answer.
END_OPENS_DAYS_BEFORE = 21
END_CLOSES_DAYS_AFTER = 30
ALREADY_DONE = N_("You have already completed this self-assessment.")


def skill_label(code: str) -> str:
    """A mentor skill's name in the reader's language (an unknown code as it is)."""
    return t(SKILL_LABELS[code]) if code in SKILL_LABELS else code


@dataclass(frozen=True)
class AssessmentDue:
    programme_id: int
    programme: str
    phase: str  # end (the baseline is asked at enrolment)
    end_date: dt.date | None


def phase_due(
    phase: str, today: dt.date, start: dt.date | None, end: dt.date | None, status: str
) -> bool:
    """Is the ``phase`` assessment asked today, for a programme with these dates?"""
    if status == ProgrammeStatus.DRAFT:
        return False
    in_end_window = end is not None and (
        end - dt.timedelta(days=END_OPENS_DAYS_BEFORE)
        <= today
        <= end + dt.timedelta(days=END_CLOSES_DAYS_AFTER)
    )
    if phase == END:
        return in_end_window
    # The baseline belongs to the start; it is no longer asked once the end nears.
    before_end_window = end is None or today < end - dt.timedelta(days=END_OPENS_DAYS_BEFORE)
    return before_end_window and status != ProgrammeStatus.CLOSED


def ends_due(s: Session, person_id: int, today: dt.date) -> list[AssessmentDue]:
    """The end-of-programme re-assessments the person is asked for on ``today`` (never
    commits: for a service that counts them with other things)."""
    rows = s.execute(
        select(Enrolment.id, Programme)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .where(Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Programme.start_date.desc().nulls_last(), Programme.id)
    ).all()
    done = {
        (eid, phase)
        for eid, phase in s.execute(
            select(SelfAssessment.enrolment_id, SelfAssessment.phase)
            .where(SelfAssessment.enrolment_id.in_([eid for eid, _p in rows]))
            .distinct()
        )
    }
    return [
        AssessmentDue(p.id, p.name, END, p.end_date)
        for eid, p in rows
        if (eid, END) not in done and phase_due(END, today, p.start_date, p.end_date, p.status)
    ]


def assessments_due(sf: sessionmaker[Session], viewer: Viewer) -> list[AssessmentDue]:
    """The end-of-programme re-assessments I am asked for now (the baseline belongs to
    the enrolment form, core.programmes.enrolment)."""
    today = clock.today()
    with reading(sf) as s:
        return ends_due(s, viewer.person_id, today)


def validate_scores(scores: Mapping[str, object]) -> dict[str, int]:
    """The seven scores to store, skill → 1–5; every skill must be rated."""
    unknown = set(scores) - set(SKILLS)
    if unknown:
        raise InvalidInput(t("Unknown skill: {skill}", skill=", ".join(sorted(unknown))))
    clean = {}
    for skill in SKILLS:
        value = scores.get(skill)
        if value is None:
            raise InvalidInput(t("Please rate “{skill}”.", skill=skill_label(skill)))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise InvalidInput(
                t("“{skill}”: choose a whole number from 1 to 5.", skill=skill_label(skill))
            )
        clean[skill] = value
    return clean


def record_self_assessment(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    phase: str,
    scores: Mapping[str, object],
) -> None:
    """Save my seven mentor-skill ratings (1–5) for the baseline or the end, once."""
    if phase not in (BASELINE, END):
        raise InvalidInput(t("Unknown phase of the self-assessment."))
    clean = validate_scores(scores)
    with sf.begin() as s:
        row = s.execute(
            select(Enrolment.id, Programme)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .where(
                Enrolment.programme_id == programme_id,
                Enrolment.person_id == viewer.person_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        ).first()
        if row is None:
            raise NotAllowed(t("You are not enrolled in this programme."))
        enrolment_id, programme = row
        if _has_phase(s, enrolment_id, phase):
            raise Conflict(t(ALREADY_DONE))
        if not phase_due(
            phase, clock.today(), programme.start_date, programme.end_date, programme.status
        ):
            raise InvalidInput(t("This self-assessment is not open now."))
        now = clock.now()
        try:
            with s.begin_nested():  # a double submit: the unique key refuses the second
                s.add_all(
                    SelfAssessment(enrolment_id=enrolment_id, phase=phase, skill=k, score=v, at=now)
                    for k, v in clean.items()
                )
                s.flush()
        except IntegrityError:
            raise Conflict(t(ALREADY_DONE)) from None


def _has_phase(s: Session, enrolment_id: int, phase: str) -> bool:
    return (
        s.scalar(
            select(SelfAssessment.id)
            .where(SelfAssessment.enrolment_id == enrolment_id, SelfAssessment.phase == phase)
            .limit(1)
        )
        is not None
    )


@dataclass(frozen=True)
class MySkill:
    skill: str
    label: str
    baseline: int | None
    end: int | None


@dataclass(frozen=True)
class MySkills:
    """My latest programme with a self-assessment, my scores, and where its re-assessment stands."""

    programme: str | None
    skills: tuple[MySkill, ...]
    end_state: str = ""  # END_LATER, END_DUE, END_CLOSED ("" when there is no programme)
    end_opens: dt.date | None = None  # when the re-assessment is first asked (END_LATER)


END_LATER, END_DUE, END_CLOSED = "later", "due", "closed"


def end_state(
    today: dt.date, end: dt.date | None, status: str, done: bool
) -> tuple[str, dt.date | None]:
    """Where the end-of-programme re-assessment stands for me: asked later (from when),
    due now, or over (filled in, or its window closed)."""
    if done:
        return END_CLOSED, None
    if phase_due(END, today, None, end, status):
        return END_DUE, None
    if end is None:
        return END_LATER, None
    opens = end - dt.timedelta(days=END_OPENS_DAYS_BEFORE)
    if today < opens and status != ProgrammeStatus.CLOSED:
        return END_LATER, opens
    return END_CLOSED, None


def my_skills(s: Session, person_id: int, today: dt.date) -> MySkills:
    """My latest programme with a self-assessment: its name, my scores and where the
    end-of-programme re-assessment stands (never commits)."""
    row = s.execute(
        select(Enrolment.id, Programme.name, Programme.end_date, Programme.status)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(SelfAssessment, SelfAssessment.enrolment_id == Enrolment.id)
        .where(Enrolment.person_id == person_id)
        .order_by(Programme.start_date.desc().nulls_last(), Enrolment.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return MySkills(None, ())
    enrolment_id, name, end, status = row
    scores = {
        (phase, skill): score
        for phase, skill, score in s.execute(
            select(SelfAssessment.phase, SelfAssessment.skill, SelfAssessment.score).where(
                SelfAssessment.enrolment_id == enrolment_id
            )
        )
    }
    state, opens = end_state(today, end, status, any(p == END for p, _k in scores))
    return MySkills(
        name,
        tuple(
            MySkill(k, skill_label(k), scores.get((BASELINE, k)), scores.get((END, k)))
            for k in SKILLS
        ),
        state,
        opens,
    )
