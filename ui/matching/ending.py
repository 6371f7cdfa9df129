"""The Matching page: a coordinator ends a running pair or circle, with a reason for the staff."""

from __future__ import annotations

import streamlit as st

from core.kernel.i18n import t
from core.matching.published import AfterPublishing
from core.relationship import lifecycle
from core.relationship.concerns import MAX_CONCERN
from db.models.states import MatchStatus
from ui.actions import act, flash

WHERE = "matching_end"
RUNNING = (MatchStatus.ACTIVE, MatchStatus.PAUSED)


def _end() -> None:
    act(
        WHERE,
        lifecycle.end_by_coordinator,
        st.session_state["matching_end_pick"],
        st.session_state.get("matching_end_reason", ""),
        done=t("The pairing is ended; its members see it on their Home page."),
        clear=("matching_end_reason", "matching_end_sure", "matching_end_pick"),
    )


def render(view: AfterPublishing) -> None:
    """Only over the running pairs listed (the accepted ones, when the coordinator asks)."""
    running = {r.match_id: r.names for r in view.proposals if r.status in RUNNING}
    flash(WHERE)
    if not running:
        return
    with st.expander(t("End a running pair or circle")):
        st.caption(
            t(
                "For example when someone leaves the company. The members see on their Home page that it ended, not why; planned meetings are cancelled."
            )
        )
        st.selectbox(
            t("Pair or circle"), list(running), format_func=running.get, key="matching_end_pick"
        )
        st.text_area(
            t("Reason (staff only)"), key="matching_end_reason", max_chars=MAX_CONCERN, height=80
        )
        sure = st.checkbox(t("Yes, end this pairing"), key="matching_end_sure")
        st.button(t("End the pairing"), key="matching_end", disabled=not sure, on_click=_end)
