"""The Pairing fit tab: the protected fit ratings, and the pairs flagged as a poor fit."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import format_date, format_number, format_percent, t
from core.kernel.store import Store
from core.relationship import fit
from core.surveys import results
from ui.actions import act, flash
from ui.surveys.explain import hidden
from ui.widgets import md_escape


def fit_tab(store: Store, viewer: Viewer, programme_id: int, k: int) -> None:
    """Draw the Pairing fit tab of a programme."""
    st.caption(
        t(
            "After their first meeting, each member rates whether the pairing fits them (1–5). A rating of 1 or 2 flags the pair here, without saying who, and without the member's note, which stays private."
        )
    )
    found = results.fit_results(store.sf, viewer, programme_id)
    summary = found.result
    if summary.suppressed:
        st.metric(t("Average fit"), "—")
        st.caption(hidden(summary.reason, k))
    else:
        a, b = st.columns(2)
        a.metric(t("Average fit"), f"{format_number(summary.mean or 0, 1)} / 5")
        if found.poor_share is None:
            b.metric(
                t("Poor fit (1–2)"),
                "—",
                delta=hidden(found.poor_reason, k),
                delta_color="off",
                delta_arrow="off",
            )
        else:
            b.metric(t("Poor fit (1–2)"), format_percent(found.poor_share))
    flags = fit.fit_flags(store.sf, viewer, programme_id)
    st.header(t("Pairs to talk to"))
    where = f"cs_flags_{programme_id}"  # a handled flag's card is gone: its message shows here
    flash(where)
    if not flags:
        st.success(t("No pair is flagged."))
    for flag in flags:
        with st.container(border=True, key=f"cs_flag_{flag.concern_id}"):
            st.markdown(f"**{md_escape(' · '.join(flag.members))}**")
            st.caption(
                t(
                    "A member reported a poor fit on {date}.",
                    date=format_date(flag.flagged_at),
                )
            )
            b1, b2 = st.columns(2)
            b1.button(
                t("Mark as handled"),
                key=f"cs_flag_done_{flag.concern_id}",
                on_click=act,
                args=(where, fit.mark_fit_flag_handled, flag.concern_id),
                kwargs={"done": t("Flag handled.")},
            )
            if flag.match_status in fit.FIT_STATES:
                sure = b2.checkbox(
                    t("I have talked to them: end this pairing"),
                    key=f"cs_flag_sure_{flag.concern_id}",
                )
                b2.button(
                    t("End the pairing to re-match"),
                    disabled=not sure,
                    key=f"cs_flag_end_{flag.concern_id}",
                    on_click=act,
                    args=(where, fit.end_pairing_for_rematch, flag.concern_id),
                    kwargs={"done": t("The pairing has ended: both members can be matched again.")},
                )
