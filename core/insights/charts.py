"""Altair charts of the dashboard's aggregates, shared by the page and the printed report.

Plain Altair (no Streamlit): the page hands them to ``st.altair_chart`` and the
report renders them to PNG offline with vl-convert. Every chart is built from
:mod:`core.insights.figures` results only, so it can hold nothing but aggregates. A cell
hidden by k-suppression is drawn as a grey "< k" mark with the sentence
"fewer than k people" as its tooltip, never as a number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from core.insights.chart_parts import (
    COLOURS,
    GREY,
    HEIGHT,
    QUIET_TEXT,
    TARGET,
    TEXT,
    category_bars,
    colour,
    finish,
    frame,
    hidden_bars,
    hidden_marks,
    layer,
    nothing,
    texts,
    week_axis,
    week_band,
    week_tooltip,
)
from core.insights.figures import (
    SURVEY_SCALES,
    Dashboard,
    Engagement,
    Goals,
    Health,
    MatchRate,
    Point,
    Retention,
    Surveys,
    label,
)
from core.insights.pairs import HEALTH_BUCKETS, MEETING_SERIES
from core.insights.scope import OTHERS
from core.kernel.i18n import format_number, format_percent, t


def enrolment(points: Sequence[Point], k: int) -> Any | None:
    df = frame(points, k)
    if nothing(df):
        return None
    # The running total's line only when it shows a figure: an empty layer leaves an unnamed
    # graphic in the page for a screen reader (axe-core's svg-img-alt).
    enrolled = df[df["code"] == "enrolled"]
    codes = ["new", "enrolled"] if enrolled["value"].notna().any() else ["new"]
    x = week_band(df)
    bars = (
        alt.Chart(df[df["code"] == "new"])
        .mark_bar(opacity=0.85)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=t("People")),
            color=colour(codes),
            tooltip=week_tooltip(),
        )
    )
    line = (
        alt.Chart(enrolled)
        .mark_line(point=True, strokeWidth=2)
        .encode(x=x, y=alt.Y("value:Q"), color=colour(codes), tooltip=week_tooltip())
    )
    hidden = hidden_marks(df[df["code"] == "new"], x, k)
    drawn = bars + line if "enrolled" in codes else bars
    return finish(layer(drawn, hidden), height=HEIGHT)


def match_rate(mr: MatchRate, k: int, department: str | None = None) -> Any | None:
    rows = [
        (department or t("All departments"), mr.overall),
        *[(label(r.label) if r.label == OTHERS else r.label, r) for r in mr.by_department],
    ]
    if mr.overall.denominator == 0 and not mr.overall.suppressed:
        return None
    df = pd.DataFrame(
        [
            {
                "who": who,
                "value": r.value,
                **texts(k, r.value, r.suppressed, r.reason, format_percent),
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
        alt.Tooltip("detail:N"),
    ]
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            y=y,
            x=x,
            color=alt.ColorValue(
                "#e8833a",
                condition={"test": alt.datum.value >= mr.target, "value": COLOURS["on_track"]},
            ),
            opacity=alt.OpacityValue(0.75, condition={"test": alt.datum.overall, "value": 1.0}),
            tooltip=tip,
        )
    )
    labels = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, color=TEXT)
        .encode(y=y, x=alt.X("value:Q"), text=alt.Text("label:N"))
        .transform_filter(~alt.datum.suppressed)
    )
    hidden = hidden_bars(df, y)
    target = pd.DataFrame(
        [{"target": mr.target, "label": t("Target {p}", p=format_percent(mr.target))}]
    )
    rule = (
        alt.Chart(target)
        .mark_rule(color=TARGET, strokeDash=[6, 4], size=2)
        .encode(x=alt.X("target:Q"))
    )
    rule_label = (
        alt.Chart(target)
        .mark_text(align="left", dx=4, dy=-6, color=TARGET, baseline="bottom")
        .encode(x=alt.X("target:Q"), y=alt.YValue(0), text=alt.Text("label:N"))
    )
    height = max(90, 26 * len(rows))
    return finish(alt.layer(bars, labels, hidden, rule, rule_label), height=height)


def meetings(points: Sequence[Point], k: int) -> Any | None:
    df = frame(points, k)
    if nothing(df):
        return None
    order = list(MEETING_SERIES)
    df["order"] = df["code"].map({c: i for i, c in enumerate(order)})
    return _weekly_bars(
        df,
        k,
        y=alt.Y("value:Q", title=t("Meetings planned"), stack="zero"),
        color=colour(order),
        order=alt.Order("order:Q"),
    )


def health(h: Health, k: int) -> Any | None:
    return category_bars(h.buckets, k, HEALTH_BUCKETS, t("Active pairs and circles"))


def engagement(e: Engagement, k: int) -> Any | None:
    codes = ["0", "1", "2", "3+"]
    chart = category_bars(e.distribution, k, codes, t("Participants"))
    return chart


def goals(g: Goals, k: int) -> Any | None:
    df = frame(g.weekly, k)
    if nothing(df):
        return None
    codes = ["goals_set", "goals_achieved"]
    return _weekly_bars(
        df,
        k,
        xOffset=alt.XOffset("series:N", sort=[label(c) for c in codes]),
        y=alt.Y("value:Q", title=t("Goals")),
        color=colour(codes),
    )


def _weekly_bars(df: Any, k: int, **encoding: Any) -> Any:
    """Bars per week (``encoding`` after the week axis), the hidden weeks marked."""
    x = week_band(df)
    bars = alt.Chart(df).mark_bar().encode(x=x, **encoding, tooltip=week_tooltip())
    return finish(layer(bars, hidden_marks(df, x, k)), height=HEIGHT)


def activity(points: Sequence[Point], k: int) -> Any | None:
    df = frame(points, k)
    if nothing(df):
        return None
    codes = ["reflections", "feedback_given", "feedback_requested"]
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=week_axis(),
            y=alt.Y("value:Q", title=t("Count per week")),
            color=colour(codes),
            tooltip=week_tooltip(),
        )
    )
    return finish(layer(lines, hidden_marks(df, week_axis(), k)), height=HEIGHT)


def survey_questions(sv: Surveys, k: int) -> Any | None:
    if not sv.questions:
        return None
    df = frame(sv.questions, k, lambda v: format_number(v, 1))
    df["series"] = [label(str(x)) for x in df["x"]]
    y = alt.Y(
        "series:N",
        sort=[label(c) for c in SURVEY_SCALES],
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
            x2=alt.X2Datum(1),
            tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("shown:N", title=t("Mean"))],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(y=y, x=alt.X("value:Q"), text=alt.Text("shown:N"))
        .transform_filter(~alt.datum.suppressed)
    )
    hidden = hidden_bars(df, y, at=1)
    return finish(alt.layer(bars, text, hidden), height=max(90, 34 * len(df)))


def nps(sv: Surveys, k: int) -> Any | None:
    if all(p.suppressed for p in sv.nps_by_survey):
        return None  # nothing to draw (the page says why)
    df = frame(sv.nps_by_survey, k, lambda v: format_number(v))
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
    zero = alt.Chart(pd.DataFrame([{"y": 0}])).mark_rule(color=GREY).encode(y=alt.Y("y:Q"))
    return finish(layer(alt.layer(zero, line), hidden_marks(df, x, k)), height=HEIGHT)


def skills(points: Sequence[Point], k: int) -> Any | None:
    if all(p.suppressed for p in points):
        return None  # nobody with both assessments yet: the page says so in a sentence
    df = frame(points, k, lambda v: format_number(v, 1))
    df["skill"] = [label(str(x)) for x in df["x"]]
    y = alt.Y("skill:N", title=None, axis=alt.Axis(labelLimit=220))
    x = alt.X("value:Q", title=t("Mean self-assessment (1–5)"), scale=alt.Scale(domain=[1, 5]))
    shown = df[~df["suppressed"]]
    wide = shown.pivot_table(index="skill", columns="code", values="value").reset_index()
    rule = (
        alt.Chart(wide)
        .mark_rule(color=GREY, size=3)
        .encode(y=y, x=alt.X("baseline:Q", scale=alt.Scale(domain=[1, 5])), x2=alt.X2("end:Q"))
        if {"baseline", "end"} <= set(wide.columns)
        else None
    )
    dots = (
        alt.Chart(shown)
        .mark_circle(size=120, opacity=1)
        .encode(
            y=y,
            x=x,
            color=colour(["baseline", "end"]),
            tooltip=[
                alt.Tooltip("skill:N", title=" "),
                alt.Tooltip("series:N"),
                alt.Tooltip("shown:N"),
            ],
        )
    )
    hidden = (
        alt.Chart(df[df["suppressed"]].drop_duplicates(subset=["skill"]))
        .mark_text(align="left", color=QUIET_TEXT)
        .encode(
            y=y,
            x=alt.XDatum(1),
            text=alt.Text("label:N"),
            tooltip=[alt.Tooltip("shown:N", title=" ")],
        )
    )
    layers = [c for c in (rule, dots, hidden) if c is not None]
    return finish(alt.layer(*layers), height=max(90, 30 * df["skill"].nunique()))


def retention(r: Retention, k: int) -> Any | None:
    rows = [row for row in r.rows if not row.pending]
    if not rows:
        return None
    df = pd.DataFrame(
        [
            {
                "when": t("{n} months after the start", n=row.months),
                "programme": row.programme,
                "series": label(row.group),
                "value": row.still_employed,
                **texts(k, row.still_employed, row.suppressed, row.reason, format_percent),
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
            yOffset=alt.YOffset("series:N", sort=[label(c) for c in codes]),
            x=alt.X(
                "value:Q",
                title=t("Still employed"),
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=colour(codes),
            tooltip=[
                alt.Tooltip("programme:N"),
                alt.Tooltip("when:N"),
                alt.Tooltip("series:N"),
                alt.Tooltip("shown:N"),
            ],
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4)
        .encode(
            y=y,
            yOffset=alt.YOffset("series:N", sort=[label(c) for c in codes]),
            x=alt.X("value:Q"),
            text=alt.Text("shown:N"),
        )
        .transform_filter(~alt.datum.suppressed)
    )
    chart = alt.layer(bars, text)
    if df["programme"].nunique() > 1:
        return finish(chart.facet(row=alt.Row("programme:N", title=None)))
    return finish(chart, height=150)


BUILDERS: dict[str, Callable[[Dashboard], Any]] = {
    "enrolment": lambda d: enrolment(d.enrolment, d.k),
    "match_rate": lambda d: match_rate(d.match_rate, d.k, d.filters.department),
    "meetings": lambda d: meetings(d.meetings, d.k),
    "health": lambda d: health(d.health, d.k),
    "engagement": lambda d: engagement(d.engagement, d.k),
    "goals": lambda d: goals(d.goals, d.k),
    "activity": lambda d: activity(d.activity, d.k),
    "survey_questions": lambda d: survey_questions(d.surveys, d.k),
    "nps": lambda d: nps(d.surveys, d.k),
    "skills": lambda d: skills(d.skills, d.k),
    "retention": lambda d: retention(d.retention, d.k),
}


def chart_of(d: Dashboard, name: str) -> Any | None:
    """One chart of the dashboard by name (None when there is nothing to draw)."""
    return BUILDERS[name](d)


def all_charts(d: Dashboard) -> dict[str, Any]:
    """Every chart of the dashboard by name (None when there is nothing to draw)."""
    return {name: build(d) for name, build in BUILDERS.items()}
