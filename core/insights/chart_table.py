"""A chart's text alternative: its figures as a table and a one-line summary.

Read from the chart's own data, so a figure hidden on the chart is hidden here with the
same words, and nothing the chart does not draw is added.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from core.insights.chart_parts import marked
from core.kernel.i18n import format_number, t, tn

SUMMARY_ROWS = 6  # a summary names every figure up to this many, then points to the table


ABOUT = ("week", "who", "skill", "x")  # what a mark is about, by the chart's own columns


def _frames(chart: Any) -> list[pd.DataFrame]:
    """The data frames a chart draws, its own then its layers' and panels', in order."""
    found = [chart.data] if isinstance(getattr(chart, "data", None), pd.DataFrame) else []
    for part in ("layer", "hconcat", "vconcat", "concat"):
        for sub in getattr(chart, part, None) or []:
            found += _frames(sub)
    return found


def drawn_table(chart: Any) -> pd.DataFrame | None:
    """The figures a built chart draws, read from its own data: the first frame with the
    words its marks show ("shown", a hidden figure already in words)."""
    df = next((f for f in _frames(chart) if "shown" in f.columns and not f.empty), None)
    about = next((c for c in ABOUT if df is not None and c in df.columns), None)
    if df is None or about is None:
        return None
    what = list(df[about]) if about != "x" else [marked(str(x)) for x in df["x"]]
    columns = {t("Week") if about == "week" else t("Of"): what}
    if "series" in df.columns and df["series"].nunique() > 1 and about != "x":
        columns[t("Series")] = list(df["series"])
    columns[t("Figure")] = list(df["shown"])
    return pd.DataFrame(columns)


def _said(figure: Any) -> Any:
    """A figure as the reader's language writes it (16.7 is "16,7" in French); words as
    they are."""
    if isinstance(figure, bool) or not isinstance(figure, int | float):
        return figure
    whole = isinstance(figure, int) or figure.is_integer()
    return format_number(figure, 0 if whole else 1)


def summary(title: str, table: pd.DataFrame) -> str:
    """What the chart shows, in one sentence a screen reader reads out."""
    about = [_said(a) for a in table.iloc[:, 0].tolist()]
    figure = [_said(f) for f in table.iloc[:, -1].tolist()]
    series = table.iloc[:, 1].tolist() if table.shape[1] == 3 else None
    if len(table) <= SUMMARY_ROWS:
        parts = [
            t("{what}: {figure}", what=f"{a}, {series[i]}" if series else a, figure=f)
            for i, (a, f) in enumerate(zip(about, figure, strict=True))
        ]
        return t("{title} — {figures}.", title=title, figures=t("; ").join(parts))
    return tn(
        "{title} — {n} figure, from {first} to {last}; every one is in the table below.",
        "{title} — {n} figures, from {first} to {last}; every one is in the table below.",
        len(table),
        title=title,
        first=about[0],
        last=about[-1],
    )
