"""Matching (coordinator): suggest pairs or circles, review and fix them by hand, publish."""

import pandas as pd
import streamlit as st

from core.kernel.i18n import format_number, format_percent, t
from core.matching import edits, proposals, suggestions
from core.matching.candidates import MATCHABLE_STATES
from core.programmes import programmes
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape

store, viewer = guard("coord_matching")
st.title(t("Matching"))

choices = [p for p in programmes.list_programmes(store.sf, viewer) if p.status in MATCHABLE_STATES]
if not choices:
    st.info(t("No programme is open for enrolment or running: there is nobody to match."))
    st.stop()
by_id = {p.programme_id: p for p in choices}
pid = st.selectbox(
    t("Programme"),
    list(by_id),
    format_func=lambda i: f"{by_id[i].name} ({programmes.status_label(by_id[i].status)})",
    key="matching_programme",
)
# Where each action's message shows (per programme: switching programme hides it).
RUN, SWAP, MAKE, REMOVE, PUBLISH = (
    f"matching-{action}-{pid}" for action in ("run", "swap", "make", "remove", "publish")
)


def _swap() -> None:
    ss = st.session_state
    act(
        SWAP,
        edits.swap,
        ss["swap_a"],
        ss["swap_pa"],
        ss["swap_b"],
        ss["swap_pb"],
        done=t("Swapped. The scores are updated."),
    )


def _make() -> None:
    act(
        MAKE,
        edits.set_members,
        pid,
        None,
        st.session_state["make_people"],
        done=t("Match added to the suggestions."),
    )


def _remove() -> None:
    act(
        REMOVE,
        edits.remove_suggestion,
        st.session_state["remove_pick"],
        done=t("Removed: these people are back in the pool."),
    )


waiting = suggestions.pool(store.sf, viewer, pid)
left, right = st.columns([3, 1])
left.caption(
    t(
        "{n} people waiting to be matched. Running the matching replaces the suggestions not yet published.",
        n=len(waiting),
    )
)
right.button(
    t("Suggest matches"),
    type="primary",
    key="run_matching",
    on_click=act,
    args=(RUN, suggestions.run_matching, pid),
    use_container_width=True,
)
flash(RUN)

summary = suggestions.last_run(store.sf, viewer, pid)
rows = suggestions.list_suggestions(store.sf, viewer, pid)

if summary:
    a, b, c, d = st.columns(4)
    a.metric(t("Suggestions"), summary.suggestions)
    b.metric(t("People matched"), f"{summary.people_matched} / {summary.pool}")
    if summary.gap is not None:
        c.metric(
            t("Distance from the optimum"),
            format_number(summary.gap, 1),
            help=t(
                "Upper bound on the best possible total score minus the total found. 0 proves the suggestions optimal."
            ),
        )
    elif summary.baseline is not None:
        c.metric(
            t("Fit vs random circles"),
            format_percent(summary.total_weight / summary.baseline - 1)
            if summary.baseline
            else "—",
            help=t("Total within-circle fit compared with a random grouping of the same people."),
        )
    d.metric(t("Computed in"), t("{s} s", s=format_number(summary.seconds, 2)))
    if summary.left_out:
        with st.expander(t("Left unmatched ({n})", n=len(summary.left_out)), expanded=True):
            for person in summary.left_out:
                st.markdown(f"- **{md_escape(person.name)}** — {md_escape(person.reason)}")

if not rows:
    st.info(t("No suggestion yet. Click “Suggest matches” to compute them."))
    for where in (REMOVE, PUBLISH, SWAP, MAKE):  # the last suggestion gone, or all published
        flash(where)
else:
    st.subheader(t("Suggestions"))
    f1, f2 = st.columns([2, 1])
    needle = f1.text_input(t("Filter by name or department"), key="matching_filter").strip().lower()
    min_score = f2.slider(t("Minimum score"), 0, 100, 0, key="matching_min_score")
    shown = [
        r
        for r in rows
        if r.score >= min_score
        and (
            not needle
            or any(needle in (m.name + " " + (m.department or "")).lower() for m in r.members)
        )
    ]
    table = pd.DataFrame(
        {
            t("Score"): [round(r.score, 1) for r in shown],
            t("Members"): [r.names for r in shown],
            t("Departments"): [" · ".join(m.department or "—" for m in r.members) for r in shown],
            t("Why"): ["; ".join(r.reasons[:3]) for r in shown],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        use_container_width=True,
        column_config={
            t("Score"): st.column_config.ProgressColumn(
                t("Score"), min_value=0, max_value=100, format="%.1f"
            )
        },
    )

    labels = {r.match_id: f"{r.names} ({format_number(r.score, 1)})" for r in rows}
    with st.expander(t("Why this match?"), expanded=False):
        pick = st.selectbox(
            t("Suggestion"), list(labels), format_func=labels.get, key="matching_why"
        )
        row = next(r for r in rows if r.match_id == pick)
        for reason in row.reasons:
            st.markdown(f"- {md_escape(reason)}")

    st.subheader(t("Fix by hand"))
    tab_swap, tab_make, tab_remove = st.tabs(
        [t("Swap two people"), t("Make a match"), t("Remove a suggestion")]
    )
    with tab_swap, st.form("swap_form"):
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
        members = {r.match_id: r.members for r in rows}
        c1.selectbox(
            t("Person from the first"),
            [m.person_id for m in members[m_a]],
            format_func={m.person_id: m.name for m in members[m_a]}.get,
            key="swap_pa",
        )
        c2.selectbox(
            t("Person from the second"),
            [m.person_id for m in members[m_b]],
            format_func={m.person_id: m.name for m in members[m_b]}.get,
            key="swap_pb",
        )
        st.form_submit_button(t("Swap"), on_click=_swap)
        flash(SWAP)
    with tab_make, st.form("make_form"):
        names = {p.person_id: f"{p.name} — {p.department or '—'}" for p in waiting}
        st.multiselect(t("People (2 to 6)"), list(names), format_func=names.get, key="make_people")
        st.caption(t("People taken from another suggestion leave it."))
        st.form_submit_button(t("Make this match"), on_click=_make)
        flash(MAKE)
    with tab_remove, st.form("remove_form"):
        st.selectbox(t("Suggestion"), list(labels), format_func=labels.get, key="remove_pick")
        st.form_submit_button(t("Remove"), on_click=_remove)
        flash(REMOVE)

    st.subheader(t("Publish"))
    st.write(
        t(
            "Publishing shows each participant their proposed match and why; they accept or decline. All suggestions are published at once, or none."
        )
    )
    confirm = st.checkbox(
        t("I have reviewed the {n} suggestions", n=len(rows)), key="publish_confirm"
    )
    st.button(
        t("Publish all suggestions"),
        disabled=not confirm,
        key="publish_button",
        on_click=act,
        args=(PUBLISH, proposals.publish, pid),
        # All or nothing: what publishes is the suggestions listed here.
        kwargs={"done": t("{n} matches published.", n=len(rows))},
    )
    flash(PUBLISH)

answered = suggestions.declined(store.sf, viewer, pid)
if answered:
    st.subheader(t("Declined proposals"))
    st.caption(t("These people are back in the pool: run the matching again to re-match them."))
    st.dataframe(
        pd.DataFrame(
            {
                t("Members"): [r.names for r in answered],
                t("Who declined"): [
                    ", ".join(
                        m.name for m in r.members if m.response == proposals.MemberResponse.DECLINED
                    )
                    for r in answered
                ],
            }
        ),
        hide_index=True,
        use_container_width=True,
    )
