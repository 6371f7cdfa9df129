"""Enrolments (coordinators): who joined a programme, with their enrolment profile and filters."""

import pandas as pd
import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t, tn
from core.programmes import answers, enrolled
from core.programmes.enrolment import EnrolmentStatus
from ui.page import guard
from ui.programmes.picker import pick_programme
from ui.widgets import choose_many, pager, pick, plain

store, viewer = guard("coord_enrolments")
st.title(t("Enrolments"))

picked = pick_programme(store.sf, viewer, key="enr_programme", show_state=True)

ENROLLED, WITHDRAWN = EnrolmentStatus.ENROLLED, EnrolmentStatus.WITHDRAWN
STATUS = {ENROLLED: t("Enrolled"), WITHDRAWN: t("Withdrawn"), "": t("All")}
c1, c2, c3 = st.columns([1, 2, 2])
status = c1.selectbox(
    t("Status"),
    [ENROLLED, WITHDRAWN, ""],
    format_func=STATUS.get,
    key="enr_status",
)
search = c3.text_input(t("Search by name or e-mail"), key="enr_search")
ss = st.session_state
try:
    departments = enrolled.departments_of(store.sf, viewer, picked, status=status or None)
    chosen_departments = choose_many(
        t("Departments"),
        departments,
        placeholder=t("All"),
        key="enr_departments",
        where=c2,
    )
    # One page of the filtered list is read; the page number is kept within the pages.
    found = enrolled.enrolment_page(
        store.sf,
        viewer,
        picked,
        status=status or None,
        departments=chosen_departments,
        search=search,
        page=int(ss.get("enr_page", 1)),
        size=enrolled.PAGE_SIZE,
    )
except TandemError as e:
    st.error(str(e))
    st.stop()
shown = list(found.rows)

if not pager("enr_page", found, enrolled.PAGE_SIZE):
    st.caption(tn("{n} person shown.", "{n} people shown.", len(shown)))
if not shown:
    st.info(t("Nobody matches these filters."))
    st.stop()

ROLE = {"peer": t("Peer"), "mentor": t("Mentor"), "mentee": t("Mentee")}
ROW_STATUS = {ENROLLED: t("enrolled"), WITHDRAWN: t("withdrawn")}  # one person each
st.dataframe(
    pd.DataFrame(
        {
            t("Name"): [r.name for r in shown],
            t("Department"): [r.department or "" for r in shown],
            t("Level"): [r.level or "" for r in shown],
            t("Location"): [r.location or "" for r in shown],
            t("Enrolled on"): [format_date(r.enrolled_at) for r in shown],
            t("Status"): [ROW_STATUS.get(r.status, r.status) for r in shown],
            t("Role"): [ROLE.get(r.role, r.role) for r in shown],
            t("Offers"): [", ".join(r.offered) for r in shown],
            t("Wants"): [", ".join(r.wanted) for r in shown],
        }
    ),
    hide_index=True,
    width="stretch",
    key="enr_table",
)

st.header(t("Enrolment profile"))
people = {r.enrolment_id: r for r in shown}
who = pick(t("Person"), people, lambda r: f"{r.name} ({r.department or '—'})", key="enr_person")
row = people[who]
with st.container(border=True):
    a, b = st.columns(2)
    a.markdown("**" + t("Offers") + "**")
    with a:
        plain(", ".join(row.offered) or "—")
    b.markdown("**" + t("Wants") + "**")
    with b:
        plain(", ".join(row.wanted) or "—")
    a.markdown("**" + t("Goal themes") + "**")
    a.write(", ".join(t(answers.GOAL_THEMES.get(x, x)) for x in row.goal_themes) or "—")
    b.markdown("**" + t("Availability") + "**")
    b.write(", ".join(t(answers.AVAILABILITY.get(x, x)) for x in row.availability) or "—")
    a.markdown("**" + t("Work mode") + "**")
    a.write(t(answers.WORK_MODES.get(row.work_mode, row.work_mode)))
    b.markdown("**" + t("Languages") + "**")
    b.write(", ".join(t(answers.LANGUAGES.get(x, x)) for x in row.languages) or "—")
    st.markdown("**" + t("Motivation") + "**")
    plain(row.motivation or "—")
