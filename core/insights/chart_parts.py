"""The pieces every dashboard chart is drawn with: colours, the reader's locale, frames of points, axes, hidden marks, and the height a drawn chart needs."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import altair.utils.schemapi
import pandas as pd

from core.insights.figures import Point, hidden_label, hidden_text, label
from core.kernel.i18n import format_date, format_number, get_language, t
from core.kernel.privacy import SMALL

# Altair checks each piece of a chart against the Vega-Lite schema as it is built (its
# "debug mode", for nearer error messages), then the whole chart again when Streamlit or
# the report serialise it: the whole check is kept, the piecewise one costs a page 2 ms a
# chart for nothing.
altair.utils.schemapi.disable_debug_mode()

HEIGHT = 240
GREY = "#9aa0a6"  # bars and rules only: too light for words (2.6:1 on white)
# Words drawn on a chart meet WCAG AA on the white background (4.5:1; tests/unit/test_contrast.py).
TEXT = "#333333"
QUIET_TEXT = "#5f6368"  # a hidden figure's words ("fewer than 5 people"), GREY's darker kin
TARGET = "#c0392b"  # a target's rule and its label
# The training-needs grid writes each gap on its cell: the red-blue scheme is cut to its
# middle (0.2–0.8, where its darkest ends are #d6604d and #4393c3) so that dark words read
# on every cell; a hidden cell is light grey with QUIET_TEXT words.
HEAT_SCHEME = alt.SchemeParams("redblue", extent=[0.2, 0.8])
HEAT_ENDS = ("#d6604d", "#4393c3")
HEAT_TEXT = "#111111"
HIDDEN_CELL = "#e4e4e4"
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
# Colour is never the only signal: a health bucket's bar is named with a symbol and words.
SYMBOLS = {"too_early": "○", "check_in": "⚠", "on_track": "✓"}


def marked(code: str) -> str:
    """A category's words on a chart, after its symbol when it has one ("✓ On track")."""
    return f"{SYMBOLS[code]} {label(code)}" if code in SYMBOLS else label(code)


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


def finish(chart: Any, **top: Any) -> Any:
    """Top-level configuration, for every chart Tandem draws: the reader's locale for dates
    and numbers, and axis and legend words legible (Streamlit's own grey for them, #808495,
    reads at 3.7:1 on white; a chart's configuration overrides Streamlit's); ``top``: its
    top-level properties (``height``, ``description``).

    Set on one shallow copy: ``properties`` and each ``configure_*`` would copy the whole
    chart again and check each piece against the schema (10–15 ms a chart); the whole chart
    is still checked once, when it is serialised."""
    if chart.config is not alt.Undefined:
        raise ValueError("finish() gives a chart its configuration: build it without one")
    config = alt.Config(
        axis=alt.AxisConfig(labelColor=QUIET_TEXT, titleColor=QUIET_TEXT),
        legend=alt.LegendConfig(labelColor=QUIET_TEXT, titleColor=QUIET_TEXT),
        locale=_FR if get_language() == "fr" else alt.Undefined,
    )
    return with_top(chart, config=config, **top)


def with_top(chart: Any, **top: Any) -> Any:
    """A copy of ``chart`` with these top-level properties (``description`` …): Altair's
    ``properties`` without its piecewise schema check (the whole chart is checked when
    serialised)."""
    done = _copy(chart)
    for key, value in top.items():
        setattr(done, key, value)
    return done


def _copy(chart: Any) -> Any:
    """A copy of ``chart`` with top-level properties of its own (their values shared, like
    Altair's ``copy(deep=False)``), without building the chart anew as Altair's copy does
    (a layered chart merges and checks its layers again: about a millisecond a copy)."""
    done = copy.copy(chart)
    vars(done).pop("to_dict", None)  # a copy of an unchecked chart is an ordinary one
    object.__setattr__(done, "_kwds", dict(chart._kwds))
    return done


def unchecked(chart: Any) -> Any:
    """A copy of ``chart`` that serialises without the check against the Vega-Lite schema.

    Streamlit draws a chart from ``chart.to_dict()``, whose default walks the whole
    specification through the schema: 30–45 ms for a layered chart, most of a chart page's
    time. Every chart's builder is checked by its tests (and page tests check what they draw,
    see ``config.check_charts``); the copy answers ``to_dict()`` with ``validate=False``.
    Set on the copy's own attributes, past Altair's ``__setattr__`` (which would make it a
    property of the chart): a further copy, or a sub-chart, is an ordinary chart."""
    done = _copy(chart)
    object.__setattr__(done, "to_dict", functools.partial(_to_dict_unchecked, done))
    return done


def _to_dict_unchecked(chart: Any, validate: bool = False, **kwargs: Any) -> dict[str, Any]:
    return type(chart).to_dict(chart, validate, **kwargs)  # type: ignore[no-any-return]


def texts(
    k: int, value: float | None, suppressed: bool, reason: str, fmt: Callable[[float], str]
) -> dict[str, str]:
    """A mark's short "label" and its tooltip "shown": the value, or why it is hidden."""
    if suppressed:
        return {"label": hidden_label(k, reason or SMALL), "shown": hidden_text(k, reason or SMALL)}
    text = "—" if value is None else fmt(value)
    return {"label": text, "shown": text}


def frame(
    points: Sequence[Point], k: int, fmt: Callable[[float], str] = lambda v: format_number(v)
) -> pd.DataFrame:
    rows = []
    for p in points:
        rows.append(
            {
                "x": pd.Timestamp(p.x) if isinstance(p.x, dt.date) else p.x,
                "code": p.series,
                "series": label(p.series),
                "value": p.value,
                **texts(k, p.value, p.suppressed, p.reason, fmt),
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


def colour(codes: Sequence[str], title: str | None = None) -> alt.Color:
    return alt.Color(
        "series:N",
        scale=alt.Scale(
            domain=[label(c) for c in codes], range=[COLOURS.get(c, GREY) for c in codes]
        ),
        sort=[label(c) for c in codes],
        # Two a row: a half-width chart cannot hold five long labels side by side.
        legend=alt.Legend(
            orient="bottom",
            title=title,
            labelLimit=220,
            columns=2 if len(codes) > 2 else len(codes),
        ),
    )


def hidden_marks(df: pd.DataFrame, x: Any, k: int) -> alt.Chart | None:
    """A grey "< k" at the foot of each hidden cell, with the full sentence as tooltip."""
    hidden = df[df["suppressed"]].drop_duplicates(subset=["x"])
    if hidden.empty:
        return None
    return (
        alt.Chart(hidden)
        .mark_text(text=f"< {k}", dy=-7, color=QUIET_TEXT, fontSize=11)
        .encode(x=x, y=alt.YDatum(0), tooltip=[alt.Tooltip("shown:N", title=" ")])
    )


def hidden_bars(df: pd.DataFrame, y: alt.Y, at: float = 0) -> alt.Chart:
    """The labels of the bars the small-group rule hides, grey at ``at`` on the value axis,
    the full sentence as their tooltip."""
    return (
        alt.Chart(df[df["suppressed"]])
        .mark_text(align="left", dx=4, color=QUIET_TEXT)
        .encode(
            y=y,
            x=alt.XDatum(at),
            text=alt.Text("label:N"),
            tooltip=[alt.Tooltip("shown:N", title=" ")],
        )
    )


def week_axis() -> alt.X:
    return alt.X("x:T", title=t("Week starting"), axis=alt.Axis(format="%d %b"))


def week_band(df: pd.DataFrame, most: int = 10) -> alt.X:
    """Weeks as bands; at most ``most`` labels, evenly spaced, so they never overlap."""
    weeks = list(dict.fromkeys(df["week"]))
    step = max(1, -(-len(weeks) // most))
    return alt.X(
        "week:O",
        sort=weeks,
        title=t("Week starting"),
        axis=alt.Axis(labelAngle=0, values=weeks[::step], labelPadding=4),
    )


def week_tooltip() -> list[Any]:
    return [
        alt.Tooltip("week:N", title=t("Week starting")),
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("shown:N", title=" "),
    ]


def layer(base: Any, extra: alt.Chart | None) -> Any:
    return alt.layer(base, extra) if extra is not None else base


def nothing(df: pd.DataFrame) -> bool:
    """No row, only zeros, or only hidden figures: a sentence says more than an empty chart."""
    return df.empty or df["value"].fillna(0).sum() == 0


def category_bars(
    points: Sequence[Point],
    k: int,
    codes: Sequence[str],
    title: str,
    fmt: Callable[[float], str] = lambda v: format_number(v),
) -> Any | None:
    df = frame(points, k, fmt)
    if nothing(df):
        return None
    df["series"] = [marked(str(x)) for x in df["x"]]
    order = [marked(c) for c in codes]
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
            text=alt.Text("label:N"),
            color=alt.ColorValue(
                TEXT, condition={"test": alt.datum.suppressed, "value": QUIET_TEXT}
            ),
        )
    )
    return finish(
        alt.layer(bars, text.transform_filter(~alt.datum.suppressed), hidden_bars(df, y)),
        height=max(90, 30 * len(codes)),
    )


def pixel_height(chart: Any) -> int | str:
    """The height to give Streamlit: the plot's own plus axes and a bottom legend.

    Read from the chart's parts, not its whole spec: ``to_dict`` serialises the data
    (and validates), which cost the dashboard about 100 ms a page for nine charts."""
    height = getattr(chart, "height", None)
    if not isinstance(height, int):
        return "content"
    legend = 60 if any(_bottom_legend(part) for part in _parts(chart)) else 0
    return height + 70 + legend


def _parts(chart: Any) -> list[Any]:
    """The chart and its layers, layers of layers included."""
    layers = getattr(chart, "layer", None)
    if not isinstance(layers, list):
        return [chart]
    return [chart, *(p for layer in layers for p in _parts(layer))]


def _bottom_legend(part: Any) -> bool:
    """Whether a part's encoding draws a legend below it (every legend sits below)."""
    encoding = getattr(part, "encoding", None)
    if encoding is None or encoding is alt.Undefined:
        return False
    return '"orient": "bottom"' in json.dumps(encoding.to_dict(validate=False))
