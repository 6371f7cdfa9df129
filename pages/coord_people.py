"""People (coordinators): import a CSV/XLSX/XLS/ODS file, see who is in Tandem, create invitation links."""

import pandas as pd
import streamlit as st

from core.kernel.i18n import N_, format_date, format_number, t, tn
from core.people import roster
from ui.page import guard
from ui.people.import_tab import import_tab
from ui.people.invitations_tab import invitations_tab
from ui.people.undo_imports import undo_imports
from ui.widgets import pager

store, viewer = guard("coord_people")
st.title(t("People"))

INVITATION = {
    "account": N_("has an account"),
    "pending": N_("invited"),
    "expired": N_("invitation expired"),
    "replaced": N_("invitation replaced"),
    "used": N_("invitation used"),
    "none": N_("not invited"),
}
FILTERS = {
    "all": N_("Everybody"),
    "active": N_("Active"),
    "inactive": N_("Deactivated"),
    "no_account": N_("Without an account"),
    "invited": N_("Invited, no account yet"),
    "not_invited": N_("Still to invite"),
}

summary = roster.people_summary(store.sf, viewer)
cols = st.columns(4)
cols[0].metric(t("Active people"), format_number(summary.active))
cols[1].metric(t("With an account"), format_number(summary.with_account))
cols[2].metric(t("Invited, no account yet"), format_number(summary.invited))
cols[3].metric(t("Still to invite"), format_number(summary.not_invited))

tab_list, tab_import, tab_invite = st.tabs([t("Directory"), t("Import a file"), t("Invitations")])


# --------------------------------------------------------------------------- list
with tab_list:
    left, right = st.columns([3, 1])
    query = left.text_input(t("Search by name, e-mail or department"), key="people_search")
    status = right.selectbox(
        t("Show"), list(FILTERS), format_func=lambda k: t(FILTERS[k]), key="people_filter"
    )
    # One page of the list is read; the page number is kept within the pages.
    ss = st.session_state
    page = roster.list_people(
        store.sf, viewer, query, status=status, page=int(ss.get("people_page", 1))
    )
    if not page.rows:
        st.info(t("Nobody matches."))
    else:
        if not pager("people_page", page, roster.PAGE_SIZE):
            st.caption(
                tn(
                    "{n} person matches.",
                    "{n} people match.",
                    page.total,
                    n=format_number(page.total),
                )
            )
        st.dataframe(
            pd.DataFrame(
                {
                    t("Name"): [r.name for r in page.rows],
                    t("E-mail"): [r.email for r in page.rows],
                    t("Department"): [r.department or "" for r in page.rows],
                    t("Level"): [r.level or "" for r in page.rows],
                    t("Location"): [r.location or "" for r in page.rows],
                    t("Manager"): [r.manager or "" for r in page.rows],
                    t("Active"): [r.is_active for r in page.rows],
                    t("Account"): [r.username or "" for r in page.rows],
                    t("Invitation"): [t(INVITATION[r.invitation]) for r in page.rows],
                    t("Invited on"): [
                        format_date(r.invited_at) if r.invited_at else "" for r in page.rows
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )

with tab_import:
    undo_imports(store, viewer)
    import_tab(store, viewer)

with tab_invite:
    invitations_tab(store, viewer, summary)
