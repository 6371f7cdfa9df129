"""The dashboard's headline numbers and its KPIs against their targets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from core.insights import figures
from core.insights.figures import Figure
from core.kernel.i18n import format_number, format_percent, t
from ui.widgets import md_escape


def hidden(k: int, reason: str) -> str:
    """Why a figure is hidden, in full (the help of its metric)."""
    return figures.hidden_text(k, reason or "small").capitalize() + "."


def metric(
    col: Any, k: int, label: str, fig: Figure, fmt: Callable[..., str] = format_number, **kwargs
) -> None:
    """A headline number; a hidden one says why (in short, and in full on hover)."""
    if fig.suppressed:
        kwargs.pop("delta", None)
        kwargs["help"] = hidden(k, fig.reason)
        col.metric(
            label,
            "—",
            delta=figures.hidden_label(k, fig.reason or "small"),
            delta_color="off",
            delta_arrow="off",
            **kwargs,
        )
    else:
        col.metric(label, "—" if fig.value is None else fmt(fig.value), **kwargs)


def versus(gap: str, target: str) -> str:
    return t("{gap} vs {target}", gap=gap, target=target)


def points(share: float) -> str:
    """A difference of shares, in percentage points, with its sign."""
    return t("{n} pts", n=f"{round(share * 100):+d}")


def headline(d: figures.Dashboard) -> None:
    """The two rows of headline numbers."""
    h, k = d.headline, d.k
    target = d.match_rate.target
    row1 = st.columns(4)
    metric(row1[0], k, t("Enrolled"), h.enrolled)
    metric(
        row1[1],
        k,
        t("Match rate"),
        h.match_rate,
        format_percent,
        delta=None
        if h.match_rate.value is None
        else versus(points(h.match_rate.value - target), format_percent(target)),
        help=t(
            "Participants in an active match ÷ participants enrolled. Good programmes aim for 70% or more."
        ),
    )
    metric(row1[2], k, t("Active pairs and circles"), h.active_matches)
    row1[3].metric(
        t("Pairs needing a check-in"),
        format_number(len(d.checkins)),
        help=t(
            "No first meeting 14 days after the match, a meeting overdue, or two meetings in a row cancelled, moved or missed."
        ),
    )
    row2 = st.columns(4)
    metric(row2[0], k, t("Meetings held"), h.meetings_held, help=t("In the period."))
    metric(
        row2[1],
        k,
        t("Engaged participants"),
        h.engaged,
        help=t("Participants with at least 3 meetings held."),
    )
    metric(row2[2], k, t("Goals achieved"), h.goals_achieved, help=t("In the period."))
    metric(
        row2[3],
        k,
        t("Net Promoter Score"),
        h.nps,
        help=t("% of 9–10 answers − % of 0–6 answers to “would you recommend the programme”."),
    )


def kpi_value(kpi: figures.Kpi, value: float) -> str:
    if kpi.unit == "share":
        return format_percent(value)
    if kpi.unit == "score":
        return format_number(value, 1)
    return format_number(value)


SHORT_LABEL = 22  # characters a KPI card shows whole, four cards to a row


def kpi_delta(kpi: figures.Kpi) -> str | None:
    if kpi.actual is None:
        return None
    gap = kpi.actual - kpi.target
    if kpi.unit == "share":
        return versus(points(gap), kpi_value(kpi, kpi.target))
    sign = "+" if gap >= 0 else "-"  # ASCII: Streamlit colours the delta by its first character
    return versus(sign + kpi_value(kpi, abs(gap)), kpi_value(kpi, kpi.target))


def kpis(d: figures.Dashboard, one_programme: bool) -> None:
    """Each KPI against its target, four to a row."""
    st.header(t("KPIs against their targets"))
    if not d.kpis:
        st.caption(
            t(
                "No KPI set for this programme. KPIs and their targets are set on the Programmes page."
            )
        )
        return
    k = d.k
    cols = st.columns(4)
    for i, kpi in enumerate(d.kpis):
        label = kpi.label if one_programme else f"{kpi.programme} — {kpi.label}"
        if kpi.suppressed:
            value, delta = "—", figures.hidden_label(k, kpi.reason or "small")
        elif kpi.actual is None:
            value, delta = "—", None
        else:
            value, delta = kpi_value(kpi, kpi.actual), kpi_delta(kpi)
        why = (
            hidden(k, kpi.reason)
            if kpi.suppressed
            else (None if kpi.actual is not None else t("Not measurable yet."))
        )
        # A card a quarter of the page wide cuts a long label short ("Engaged participants
        # (3 m…"): the label in full is in the card's help, with why it shows no figure.
        full = label if len(label) > SHORT_LABEL else None
        cols[i % 4].metric(
            label,
            value,
            delta=delta,
            delta_color="off" if kpi.suppressed else "normal",
            delta_arrow="off" if kpi.suppressed else "auto",
            border=True,
            help="\n\n".join(x for x in (full and md_escape(full), why) if x) or None,
        )
