"""The do-not-pair list on the Matching page: staff add and remove pairs, with a reason."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t
from core.kernel.store import Store
from core.matching import do_not_pair
from ui.actions import act, flash


def render(store: Store, viewer: Viewer, pid: int) -> None:
    """The list that applies to programme ``pid``, a form to add, one to remove."""
    where = f"matching-dnp-{pid}"
    entries = do_not_pair.list_entries(store.sf, viewer, pid)
    with st.expander(
        t("Do-not-pair list ({n})", n=len(entries)),
        expanded=bool(st.session_state.get(f"{where}-open")),
    ):
        st.caption(
            t(
                "People who must never be matched together. The reason is seen by coordinators and admins only, never by participants."
            )
        )
        if entries:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("People"): [f"{e.person_a} · {e.person_b}" for e in entries],
                        t("Reason"): [e.reason for e in entries],
                        t("Added on"): [format_date(e.created_at) for e in entries],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
        if entries:
            labels = {e.entry_id: f"{e.person_a} · {e.person_b}" for e in entries}
            with st.form("dnp_remove_form"):
                st.selectbox(t("Entry"), list(labels), format_func=labels.get, key="dnp_pick")
                st.form_submit_button(t("Remove from the list"), on_click=_remove, args=(where,))
        # The people list is long at company scale: read and drawn when asked for.
        if not st.toggle(
            t("Add a pair to the list"), key="dnp_adding", on_change=_keep_open, args=(where,)
        ):
            flash(where)
            return
        people = dict(do_not_pair.people(store.sf, viewer, pid))
        with st.form("dnp_add_form"):
            c1, c2 = st.columns(2)
            c1.selectbox(t("First person"), list(people), format_func=people.get, key="dnp_a")
            c2.selectbox(
                t("Second person"),
                list(people),
                format_func=people.get,
                index=min(1, len(people) - 1) if people else None,
                key="dnp_b",
            )
            st.text_input(t("Reason (staff only)"), max_chars=300, key="dnp_reason")
            st.form_submit_button(t("Add to the list"), on_click=_add, args=(pid, where))
        flash(where)


def _add(pid: int, where: str) -> None:
    ss = st.session_state
    st.session_state[f"{where}-open"] = True
    act(
        where,
        do_not_pair.add_entry,
        pid,
        ss.get("dnp_a"),
        ss.get("dnp_b"),
        ss.get("dnp_reason"),
        done=t("Added: the matcher will never match these two people."),
        clear=("dnp_reason",),
    )


def _remove(where: str) -> None:
    st.session_state[f"{where}-open"] = True
    act(
        where,
        do_not_pair.remove_entry,
        st.session_state.get("dnp_pick"),
        done=t("Removed from the do-not-pair list."),
    )


def _keep_open(where: str) -> None:
    st.session_state[f"{where}-open"] = True
