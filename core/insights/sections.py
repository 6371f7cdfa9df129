"""The dashboard's sections, each read from the protected cells of one view."""

from __future__ import annotations

import datetime as dt
from functools import partial

from core.insights.activity import ACTIVITY_SERIES
from core.insights.checkins import by_urgency, in_department, with_next_meetings
from core.insights.enrolment import ENGAGEMENT_BUCKETS
from core.insights.figures import (
    PAIRS_ONLY,
    CheckIn,
    Engagement,
    Figure,
    Goals,
    Health,
    MatchRate,
    Point,
    Rate,
    Retention,
    RetentionRow,
    cell_mean,
    figure_of,
    pairs_only,
    point_of,
    rate_of,
)
from core.insights.pairs import HEALTH_BUCKETS, MEETING_SERIES
from core.insights.retention import RETENTION_GROUPS
from core.insights.scope import ALL, OTHERS
from core.insights.series import Series
from core.insights.view import Family, View
from core.kernel.i18n import t
from core.kernel.privacy import NOT_OFFERED, emit


def _activity_series(fam: Family, name: str) -> Series:
    return fam.activity.series[name]


def retention_caveat() -> str:
    return t(
        "This is a comparison, not a proof: people who choose to join a programme may differ "
        "from those who do not (motivation, manager support, career plans), so a gap does not "
        "show that the programme caused it."
    )


def enrolment(v: View) -> tuple[Point, ...]:
    if not v.offered:
        return ()
    points = list(v.series_points([("new", lambda fam: fam.enrol.new)]))
    if v.row != ALL or not all(fam.enrol.cumulative for fam in v.fams):
        # No cumulative line for a department, nor when a week has a small group of
        # newcomers or leavers (core.insights.enrolment.enrol_table): it would show the jump.
        return tuple(points)
    out = []
    for p in points:
        out.append(p)
        week = p.x
        assert isinstance(week, dt.date)
        cell = v.comp([fam.enrol.cumulative.get(week) for fam in v.fams], "enrolled", str(week))
        out.append(
            point_of(v.where, week, "enrolled", cell) if cell else Point(week, "enrolled", 0)
        )
    return tuple(out)


def match_rate(v: View) -> MatchRate:
    active = active_matches(v)
    if not v.offered:
        hidden = Rate("", None, None, None, suppressed=True, reason=NOT_OFFERED)
        return MatchRate(hidden, (), active)
    overall = rate_of(v.where, "", v.matched_cell, v.enrolled_cell)
    rows: list[Rate] = []
    if v.row == ALL:
        labels = sorted({d for fam in v.families for d in fam.scope.offered})
        for dept in (*labels, OTHERS):
            num = v.comp([fam.enrol.matched.get(dept) for fam in v.fams], "matched", dept)
            den = v.comp([fam.enrol.enrolled.get(dept) for fam in v.fams], "enrolled_now", dept)
            if den is not None and not den.empty:
                rows.append(rate_of(v.where, dept, num, den))
    return MatchRate(overall, tuple(rows), active)


def active_matches(v: View) -> Figure:
    if v.row != ALL:
        return pairs_only()
    return figure_of(v.where, v.comp([fam.meetings.active for fam in v.fams], "active"))


def meetings(v: View) -> tuple[Point, ...]:
    if v.row != ALL:
        return ()
    found = sorted({w for fam in v.families for st in fam.meetings.weekly.values() for w in st})
    points = []
    for week in v.weeks(found):
        for status in MEETING_SERIES:
            cell = v.comp(
                [fam.meetings.weekly[status].get(week) for fam in v.fams],
                "meetings",
                status,
                str(week),
            )
            points.append(point_of(v.where, week, status, cell))
    return tuple(points)


def meetings_held(v: View) -> Figure:
    if v.row != ALL:
        return pairs_only()
    return figure_of(v.where, v.comp([fam.meetings.held.get(v.window) for fam in v.fams], "held"))


def health(v: View) -> Health:
    if v.row != ALL:
        hidden = tuple(
            Point(b, "matches", None, suppressed=True, reason=PAIRS_ONLY) for b in HEALTH_BUCKETS
        )
        return Health(hidden, pairs_only())
    buckets = tuple(
        point_of(
            v.where,
            b,
            "matches",
            v.comp([fam.meetings.buckets[b] for fam in v.fams], "health", b),
        )
        for b in HEALTH_BUCKETS
    )
    return Health(buckets, active_matches(v))


def checkins(v: View) -> tuple[CheckIn, ...]:
    listed = by_urgency(
        c
        for fam in v.families
        for c in in_department(fam.checkins, fam.meetings.states, v.f.department)
    )
    nexts: dict[int, dt.date] = {}
    for fam in v.families:
        nexts.update(fam.next_meetings)
    return with_next_meetings(listed, nexts)


def engagement(v: View) -> Engagement:
    if not v.offered:
        hidden = tuple(
            Point(b, "people", None, suppressed=True, reason=NOT_OFFERED)
            for b in ENGAGEMENT_BUCKETS
        )
        return Engagement(hidden, Rate("", None, None, None, suppressed=True, reason=NOT_OFFERED))
    cells = {
        b: v.comp(
            [fam.enrol.buckets.get(v.row, {}).get(b) for fam in v.fams],
            "engagement",
            b,
        )
        for b in ENGAGEMENT_BUCKETS
    }
    dist = tuple(point_of(v.where, b, "people", cells[b]) for b in ENGAGEMENT_BUCKETS)
    return Engagement(dist, rate_of(v.where, "", cells["3+"], v.enrolled_cell))


def goals(v: View) -> Goals:
    if not v.offered:
        hidden = Figure(None, suppressed=True, reason=NOT_OFFERED)
        return Goals(
            (), hidden, hidden, Rate("", None, None, None, suppressed=True, reason=NOT_OFFERED)
        )
    weekly = v.series_points(
        [
            ("goals_set", lambda fam: fam.goals.set),
            ("goals_achieved", lambda fam: fam.goals.achieved),
        ]
    )
    set_ = v.total(lambda fam: fam.goals.set, "goals_set")
    achieved = v.total(lambda fam: fam.goals.achieved, "goals_achieved")
    done = v.total(lambda fam: fam.goals.done, "goals_done")
    return Goals(
        weekly,
        figure_of(v.where, set_),
        figure_of(v.where, achieved),
        rate_of(v.where, "", done, set_),
    )


def activity(v: View) -> tuple[Point, ...]:
    if not v.offered:
        return ()
    return v.series_points(
        [(name, partial(_activity_series, name=name)) for name in ACTIVITY_SERIES]
    )


def reflections(v: View) -> Figure:
    if not v.offered:
        return Figure(None, suppressed=True, reason=NOT_OFFERED)
    return figure_of(
        v.where, v.total(lambda fam: fam.activity.series["reflections"], "reflections")
    )


def skills(v: View) -> tuple[Point, ...]:
    if not v.offered:
        return ()
    found = sorted({skill for fam in v.families for skill in fam.skills.cells.get(ALL, {})})
    points: list[Point] = []
    for skill in found:
        cell = v.comp(
            [fam.skills.cells.get(v.row, {}).get(skill) for fam in v.fams],
            "skill",
            skill,
        )
        if cell is None or cell.empty:
            continue
        emit(v.where, cell)
        if cell.hidden:
            points += [
                Point(skill, "baseline", None, suppressed=True, reason=cell.hidden),
                Point(skill, "end", None, suppressed=True, reason=cell.hidden),
            ]
        else:
            points += [
                Point(skill, "baseline", round(cell_mean(cell, 0) or 0, 2)),
                Point(skill, "end", round(cell_mean(cell, 1) or 0, 2)),
            ]
    return tuple(points)


def retention(v: View) -> Retention:
    rows: list[RetentionRow] = []
    for fam in v.families:
        table = fam.retention
        if table is None:
            continue
        for months, horizon in table.horizons.items():
            pending = horizon > v.today
            for group in RETENTION_GROUPS:
                if not v.offered:
                    rows.append(
                        RetentionRow(
                            fam.programme.id,
                            fam.programme.name,
                            months,
                            group,
                            horizon,
                            None,
                            None,
                            pending,
                            suppressed=True,
                            reason=NOT_OFFERED,
                        )
                    )
                    continue
                people = table.people.get((v.row, group))
                stayed = table.stayed.get((v.row, group, months))
                if people is not None:
                    emit(v.where, people)
                if stayed is not None:
                    emit(v.where, stayed)
                hidden = people is not None and people.hidden
                n = 0 if people is None else people.n
                share: float | None = None
                reason = people.hidden if people is not None else ""
                if not pending and stayed is not None and n and not hidden:
                    reason = stayed.hidden
                    share = None if stayed.hidden else stayed.n / n
                rows.append(
                    RetentionRow(
                        programme_id=fam.programme.id,
                        programme=fam.programme.name,
                        months=months,
                        group=group,
                        horizon=horizon,
                        people=None if hidden else n,
                        still_employed=share,
                        suppressed=bool(reason),
                        pending=pending,
                        reason=reason,
                    )
                )
    return Retention(tuple(rows), retention_caveat())
