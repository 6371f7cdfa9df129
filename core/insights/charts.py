"""Altair charts of the dashboard's aggregates, shared by the page and the printed report.

Plain Altair (no Streamlit): the page hands them to ``st.altair_chart`` and the
report renders them to PNG offline with vl-convert. Every chart is built from
:mod:`core.insights.metrics` results only, so it can hold nothing but aggregates. A cell
hidden by k-suppression is drawn as a grey "< k" mark with the sentence
"fewer than k people" as its tooltip, never as a number.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from core.insights import metrics
from core.insights.metrics import Dashboard, Point
from core.kernel.i18n import format_date, format_number, format_percent, get_language, t
from core.kernel.privacy import DIFFERENCE, NOT_OFFERED, SMALL

HEIGHT = 240
GREY = "#9aa0a6"
COLOURS = {
    "new": "#4c78a8",
    "enrolled": "#1b3a5c",
    "held": "#2e9e5b",
    "cancelled": "#f2a33a",
    "moved": "#f6d55c",
    "missed": "#d64545",
    "planned": "#c9ced6",
    "too_early": "#9aa0a6",
    "check_in": "#e8833a",
    "on_track": "#2e9e5b",
    "goals_set": "#4c78a8",
    "goals_achieved": "#2e9e5b",
    "reflections": "#7b5ea7",
    "feedback_given": "#2a9d8f",
    "feedback_requested": "#e9c46a",
    "baseline": "#9aa0a6",
    "end": "#2e9e5b",
    "participants": "#2e9e5b",
    "others": "#9aa0a6",
}

_FR = alt.Locale(
    number=alt.NumberLocale(
        decimal=",", thousands="\u202f", grouping=[3], currency=["", "\u00a0€"], percent="\u202f%"
    ),
    time=alt.TimeLocale(
        dateTime="%A %e %B %Y à %X",
        date="%d/%m/%Y",
        time="%H:%M:%S",
        periods=["AM", "PM"],
        days=["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        shortDays=["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        months=[
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        shortMonths=[
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
    ),
)


def pixel_height(chart: Any) -> int | str:
    """The height to give Streamlit: the plot's own plus axes and a bottom legend."""
    spec = chart.to_dict()
    height = spec.get("height")
    if not isinstance(height, int):
        return "content"
    legend = 60 if '"orient": "bottom"' in json.dumps(spec) else 0  # every legend sits below
    return height + 70 + legend


def hidden_text(k: int, reason: str = SMALL) -> str:
    """Why a figure is hidden, in the reader's words (core.kernel.privacy reasons)."""
    if reason == DIFFERENCE:
        return t("hidden: it would reveal a group of fewer than {k} people by subtraction", k=k)
    if reason == NOT_OFFERED:
        return t("not shown for one department (it would reveal a small group)")
    if reason == metrics.PAIRS_ONLY:
        return t("shown for all departments only (pairs can span departments)")
    return t("fewer than {k} people", k=k)


def hidden_label(k: int, reason: str = SMALL) -> str:
    """The short words drawn on a chart for a hidden figure (the tooltip says it all)."""
    if reason == DIFFERENCE:
        return t("hidden: would reveal a small group")
    if reason in (NOT_OFFERED, metrics.PAIRS_ONLY):
        return t("not shown here")
    return t("fewer than {k} people", k=k)


def _finish(chart: Any) -> Any:
    """Top-level configuration: the reader's locale for dates and numbers."""
    if get_language() == "fr":
        chart = chart.configure(locale=_FR)
    return chart


def _frame(
    points: Sequence[Point], k: int, fmt: Callable[[float], str] = lambda v: format_number(v)
) -> pd.DataFrame:
    rows = []
    for p in points:
        rows.append(
            {
                "x": pd.Timestamp(p.x) if isinstance(p.x, dt.date) else p.x,
                "code": p.series,
                "series": metrics.label(p.series),
                "value": p.value,
                "shown": hidden_text(k, p.reason or SMALL)
                if p.suppressed
                else ("—" if p.value is None else fmt(p.value)),
                "label": hidden_label(k, p.reason or SMALL)
                if p.suppressed
                else ("—" if p.value is None else fmt(p.value)),
                "suppressed": p.suppressed,
            }
        )
    df = pd.DataFrame(
        rows, columns=["x", "code", "series", "value", "shown", "label", "suppressed"]
    )
    if not df.empty and isinstance(points[0].x, dt.date):
        # Bars per week sit on a band axis labelled with the week's Monday (with the
        # year when the weeks span more than one).
        days = [p.x for p in points if isinstance(p.x, dt.date)]
        pattern = "d MMM" if (max(days) - min(days)).days < 300 else "d MMM y"
        df["week"] = [
            format_date(x, pattern) if isinstance(x, dt.date) else "" for x in (p.x for p in points)
        ]
    return df


def _colour(codes: Sequence[str], title: str | None = None) -> alt.Color:
    return alt.Color(
        "series:N",
        scale=alt.Scale(
            domain=[metrics.label(c) for c in codes], range=[COLOURS.get(c, GREY) for c in codes]
        ),
        sort=[metrics.label(c) for c in codes],
        # Two a row: a half-width chart cannot hold five long labels side by side.
        legend=alt.Legend(
            orient="bottom",
            title=title,
            labelLimit=220,
            columns=2 if len(codes) > 2 else len(codes),
        ),
    )


def _hidden_marks(df: pd.DataFrame, x: Any, k: int) -> alt.Chart | None:
    """A grey "< k" at the foot of each hidden cell, with the full sentence as tooltip."""
    hidden = df[df["suppressed"]].drop_duplicates(subset=["x"])
    if hidden.empty:
        return None
    return (
        alt.Chart(hidden)
        .mark_text(text=f"< {k}", dy=-7, color=GREY, fontSize=11)
        .encode(x=x, y=alt.datum(0), tooltip=[alt.Tooltip("shown:N", title=" ")])
    )


def _week_axis() -> alt.X:
    return alt.X("x:T", title=t("Week starting"), axis=alt.Axis(format="%d %b"))


def _week_band(df: pd.DataFrame, most: int = 10) -> alt.X:
    """Weeks as bands; at most ``most`` labels, evenly spaced, so they never overlap."""
    weeks = list(dict.fromkeys(df["week"]))
    step = max(1, -(-len(weeks) // most))
    return alt.X(
        "week:O",
        sort=weeks,
        title=t("Week starting"),
        axis=alt.Axis(labelAngle=0, values=weeks[::step], labelPadding=4),
    )


def _week_tooltip() -> list[Any]:
    return [
        alt.Tooltip("week:N", title=t("Week starting")),
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("shown:N", title=" "),
    ]


def _layer(base: Any, extra: alt.Chart | None) -> Any:
    return base + extra if extra is not None else base


# --------------------------------------------------------------------------- charts


def _nothing(df: pd.DataFrame) -> bool:
    """No row, only zeros, or only hidden figures: a sentence says more than an empty chart."""
    return df.empty or df["value"].fillna(0).sum() == 0


def enrolment(points: Sequence[Point], k: int) -> Any | None:
    df = _frame(points, k)
    if _nothing(df):
        return None
    codes = ["new", "enrolled"] if (df["code"] == "enrolled").any() else ["new"]
    x = _week_band(df)
    bars = (
        alt.Chart(df[df["code"] == "new"])
        .mark_bar(opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t("People")),
            color=_colour(codes),
            tooltip=_week_tooltip(),
        )
    )
    line = (
        alt.Chart(df[df["code"] == "enrolled"])
        .mark_line(point=True, strokeWidth=2)
        .encode(x=x, y="value:Q", color=_colour(codes), tooltip=_week_tooltip())
    )
    hidden = _hidden_marks(df[df["code"] == "new"], x, k)
    return _finish(_layer(bars + line, hidden).properties(height=HEIGHT))


def match_rate(mr: metrics.MatchRate, k: int, department: str | None = None) -> Any | None:
    rows = [
        (department or t("All departments"), mr.overall),
        *[
            (metrics.label(r.label) if r.label == metrics.OTHERS else r.label, r)
            for r in mr.by_department
        ],
    ]
    if mr.overall.denominator == 0 and not mr.overall.suppressed:
        return None
    df = pd.DataFrame(
        [
            {
                "who": who,
                "value": r.value,
                "label": hidden_label(k, r.reason or SMALL)
                if r.suppressed
                else ("—" if r.value is None else format_percent(r.value)),
                "shown": hidden_text(k, r.reason or SMALL)
                if r.suppressed
                else ("—" if r.value is None else format_percent(r.value)),
                "detail": ""
                if r.suppressed or r.value is None
                else t("{n} of {d} participants", n=r.numerator, d=r.denominator),
                "suppressed": r.suppressed,
                "overall": i == 0,
            }
            for i, (who, r) in enumerate(rows)
        ]
    )
    order = [who for who, _ in rows]
    y = alt.Y("who:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    x = alt.X(
        "value:Q",
        title=t("Participants in an active match"),
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    tip = [
        alt.Tooltip("who:N", title=" "),
        alt.Tooltip("shown:N", title=t("Match rate")),
        "detail:N",
    ]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            x=x,
            color=alt.condition(
                alt.datum.value >= mr.target, alt.value(COLOURS["on_track"]), alt.value("#e8833a")
            ),
            opacity=alt.condition(alt.datum.overall, alt.value(1.0), alt.value(0.75)),
            tooltip=tip,
        )
    )
    labels = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, color="#333")
        .encode(y=y, x=alt.X("value:Q"), text="label:N")
        .transform_filter(~alt.datum.suppressed)
    )
    hidden = (
        alt.Chart(df[df["suppressed"]])
        .mark_text(align="left", dx=4, color=GREY)
        .encode(y=y, x=alt.datum(0), text="label:N", tooltip=[alt.Tooltip("shown:N", title=" ")])
    )
    target = pd.DataFrame(
        [{"target": mr.target, "label": t("Target {p}", p=format_percent(mr.target))}]
    )
    rule = (
        alt.Chart(target).mark_rule(color="#d64545", strokeDash=[6, 4], size=2).encode(x="target:Q")
    )
    rule_label = (
        alt.Chart(target)
        .mark_text(align="left", dx=4, dy=-6, color="#d64545", baseline="bottom")
        .encode(x="target:Q", y=alt.value(0), text="label:N")
    )
    height = max(90, 26 * len(rows))
    return _finish(alt.layer(bars, labels, hidden, rule, rule_label).properties(height=height))


def meetings(points: Sequence[Point], k: int) -> Any | None:
    df = _frame(points, k)
    if _nothing(df):
        return None
    order = list(metrics.MEETING_SERIES)
    df["order"] = df["code"].map({c: i for i, c in enumerate(order)})
    x = _week_band(df)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t("Meetings planned"), stack="zero"),
            color=_colour(order),
            order=alt.Order("order:Q"),
            tooltip=_week_tooltip(),
        )
    )
    return _finish(_layer(bars, _hidden_marks(df, x, k)).properties(height=HEIGHT))


def _category_bars(
    points: Sequence[Point],
    k: int,
    codes: Sequence[str],
    title: str,
    fmt: Callable[[float], str] = lambda v: format_number(v),
) -> Any | None:
    df = _frame(points, k, fmt)
    if _nothing(df):
        return None
    df["series"] = [metrics.label(str(x)) for x in df["x"]]
    order = [metrics.label(c) for c in codes]
    y = alt.Y("series:N", sort=order, title=None, axis=alt.Axis(labelLimit=240))
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("value:Q", title=title),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=order, range=[COLOURS.get(c, "#4c78a8") for c in codes]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("shown:N", title=title)],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(
            y=y,
            x=alt.X("value:Q"),
            text="label:N",
            color=alt.condition(alt.datum.suppressed, alt.value(GREY), alt.value("#333")),
        )
    )
    hidden = (
        alt.Chart(df[df["suppressed"]])
        .mark_text(align="left", dx=4, color=GREY)
        .encode(y=y, x=alt.datum(0), text="label:N", tooltip=[alt.Tooltip("shown:N", title=" ")])
    )
    return _finish(
        alt.layer(bars, text.transform_filter(~alt.datum.suppressed), hidden).properties(
            height=max(90, 30 * len(codes))
        )
    )


def health(h: metrics.Health, k: int) -> Any | None:
    return _category_bars(h.buckets, k, metrics.HEALTH_BUCKETS, t("Active pairs and circles"))


def engagement(e: metrics.Engagement, k: int) -> Any | None:
    codes = ["0", "1", "2", "3+"]
    chart = _category_bars(e.distribution, k, codes, t("Participants"))
    return chart


def goals(g: metrics.Goals, k: int) -> Any | None:
    df = _frame(g.weekly, k)
    if _nothing(df):
        return None
    codes = ["goals_set", "goals_achieved"]
    x = _week_band(df)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=x,
            xOffset=alt.XOffset("series:N", sort=[metrics.label(c) for c in codes]),
            y=alt.Y("value:Q", title=t("Goals")),
            color=_colour(codes),
            tooltip=_week_tooltip(),
        )
    )
    return _finish(_layer(bars, _hidden_marks(df, x, k)).properties(height=HEIGHT))


def activity(points: Sequence[Point], k: int) -> Any | None:
    df = _frame(points, k)
    if _nothing(df):
        return None
    codes = ["reflections", "feedback_given", "feedback_requested"]
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=_week_axis(),
            y=alt.Y("value:Q", title=t("Count per week")),
            color=_colour(codes),
            tooltip=_week_tooltip(),
        )
    )
    return _finish(_layer(lines, _hidden_marks(df, _week_axis(), k)).properties(height=HEIGHT))


def survey_questions(sv: metrics.Surveys, k: int) -> Any | None:
    if not sv.questions:
        return None
    df = _frame(sv.questions, k, lambda v: format_number(v, 1))
    df["series"] = [metrics.label(str(x)) for x in df["x"]]
    y = alt.Y(
        "series:N",
        sort=[metrics.label(c) for c in metrics.SURVEY_SCALES],
        title=None,
        axis=alt.Axis(labelLimit=300),
    )
    bars = (
        alt.Chart(df)
        .mark_bar(color="#4c78a8")
        .encode(
            y=y,
            # Bars start at 1, the lowest answer: the scale has no zero.
            x=alt.X("value:Q", title=t("Mean answer (1–5)"), scale=alt.Scale(domain=[1, 5])),
            x2=alt.datum(1),
            tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("shown:N", title=t("Mean"))],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(y=y, x="value:Q", text="shown:N")
        .transform_filter(~alt.datum.suppressed)
    )
    hidden = (
        alt.Chart(df[df["suppressed"]])
        .mark_text(align="left", dx=4, color=GREY)
        .encode(y=y, x=alt.datum(1), text="label:N", tooltip=[alt.Tooltip("shown:N", title=" ")])
    )
    return _finish(alt.layer(bars, text, hidden).properties(height=max(90, 34 * len(df))))


def nps(sv: metrics.Surveys, k: int) -> Any | None:
    if all(p.suppressed for p in sv.nps_by_survey):
        return None  # nothing to draw (the page says why)
    df = _frame(sv.nps_by_survey, k, lambda v: format_number(v))
    x = alt.X(
        "x:T", title=t("Survey round, by the day it opened"), axis=alt.Axis(format="%d %b %Y")
    )
    line = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=60), color="#7b5ea7", strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t("Net Promoter Score"), scale=alt.Scale(domain=[-100, 100])),
            tooltip=[
                alt.Tooltip("x:T", title=t("Opened on"), format="%d %b %Y"),
                alt.Tooltip("shown:N", title="NPS"),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame([{"y": 0}])).mark_rule(color=GREY).encode(y="y:Q")
    return _finish(_layer(zero + line, _hidden_marks(df, x, k)).properties(height=HEIGHT))


def skills(points: Sequence[Point], k: int) -> Any | None:
    if all(p.suppressed for p in points):
        return None  # nobody with both assessments yet: the page says so in a sentence
    df = _frame(points, k, lambda v: format_number(v, 1))
    df["skill"] = [metrics.label(str(x)) for x in df["x"]]
    y = alt.Y("skill:N", title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("value:Q", title=t("Mean self-assessment (1–5)"), scale=alt.Scale(domain=[1, 5]))
    shown = df[~df["suppressed"]]
    wide = shown.pivot_table(index="skill", columns="code", values="value").reset_index()
    rule = (
        alt.Chart(wide)
        .mark_rule(color=GREY, size=3)
        .encode(y=y, x=alt.X("baseline:Q", scale=alt.Scale(domain=[1, 5])), x2="end:Q")
        if {"baseline", "end"} <= set(wide.columns)
        else None
    )
    dots = (
        alt.Chart(shown)
        .mark_circle(size=120, opacity=1)
        .encode(
            y=y,
            x=x,
            color=_colour(["baseline", "end"]),
            tooltip=[alt.Tooltip("skill:N", title=" "), "series:N", "shown:N"],
        )
    )
    hidden = (
        alt.Chart(df[df["suppressed"]].drop_duplicates(subset=["skill"]))
        .mark_text(align="left", color=GREY)
        .encode(y=y, x=alt.datum(1), text="label:N", tooltip=[alt.Tooltip("shown:N", title=" ")])
    )
    layers = [c for c in (rule, dots, hidden) if c is not None]
    return _finish(alt.layer(*layers).properties(height=max(90, 30 * df["skill"].nunique())))


def retention(r: metrics.Retention, k: int) -> Any | None:
    rows = [row for row in r.rows if not row.pending]
    if not rows:
        return None
    df = pd.DataFrame(
        [
            {
                "when": t("{n} months after the start", n=row.months),
                "programme": row.programme,
                "series": metrics.label(row.group),
                "value": row.still_employed,
                "label": hidden_label(k, row.reason or SMALL)
                if row.suppressed
                else ("—" if row.still_employed is None else format_percent(row.still_employed)),
                "shown": hidden_text(k, row.reason or SMALL)
                if row.suppressed
                else ("—" if row.still_employed is None else format_percent(row.still_employed)),
                "suppressed": row.suppressed,
            }
            for row in rows
        ]
    )
    codes = ["participants", "others"]
    y = alt.Y("when:N", title=None)
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            yOffset=alt.YOffset("series:N", sort=[metrics.label(c) for c in codes]),
            x=alt.X(
                "value:Q",
                title=t("Still employed"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=_colour(codes),
            tooltip=["programme:N", "when:N", "series:N", "shown:N"],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(
            y=y,
            yOffset=alt.YOffset("series:N", sort=[metrics.label(c) for c in codes]),
            x="value:Q",
            text="shown:N",
        )
        .transform_filter(~alt.datum.suppressed)
    )
    chart = alt.layer(bars, text)
    if df["programme"].nunique() > 1:
        chart = chart.facet(row=alt.Row("programme:N", title=None))
    else:
        chart = chart.properties(height=150)
    return _finish(chart)


def all_charts(d: Dashboard) -> dict[str, Any]:
    """Every chart of the dashboard by name (None when there is nothing to draw)."""
    return {
        "enrolment": enrolment(d.enrolment, d.k),
        "match_rate": match_rate(d.match_rate, d.k, d.filters.department),
        "meetings": meetings(d.meetings, d.k),
        "health": health(d.health, d.k),
        "engagement": engagement(d.engagement, d.k),
        "goals": goals(d.goals, d.k),
        "activity": activity(d.activity, d.k),
        "survey_questions": survey_questions(d.surveys, d.k),
        "nps": nps(d.surveys, d.k),
        "skills": skills(d.skills, d.k),
        "retention": retention(d.retention, d.k),
    }
