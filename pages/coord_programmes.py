"""Programmes (coordinators): list, create, edit, KPIs, change state, duplicate as the next cycle."""

import pandas as pd
import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, format_number, t
from core.programmes import options
from core.programmes import programmes as prog
from ui.actions import act, flash
from ui.page import guard
from ui.programmes.form import create_and_open, programme_form
from ui.programmes.tabs import NEXT_CYCLE, next_cycle_tab, settings_tab, state_tab
from ui.widgets import md_escape

store, viewer = guard("coord_programmes")

st.title(t("Programmes"))

NEW = 0
CREATE = "prog-new"  # the new programme's outcome: under its form, or atop the programme created
if "prog_pick_next" in st.session_state:  # select what was just created or duplicated
    st.session_state["prog_pick"] = st.session_state.pop("prog_pick_next")

rows = prog.list_programmes(store.sf, viewer)
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                t("Programme"): [r.name for r in rows],
                t("State"): [options.status_label(r.status) for r in rows],
                t("Start"): [format_date(r.start_date) for r in rows],
                t("End"): [format_date(r.end_date) for r in rows],
                t("Enrolment window"): [
                    f"{format_date(r.enrolment_opens)} – {format_date(r.enrolment_closes)}"
                    if r.enrolment_opens and r.enrolment_closes
                    else "—"
                    for r in rows
                ],
                t("Enrolled"): [r.enrolled for r in rows],
            }
        ),
        hide_index=True,
    )
else:
    st.info(t("No programme yet: create the first one below."))

by_id = {r.programme_id: r for r in rows}
# Labels computed once: format_func must not translate (AppTest calls it outside the run).
pick_labels = {NEW: "+ " + t("New programme"), **{i: r.name for i, r in by_id.items()}}
picked = st.selectbox(
    t("Programme to open"),
    [NEW, *by_id],
    format_func=pick_labels.get,
    key="prog_pick",
)
choices = prog.eligibility_choices(store.sf, viewer)


if picked == NEW:
    st.header(t("New programme"))
    submitted = programme_form("new", prog.ProgrammeForm(), t("Create the programme"), choices)
    if submitted is not None and act(
        CREATE,
        create_and_open,
        submitted,
        done=lambda created: t(
            "Programme “{name}” created as a draft.", name=md_escape(created.name)
        ),
        clear=[k for k in st.session_state if str(k).startswith("new_")],
    ):
        st.rerun()
    flash(CREATE)
    st.stop()

try:
    programme = prog.get_programme(store.sf, viewer, picked)
except TandemError as e:
    st.error(str(e))
    st.stop()

flash(CREATE)
flash(NEXT_CYCLE)
st.header(md_escape(programme.name))
state_col, enrolled_col, updated_col = st.columns([2, 1, 1])
state_col.metric(t("State"), options.status_label(programme.status))
enrolled_col.metric(t("Enrolled"), format_number(by_id[programme.id].enrolled))
updated_col.metric(t("Last changed"), format_date(programme.updated_at))

tab_settings, tab_state, tab_next = st.tabs([t("Settings"), t("State"), t("Next cycle")])
with tab_settings:
    settings_tab(programme, choices)
with tab_state:
    state_tab(programme)
with tab_next:
    next_cycle_tab(programme)
