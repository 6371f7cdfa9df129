"""A chart's text alternative: its figures as a table and a one-line summary.

Built from the same points and the same ``frame`` as the chart, so a figure hidden on the
chart is hidden here with the same words, and nothing the chart does not show is added.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.insights.chart_parts import frame, marked
from core.insights.figures import Point
from core.kernel.i18n import t, tn

SUMMARY_ROWS = 6  # a summary names every figure up to this many, then points to the table


def figures_table(points: Sequence[Point], k: int) -> pd.DataFrame | None:
    """One row per mark of the chart: what it is about, its series, its figure as shown."""
    df = frame(points, k)
    if df.empty:
        return None
    about = list(df["week"]) if "week" in df else [marked(str(x)) for x in df["x"]]
    columns = {t("Week") if "week" in df else t("Of"): about}
    if df["code"].nunique() > 1:  # one series is the chart's title: no column for it
        columns[t("Series")] = list(df["series"])
    columns[t("Figure")] = list(df["shown"])
    return pd.DataFrame(columns)


def summary(title: str, table: pd.DataFrame) -> str:
    """What the chart shows, in one sentence a screen reader reads out."""
    about, figure = table.iloc[:, 0].tolist(), table.iloc[:, -1].tolist()
    series = table.iloc[:, 1].tolist() if table.shape[1] == 3 else None
    if len(table) <= SUMMARY_ROWS:
        parts = [
            f"{a}, {series[i]}: {f}" if series else f"{a}: {f}"
            for i, (a, f) in enumerate(zip(about, figure, strict=True))
        ]
        return t("{title} — {figures}.", title=title, figures="; ".join(parts))
    return tn(
        "{title} — {n} figure, from {first} to {last}; every one is in the table below.",
        "{title} — {n} figures, from {first} to {last}; every one is in the table below.",
        len(table),
        title=title,
        first=about[0],
        last=about[-1],
    )
