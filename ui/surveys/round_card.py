"""One survey round's card on the Surveys and schedule tab: its kind, state and dates, its
answer rate (protected), its questions with the form adding one of one's own before it opens,
and its deletion while it is still scheduled."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.insights.survey_results import SurveySummary
from core.kernel.i18n import format_date, format_percent, t, tn
from core.surveys import questions, rounds
from core.surveys.answering import SurveyState
from ui.actions import act, flash
from ui.surveys.explain import hidden
from ui.widgets import md_escape


def _states() -> dict[str, str]:
    return {
        SurveyState.SCHEDULED: t("Scheduled"),
        SurveyState.OPEN: t("Open now"),
        SurveyState.CLOSED: t("Answers closed"),
    }


def _add_question(where: str, survey_id: int) -> None:
    ss = st.session_state
    act(
        where,
        rounds.add_custom_question,
        survey_id,
        kind=ss.get(f"cs_q_kind_{survey_id}"),
        text=ss.get(f"cs_q_text_{survey_id}", ""),
        done=t("Question added."),
    )


def _questions(sv: SurveySummary, where: str) -> None:
    scheduled = sv.state == SurveyState.SCHEDULED
    kind_labels = {
        questions.SCALE5: t("1–5"),
        questions.SCALE10: t("0–10"),
        questions.TEXT: t("text"),
    }
    for q in sv.questions:
        left, right = st.columns([5, 1])
        left.markdown(f"- {md_escape(q.text)} · *{kind_labels[q.kind]}*")
        if q.code in questions.CUSTOM_CODES and scheduled:
            right.button(
                t("Remove"),
                key=f"cs_rm_{q.id}",
                on_click=act,
                args=(where, rounds.remove_custom_question, q.id),
                kwargs={"done": t("Question removed.")},
            )
    if not scheduled:
        st.caption(t("The survey has opened: its questions no longer change."))
        return
    with st.form(f"cs_add_q_{sv.survey_id}", clear_on_submit=False):
        st.text_input(t("A question of your own"), key=f"cs_q_text_{sv.survey_id}", max_chars=300)
        st.radio(
            t("Answered with"),
            ["scale", "text"],
            format_func={
                "scale": t("a 1–5 scale (disagree → agree)"),
                "text": t("free text"),
            }.__getitem__,
            horizontal=True,
            key=f"cs_q_kind_{sv.survey_id}",
        )
        st.form_submit_button(
            t("Add the question"),
            key=f"cs_q_add_{sv.survey_id}",
            on_click=_add_question,
            args=(where, sv.survey_id),
        )


def survey_card(sv: SurveySummary, k: int, deleted: str) -> None:
    """One survey round: kind, state, dates, answer rate (protected), its questions."""
    where = f"cs_card_{sv.survey_id}"
    with st.container(border=True, key=where):
        head, count = st.columns([3, 2])
        head.markdown(f"### {md_escape(sv.title)}")
        head.caption(
            f"{t(questions.KIND_LABELS[sv.kind])} · {_states()[sv.state]} · "
            + t(
                "{opens} → {closes}",
                opens=format_date(sv.opens_at),
                closes=format_date(sv.closes_at - dt.timedelta(seconds=1)) if sv.closes_at else "…",
            )
        )
        if sv.responses is None or sv.invited is None:
            count.caption(
                t("Fewer than {k} participants have answered so far.", k=k)
                if sv.hidden == "small"
                else hidden(sv.hidden or "small", k)
            )
        else:
            rate = sv.responses / sv.invited if sv.invited else 0.0
            count.progress(
                min(rate, 1.0),
                text=tn(
                    "{n} of {total} participant answered ({rate})",
                    "{n} of {total} participants answered ({rate})",
                    sv.invited,
                    n=sv.responses,
                    total=sv.invited,
                    rate=format_percent(rate),
                ),
            )
        with st.expander(t("Questions")):
            _questions(sv, where)
        if sv.state == SurveyState.SCHEDULED:
            st.button(
                t("Delete this survey"),
                key=f"cs_delete_{sv.survey_id}",
                on_click=act,
                args=(deleted, rounds.delete_survey, sv.survey_id),
                kwargs={"done": t("Survey deleted.")},
            )
        flash(where)
