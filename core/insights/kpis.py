"""Programme KPIs: the codes a programme can set, how each is measured, and against its target."""

from __future__ import annotations

from sqlalchemy import select

from core.insights.figures import NPS, SURVEY_SCALES, Kpi, cell_mean, figure_of, rate_of
from core.insights.pairs import ON_TRACK
from core.insights.scope import ALL
from core.insights.survey_table import nps_of
from core.insights.view import Family, View
from core.kernel.i18n import N_, t
from core.kernel.privacy import Cell, emit
from db.models import Programme, ProgrammeKPI

# KPI codes a programme can set (issue 3), how each is measured and shown.
KPI_UNITS: dict[str, str] = {
    "match_rate": "share",
    "engaged_share": "share",
    "goal_completion": "share",
    "meetings_held_share": "share",
    "on_track_share": "share",
    "retention_6m": "share",
    "retention_12m": "share",
    "nps": "nps",
    "satisfaction": "score",
    "peer_help": "score",
    "progress": "score",
    "skills_growth": "score",
    "meetings_per_pair": "count",
    "enrolled": "count",
    "active_matches": "count",
    "engaged": "count",
}


KPI_LABELS: dict[str, str] = {
    "match_rate": N_("Match rate"),
    "engaged_share": N_("Engaged participants (3 meetings or more)"),
    "goal_completion": N_("Goals achieved"),
    "meetings_held_share": N_("Meetings held, of those due"),
    "on_track_share": N_("Pairs on track"),
    "retention_6m": N_("Participants still employed after 6 months"),
    "retention_12m": N_("Participants still employed after 12 months"),
    "nps": N_("Net Promoter Score"),
    "satisfaction": N_("Satisfaction (1–5)"),
    "peer_help": N_("My peer gives me the help I need (1–5)"),
    "progress": N_("I am making progress on my goals (1–5)"),
    "skills_growth": N_("Mentor-skills growth (points on 1–5)"),
    "meetings_per_pair": N_("Meetings held per pair or circle"),
    "enrolled": N_("Participants enrolled"),
    "active_matches": N_("Active pairs and circles"),
    "engaged": N_("Engaged participants"),
}


def _share(where: str, num: Cell | None, den: Cell | None) -> tuple[float | None, str]:
    r = rate_of(where, "", num, den)
    return r.value, r.reason


def _count(where: str, cell: Cell | None) -> tuple[float | None, str]:
    f = figure_of(where, cell)
    return f.value, f.reason


def _kpi_actual(fam: Family, code: str, where: str) -> tuple[float | None, str]:
    """A KPI's measured value, over the whole programme: the cells the charts use."""
    everything = fam.everything
    if code == "match_rate":
        return _share(where, fam.enrol.matched[ALL], fam.enrol.enrolled[ALL])
    if code == "enrolled":
        return _count(where, fam.enrol.enrolled[ALL])
    if code == "active_matches":
        return _count(where, fam.meetings.active)
    if code == "engaged":
        return _count(where, fam.enrol.buckets[ALL]["3+"])
    if code == "engaged_share":
        return _share(where, fam.enrol.buckets[ALL]["3+"], fam.enrol.enrolled[ALL])
    if code == "goal_completion":
        return _share(
            where, fam.goals.done.totals[ALL][everything], fam.goals.set.totals[ALL][everything]
        )
    if code == "meetings_held_share":
        return _share(where, fam.meetings.held[everything], fam.meetings.settled)
    if code == "on_track_share":
        return _share(where, fam.meetings.buckets[ON_TRACK], fam.meetings.active)
    if code == "meetings_per_pair":
        started, held = fam.meetings.started, fam.meetings.held[everything]
        if started is None or started.empty:
            return None, ""
        for c in (started, held):
            emit(where, c)
        reason = started.hidden or held.hidden
        return (None, reason) if reason else (round(held.n / started.n, 1), "")
    if code in (NPS, *SURVEY_SCALES):
        cell = fam.surveys.answered.get((ALL, None, code))
        if cell is None or cell.empty:
            return None, ""
        emit(where, cell)
        if cell.hidden:
            return None, cell.hidden
        value = nps_of(cell) if code == NPS else cell_mean(cell)
        return (None if value is None else round(value, 1 if code == NPS else 2)), ""
    if code == "skills_growth":
        cell = fam.skills.overall
        if cell.empty:
            return None, ""
        emit(where, cell)
        if cell.hidden:
            return None, cell.hidden
        return round(((cell_mean(cell, 1) or 0) - (cell_mean(cell, 0) or 0)), 2), ""
    if code in ("retention_6m", "retention_12m"):
        months = 6 if code == "retention_6m" else 12
        table = fam.retention
        if table is None or (ALL, "participants", months) not in table.stayed:
            return None, ""
        return _share(
            where, table.stayed[(ALL, "participants", months)], table.people[(ALL, "participants")]
        )
    return None, ""


def normalise_target(code: str, target: float) -> float:
    """A share's target may be typed as 70 or as 0.7: both mean 70 %."""
    if KPI_UNITS.get(code) == "share" and target > 1:
        return target / 100
    return target


def programme_kpis(v: View) -> tuple[Kpi, ...]:
    out = []
    by_id = {fam.programme.id: fam for fam in v.families}
    rows = v.s.execute(
        select(ProgrammeKPI, Programme.name)
        .join(Programme, Programme.id == ProgrammeKPI.programme_id)
        .where(ProgrammeKPI.programme_id.in_(list(by_id)))
        .order_by(Programme.start_date.desc().nulls_last(), Programme.name, ProgrammeKPI.id)
    ).all()
    for kpi, name in rows:
        actual, reason = _kpi_actual(by_id[kpi.programme_id], kpi.metric, f"kpi:{kpi.programme_id}")
        target = normalise_target(kpi.metric, kpi.target)
        out.append(
            Kpi(
                programme_id=kpi.programme_id,
                programme=name,
                metric=kpi.metric,
                label=kpi.label or t(KPI_LABELS.get(kpi.metric, kpi.metric)),
                unit=KPI_UNITS.get(kpi.metric, "count"),
                target=target,
                actual=actual,
                met=None if actual is None else actual >= target,
                suppressed=bool(reason),
                reason=reason,
            )
        )
    return tuple(out)
