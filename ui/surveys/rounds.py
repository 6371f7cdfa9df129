"""The Surveys and schedule tab: plan the rounds from the schedule, create one now, and each
round's card (ui/surveys/round_card.py: answer rate, questions, questions of one's own before
it opens, deletion)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.insights.survey_results import SurveySummary
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.kernel.store import Store
from core.surveys import questions, rounds
from core.surveys.rounds import PlanStatus
from ui.actions import act, flash
from ui.surveys.round_card import survey_card


def _plan_statuses() -> dict[str, str]:
    return {
        PlanStatus.CREATED: t("Created"),
        PlanStatus.UPCOMING: t("To create (opens later)"),
        PlanStatus.DUE: t("To create (due now)"),
        PlanStatus.MISSED: t("Missed"),
    }


def _round_name(point: rounds.ScheduledSurvey) -> str:
    if point.kind == questions.PULSE:
        return t("Pulse survey {n}", n=point.number)
    return t(questions.KIND_LABELS[questions.END])


def plan_section(store: Store, viewer: Viewer, programme_id: int, expanded: bool) -> None:
    """The schedule with its options, what exists of it, and the button creating the rest."""
    where = f"cs_plan_{programme_id}"
    with st.expander(t("Plan the surveys from the schedule"), expanded=expanded):
        st.caption(
            t(
                "A survey some days after the pairs started, then at a regular interval, and one shortly before the programme ends. Each stays open two weeks. Surveys that open later can still receive questions of your own."
            )
        )
        c1, c2, c3 = st.columns(3)
        first = c1.number_input(
            t("First survey, days after matching"), 0, 365, 30, key="cs_first_after"
        )
        every = c2.number_input(t("Then every … days"), 7, 365, 60, key="cs_every")
        at_end = c3.checkbox(t("And at the end"), value=True, key="cs_at_end")
        options = {"first_after_days": int(first), "every_days": int(every), "at_end": at_end}
        try:  # a read: a programme without a start date has no schedule yet
            plan = rounds.plan_surveys(store.sf, viewer, programme_id, **options)
        except TandemError as e:
            st.error(str(e))
            plan = []
        if plan:
            statuses = _plan_statuses()
            st.dataframe(
                pd.DataFrame(
                    {
                        t("Survey"): [_round_name(p.point) for p in plan],
                        t("Opens"): [format_date(p.point.opens_on) for p in plan],
                        t("Last day"): [format_date(p.point.closes_on) for p in plan],
                        t("Status"): [statuses[p.status] for p in plan],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            to_create = sum(p.status in rounds.TO_CREATE for p in plan)
            st.button(
                t("Create the planned surveys"),
                disabled=not to_create,
                key="cs_create_planned",
                on_click=act,
                args=(where, rounds.create_planned_surveys, programme_id),
                kwargs={"done": t("{n} surveys created.", n=to_create), **options},
            )
    flash(where)


def _create_survey(where: str, programme_id: int) -> None:
    ss = st.session_state
    act(
        where,
        rounds.create_survey,
        programme_id,
        title=ss.get("cs_new_title", ""),
        opens_on=ss.get("cs_new_opens"),
        closes_on=ss.get("cs_new_closes"),
        kind=ss.get("cs_new_kind"),
        done=t("Survey created."),
    )


def new_survey_section(programme_id: int) -> None:
    """A survey with the standard questions, opening on a chosen day."""
    where = f"cs_new_{programme_id}"
    with st.expander(t("Create a survey now")):
        with st.form("cs_new_survey", clear_on_submit=False):
            st.text_input(t("Title"), key="cs_new_title", max_chars=200)
            n1, n2, n3 = st.columns(3)
            n1.date_input(t("Opens on"), value=clock.today(), key="cs_new_opens")
            n2.date_input(
                t("Last day to answer"),
                value=clock.today() + dt.timedelta(days=13),
                key="cs_new_closes",
            )
            kinds = {k: t(v) for k, v in questions.KIND_LABELS.items()}
            n3.radio(
                t("Kind"),
                [questions.PULSE, questions.END],
                format_func=kinds.__getitem__,
                key="cs_new_kind",
            )
            st.caption(
                t(
                    "Every survey asks the standard questions (satisfaction, recommendation, help from the peer, progress, a free comment). Add your own before it opens."
                )
            )
            st.form_submit_button(
                t("Create the survey"),
                key="cs_new_submit",
                on_click=_create_survey,
                args=(where, programme_id),
            )
    flash(where)


def rounds_tab(
    store: Store, viewer: Viewer, programme_id: int, summaries: Sequence[SurveySummary], k: int
) -> None:
    """Draw the Surveys and schedule tab of a programme."""
    plan_section(store, viewer, programme_id, expanded=not summaries)
    new_survey_section(programme_id)
    deleted = (
        f"cs_deleted_{programme_id}"  # a deleted survey's card is gone: its message shows here
    )
    flash(deleted)
    if not summaries:
        st.info(t("No survey for this programme yet."))
    for sv in reversed(summaries):
        survey_card(sv, k, deleted)
