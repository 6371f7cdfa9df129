"""Surveys and results (coordinator): plan a programme's surveys, add questions, read the
protected results (core.kernel.privacy) per survey round, NPS over time, mentor-skills growth,
and pairs flagged as a poor fit. One module per tab in ui/surveys/."""

import streamlit as st

from core.insights import survey_results
from core.kernel.i18n import t
from core.surveys import questions, rounds
from ui.dashboard.filters import kept_parts
from ui.page import guard
from ui.surveys.fit import fit_tab
from ui.surveys.results import results_tab
from ui.surveys.rounds import rounds_tab

TAB = "cs_tab"

store, viewer = guard("coord_surveys")
st.title(t("Surveys and results"))

choices = rounds.programme_choices(store.sf, viewer)
if not choices:
    st.info(t("No programme yet."))
    st.stop()
names = dict(choices)
programme_id = st.selectbox(
    t("Programme"), list(names), format_func=names.__getitem__, key="cs_programme"
)
k = questions.k_value(store.sf)

# The protected table is the dashboard's surveys part, kept by this server between views.
summaries = survey_results.programme_surveys(store.sf, viewer, programme_id, kept_parts(store))
# Only the tab shown runs (each is a page of its own: charts, forms, flags).
tab_results, tab_surveys, tab_fit = st.tabs(
    [t("Results"), t("Surveys and schedule"), t("Pairing fit")], key=TAB, on_change="rerun"
)
with tab_results:
    if tab_results.open:
        results_tab(store, viewer, programme_id, summaries, k)
with tab_surveys:
    if tab_surveys.open:
        rounds_tab(store, viewer, programme_id, summaries, k)
with tab_fit:
    if tab_fit.open:
        fit_tab(store, viewer, programme_id, k)
