"""The printable programme report: one self-contained HTML file for a steering committee.

Headline numbers, the dashboard's charts rendered to PNG offline with vl-convert
(no network: data is inline and external URLs are refused) and embedded as
base64, the KPIs against their targets and the retention comparison with its
caveat. Built from a :class:`core.insights.figures.Dashboard` only: aggregates, no names,
no private text. The page is a Jinja2 template (report.html.j2) with autoescape on:
every string it receives is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Any

import vl_convert
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.insights import charts
from core.insights.figures import Dashboard, Figure, Kpi, hidden_text
from core.kernel import clock
from core.kernel.i18n import (
    N_,
    format_date,
    format_datetime,
    format_number,
    format_percent,
    get_language,
    t,
)
from core.kernel.privacy import SMALL
from core.relationship.meetings import to_local

WIDTH = 640

# Autoescaped: every string the template receives is escaped, whoever wrote it.
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=StrictUndefined,
)


def png(chart: Any) -> bytes:
    """Render an Altair chart to PNG, offline (inline data, no URL allowed)."""
    spec = chart.to_dict()
    if "facet" not in spec and "width" not in spec:
        spec["width"] = WIDTH
    return vl_convert.vegalite_to_png(spec, scale=2, allowed_base_urls=[])


def _card(label: str, fig: Figure, k: int, percent: bool = False) -> dict[str, Any]:
    if fig.suppressed:
        return {"label": label, "value": hidden_text(k, fig.reason or SMALL), "hidden": True}
    if fig.value is None:
        value = "—"
    else:
        value = format_percent(fig.value) if percent else format_number(fig.value)
    return {"label": label, "value": value, "hidden": False}


def _kpi_value(k: Kpi, value: float | None) -> str:
    if value is None:
        return "—"
    if k.unit == "share":
        return format_percent(value)
    if k.unit == "score":
        return format_number(value, 1)
    return format_number(value)


CHART_TITLES = {
    "match_rate": N_("Match rate by department, against the target"),
    "enrolment": N_("Enrolment over time"),
    "meetings": N_("Meetings per week: held, cancelled, moved, missed"),
    "health": N_("Pair health"),
    "engagement": N_("Meetings held per participant"),
    "goals": N_("Goals set and achieved"),
    "activity": N_("Journal and feedback activity (counts only)"),
    "survey_questions": N_("Survey answers"),
    "nps": N_("Net Promoter Score over time"),
    "skills": N_("Mentor-skills self-assessment: at enrolment and at the end"),
    "retention": N_("Retention: still employed after 6 and 12 months"),
}


def _charts(d: Dashboard) -> list[dict[str, str]]:
    """The charts drawn for these figures, as embedded PNG, in the report's order."""
    built = charts.all_charts(d)
    out = []
    for name, title in CHART_TITLES.items():
        chart = built.get(name)
        if chart is None:
            continue
        out.append(
            {
                "title": t(title),
                "data": base64.b64encode(png(chart)).decode("ascii"),
                "caveat": d.retention.caveat if name == "retention" else "",
            }
        )
    return out


def report_html(
    d: Dashboard,
    *,
    programme: str,
    department: str | None,
    period: str,
    zone: dt.tzinfo = dt.UTC,
) -> str:
    """The whole report as one HTML document (print it to PDF from any browser), dated in
    the reader's ``zone``."""
    h, k = d.headline, d.k
    cards = [
        _card(t("Enrolled"), h.enrolled, k),
        _card(
            t("Match rate (target {p})", p=format_percent(d.match_rate.target)),
            h.match_rate,
            k,
            True,
        ),
        _card(t("Active pairs and circles"), h.active_matches, k),
        _card(t("Meetings held"), h.meetings_held, k),
        _card(t("Engaged participants"), h.engaged, k),
        _card(t("Goals achieved"), h.goals_achieved, k),
        _card(t("Reflections written"), h.reflections, k),
        _card(t("Net Promoter Score"), h.nps, k),
        _card(t("Pairs needing a check-in"), Figure(len(d.checkins)), k),
    ]
    kpis = [
        {
            "programme": kpi.programme,
            "label": kpi.label,
            "target": _kpi_value(kpi, kpi.target),
            "measured": hidden_text(k, kpi.reason or SMALL)
            if kpi.suppressed
            else _kpi_value(kpi, kpi.actual),
            "met": kpi.met,
        }
        for kpi in d.kpis
    ]
    pending = sorted({(r.months, r.horizon) for r in d.retention.rows if r.pending})
    return TEMPLATES.get_template("report.html.j2").render(
        lang=get_language(),
        heading=t("Programme report: {name}", name=programme),
        sub=t(
            "{department} · {period} · produced on {date}",
            department=department or t("All departments"),
            period=period,
            date=format_datetime(to_local(clock.now(), zone), "short"),
        ),
        headline=t("Headline numbers"),
        cards=cards,
        charts=_charts(d),
        kpi_title=t("KPIs against their targets"),
        kpi_header=(t("Programme"), t("KPI"), t("Target"), t("Measured"), ""),
        kpis=kpis,
        met=t("met"),
        not_met=t("not met"),
        notes=[
            t(
                "Retention after {months} months is measurable from {date}.",
                months=months,
                date=format_date(horizon),
            )
            for months, horizon in pending
        ],
        closing=t(
            "Aggregates only. Any figure computed over fewer than {k} people is hidden, "
            "and so is any figure that would reveal such a group by subtraction from "
            "another figure. No journal, feedback or private goal text is ever included.",
            k=k,
        ),
    )
