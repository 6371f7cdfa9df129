"""What a page gets from the insights: plain figures with why they are hidden, and their labels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from core.insights.pairs import (
    MISSED_TWICE,
    NEEDS_CHECKIN,
    NO_FIRST_MEETING,
    ON_TRACK,
    OVERDUE,
    TOO_EARLY,
)
from core.insights.scope import OTHERS
from core.kernel.i18n import N_, t
from core.kernel.privacy import DIFFERENCE, NOT_OFFERED, SMALL, Cell, emit
from core.surveys import self_assessment
from db.models import MeetingStatus

MATCH_RATE_TARGET = 0.70  # DESIGN.md, figures from the field
SURVEY_SCALES = ("satisfaction", "peer_help", "progress")  # 1–5 questions
NPS = "nps"


LABELS: dict[str, str] = {
    # series and buckets, translated at display with t(LABELS[code])
    "new": N_("New enrolments"),
    "enrolled": N_("Enrolled (total)"),
    MeetingStatus.HELD: N_("Held"),
    "cancelled": N_("Cancelled"),
    "moved": N_("Moved"),
    "missed": N_("Missed (no-show)"),
    MeetingStatus.PLANNED: N_("Planned, not marked yet"),
    TOO_EARLY: N_("Too early to tell"),
    NEEDS_CHECKIN: N_("Needs a check-in"),
    ON_TRACK: N_("On track"),
    NO_FIRST_MEETING: N_("No first meeting 14 days after the match"),
    OVERDUE: N_("Meeting overdue"),
    MISSED_TWICE: N_("Two meetings in a row cancelled, moved or missed"),
    "goals_set": N_("Goals set"),
    "goals_achieved": N_("Goals achieved"),
    "reflections": N_("Reflections written"),
    "feedback_given": N_("Feedback given"),
    "feedback_requested": N_("Feedback requested"),
    "satisfaction": N_("Satisfaction (1–5)"),
    "peer_help": N_("My peer gives me the help I need (1–5)"),
    "progress": N_("I am making progress on my goals (1–5)"),
    NPS: N_("Net Promoter Score"),
    "baseline": N_("At enrolment"),
    "end": N_("At the end"),
    "participants": N_("Participants"),
    "others": N_("Eligible non-participants"),
    "0": N_("No meeting held"),
    "1": N_("1 meeting held"),
    "2": N_("2 meetings held"),
    "3+": N_("3 or more (engaged)"),
    OTHERS: N_("Other departments"),
}


# Parts of a department's view that are not offered: pairs and circles can span
# departments, so their figures are not split by department (core.insights.pairs).
PAIR_SECTIONS = ("meetings", "health", "active_matches", "meetings_held")


# Week by week, one department is too fine to protect: a department's view has the
# period's totals, not the weekly charts (core.insights.series.weekly_series).
WEEKLY_SECTIONS = ("enrolment", "goals_weekly", "activity")
PAIRS_ONLY = "pairs"  # the reason of such a figure in a department's view


@dataclass(frozen=True)
class Filters:
    """What the coordinator picked. Dates are inclusive; None means no bound. A period
    counts whole weeks: it starts on the Monday of ``start``'s week."""

    programme_id: int | None = None
    department: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class Suppressible:
    """What every figure the small-group rule may hide carries: whether it is hidden, and
    why (core.kernel.privacy: small | difference | not_offered; or PAIRS_ONLY). Given by
    name, after the figure's own fields."""

    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Figure(Suppressible):
    """One headline number; ``value`` is None when hidden or not defined."""

    value: float | None


@dataclass(frozen=True)
class Point(Suppressible):
    """One mark of a chart: x (a week, a date or a code), a series code, a value."""

    x: dt.date | str
    series: str
    value: float | None


@dataclass(frozen=True)
class Rate(Suppressible):
    """numerator ÷ denominator, over ``label`` (a department, or "" for everyone)."""

    label: str
    numerator: int | None
    denominator: int | None
    value: float | None


@dataclass(frozen=True)
class MatchRate:
    overall: Rate
    by_department: tuple[Rate, ...]  # departments that can be filtered on, then the others
    active_matches: Figure
    target: float = MATCH_RATE_TARGET


@dataclass(frozen=True)
class Health:
    buckets: tuple[Point, ...]  # x = bucket code, value = number of active matches
    active_matches: Figure


@dataclass(frozen=True)
class CheckIn:
    """A pair or circle needing a check-in: names and dates only, never content."""

    match_id: int
    programme: str
    members: tuple[str, ...]
    started: dt.date
    last_meeting: dt.date | None
    next_meeting: dt.date | None
    reason: str


@dataclass(frozen=True)
class Engagement:
    distribution: tuple[Point, ...]  # x = "0", "1", "2", "3+" held meetings; value = people
    engaged: Rate  # engaged participants ÷ enrolled participants


@dataclass(frozen=True)
class Goals:
    weekly: tuple[Point, ...]  # series goals_set / goals_achieved
    set: Figure
    achieved: Figure
    completion: Rate  # goals set in the period that are achieved now


@dataclass(frozen=True)
class Surveys:
    questions: tuple[Point, ...]  # x = question code (satisfaction…), series "mean", 1–5
    nps_by_survey: tuple[Point, ...]  # x = the day a survey round opened, series "nps"
    nps: Figure  # over every answer of the rounds opened in the period
    answers: Figure  # number of answers to the NPS question


@dataclass(frozen=True)
class Kpi(Suppressible):
    programme_id: int
    programme: str
    metric: str
    label: str
    unit: str  # share | score | nps | count
    target: float
    actual: float | None
    met: bool | None


@dataclass(frozen=True)
class RetentionRow(Suppressible):
    programme_id: int
    programme: str
    months: int
    group: str  # participants | others
    horizon: dt.date
    people: int | None
    still_employed: float | None
    pending: bool = False  # the horizon is still in the future


@dataclass(frozen=True)
class Retention:
    rows: tuple[RetentionRow, ...]
    caveat: str


@dataclass(frozen=True)
class Headline:
    enrolled: Figure
    matched: Figure
    match_rate: Figure
    active_matches: Figure
    meetings_held: Figure
    engaged: Figure
    goals_achieved: Figure
    reflections: Figure
    nps: Figure


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    k: int
    headline: Headline
    enrolment: tuple[Point, ...]
    match_rate: MatchRate
    meetings: tuple[Point, ...]
    health: Health
    engagement: Engagement
    goals: Goals
    activity: tuple[Point, ...]
    surveys: Surveys
    skills: tuple[Point, ...]
    kpis: tuple[Kpi, ...]
    retention: Retention
    checkins: tuple[CheckIn, ...]
    not_offered: tuple[str, ...] = ()  # parts this view does not offer (PAIR_SECTIONS, "all")
    period: tuple[dt.date | None, dt.date] | None = None  # the weeks counted (Mondays)


@dataclass(frozen=True)
class ProgrammeOption:
    id: int
    name: str
    status: str
    start_date: dt.date | None
    enrolment_opens: dt.date | None
    created_by_id: int | None


@dataclass(frozen=True)
class DepartmentChoices:
    """Departments a view may be filtered on, and those withheld (with why: fewer
    than k participants, or too few left for the rest)."""

    offered: tuple[str, ...]
    withheld: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """What the filters offer: programmes (newest first), departments, and the
    departments each programme (None: every running one) offers as a filter."""

    programmes: tuple[ProgrammeOption, ...]
    departments: tuple[str, ...]
    offered: Mapping[int | None, DepartmentChoices]


def figure_of(where: str, cell: Cell | None) -> Figure:
    if cell is None:
        return Figure(0)
    emit(where, cell)
    return Figure(None, suppressed=True, reason=cell.hidden) if cell.hidden else Figure(cell.n)


def point_of(where: str, x: dt.date | str, series: str, cell: Cell | None) -> Point:
    if cell is None:
        return Point(x, series, 0)
    emit(where, cell)
    return (
        Point(x, series, None, suppressed=True, reason=cell.hidden)
        if cell.hidden
        else Point(x, series, cell.n)
    )


def rate_of(where: str, label: str, num: Cell | None, den: Cell | None) -> Rate:
    """A share, shown when its numerator and its denominator are (the rest, den − num,
    is protected in the table)."""
    if den is None or den.empty:
        return Rate(label, 0, 0, None)
    emit(where, den)
    if num is not None:
        emit(where, num)
    reason = den.hidden or (num.hidden if num is not None else "")
    if reason:
        return Rate(label, None, None, None, suppressed=True, reason=reason)
    n = num.n if num is not None else 0
    return Rate(label, n, den.n, n / den.n)


def pairs_only() -> Figure:
    return Figure(None, suppressed=True, reason=PAIRS_ONLY)


def cell_mean(cell: Cell, i: int = 0) -> float | None:
    return cell.bag.totals[i] / cell.n if cell.n and len(cell.bag.totals) > i else None


def label(code: str) -> str:
    """The reader's words for a series, bucket, reason or mentor-skill code."""
    return t(LABELS[code]) if code in LABELS else self_assessment.skill_label(code)


def hidden_text(k: int, reason: str = SMALL) -> str:
    """Why a figure is hidden, in the reader's words (core.kernel.privacy reasons)."""
    if reason == DIFFERENCE:
        return t("hidden: it would reveal a group of fewer than {k} people by subtraction", k=k)
    if reason == NOT_OFFERED:
        return t("not shown for one department (it would reveal a small group)")
    if reason == PAIRS_ONLY:
        return t("shown for all departments only (pairs can span departments)")
    return t("fewer than {k} people", k=k)


def hidden_label(k: int, reason: str = SMALL) -> str:
    """The short words drawn on a chart for a hidden figure (the tooltip says it all)."""
    if reason == DIFFERENCE:
        return t("hidden: would reveal a small group")
    if reason in (NOT_OFFERED, PAIRS_ONLY):
        return t("not shown here")
    return t("fewer than {k} people", k=k)
