"""The Matching page's suggestions: review, explain, fix by hand and publish them."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.kernel.i18n import N_, format_number, t, tn
from core.matching import edits, proposals
from core.matching.rows import SuggestionRow
from core.matching.suggestions import PoolPerson, SuggestionPage
from ui.actions import act, flash
from ui.matching.people import names, who
from ui.widgets import choose_many, md_escape

# A company's run makes thousands of suggestions: the best this many are listed (and their
# reasons phrased), the filter finding the others; the lists to fix them follow the table.
LISTED = 100
FIX_TABS, MAKE_TAB = "matching_fix_tab", N_("Make a match")


def make_tab_open() -> bool:
    """Whether the make-a-match tab is the one chosen (the page then reads the pool)."""
    return bool(st.session_state.get(FIX_TABS) == t(MAKE_TAB))


def render(
    pid: int,
    waiting: list[PoolPerson],
    page_of: Callable[[str, int, int], SuggestionPage],
    *,
    already: bool,
) -> None:
    """The suggestions not yet published (``already``: some proposals went out before);
    ``page_of(needle, min_score, limit)``: the best of those the filter keeps."""
    SWAP, REMOVE, PUBLISH = (f"matching-{action}-{pid}" for action in ("swap", "remove", "publish"))

    st.header(t("Suggestions"))
    f1, f2 = st.columns([2, 1])
    needle = f1.text_input(t("Filter by name or department"), key="matching_filter")
    min_score = f2.slider(t("Minimum score"), 0, 100, 0, key="matching_min_score")
    page = page_of(needle, min_score, LISTED)
    listed = page.rows
    if page.kept > len(listed):
        st.caption(
            tn(
                "The best of {total} suggestions is listed. Filter by name or department to list the others: the lists below follow the table.",
                "The {n} best of {total} suggestions are listed. Filter by name or department to list the others: the lists below follow the table.",
                len(listed),
                total=format_number(page.kept),
            )
        )
    why = {r.match_id: r.reasons for r in listed}
    table = pd.DataFrame(
        {
            # Whole points: a tenth of a point tells nothing, and a printf format cannot
            # write the French decimal comma.
            t("Score"): [round(r.score) for r in listed],
            t("Members"): [names(r.members) for r in listed],
            t("Departments"): [" · ".join(m.department or "—" for m in r.members) for r in listed],
            t("Why"): ["; ".join(r.reasons[:3]) for r in listed],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            t("Score"): st.column_config.ProgressColumn(
                t("Score"), min_value=0, max_value=100, format="%d"
            )
        },
    )
    none = t("No suggestion matches this filter.")
    labels = {r.match_id: f"{names(r.members)} ({format_number(round(r.score))})" for r in listed}
    with st.expander(t("Why this match?"), expanded=False):
        if not labels:
            st.caption(none)
        else:
            pick = st.selectbox(
                t("Suggestion"), list(labels), format_func=labels.get, key="matching_why"
            )
            for reason in why.get(pick, ()):
                st.markdown(f"- {md_escape(reason)}")

    st.header(t("Fix by hand"))
    # Lazy: only the chosen tab is drawn (the make-a-match form lists the whole pool).
    tab_swap, tab_make, tab_remove = st.tabs(
        [t("Swap two people"), t(MAKE_TAB), t("Remove a suggestion")],
        key=FIX_TABS,
        on_change="rerun",
    )
    if tab_swap.open:
        with tab_swap:
            if labels:
                _swap_form(labels, listed, SWAP)
            else:
                st.caption(none)
    if tab_make.open:
        with tab_make:
            make_form(pid, waiting)
    if tab_remove.open:
        with tab_remove:
            if labels:
                _remove_form(labels, REMOVE)
            else:
                st.caption(none)
    _publish(pid, page.total, PUBLISH, already=already)


def _swap_form(labels: dict[int, str], listed: list[SuggestionRow], where: str) -> None:
    """Swap two people between two of the suggestions listed."""

    def _swap() -> None:
        ss = st.session_state
        act(
            where,
            edits.swap,
            ss["swap_a"],
            ss["swap_pa"],
            ss["swap_b"],
            ss["swap_pb"],
            done=t("Swapped. The scores are updated."),
        )

    with st.form("swap_form"):
        c1, c2 = st.columns(2)
        m_a = c1.selectbox(
            t("First suggestion"), list(labels), format_func=labels.get, key="swap_a"
        )
        m_b = c2.selectbox(
            t("Second suggestion"),
            list(labels),
            format_func=labels.get,
            index=min(1, len(labels) - 1),
            key="swap_b",
        )
        members = {r.match_id: r.members for r in listed}
        c1.selectbox(
            t("Person from the first"),
            [m.person_id for m in members[m_a]],
            format_func={m.person_id: who(m.name, m.role) for m in members[m_a]}.get,
            key="swap_pa",
        )
        c2.selectbox(
            t("Person from the second"),
            [m.person_id for m in members[m_b]],
            format_func={m.person_id: who(m.name, m.role) for m in members[m_b]}.get,
            key="swap_pb",
        )
        st.form_submit_button(t("Swap"), on_click=_swap)
        flash(where)


def _remove_form(labels: dict[int, str], where: str) -> None:
    """Drop one of the suggestions listed: its people go back to the pool."""

    def _remove() -> None:
        act(
            where,
            edits.remove_suggestion,
            st.session_state["remove_pick"],
            done=t("Removed: these people are back in the pool."),
        )

    with st.form("remove_form"):
        st.selectbox(t("Suggestion"), list(labels), format_func=labels.get, key="remove_pick")
        st.form_submit_button(t("Remove"), on_click=_remove)
        flash(where)


def _publish(pid: int, total: int, where: str, *, already: bool) -> None:
    """Publish every suggestion at once (all of them, listed or not)."""
    st.header(t("Publish"))
    st.write(
        t(
            "Publishing shows each participant their proposed match and why; they accept or decline. All suggestions are published at once, or none."
        )
    )
    if already:
        st.caption(
            t(
                "Only these suggestions are published: the proposals already published stay as they are."
            )
        )
    confirm = st.checkbox(
        tn("I have reviewed the suggestion", "I have reviewed the {n} suggestions", total),
        key="publish_confirm",
    )
    st.button(
        t("Publish all suggestions"),
        disabled=not confirm,
        key="publish_button",
        on_click=act,
        args=(where, proposals.publish, pid),
        # All or nothing: what publishes is the suggestions listed here.
        kwargs={"done": tn("{n} match published.", "{n} matches published.", total)},
    )
    flash(where)


def make_form(pid: int, waiting: list[PoolPerson]) -> None:
    """Make a pair or circle by hand from the people waiting (a suggestion to publish)."""
    where = f"matching-make-{pid}"

    def _make() -> None:
        act(
            where,
            edits.set_members,
            pid,
            None,
            st.session_state["make_people"],
            done=t("Match added to the suggestions."),
        )

    with st.form("make_form"):
        names = {p.person_id: f"{who(p.name, p.role)} — {p.department or '—'}" for p in waiting}
        choose_many(
            t("People (2 to 6)"),
            list(names),
            format_func=names.get,
            key="make_people",
        )
        st.caption(t("People taken from another suggestion leave it."))
        st.form_submit_button(t("Make this match"), on_click=_make)
        flash(where)
