"""My progress: what I achieved in peer mentoring, for my eyes only.

Counts of my own goals, meetings and reflections, reflections per month, and my
mentor-skills self-assessment at the start and at the end. Everything is read for
the viewer's own person id; nothing here takes another person's id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.tx import reading
from core.matching.mine import match_ids_of
from core.relationship.fit import fit_checks_due
from core.surveys.answering import open_surveys_for
from core.surveys.self_assessment import MySkill, assessments_due, my_skills
from db.models import (
    Goal,
    GoalStatus,
    JournalEntry,
    JournalStatus,
    Meeting,
    MeetingStatus,
)


@dataclass(frozen=True)
class MonthCount:
    month: dt.date  # first day of the month
    count: int


@dataclass(frozen=True)
class MyProgress:
    goals: int
    goals_achieved: int
    meetings_held: int
    reflections: int  # journal entries finished (status 'final')
    reflections_by_month: tuple[MonthCount, ...]  # the last months, oldest first, zeros included
    skills_programme: str | None
    skills: tuple[MySkill, ...]
    skills_end_state: str = ""  # where the re-assessment stands (core.surveys.self_assessment)
    skills_end_opens: dt.date | None = None

    @property
    def has_activity(self) -> bool:
        return bool(self.goals or self.meetings_held or self.reflections or self.skills)


def last_months(today: dt.date, months: int) -> list[dt.date]:
    """First days of the ``months`` months ending with this one, oldest first."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


def _reflections_by_month(s: Session, person_id: int, months: list[dt.date]) -> list[MonthCount]:
    since = dt.datetime.combine(months[0], dt.time.min)
    year = extract("year", JournalEntry.created_at)
    month = extract("month", JournalEntry.created_at)
    counts = {
        dt.date(int(y), int(m), 1): n
        for y, m, n in s.execute(
            select(year, month, func.count())
            .where(
                JournalEntry.author_id == person_id,
                JournalEntry.status == JournalStatus.FINAL,
                JournalEntry.created_at >= since,
            )
            .group_by(year, month)
        )
    }
    return [MonthCount(m, counts.get(m, 0)) for m in months]


def my_progress(sf: sessionmaker[Session], viewer: Viewer, months: int = 6) -> MyProgress:
    """My goals achieved, meetings held, reflections over time and mentor-skills growth."""
    me = viewer.person_id
    with reading(sf) as s:
        goals, achieved = s.execute(
            select(
                func.count(Goal.id),
                func.count(Goal.id).filter(
                    or_(Goal.achieved_at.is_not(None), Goal.status == GoalStatus.ACHIEVED)
                ),
            ).where(Goal.owner_id == me)
        ).one()
        # Meetings of my matches (IN, not a join: SQLite then reads the meetings by match
        # and status, not every held meeting of the company).
        my_matches = match_ids_of(me)
        held = (
            s.scalar(
                select(func.count(Meeting.id)).where(
                    Meeting.match_id.in_(my_matches),
                    Meeting.status == MeetingStatus.HELD,
                    Meeting.scheduled_at <= clock.now(),
                )
            )
            or 0
        )
        reflections = (
            s.scalar(
                select(func.count(JournalEntry.id)).where(
                    JournalEntry.author_id == me, JournalEntry.status == JournalStatus.FINAL
                )
            )
            or 0
        )
        by_month = _reflections_by_month(s, me, last_months(clock.today(), months))
        mine = my_skills(s, me, clock.today())
        return MyProgress(
            goals=goals or 0,
            goals_achieved=achieved or 0,
            meetings_held=held,
            reflections=reflections,
            reflections_by_month=tuple(by_month),
            skills_programme=mine.programme,
            skills=mine.skills,
            skills_end_state=mine.end_state,
            skills_end_opens=mine.end_opens,
        )


@dataclass(frozen=True)
class SurveyTodo:
    surveys: int  # open pulse or end surveys
    fit_checks: int
    reassessments: int

    @property
    def total(self) -> int:
        return self.surveys + self.fit_checks + self.reassessments


def survey_todo(sf: sessionmaker[Session], viewer: Viewer) -> SurveyTodo:
    """How many surveys, fit checks and self-assessments wait for my answer (for Home)."""
    return SurveyTodo(
        len(open_surveys_for(sf, viewer)),
        len(fit_checks_due(sf, viewer)),
        len(assessments_due(sf, viewer)),
    )
